// Staged rollouts end to end: a real hub (embedded Aedes, SQLite, HTTP), real agents with A/B slots, KPIs reported
// over MQTT, rules evaluated by the hub's scheduler every second. Durations are seconds instead of days.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { startTestAgent } from "../helpers/agents.js";
import type { StartTestAgentOptions, TestAgent } from "../helpers/agents.js";
import { baseline, eventsOf, kpiByRelease, makeRelease, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import type { Behaviour } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const HUB_OVERRIDES = { rollout: { evaluateCron: "* * * * * *", rollbackTimeoutMs: 60_000 } };

const ctx = { root: "", agents: [] as TestAgent[] } as { h: TestHub; root: string; agents: TestAgent[]; cleanup: () => void };
beforeEach(async () => {
  const t = tempDir("verge-staged-");
  ctx.root = t.dir;
  ctx.cleanup = t.cleanup;
  ctx.h = await startTestHub(join(t.dir, "hub"), HUB_OVERRIDES);
});
afterEach(async () => {
  await Promise.all(ctx.agents.splice(0).map((a) => a.agent.stop()));
  await ctx.h.stop();
  ctx.cleanup();
});

async function fleet(n: number, behaviours: Record<string, Behaviour>, prefix = "sc", opts: StartTestAgentOptions = {}): Promise<TestAgent[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`);
  const agents = await Promise.all(ids.map((id) => startTestAgent(ctx.h, ctx.root, id, { kpiSource: kpiByRelease(behaviours), kpiIntervalS: 1, ...opts })));
  ctx.agents.push(...agents);
  return agents;
}

const availabilityRule = (action: string) => ({ name: "availability", metric: "availability", op: "<", threshold: "99.5%", for: "3s", window: "5s", minDevices: 1, action });

describe("staged rollout of a good release", () => {
  it("20 devices, canary 1 / pilot 3 / waves 50% and 100%: completed, canary converged, waves completed, gates true at every step, order and timestamps recorded", async () => {
    const { h } = ctx;
    const agents = await fleet(20, {});
    const bytes = await makeRelease(h, "rel-good");
    // a SCADA system follows the rollout on its topics (a read-only credential)
    const credential = await h.api<{ secret: string; mqttUrl: string }>("POST", "/api/scada", { name: "scada-tmc" });
    expect(credential.status, JSON.stringify(credential.body)).toBe(201);
    const scada = await mqtt.connectAsync(credential.body.mqttUrl, { clientId: "scada-tmc", username: "scada-tmc", password: credential.body.secret, protocolVersion: 4, reconnectPeriod: 0 });
    const seen: Array<{ topic: string; json: Record<string, unknown> }> = [];
    scada.on("message", (topic, payload) => seen.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await scada.subscribeAsync("verge/v1/rollouts/ro-good/#", { qos: 1 });
    const created = await h.api<{ stages: Array<{ name: string }>; excluded: unknown[] }>("POST", "/api/rollouts", {
      id: "ro-good",
      releaseId: "rel-good",
      plan: testPlan({ rules: [availabilityRule("pause_and_rollback")] }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.excluded).toEqual([]);

    const s = await waitForStatus(h, "ro-good", "completed", (x) => x.rollout.status === "completed", 60_000);
    expect(s.stages.map((x) => [x.name, x.kind, x.status, x.progress.total])).toEqual([
      ["canary", "canary", "converged", 1],
      ["pilot", "pilot", "completed", 3],
      ["wave-1", "wave", "completed", 8],
      ["wave-2", "wave", "completed", 8],
    ]);
    expect(s.progress).toMatchObject({ total: 20, activated: 20, failed: 0 });
    expect(s.gates).toEqual({ canaryHealthy: true, failureThreshold: true, safetyChecks: true });

    // stage order: each stage started after the previous one completed, and its devices were told only then
    for (let i = 0; i < s.stages.length; i++) {
      const stage = s.stages[i]!;
      expect(stage.startedAt).not.toBeNull();
      expect(stage.convergedAt!).toBeGreaterThanOrEqual(stage.startedAt!);
      expect(stage.completedAt!).toBeGreaterThanOrEqual(stage.convergedAt! + 1000);
      if (i > 0) expect(stage.startedAt!).toBeGreaterThanOrEqual(s.stages[i - 1]!.completedAt!);
      for (const d of s.devices.filter((x) => x.stage === stage.name)) expect(d.issuedAt!).toBeGreaterThanOrEqual(stage.startedAt!);
    }
    expect(eventsOf(s, "stage_started").map((e) => e.stage)).toEqual(["canary", "pilot", "wave-1", "wave-2"]);
    const completed = eventsOf(s, "stage_completed");
    expect(completed.map((e) => e.stage)).toEqual(["canary", "pilot", "wave-1", "wave-2"]);
    for (const e of completed) expect(e.details).toMatchObject({ gates: { canaryHealthy: true, failureThreshold: true, safetyChecks: true }, forced: false });
    expect(eventsOf(s, "completed")).toHaveLength(1);
    expect(eventsOf(s, "paused")).toEqual([]);
    // the rule was evaluated against real KPIs and held
    expect(s.stages[0]!.rules[0]).toMatchObject({ name: "availability", verdict: "ok" });
    for (const a of agents) expect(readFileSync(join(a.dataDir, "current", "app")).equals(bytes)).toBe(true);

    const events = await waitFor("SCADA saw the completion", () => {
      const e = seen.filter((m) => m.topic === "verge/v1/rollouts/ro-good/events").map((m) => m.json);
      return e.some((x) => x.type === "completed") && e;
    });
    expect(events.filter((e) => e.type === "stage_completed").map((e) => e.stage)).toEqual(["canary", "pilot", "wave-1", "wave-2"]);
    const lastStatus = await waitFor("SCADA status says completed", () => {
      const last = seen.filter((m) => m.topic === "verge/v1/rollouts/ro-good/status").at(-1)?.json;
      return last?.status === "completed" && last;
    });
    expect(lastStatus).toMatchObject({ rolloutId: "ro-good", status: "completed", gates: { canaryHealthy: true, failureThreshold: true, safetyChecks: true } });
    await scada.endAsync();
  });
});

describe("a bad release is stopped at the canary", () => {
  it("availability 97%: the rule fires after its for span, the rollout pauses with an explanation, the canary rolls back and is healthy, nobody else got the release", async () => {
    const { h } = ctx;
    const agents = await fleet(8, { "rel-bad": { availability: 0.97 } });
    const goodBytes = await makeRelease(h, "rel-base");
    await baseline(h, "ro-base", "rel-base", agents.map((a) => a.id));
    await makeRelease(h, "rel-bad");
    const created = await h.api("POST", "/api/rollouts", {
      id: "ro-bad",
      releaseId: "rel-bad",
      plan: testPlan({
        rules: [availabilityRule("pause_and_rollback")],
        stages: [{ name: "canary", select: { count: 1 }, observe: "60s" }, { name: "pilot", select: { count: 3 } }, { name: "wave-1", select: { percent: 100 } }],
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const paused = await waitForStatus(h, "ro-bad", "paused", (x) => x.rollout.status === "paused");
    const canaryId = paused.devices.find((d) => d.stage === "canary")!.deviceId;
    const pause = eventsOf(paused, "paused")[0]!;
    expect(pause).toMatchObject({ stage: "canary", rule: { name: "availability", metric: "availability", op: "<", threshold: 0.995, windowMs: 5000, devices: 1 } });
    expect(pause.rule!.observed!).toBeCloseTo(0.97, 5);
    expect(pause.explanation).toContain("97.00%");
    expect(pause.explanation).toContain("99.50%");
    expect(pause.explanation).toContain("last 5s");
    expect(pause.explanation).toContain("1 device");
    expect(paused.rollout.pauseReason).toContain("97.00%");
    // links: the dashboard at the right time range and rollout, and the canary's diagnostics
    const grafana = pause.links.find((l) => l.url.includes("/d/verge-rollouts/"))!;
    const q = new URL(grafana.url).searchParams;
    expect(q.get("var-rollout")).toBe("ro-bad");
    const pausedAt = Date.parse(pause.at);
    expect(Number(q.get("from"))).toBeLessThanOrEqual(pausedAt - 5000);
    expect(Number(q.get("to"))).toBeGreaterThanOrEqual(pausedAt);
    expect(pause.links.some((l) => l.url.endsWith(`/api/devices/${canaryId}/diagnostics`))).toBe(true);
    const diag = await h.api<{ kpi: { availability: number } }>("GET", `/api/devices/${canaryId}/diagnostics`);
    expect(diag.status).toBe(200);

    // not before its `for` span: the breach began no earlier than the first report on the release, and lasted 3 s
    const firstBadReport = h.hub.db.prepare("SELECT min(received_at) AS t FROM kpi_reports WHERE release_id = 'rel-bad'").get() as { t: number };
    const breachSince = (pause.details as { breachSince: number }).breachSince;
    expect(breachSince).toBeGreaterThanOrEqual(firstBadReport.t);
    expect(pausedAt - breachSince).toBeGreaterThanOrEqual(3000);

    // pause_and_rollback: the canary goes back to the previous release without a download, and is marked healthy
    const rolled = await waitForStatus(h, "ro-bad", "canary rolled back", (x) => x.devices.find((d) => d.deviceId === canaryId)?.state === "rolled_back");
    expect(rolled.stages[0]).toMatchObject({ name: "canary", status: "failed" });
    expect(rolled.rollback).toMatchObject({ requested: 1, confirmed: 1, overdue: 0 });
    const canary = agents.find((a) => a.id === canaryId)!;
    expect(canary.agent.snapshot().installed.currentReleaseId).toBe("rel-base");
    expect(readFileSync(join(canary.dataDir, "current", "app")).equals(goodBytes)).toBe(true);
    const transitions = h.hub.repos.telemetry.transitions(canaryId, "ro-bad").map((t) => t.state);
    expect(transitions.slice(-2)).toEqual(["rolling_back", "rolled_back"]);
    await waitFor("canary marked healthy", () => h.hub.repos.devices.get(canaryId)?.health === "healthy");
    expect(eventsOf(await status(h, "ro-bad"), "device_healthy")).toHaveLength(1);

    // nobody outside the canary ever received the release
    for (const a of agents.filter((x) => x.id !== canaryId)) {
      expect(a.transitions.filter((t) => t.releaseId === "rel-bad")).toEqual([]);
      expect(h.hub.repos.rollouts.desiredState(a.id)?.releaseId).toBe("rel-base");
    }
    expect(rolled.devices.filter((d) => d.stage !== "canary").every((d) => d.issuedAt === null)).toBe(true);
    const audit = h.hub.repos.audit.list().filter((r) => r.target === "ro-bad").map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(["rollout.create", "rollout.pause", "rollout.rollback"]));
  });
});

describe("each of these pauses the rollout", () => {
  const twoStages = [{ name: "canary", select: { count: 1 }, observe: "60s" }, { name: "wave-1", select: { percent: 100 } }];

  async function expectPausedBy(rule: string, release: string, plan: Record<string, unknown>): Promise<ReturnType<typeof eventsOf>[number]> {
    await makeRelease(ctx.h, release);
    const created = await ctx.h.api("POST", "/api/rollouts", { id: `ro-${rule}`, releaseId: release, plan });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const s = await waitForStatus(ctx.h, `ro-${rule}`, `paused by ${rule}`, (x) => x.rollout.status === "paused");
    const pause = eventsOf(s, "paused")[0]!;
    expect(pause.rule?.name).toBe(rule);
    expect(s.devices.filter((d) => d.stage !== "canary").every((d) => d.issuedAt === null)).toBe(true);
    return pause;
  }

  it("event lag p95 over its threshold", async () => {
    await fleet(3, { "rel-lag": { lagMs: 14_000 } });
    const pause = await expectPausedBy(
      "lag_p95",
      "rel-lag",
      testPlan({ stages: twoStages, rules: [{ name: "lag_p95", metric: "event_lag_p95", op: ">=", threshold: "10s", for: "2s", window: "5s", action: "pause" }] }),
    );
    expect(pause.rule!.observed!).toBeGreaterThan(10_000);
    expect(pause.explanation).toContain("p95 event lag");
  });

  it("dropped events over their threshold", async () => {
    await fleet(3, { "rel-drop": { droppedRatio: 0.01 } });
    const pause = await expectPausedBy(
      "dropped",
      "rel-drop",
      testPlan({ stages: twoStages, rules: [{ name: "dropped", metric: "dropped_ratio", op: ">=", threshold: "0.1%", for: "2s", window: "5s", action: "pause" }] }),
    );
    expect(pause.rule!.observed!).toBeCloseTo(0.01, 5);
    expect(pause.explanation).toContain("1.00%");
  });

  it("rollback rate over 5%: a device whose health check fails on the release switches back on its own", async () => {
    await fleet(3, {}, "sc", {
      healthCheck: (target) => Promise.resolve(target.releaseId === "rel-crash" ? { ok: false as const, detail: "signal controller service did not start" } : { ok: true as const }),
      extraConfig: { healthCheck: { intervalS: 0.1, spanS: 0.3 } },
    });
    const pause = await expectPausedBy(
      "rollback_rate",
      "rel-crash",
      testPlan({ stages: twoStages, rules: [{ name: "rollback_rate", metric: "rollback_rate", op: ">", threshold: "5%", for: "2s", action: "pause" }] }),
    );
    expect(pause.rule!.observed).toBe(1);
    const s = await status(ctx.h, "ro-rollback_rate");
    const canary = s.devices.find((d) => d.stage === "canary")!;
    expect(canary).toMatchObject({ state: "rolled_back", reason: "health_check", rollbackRequestedAt: null });
    expect(pause.explanation).toContain("rollback rate");
  });

  it("a Sev1 incident linked to the release (a Sev2 does not)", async () => {
    const { h } = ctx;
    await fleet(3, {});
    await makeRelease(h, "rel-inc");
    const plan = testPlan({
      stages: [{ name: "canary", select: { count: 1 }, observe: "10m" }, { name: "wave-1", select: { percent: 100 } }],
      rules: [{ name: "sev1", metric: "sev1_incidents", op: ">=", threshold: 1, for: 0, minDevices: 0, scope: "rollout", action: "pause" }],
    });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-sev1", releaseId: "rel-inc", plan })).status).toBe(201);
    await waitForStatus(h, "ro-sev1", "canary observing", (x) => x.stages[0]!.phase === "converged");
    const sev2 = await h.api<{ incident: { id: string } }>("POST", "/api/incidents", { releaseId: "rel-inc", severity: "sev2", title: "detector counts look low" });
    expect(sev2.status).toBe(201);
    expect((await status(h, "ro-sev1")).rollout.status).toBe("active");
    const sev1 = await h.api<{ incident: { id: string } }>("POST", "/api/incidents", { releaseId: "rel-inc", severity: "sev1", title: "signals dark on corridor 7" });
    expect(sev1.status).toBe(201);
    const s = await waitForStatus(h, "ro-sev1", "paused", (x) => x.rollout.status === "paused");
    expect(eventsOf(s, "paused")[0]).toMatchObject({ rule: { name: "sev1", metric: "sev1_incidents", observed: 1 } });
    expect(h.hub.repos.audit.list().some((r) => r.action === "incident.open" && r.target === sev1.body.incident.id)).toBe(true);
  });

  it("failure share over the stage threshold, with a device that never reports counting as failed after its timeout", async () => {
    const { h } = ctx;
    await fleet(2, {});
    await enroll(h, "sc-silent"); // enrolled, never connects
    await makeRelease(h, "rel-silent");
    const plan = testPlan({
      defaults: { deviceTimeout: "3s", failureThreshold: "0%" },
      stages: [{ name: "canary", select: { devices: ["sc-silent", "sc-001"] } }, { name: "wave-1", select: { percent: 100 } }],
    });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-silent", releaseId: "rel-silent", plan })).status).toBe(201);
    const s = await waitForStatus(h, "ro-silent", "paused", (x) => x.rollout.status === "paused");
    expect(s.devices.find((d) => d.deviceId === "sc-silent")).toMatchObject({ state: "failed", reason: "timeout" });
    const timedOut = eventsOf(s, "devices_timed_out")[0]!;
    expect(timedOut.details).toMatchObject({ devices: ["sc-silent"], offline: ["sc-silent"] });
    expect(timedOut.explanation).toContain("offline");
    const pause = eventsOf(s, "paused")[0]!;
    expect(pause).toMatchObject({ rule: { name: "failure_threshold" }, stage: "canary" });
    expect(pause.explanation).toContain("1 of 2 device(s) failed");
    expect(s.stages[0]).toMatchObject({ status: "failed" });
    expect(s.gates.failureThreshold).toBe(false);
    expect(s.devices.find((d) => d.deviceId === "sc-002")!.issuedAt).toBeNull();
  });
});

describe("variants and cohorts", () => {
  it("an incompatible device is excluded with its reason; a device cannot join a second active cohort of the same release; both audited", async () => {
    const { h } = ctx;
    await fleet(2, {});
    await enroll(h, "vms-001", "vms-a2");
    await makeRelease(h, "rel-var");
    const created = await h.api<{ excluded: Array<{ deviceId: string; reason: string; detail: string }>; stages: Array<{ name: string; progress: { total: number } }> }>(
      "POST",
      "/api/rollouts",
      { id: "ro-var", releaseId: "rel-var", plan: testPlan({ stages: [{ name: "canary", select: { count: 1 } }, { name: "wave-1", select: { percent: 100 } }] }) },
    );
    expect(created.status).toBe(201);
    expect(created.body.excluded).toEqual([{ deviceId: "vms-001", reason: "incompatible_variant", detail: expect.stringContaining("vms-a2") as string }]);
    expect(created.body.stages.reduce((n, s) => n + s.progress.total, 0)).toBe(2);
    const record = h.hub.repos.audit.list().find((r) => r.action === "rollout.create" && r.target === "ro-var")!;
    expect(JSON.stringify(record.details)).toContain("incompatible_variant");

    expect((await h.api("POST", "/api/cohorts", { name: "canary-east", kind: "canary", releaseId: "rel-var", devices: ["sc-001"] })).status).toBe(201);
    expect((await h.api("POST", "/api/cohorts", { name: "canary-west", kind: "canary", releaseId: "rel-var" })).status).toBe(201);
    const again = await h.api<{ error: { code: string; message: string } }>("POST", "/api/cohorts/canary-west/members", { devices: ["sc-001"] });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('device sc-001 is already in active cohort "canary-east" for release rel-var');
    const cohortAudit = h.hub.repos.audit.list().filter((r) => r.action === "cohort.add");
    expect(cohortAudit.map((r) => [r.target, r.result]).reverse()).toEqual([
      ["canary-east", "ok"],
      ["canary-west", "failed"],
    ]);
    // retiring the first cohort frees the device
    expect((await h.api("POST", "/api/cohorts/canary-east/retire", {})).status).toBe(200);
    expect((await h.api("POST", "/api/cohorts/canary-west/members", { devices: ["sc-001"] })).status).toBe(200);
  });
});
