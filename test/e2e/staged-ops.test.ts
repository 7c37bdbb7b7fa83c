// Operator verbs on staged rollouts (promote with and without --force, pause, resume, abort, retry, rollback) and
// hub restarts while paused and while a rule's `for` span is running: real hub, broker, SQLite and agents.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { startTestAgent } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { baseline, eventsOf, kpiByRelease, makeRelease, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import type { Behaviour } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const ROLLOUT = { evaluateCron: "* * * * * *", rollbackTimeoutMs: 60_000 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A hub on level persistence that can be restarted on the same data dir and ports. */
async function restartableHub(rollout: Partial<typeof ROLLOUT> = {}): Promise<{ h: () => TestHub; root: string; restart: () => Promise<void>; agents: TestAgent[] }> {
  const t = tempDir("verge-ops-");
  cleanups.push(t.cleanup);
  const dataDir = join(t.dir, "hub");
  let h = await startTestHub(dataDir, { mqtt: { persistence: "level" }, rollout: { ...ROLLOUT, ...rollout } });
  const agents: TestAgent[] = [];
  cleanups.push(() => h.stop());
  cleanups.push(() => Promise.all(agents.map((a) => a.agent.stop())).then(() => undefined));
  const ports = { mqtt: h.hub.broker.port, http: Number(new URL(h.hub.addresses.httpUrl).port) };
  return {
    h: () => h,
    root: t.dir,
    agents,
    async restart() {
      const token = h.adminToken;
      await h.stop();
      h = await startTestHub(dataDir, { mqtt: { persistence: "level", port: ports.mqtt }, http: { port: ports.http }, rollout: { ...ROLLOUT, ...rollout } }, token);
    },
  };
}

async function agentsFor(env: { h: () => TestHub; root: string; agents: TestAgent[] }, ids: string[], behaviours: Record<string, Behaviour> = {}): Promise<TestAgent[]> {
  const started = await Promise.all(ids.map((id) => startTestAgent(env.h(), env.root, id, { kpiSource: kpiByRelease(behaviours), kpiIntervalS: 1 })));
  env.agents.push(...started);
  return started;
}

