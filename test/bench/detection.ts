// detection: a bad release (the simulator's availability_drop profile) on a 1,000-device stage with a
// pause_and_rollback availability rule: the time from the moment the breach has lasted its `for` span (the rule's
// breachSince + for, as the pause event reports them) to the pause event received on the SCADA topic, and to the
// rollback reaching every device of the cohort (its first rolling_back transition).
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { topics } from "../../proto/index.js";
import type { TestHub } from "../helpers/hub.js";
import type { Bench, Figure } from "./types.js";
import { ONE_STAGE_PLAN, createRollout, rolloutReaches, simRelease, withSimFleet } from "./sim-client.js";
import { round } from "./util.js";

const defaults = {
  devices: 1000,
  /** The hub's rule evaluation period (its default: every 10 s). */
  evaluateEveryS: 10,
  /** The rule: availability < 99.5% over `windowS`, held for `forS`. */
  forS: 10,
  windowS: 30,
  kpiIntervalS: 2,
  timeoutMin: 10,
};
type Params = typeof defaults;

interface PauseEvent {
  type: string;
  at: string;
  details?: { breachSince?: number; forMs?: number };
}

export const bench: Bench<Params> = {
  name: "detection",
  description: "breach held for its `for` span -> pause event on the SCADA topic -> rollback at every device of a 1,000-device cohort",
  defaults,
  smoke: { devices: 3, evaluateEveryS: 1, forS: 1, windowS: 5, kpiIntervalS: 1, timeoutMin: 1 },
  async run(p, log) {
    if (!Number.isInteger(p.evaluateEveryS) || p.evaluateEveryS < 1 || p.evaluateEveryS > 59) throw new Error("--evaluateEveryS: a whole number of seconds, 1-59");
    const timeout = p.timeoutMin * 60_000;
    const figures: Figure[] = [];
    const pauses: Array<{ receivedAt: number; event: PauseEvent }> = [];
    let scada: MqttClient | undefined;
    // A SCADA subscriber on the rollout's event topic, before any device exists.
    const subscribe = async (h: TestHub) => {
      const cred = await h.api<{ secret: string }>("POST", "/api/scada", { name: "bench-scada" });
      if (cred.status !== 201) throw new Error(`scada credential: ${cred.status} ${JSON.stringify(cred.body)}`);
      scada = await mqtt.connectAsync(h.hub.broker.url, { clientId: "bench-scada", username: "bench-scada", password: cred.body.secret, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
      scada.on("message", (topic, payload) => {
        if (topic !== topics.rolloutEvents("ro-bad")) return;
        const event = JSON.parse(payload.toString()) as PauseEvent;
        if (event.type === "paused") pauses.push({ receivedAt: Date.now(), event });
      });
      await scada.subscribeAsync(topics.rolloutEvents("ro-bad"), { qos: 1 });
    };
    const hubConfig = { rollout: { evaluateCron: `*/${p.evaluateEveryS} * * * * *` } };
    const simOpts = { devices: p.devices, kpiIntervalS: p.kpiIntervalS, heartbeatIntervalS: 60, timeoutMs: timeout };
    try {
      await withSimFleet("detection", hubConfig, simOpts, async (h, sim) => {
        await sim.connected(p.devices, timeout);
        // The release every device runs before the bad one: where the rollback takes them.
        await simRelease(h, "rel-good", "good");
        await createRollout(h, { id: "ro-good", releaseId: "rel-good", plan: ONE_STAGE_PLAN });
        await sim.reached("ro-good", ["activated"], p.devices, timeout);
        await rolloutReaches(h, "ro-good", "completed", timeout);
        log(`${p.devices} devices on rel-good`);

        await simRelease(h, "rel-bad", "availability_drop");
        const plan = {
          name: "bench-detect",
          stages: [{ name: "all", kind: "wave", select: { percent: 100 }, observe: "1h", activation: "immediate", failureThreshold: 1 }],
          rules: [{ name: "availability", metric: "availability", op: "<", threshold: "99.5%", for: `${p.forS}s`, window: `${p.windowS}s`, minDevices: 1, action: "pause_and_rollback" }],
        };
        await createRollout(h, { id: "ro-bad", releaseId: "rel-bad", plan });
        // A device still downloading or verifying when the rollback comes is told to cancel instead (it never ran
        // rel-bad): the command has reached it all the same.
        const rolledBack = await sim.reached("ro-bad", ["rolling_back", "rolled_back", "cancelled"], p.devices, timeout);
        const pause = pauses[0];
        if (!pause) throw new Error("every device rolled back but no pause event arrived on the SCADA topic");
        const { breachSince, forMs } = pause.event.details ?? {};
        if (breachSince === undefined || forMs === undefined) throw new Error(`pause event without breachSince/forMs: ${JSON.stringify(pause.event)}`);
        const due = breachSince + forMs;
        log(`breach since ${new Date(breachSince).toISOString()}, for ${forMs} ms; pause event received ${pause.receivedAt - due} ms after; every device rolling back ${rolledBack.lastAt - due} ms after`);
        figures.push(
          { name: "breach held -> pause event (SCADA)", value: round((pause.receivedAt - due) / 1000, 2), unit: "s", note: `from breachSince + for to the event received by a SCADA subscriber; rules evaluated every ${p.evaluateEveryS} s` },
          { name: "breach held -> rollback at all devices", value: round((rolledBack.lastAt - due) / 1000, 2), unit: "s", note: `until each of ${p.devices} devices reported rolling_back (or cancelled, if it had not activated yet)` },
          { name: "pause event -> rollback at all devices", value: round((rolledBack.lastAt - pause.receivedAt) / 1000, 2), unit: "s" },
          { name: "pause event -> first device rolling back", value: round((rolledBack.firstAt - pause.receivedAt) / 1000, 2), unit: "s" },
        );
      }, subscribe);
    } finally {
      await scada?.endAsync(true);
    }
    return { params: p, figures };
  },
};
