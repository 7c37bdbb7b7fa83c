// fleet: N simulated devices (the fleet simulator, in a process of its own) on one hub: how long they take to connect,
// the hub's RSS and bytes per connection, the time for a desired state to reach all N, and to roll all N back.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Bench, Figure } from "./types.js";
import { ONE_STAGE_PLAN, createRollout, rolloutReaches, simRelease, withSimFleet } from "./sim-client.js";
import { round } from "./util.js";

const defaults = {
  devices: 10_000,
  /** The agents' first-connect jitter window (their default: 5 s), spreading a fleet's first connections. */
  connectJitterMs: 5000,
  kpiIntervalS: 60,
  heartbeatIntervalS: 60,
  artifactBytes: 4096,
  /** Minutes allowed for each step (connect, desired state, rollback). */
  timeoutMin: 20,
};
type Params = typeof defaults;

/** The hub's process RSS after a full garbage collection. */
function rssAfterGc(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().rss;
}

const ALL_STATES = ["pending", "downloading", "verified", "activated", "failed", "cancelled", "rolling_back", "rolled_back"];

export const bench: Bench<Params> = {
  name: "fleet",
  description: "N simulated devices on one hub: connect time, hub RSS and bytes per connection, desired state to all N, roll all N back",
  defaults,
  smoke: { devices: 5, connectJitterMs: 100, timeoutMin: 1 },
  async run(p, log) {
    const figures: Figure[] = [];
    const timeout = p.timeoutMin * 60_000;
    let rss0 = 0;
    const simOpts = { devices: p.devices, kpiIntervalS: p.kpiIntervalS, heartbeatIntervalS: p.heartbeatIntervalS, agentConfig: { mqtt: { connectJitterMs: p.connectJitterMs } }, timeoutMs: timeout };
    const before = async () => {
      rss0 = rssAfterGc();
    };
    await withSimFleet("fleet", { mqtt: { persistence: "level" } }, simOpts, async (h, sim) => {
      const c = await sim.connected(p.devices, timeout);
      const rssN = rssAfterGc();
      log(`${p.devices} devices: enrolled and started in ${((sim.startedAt - sim.startCalledAt) / 1000).toFixed(1)} s, all connected ${((c.lastAt - sim.startCalledAt) / 1000).toFixed(1)} s after the start; hub RSS ${(rss0 / 2 ** 20).toFixed(0)} -> ${(rssN / 2 ** 20).toFixed(0)} MiB`);
      figures.push(
        { name: "connect: first to last device", value: round((c.lastAt - c.firstAt) / 1000, 2), unit: "s", note: `first connections spread over the agents' ${p.connectJitterMs} ms jitter window by design` },
        { name: "connect: start to all connected", value: round((c.lastAt - sim.startCalledAt) / 1000, 2), unit: "s", note: "from startSimulator (enrollment through the API included)" },
        { name: "hub RSS with N connected", value: round(rssN / 2 ** 20, 1), unit: "MiB", note: "after a full GC; the simulated devices run in another process" },
        { name: "hub bytes per connection", value: Math.round((rssN - rss0) / p.devices), unit: "B", note: "RSS growth from no device to N connected (sessions, subscriptions, retained status, registry) / N" },
      );

      // Rollout 1 takes every device from its factory state to rel-fleet-1 (timed); rollout 2 to rel-fleet-2; the
      // rollback of rollout 2 takes them back to rel-fleet-1 (a device with no release before has nothing to go back to).
      for (const n of [1, 2]) await simRelease(h, `rel-fleet-${n}`, "good", p.artifactBytes);
      const t0 = Date.now();
      await createRollout(h, { id: "ro-fleet-1", releaseId: "rel-fleet-1", plan: ONE_STAGE_PLAN });
      const created = Date.now();
      const reachedAll = await sim.reached("ro-fleet-1", ALL_STATES, p.devices, timeout);
      const activated = await sim.reached("ro-fleet-1", ["activated"], p.devices, timeout);
      log(`desired state: rollout created in ${((created - t0) / 1000).toFixed(1)} s; all ${p.devices} answered after ${((reachedAll.lastAt - t0) / 1000).toFixed(1)} s, activated after ${((activated.lastAt - t0) / 1000).toFixed(1)} s`);
      figures.push(
        { name: "desired state: rollout created", value: round((created - t0) / 1000, 2), unit: "s", note: "POST /api/rollouts: selection, N desired states signed, stored and published" },
        { name: "desired state: reached all N", value: round((reachedAll.lastAt - t0) / 1000, 2), unit: "s", note: "until every device reported its first transition of the rollout" },
        { name: "desired state: all N activated", value: round((activated.lastAt - t0) / 1000, 2), unit: "s", note: `each downloaded a ${p.artifactBytes} B artifact from the hub` },
      );
      await rolloutReaches(h, "ro-fleet-1", "completed", timeout);
      const t2 = Date.now();
      await createRollout(h, { id: "ro-fleet-2", releaseId: "rel-fleet-2", plan: ONE_STAGE_PLAN });
      const activated2 = await sim.reached("ro-fleet-2", ["activated"], p.devices, timeout);
      log(`second rollout: all ${p.devices} activated after ${((activated2.lastAt - t2) / 1000).toFixed(1)} s`);

      const t1 = Date.now();
      const rb = await h.api("POST", "/api/rollouts/ro-fleet-2/rollback", { reason: "benchmark" });
      if (rb.status !== 200) throw new Error(`rollback: ${rb.status} ${JSON.stringify(rb.body)}`);
      const asked = await sim.reached("ro-fleet-2", ["rolling_back", "rolled_back"], p.devices, timeout);
      const back = await sim.reached("ro-fleet-2", ["rolled_back"], p.devices, timeout);
      log(`rollback: all ${p.devices} rolling back after ${((asked.lastAt - t1) / 1000).toFixed(1)} s, rolled back after ${((back.lastAt - t1) / 1000).toFixed(1)} s`);
      figures.push(
        { name: "rollback: reached all N", value: round((asked.lastAt - t1) / 1000, 2), unit: "s", note: "from POST .../rollback until every device reported rolling_back" },
        { name: "rollback: all N rolled back", value: round((back.lastAt - t1) / 1000, 2), unit: "s" },
        { name: "hub RSS after the rollout", value: round(rssAfterGc() / 2 ** 20, 1), unit: "MiB" },
      );
    }, before);
    return { params: p, figures };
  },
};
