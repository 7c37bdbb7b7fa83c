// Power cuts on a real agent process (dist/device-agent/main.js) at every step of a deployment: the agent SIGKILLs
// itself at a named crash point (VERGE_AGENT_CRASH_AT, device-agent/crash-point.ts) between two durable writes, and
// is started again. Every transition it reached is stored at the hub exactly once and the rollout completes; a
// corrupt, deleted or wiped state does not send the telemetry seq back below what the hub already stored.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { stateNames, testAgentConfig, writeAgentConfig } from "../helpers/agents.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface AgentRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built agent; with `crashAt` it kills itself with SIGKILL at that point. Killed after the test if still up. */
function runAgent(configFile: string, crashAt?: string): AgentRun {
  const env = { ...process.env };
  delete env.VERGE_AGENT_CRASH_AT;
  if (crashAt) env.VERGE_AGENT_CRASH_AT = crashAt;
  const child = spawn(process.execPath, ["dist/device-agent/main.js", "--config", configFile], { stdio: ["ignore", "ignore", "pipe"], env });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") process.stderr.write(`agent exited with ${code ?? signal}: ${stderr}\n`);
      resolve({ code, signal });
    }),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    return exited.then(() => undefined);
  });
  return { child, exited };
}

async function killed(run: AgentRun, what: string, timeoutMs = 20_000): Promise<void> {
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
  const outcome = await Promise.race([run.exited, timer]);
  if (outcome === "timeout") throw new Error(`the agent did not reach ${what} within ${timeoutMs} ms`);
  expect(outcome, `exit at ${what}`).toMatchObject({ signal: "SIGKILL" });
}

async function release(h: TestHub, id: string, bytes: Buffer): Promise<void> {
  const sha = await h.upload(bytes);
  const res = await h.api("POST", "/api/releases", { id, version: id, variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
  expect(res.status).toBe(201);
}

/** The highest seq the hub stored for the device, over every telemetry table. */
function maxStoredSeq(h: TestHub, deviceId: string): number {
  const tables = (h.hub.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>)
    .map((t) => t.name)
    .filter((name) => {
      const cols = (h.hub.db.prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string }>).map((c) => c.name);
      return cols.includes("device_id") && cols.includes("seq") && name !== "desired_states";
    });
  let max = 0;
  for (const t of tables) {
    const row = h.hub.db.prepare(`SELECT max(seq) AS m FROM ${t} WHERE device_id = ?`).get(deviceId) as { m: number | null };
    max = Math.max(max, row.m ?? 0);
  }
  return max;
}

/** The transitions verge-agent logged (JSON lines in <dataDir>/logs/agent.log*): what each run reached. */
function loggedTransitions(dataDir: string, rolloutId: string): Array<{ seq: number; to: string }> {
  const dir = join(dataDir, "logs");
  const out: Array<{ seq: number; to: string }> = [];
  for (const name of ["agent.log.3", "agent.log.2", "agent.log.1", "agent.log"]) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.includes('"deployment transition"')) continue;
      const l = JSON.parse(line) as { seq: number; to: string; rolloutId: string };
      if (l.rolloutId === rolloutId) out.push({ seq: l.seq, to: l.to });
    }
  }
  return out;
}

async function setUp(prefix: string, id: string) {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  const h = await startTestHub(join(t.dir, "hub"));
  cleanups.push(() => h.stop());
  const { agentConfig } = await enroll(h, id);
  const dataDir = join(t.dir, id);
  mkdirSync(dataDir);
  const configFile = join(t.dir, `${id}.yaml`);
  writeAgentConfig(configFile, testAgentConfig(agentConfig, dataDir, { extraConfig: { logLevel: "info" } }));
  return { h, dataDir, configFile };
}

/**
 * Where to cut the power, per step of a deployment; rollout i uses entry i % length of each list, so 5 rollouts cut
 * 5 times at every step, between each pair of durable writes of that step at least once.
 */
