// The benchmark side of the simulator process (sim-driver.ts): start N devices, wait for them to connect, wait for
// devices to reach states of a rollout; and what the fleet and detection benchmarks share around it (a hub in a temp
// dir, releases with a behaviour profile, a one-stage plan).
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { profileNotes } from "../../device-agent/simulator/profiles.js";
import type { SimProfile } from "../../device-agent/simulator/profiles.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { isSimReply } from "./sim-protocol.js";
import type { SimCommand } from "./sim-protocol.js";
import { forkTs, nextMessage, reap, sleep } from "./util.js";

const DRIVER = fileURLToPath(new URL("./sim-driver.ts", import.meta.url));

export interface SimProcess {
  child: ChildProcess;
  deviceIds: string[];
  /** Date.now() when startSimulator was called, and when it returned (devices enrolled, agents started). */
  startCalledAt: number;
  startedAt: number;
  /** Waits until `n` devices are connected; first and last first-connection times. */
  connected(n: number, timeoutMs: number): Promise<{ firstAt: number; lastAt: number }>;
  /** Waits until `n` devices reported one of `states` for the rollout; when the first and the last did. */
  reached(rolloutId: string, states: string[], n: number, timeoutMs: number): Promise<{ firstAt: number; lastAt: number }>;
  stop(): Promise<void>;
}

export async function startSimProcess(opts: Omit<Extract<SimCommand, { type: "start" }>, "type">): Promise<SimProcess> {
  const child = forkTs(DRIVER);
  let connected = { connected: 0, firstAt: null as number | null, lastAt: null as number | null };
  child.on("message", (m: unknown) => {
    if (isSimReply("connected")(m) && m.type === "connected") connected = m;
  });
  child.send({ type: "start", ...opts } satisfies SimCommand);
  const started = await nextMessage(child, isSimReply("started"), 30 * 60_000);
  if (started.type === "error") {
    child.kill("SIGKILL");
    throw new Error(`simulator: ${started.message}`);
  }
  return {
    child,
    deviceIds: started.deviceIds,
    startCalledAt: started.startCalledAt,
    startedAt: started.startedAt,
    async connected(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (connected.connected < n || connected.lastAt === null || connected.firstAt === null) {
        if (Date.now() > deadline) throw new Error(`only ${connected.connected} of ${n} simulated devices connected after ${timeoutMs} ms`);
        await sleep(100);
      }
      return { firstAt: connected.firstAt, lastAt: connected.lastAt };
    },
    async reached(rolloutId, states, n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // A simulator busy with thousands of agents can take a while to answer; the step's own deadline bounds it.
        const answer = nextMessage(child, isSimReply("counted"), Math.max(30_000, deadline - Date.now()));
        child.send({ type: "count", rolloutId, states } satisfies SimCommand);
        const r = await answer;
        if (r.type === "error") throw new Error(`simulator: ${r.message}`);
        if (r.devices >= n && r.firstAt !== null && r.lastAt !== null) return { firstAt: r.firstAt, lastAt: r.lastAt };
        if (Date.now() > deadline) throw new Error(`${rolloutId}: only ${r.devices} of ${n} devices reached ${states.join("|")} after ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async stop() {
      if (child.connected) child.send({ type: "stop" } satisfies SimCommand);
      await reap(child, 120_000);
    },
  };
}

/** Waits until the hub shows the rollout in `status` (e.g. completed before the next rollout of the same devices). */
export async function rolloutReaches(h: TestHub, id: string, status: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await h.api<{ rollout?: { status: string } }>("GET", `/api/rollouts/${id}`);
    if (r.body.rollout?.status === status) return;
    if (Date.now() > deadline) throw new Error(`rollout ${id} not ${status} after ${timeoutMs} ms (is ${r.body.rollout?.status})`);
    await sleep(200);
  }
}

/** One stage over the whole fleet: activate at once, no observation window, no rules. */
export const ONE_STAGE_PLAN = { name: "bench-all", stages: [{ name: "all", kind: "wave", select: { percent: 100 }, observe: 0, activation: "immediate", failureThreshold: 1 }] };

/** A release of one random artifact for the simulator's devices (variant sc-x1), behaving as `profile`. */
export async function simRelease(h: TestHub, id: string, profile: SimProfile, artifactBytes = 4096): Promise<void> {
  const sha = await h.upload(randomBytes(artifactBytes));
  const r = await h.api("POST", "/api/releases", { id, version: id, variants: ["sc-x1"], components: [{ name: "app", sha256: sha }], notes: profileNotes(profile) });
  if (r.status !== 201) throw new Error(`release ${id}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Creates a rollout through the API; throws with the hub's answer unless it is created. */
export async function createRollout(h: TestHub, body: Record<string, unknown>): Promise<void> {
  const r = await h.api("POST", "/api/rollouts", body);
  if (r.status !== 201) throw new Error(`rollout ${String(body.id)}: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * Runs `fn` with a hub on a temp dir and a simulator process of `devices` devices, all connected; stops both and
 * removes the dir after, whatever happens.
 */
export async function withSimFleet<T>(
  name: string,
  hubConfig: Parameters<typeof startTestHub>[1],
  sim: { devices: number; kpiIntervalS: number; heartbeatIntervalS: number; agentConfig?: Record<string, unknown>; timeoutMs: number },
  fn: (h: TestHub, fleet: SimProcess) => Promise<T>,
  before?: (h: TestHub) => Promise<void>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `verge-bench-${name}-`));
  try {
    const h = await startTestHub(join(dir, "hub"), hubConfig);
    try {
      await before?.(h);
      const fleet = await startSimProcess({
        hubHttpUrl: h.hub.addresses.httpUrl,
        adminToken: h.adminToken,
        count: sim.devices,
        dataDir: join(dir, "sim"),
        kpiIntervalS: sim.kpiIntervalS,
        heartbeatIntervalS: sim.heartbeatIntervalS,
        agentConfig: sim.agentConfig ?? {},
      });
      try {
        return await fn(h, fleet);
      } finally {
        await fleet.stop();
      }
    } finally {
      await h.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