const ids = (n: number, prefix = "sc") => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`);

describe("operator verbs", () => {
  it("approval: the canary waits for promote; promote refused while paused, accepted after resume; every verb audited", async () => {
    const env = await restartableHub();
    const h = env.h();
    await agentsFor(env, ids(4));
    await makeRelease(h, "rel-ap");
    const plan = testPlan({ stages: [{ name: "canary", select: { count: 1 }, approval: true }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-ap", releaseId: "rel-ap", plan })).status).toBe(201);
    const waiting = await waitForStatus(h, "ro-ap", "canary awaiting approval", (s) => eventsOf(s, "awaiting_approval").length === 1);
    expect(waiting.stages[0]).toMatchObject({ name: "canary", status: "converged", phase: "converged" });
    expect(waiting.stages[1]!.startedAt).toBeNull();

    expect((await h.api("POST", "/api/rollouts/ro-ap/pause", { reason: "shift change" })).status).toBe(200);
    const refused = await h.api<{ error: { code: string; message: string } }>("POST", "/api/rollouts/ro-ap/promote", {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("resume it first");
    expect((await h.api("POST", "/api/rollouts/ro-ap/resume", {})).status).toBe(200);
    const promoted = await h.api("POST", "/api/rollouts/ro-ap/promote", { reason: "canary looks fine" });
    expect(promoted.status).toBe(200);
    const done = await waitForStatus(h, "ro-ap", "completed", (s) => s.rollout.status === "completed");
    expect(done.progress).toMatchObject({ total: 4, activated: 4 });
    expect(eventsOf(done, "promoted")[0]).toMatchObject({ stage: "canary", actor: expect.stringContaining("bootstrap-admin") as string });
    const audit = h.hub.repos.audit.list({ target: "ro-ap" }).map((r) => `${r.action}:${r.result}`).reverse();
    expect(audit).toEqual(["rollout.create:ok", "rollout.pause:ok", "rollout.promote:failed", "rollout.resume:ok", "rollout.promote:ok", "rollout.complete:ok"]);
  });

  it("promote --force skips the observation window, recorded as forced and audited", async () => {
    const env = await restartableHub();
    const h = env.h();
    await agentsFor(env, ids(3));
    await makeRelease(h, "rel-force");
    const plan = testPlan({ stages: [{ name: "canary", select: { count: 1 }, observe: "1h" }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-force", releaseId: "rel-force", plan })).status).toBe(201);
    await waitForStatus(h, "ro-force", "canary observing", (s) => s.stages[0]!.phase === "converged");
    const plain = await h.api<{ error: { message: string } }>("POST", "/api/rollouts/ro-force/promote", {});
    expect(plain.status).toBe(409);
    expect(plain.body.error.message).toContain("does not need approval");
    expect((await h.api("POST", "/api/rollouts/ro-force/promote", { force: true, reason: "hotfix window" })).status).toBe(200);
    const done = await waitForStatus(h, "ro-force", "completed", (s) => s.rollout.status === "completed");
    expect(eventsOf(done, "stage_completed")[0]).toMatchObject({ stage: "canary", details: { forced: true } });
    const record = h.hub.repos.audit.list({ target: "ro-force", action: "rollout.promote", result: "ok" })[0]!;
    expect(record).toMatchObject({ reason: "hotfix window", details: { force: true } });
  });

  it("retry: a device that timed out gets the release again and the rollout carries on", async () => {
    const env = await restartableHub();
    const h = env.h();
    const [, , late] = await agentsFor(env, ["sc-001", "sc-002", "sc-late"]);
    await late!.agent.stop(); // its link is down for now
    await makeRelease(h, "rel-retry");
    const plan = testPlan({ defaults: { deviceTimeout: "2s", failureThreshold: "0%" }, stages: [{ name: "canary", select: { devices: ["sc-late"] } }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-retry", releaseId: "rel-retry", plan })).status).toBe(201);
    await waitForStatus(h, "ro-retry", "paused on the timeout", (s) => s.rollout.status === "paused");
    const resumeRefused = await h.api<{ error: { message: string } }>("POST", "/api/rollouts/ro-retry/resume", {});
    expect(resumeRefused.status).toBe(409);
    expect(resumeRefused.body.error.message).toContain("verge rollout retry ro-retry");

    const retried = await h.api<{ devices: Array<{ deviceId: string; state: string; reason: string | null }> }>("POST", "/api/rollouts/ro-retry/retry", { reason: "link back" });
    expect(retried.status).toBe(200);
    expect(retried.body.devices.find((d) => d.deviceId === "sc-late")).toMatchObject({ state: "pending", reason: "retry" });
    await late!.restart(); // the link comes back: the retained, re-signed desired state is waiting
    // download-then-activate: while the rollout is paused it downloads and verifies, and activates only after resume
    await waitForStatus(h, "ro-retry", "late device verified", (s) => s.devices.find((d) => d.deviceId === "sc-late")?.state === "verified");
    expect((await h.api("POST", "/api/rollouts/ro-retry/resume", {})).status).toBe(200);
    const done = await waitForStatus(h, "ro-retry", "completed", (s) => s.rollout.status === "completed");
    expect(done.progress).toMatchObject({ total: 3, activated: 3, failed: 0 });
    expect(eventsOf(done, "retried")[0]).toMatchObject({ details: { devices: ["sc-late"] } });
  });

  it("rollback of a whole completed rollout: every device back on its previous release, status rolled_back, audited", async () => {
    const env = await restartableHub();
    const h = env.h();
    const agents = await agentsFor(env, ids(3));
    const base = await makeRelease(h, "rel-1");
    await baseline(h, "ro-1", "rel-1", agents.map((a) => a.id));
    await makeRelease(h, "rel-2");
    const plan = testPlan({ stages: [{ name: "canary", select: { count: 1 } }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-2", releaseId: "rel-2", plan })).status).toBe(201);
    await waitForStatus(h, "ro-2", "completed", (s) => s.rollout.status === "completed");
    expect((await h.api("POST", "/api/rollouts/ro-2/rollback", { reason: "operators report flicker" })).status).toBe(200);
    const s = await waitForStatus(h, "ro-2", "all rolled back", (x) => x.progress.rolled_back === 3);
    expect(s.rollout.status).toBe("rolled_back");
    expect(s.rollback).toMatchObject({ requested: 3, confirmed: 3, overdue: 0 });
    for (const a of agents) {
      expect(readFileSync(join(a.dataDir, "current", "app")).equals(base)).toBe(true);
      expect(a.transitions.filter((t) => t.rolloutId === "ro-2").map((t) => t.reason).slice(-1)).toEqual(["rollback"]);
    }
    expect(eventsOf(s, "rollback_started")[0]!.explanation).toContain("operators report flicker");
    expect(h.hub.repos.audit.list({ target: "ro-2", action: "rollout.rollback" })[0]).toMatchObject({ result: "ok", reason: "operators report flicker" });
    await waitFor("every device healthy again", () => agents.every((a) => h.hub.repos.devices.get(a.id)?.health === "healthy"));
  });

  it("a device that misses its rollback time target is flagged investigate; once it reconnects it converges from the retained desired state and is healthy again", async () => {
    const env = await restartableHub({ rollbackTimeoutMs: 2000 });
    const h = env.h();
    const agents = await agentsFor(env, ids(2));
    const base = await makeRelease(h, "rel-a");
    await baseline(h, "ro-a", "rel-a", agents.map((a) => a.id));
    await makeRelease(h, "rel-b");
    expect((await h.api("POST", "/api/rollouts", { id: "ro-b", releaseId: "rel-b", devices: agents.map((a) => a.id) })).status).toBe(201);
    await waitForStatus(h, "ro-b", "completed", (s) => s.rollout.status === "completed");
    const offline = agents[1]!;
    await offline.agent.stop(); // its cellular link is down
    expect((await h.api("POST", "/api/rollouts/ro-b/rollback", { reason: "bad release" })).status).toBe(200);

    const overdue = await waitForStatus(h, "ro-b", "rollback overdue", (s) => eventsOf(s, "rollback_overdue").length === 1);
    expect(overdue.rollback).toMatchObject({ requested: 2, confirmed: 1, overdue: 1 });
    const event = eventsOf(overdue, "rollback_overdue")[0]!;
    expect(event.details).toMatchObject({ devices: [expect.objectContaining({ deviceId: offline.id })] });
    expect(event.explanation).toContain("investigate");
    expect(h.hub.repos.devices.get(offline.id)).toMatchObject({ health: "investigate" });
    await expect(h.hub.metrics.registry.getSingleMetricAsString("verge_rollbacks_overdue_total")).resolves.toContain('rollout="ro-b"} 1');

    await offline.restart(); // the link comes back: no command waits for it, the retained desired state does
    await waitForStatus(h, "ro-b", "offline device rolled back", (s) => s.devices.find((d) => d.deviceId === offline.id)?.state === "rolled_back");
    expect(readFileSync(join(offline.dataDir, "current", "app")).equals(base)).toBe(true);
    await waitFor("device healthy again", () => h.hub.repos.devices.get(offline.id)?.health === "healthy");
  });

  it("abort: devices not yet reached are cancelled, nothing else starts", async () => {
    const env = await restartableHub();
    const h = env.h();
    await agentsFor(env, ids(3));
    await makeRelease(h, "rel-abort");
    const plan = testPlan({ stages: [{ name: "canary", select: { count: 1 }, observe: "1h" }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-abort", releaseId: "rel-abort", plan })).status).toBe(201);
    await waitForStatus(h, "ro-abort", "canary observing", (s) => s.stages[0]!.phase === "converged");
    expect((await h.api("POST", "/api/rollouts/ro-abort/abort", { reason: "wrong release" })).status).toBe(200);
    const s = await status(h, "ro-abort");
    expect(s.rollout.status).toBe("cancelled");
    expect(s.progress).toMatchObject({ activated: 1, cancelled: 2 });
    const again = await h.api<{ error: { message: string } }>("POST", "/api/rollouts/ro-abort/resume", {});
    expect(again.status).toBe(409);
  });
});

describe("hub restarts", () => {
  it("while paused: still paused after the restart, the observation window moves on by the time paused, then completes", async () => {
    const env = await restartableHub();
    await agentsFor(env, ids(3));
    await makeRelease(env.h(), "rel-p");
    const plan = testPlan({ stages: [{ name: "canary", select: { count: 1 }, observe: "4s" }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await env.h().api("POST", "/api/rollouts", { id: "ro-p", releaseId: "rel-p", plan })).status).toBe(201);
    const observing = await waitForStatus(env.h(), "ro-p", "canary observing", (s) => s.stages[0]!.phase === "converged");
    const observeUntil = observing.stages[0]!.observeUntil!;
    expect((await env.h().api("POST", "/api/rollouts/ro-p/pause", { reason: "maintenance" })).status).toBe(200);
    const pausedAt = Date.now();

    await env.restart();
    const after = await status(env.h(), "ro-p");
    expect(after.rollout).toMatchObject({ status: "paused", pauseReason: "maintenance" });
    expect(after.stages[0]).toMatchObject({ phase: "converged", observeUntil });
    expect(after.stages[1]!.startedAt).toBeNull();

    const resumedAt = Date.now();
    expect((await env.h().api("POST", "/api/rollouts/ro-p/resume", {})).status).toBe(200);
    const resumed = await status(env.h(), "ro-p");
    expect(resumed.stages[0]!.observeUntil!).toBeGreaterThanOrEqual(observeUntil + (resumedAt - pausedAt) - 50);
    const done = await waitForStatus(env.h(), "ro-p", "completed", (s) => s.rollout.status === "completed");
    expect(done.stages[0]!.completedAt!).toBeGreaterThanOrEqual(resumed.stages[0]!.observeUntil!);
  });

  it("while in pilot with a rule's for span running: the span carries on across the restart and the rule fires on time", async () => {
    const env = await restartableHub();
    const behaviours: Record<string, Behaviour> = {};
    await agentsFor(env, ids(5), behaviours);
    await makeRelease(env.h(), "rel-pilot");
    const plan = testPlan({
      stages: [
        { name: "canary", select: { count: 1 } },
        { name: "pilot", select: { count: 2 }, observe: "5m", rules: [{ name: "pilot-availability", metric: "availability", op: "<", threshold: "99.5%", for: "5s", window: "20s", action: "pause" }] },
        { name: "wave-1", select: { percent: 100 } },
      ],
    });
    expect((await env.h().api("POST", "/api/rollouts", { id: "ro-pilot", releaseId: "rel-pilot", plan })).status).toBe(201);
    await waitForStatus(env.h(), "ro-pilot", "pilot observing", (s) => s.stages[1]!.phase === "converged");
    behaviours["rel-pilot"] = { availability: 0.9 };
    const pending = await waitForStatus(env.h(), "ro-pilot", "pilot rule breaching", (s) => s.stages[1]!.rules[0]?.verdict === "pending");
    const breachSince = pending.stages[1]!.rules[0]!.breachSince!;

    await env.restart();
    const after = await status(env.h(), "ro-pilot");
    expect(after.rollout.status).toBe("active");
    expect(after.stages.map((x) => x.phase)).toEqual(["completed", "converged", "pending"]);

    const paused = await waitForStatus(env.h(), "ro-pilot", "paused by the pilot rule", (s) => s.rollout.status === "paused");
    const pause = eventsOf(paused, "paused")[0]!;
    expect(pause).toMatchObject({ rule: { name: "pilot-availability" }, stage: "pilot" });
    expect((pause.details as { breachSince: number }).breachSince).toBe(breachSince);
    expect(Date.parse(pause.at) - breachSince).toBeGreaterThanOrEqual(5000);
    expect(paused.stages[2]!.startedAt).toBeNull();
  });
});