const CUTS: Record<string, string[]> = {
  // pending -> downloading in the outbox journal / in state.json too
  downloading: ["announced-downloading", "persisted-downloading"],
  // the artifact verified: the transition in the journal, state.json still downloading / both written
  verified: ["announced-verified", "persisted-verified"],
  // the activation record written, nothing installed / the first component copied into the inactive slot
  installing: ["activation-recorded", "installing"],
  // switchedAt written, `current` not switched yet / `current` switched, not committed
  switched: ["switch-recorded", "switched"],
  // the slot committed, `activated` not announced / announced, state.json not written / both written
  committed: ["committed", "announced-activated", "persisted-activated"],
};

describe("power cuts on a real agent", () => {
  it("SIGKILL at each step of a deployment, 5 times per step: every transition reached is stored once, every rollout completes", async () => {
    const { h, dataDir, configFile } = await setUp("verge-power-cut-", "pc-1");
    let lastSeq = 0;
    for (let i = 0; i < 5; i++) {
      const releaseId = `rel-pc-${i}`;
      const rolloutId = `ro-pc-${i}`;
      const bytes = randomBytes(16 * 1024 + i);
      await release(h, releaseId, bytes);
      expect((await h.api("POST", "/api/rollouts", { id: rolloutId, releaseId, devices: ["pc-1"] })).status).toBe(201);
      for (const [step, points] of Object.entries(CUTS)) {
        const point = points[i % points.length]!;
        await killed(runAgent(configFile, point), `${step} (${point}), rollout ${i}`);
      }
      // Power back for good: the agent finishes what the cuts left.
      const run = runAgent(configFile);
      await waitFor(`rollout ${rolloutId} completed`, () => h.hub.repos.rollouts.get(rolloutId)?.status === "completed", 20_000);

      const stored = h.hub.repos.telemetry.transitions("pc-1", rolloutId);
      expect(stateNames(stored), `rollout ${i}`).toEqual(["pending", "downloading", "verified", "activated"]);
      for (const state of ["pending", "verified", "activated"]) expect(stored.filter((x) => x.state === state), `${state} in rollout ${i}`).toHaveLength(1);
      expect(stored.filter((x) => x.fromState === "pending" && x.state === "downloading"), `rollout ${i}`).toHaveLength(1);
      expect(stored.find((x) => x.state === "activated")?.fromState).toBe("verified");
      // seqs strictly increasing, in the order the device reached the states, and above every earlier rollout's
      const seqs = stored.map((x) => x.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs[0]).toBeGreaterThan(lastSeq);
      lastSeq = seqs.at(-1)!;
      // every transition a run logged (it reached it, the journal had it) is at the hub
      const reached = loggedTransitions(dataDir, rolloutId);
      expect(reached.length).toBeGreaterThanOrEqual(4);
      const storedSeqs = new Set(seqs);
      for (const r of reached) expect(storedSeqs.has(r.seq), `logged ${r.to} seq ${r.seq} stored`).toBe(true);
      expect(readFileSync(join(dataDir, "current", "app")).equals(bytes)).toBe(true);
      const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")) as { installed: { currentReleaseId: string }; deployment: { state: string; activation: unknown } };
      expect(state.installed.currentReleaseId).toBe(releaseId);
      expect(state.deployment).toMatchObject({ state: "activated", activation: null });
      // a cut while idle, from outside, before the next rollout
      run.child.kill("SIGKILL");
      await run.exited;
    }
  }, 120_000);

  it("a rollback the hub asks for, cut after rolling_back is announced and again after the switch: rolled_back once, the previous release runs", async () => {
    const { h, dataDir, configFile } = await setUp("verge-power-cut-rb-", "pc-2");
    const base = randomBytes(8 * 1024);
    await release(h, "rel-base", base);
    let run = runAgent(configFile);
    expect((await h.api("POST", "/api/rollouts", { id: "ro-base", releaseId: "rel-base", devices: ["pc-2"] })).status).toBe(201);
    await waitFor("ro-base completed", () => h.hub.repos.rollouts.get("ro-base")?.status === "completed", 20_000);
    await release(h, "rel-new", randomBytes(8 * 1024));
    expect((await h.api("POST", "/api/rollouts", { id: "ro-new", releaseId: "rel-new", devices: ["pc-2"] })).status).toBe(201);
    await waitFor("ro-new completed", () => h.hub.repos.rollouts.get("ro-new")?.status === "completed", 20_000);
    run.child.kill("SIGKILL");
    await run.exited;

    expect((await h.api("POST", "/api/rollouts/ro-new/rollback", { reason: "field reports flicker" })).status).toBe(200);
    await killed(runAgent(configFile, "announced-rolling_back"), "rolling_back announced");
    await killed(runAgent(configFile, "rollback-switched"), "the switch back");
    run = runAgent(configFile);
    await waitFor("ro-new rolled back", () => h.hub.repos.rollouts.get("ro-new")?.status === "rolled_back", 20_000);
    await waitFor("rolled_back stored", () => h.hub.repos.telemetry.transitions("pc-2", "ro-new").some((x) => x.state === "rolled_back"));
    const stored = h.hub.repos.telemetry.transitions("pc-2", "ro-new");
    expect(stateNames(stored)).toEqual(["pending", "downloading", "verified", "activated", "rolling_back", "rolled_back"]);
    expect(stored.filter((x) => x.state === "rolling_back")).toHaveLength(1);
    expect(stored.filter((x) => x.state === "rolled_back")).toHaveLength(1);
    expect(readFileSync(join(dataDir, "current", "app")).equals(base)).toBe(true);
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")) as { installed: { currentReleaseId: string; previousReleaseId: string } };
    expect(state.installed).toMatchObject({ currentReleaseId: "rel-base", previousReleaseId: "rel-new" });
    run.child.kill("SIGKILL");
    await run.exited;
  });

  it.each([
    ["state.json full of garbage bytes", (dataDir: string) => writeFileSync(join(dataDir, "state.json"), randomBytes(512))],
    ["state.json deleted", (dataDir: string) => rmSync(join(dataDir, "state.json"))],
    [
      "state.json, the seq mark and the outbox deleted (nothing left but the clock)",
      (dataDir: string) => {
        rmSync(join(dataDir, "state.json"));
        rmSync(join(dataDir, "telemetry-seq"));
        rmSync(join(dataDir, "outbox"), { recursive: true });
      },
    ],
  ])("%s: the seq does not go back, the hub stores the next messages", async (_name, damage) => {
    const { h, dataDir, configFile } = await setUp("verge-seq-", "sq-1");
    const heartbeats = () => (h.hub.db.prepare("SELECT seq FROM heartbeats WHERE device_id = ? ORDER BY seq").all("sq-1") as Array<{ seq: number }>).map((r) => r.seq);
    let run = runAgent(configFile);
    await waitFor("two heartbeats stored", () => heartbeats().length >= 2);
    run.child.kill("SIGKILL");
    await run.exited;
    const before = maxStoredSeq(h, "sq-1");
    const old = new Set(heartbeats());
    damage(dataDir);

    run = runAgent(configFile);
    // The first message of the new run (the inventory it publishes on connect) is stored: a seq that went back would
    // be dropped by the hub as a duplicate of the old run's, or refused as not above the last.
    const inventories = () => (h.hub.db.prepare("SELECT seq FROM inventories WHERE device_id = ?").all("sq-1") as Array<{ seq: number }>).map((r) => r.seq);
    await waitFor("the new run's inventory stored above the old seqs", () => inventories().some((seq) => seq > before));
    await waitFor("two more heartbeats stored", () => heartbeats().length >= old.size + 2);
    const fresh = heartbeats().filter((seq) => !old.has(seq));
    for (const seq of fresh) {
      expect(seq).toBeGreaterThan(before);
      expect(Number.isSafeInteger(seq)).toBe(true);
    }
    expect(maxStoredSeq(h, "sq-1")).toBeGreaterThan(before);
    run.child.kill("SIGKILL");
    await run.exited;
  });
});
