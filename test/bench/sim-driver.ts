// The simulator process of the fleet and detection benchmarks: starts the fleet simulator on command and answers
// questions about what its devices did (first connection, first transition to a state per rollout), aggregated here so
// the IPC carries counts, not one message per device.
import pino from "pino";
import { stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { startSimulator } from "../../device-agent/simulator/index.js";
import type { Simulator } from "../../device-agent/simulator/index.js";
import type { SimCommand, SimReply } from "./sim-protocol.js";

let sim: Simulator | undefined;
const connectedAt = new Map<string, number>();
/** `${rolloutId}|${state}` -> device -> first time. */
const reached = new Map<string, Map<string, number>>();

function reply(m: SimReply): void {
  process.send?.(m);
}

async function handle(c: SimCommand): Promise<void> {
  switch (c.type) {
    case "start": {
      const startCalledAt = Date.now();
      sim = await startSimulator({
        hubHttpUrl: c.hubHttpUrl,
        adminToken: c.adminToken,
        count: c.count,
        dataDir: c.dataDir,
        idPrefix: "fleet",
        kpiIntervalS: c.kpiIntervalS,
        heartbeatIntervalS: c.heartbeatIntervalS,
        agentConfig: c.agentConfig,
        // VERGE_SIM_LOG=warn (or info, debug) shows what the simulated agents log, on stderr; silent otherwise.
        logger: pino({ level: process.env.VERGE_SIM_LOG ?? "silent" }, pino.destination(2)),
      });
      sim.events.on("connected", (deviceId: string) => {
        if (!connectedAt.has(deviceId)) connectedAt.set(deviceId, Date.now());
      });
      sim.events.on("transition", (deviceId: string, t: verge.v1.StateTransition) => {
        const key = `${t.rolloutId}|${stateFromWire(t.state) ?? "?"}`;
        let m = reached.get(key);
        if (!m) reached.set(key, (m = new Map<string, number>()));
        if (!m.has(deviceId)) m.set(deviceId, Date.now());
      });
      reply({ type: "started", deviceIds: sim.deviceIds, startCalledAt, startedAt: Date.now() });
      const timer = setInterval(() => {
        const times = [...connectedAt.values()];
        reply({ type: "connected", connected: sim?.connectedCount() ?? 0, firstAt: times.length ? Math.min(...times) : null, lastAt: times.length ? Math.max(...times) : null });
      }, 250);
      timer.unref();
      return;
    }
    case "count": {
      const devices = new Map<string, number>();
      for (const s of c.states) for (const [id, at] of reached.get(`${c.rolloutId}|${s}`) ?? []) devices.set(id, Math.min(at, devices.get(id) ?? Infinity));
      const times = [...devices.values()];
      reply({ type: "counted", devices: devices.size, firstAt: times.length ? Math.min(...times) : null, lastAt: times.length ? Math.max(...times) : null });
      return;
    }
    case "stop":
      await sim?.stop();
      reply({ type: "stopped" });
      process.exit(0);
  }
}

process.on("message", (m: SimCommand) => {
  handle(m).catch((err: unknown) => {
    reply({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});
process.on("disconnect", () => {
  void sim?.stop().finally(() => process.exit(0));
});
