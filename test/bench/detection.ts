// detection: a bad release (the simulator's availability_drop profile) on a 1,000-device stage with a
// pause_and_rollback availability rule: the time from the moment the breach has lasted its `for` span (the rule's
// breachSince + for, as the pause event reports them) to the pause event received on the SCADA topic, and to the
// rollback reaching every device of the cohort (its first rolling_back transition).
import type { SimProfile } from "../../device-agent/simulator/profiles.js";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { topics } from "../../proto/index.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import type { Bench, Figure } from "./types.js";
import { ONE_STAGE_PLAN } from "./fleet.js";
import { loadSimulator, simProfileNotes } from "./simulator-contract.js";
import { rolloutReaches, startSimProcess } from "./sim-client.js";
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

async function release(h: TestHub, id: string, profile: SimProfile): Promise<void> {
  const sha = await h.upload(randomBytes(4096));
  const r = await h.api("POST", "/api/releases", { id, version: id, variants: ["sc-x1"], components: [{ name: "app", sha256: sha }], notes: simProfileNotes(profile) });
  if (r.status !== 201) throw new Error(`release ${id}: ${r.status} ${JSON.stringify(r.body)}`);
}

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
    await loadSimulator();
    if (!Number.isInteger(p.evaluateEveryS) || p.evaluateEveryS < 1 || p.evaluateEveryS > 59) throw new Error("--evaluateEveryS: a whole number of seconds, 1-59");
    const dir = mkdtempSync(join(tmpdir(), "verge-bench-detection-"));
    const timeout = p.timeoutMin * 60_000;
    const figures: Figure[] = [];
    try {
      const h = await startTestHub(join(dir, "hub"), { rollout: { evaluateCron: `*/${p.evaluateEveryS} * * * * *` } });
      try {
        const scada = await h.api<{ secret: string }>("POST", "/api/scada", { name: "bench-scada" });
        if (scada.status !== 201) throw new Error(`scada credential: ${scada.status} ${JSON.stringify(scada.body)}`);
        const sub = await mqtt.connectAsync(h.hub.broker.url, { clientId: "bench-scada", username: "bench-scada", password: scada.body.secret, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
        const pauses: Array<{ receivedAt: number; event: PauseEvent }> = [];
        sub.on("message", (topic, payload) => {
          if (topic !== topics.rolloutEvents("ro-bad")) return;
          const event = JSON.parse(payload.toString()) as PauseEvent;
          if (event.type === "paused") pauses.push({ receivedAt: Date.now(), event });
        });
        await sub.subscribeAsync(topics.rolloutEvents("ro-bad"), { qos: 1 });
        const sim = await startSimProcess({
          hubHttpUrl: h.hub.addresses.httpUrl,
          adminToken: h.adminToken,
          count: p.devices,
          dataDir: join(dir, "sim"),
          kpiIntervalS: p.kpiIntervalS,
          heartbeatIntervalS: 60,
          agentConfig: {},
        });
        try {
          await sim.connected(p.devices, timeout);
          // The release every device runs before the bad one: where the rollback takes them.
          await release(h, "rel-good", "good");
          const base = await h.api("POST", "/api/rollouts", { id: "ro-good", releaseId: "rel-good", plan: ONE_STAGE_PLAN });
          if (base.status !== 201) throw new Error(`baseline rollout: ${base.status} ${JSON.stringify(base.body)}`);
          await sim.reached("ro-good", ["activated"], p.devices, timeout);
          await rolloutReaches(h, "ro-good", "completed", timeout);
          log(`${p.devices} devices on rel-good`);

          await release(h, "rel-bad", "availability_drop");
          const plan = {
            name: "bench-detect",
            stages: [{ name: "all", kind: "wave", select: { percent: 100 }, observe: "1h", activation: "immediate", failureThreshold: 1 }],
            rules: [{ name: "availability", metric: "availability", op: "<", threshold: "99.5%", for: `${p.forS}s`, window: `${p.windowS}s`, minDevices: 1, action: "pause_and_rollback" }],
          };
          const bad = await h.api("POST", "/api/rollouts", { id: "ro-bad", releaseId: "rel-bad", plan });
          if (bad.status !== 201) throw new Error(`bad rollout: ${bad.status} ${JSON.stringify(bad.body)}`);
          const rolledBack = await sim.reached("ro-bad", ["rolling_back", "rolled_back"], p.devices, timeout);
          const pause = pauses[0];
          if (!pause) throw new Error("every device rolled back but no pause event arrived on the SCADA topic");
          const { breachSince, forMs } = pause.event.details ?? {};
          if (breachSince === undefined || forMs === undefined) throw new Error(`pause event without breachSince/forMs: ${JSON.stringify(pause.event)}`);
          const due = breachSince + forMs;
          log(`breach since ${new Date(breachSince).toISOString()}, for ${forMs} ms; pause event received ${pause.receivedAt - due} ms after; every device rolling back ${rolledBack.lastAt - due} ms after`);
          figures.push(
            { name: "breach held -> pause event (SCADA)", value: round((pause.receivedAt - due) / 1000, 2), unit: "s", note: `from breachSince + for to the event received by a SCADA subscriber; rules evaluated every ${p.evaluateEveryS} s` },
            { name: "breach held -> rollback at all devices", value: round((rolledBack.lastAt - due) / 1000, 2), unit: "s", note: `until each of ${p.devices} devices reported rolling_back` },
            { name: "pause event -> rollback at all devices", value: round((rolledBack.lastAt - pause.receivedAt) / 1000, 2), unit: "s" },
            { name: "pause event -> first device rolling back", value: round((rolledBack.firstAt - pause.receivedAt) / 1000, 2), unit: "s" },
          );
        } finally {
          await sim.stop();
          await sub.endAsync(true);
        }
      } finally {
        await h.stop();
      }
      return { params: p, figures };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
