// The rollout state machine (hub/rollout/engine.ts): stage progression, gates, pause folding and `promote`, as tables
// over stage snapshots. `now` is passed in; a step's patches are applied to the snapshot the way the service does.
import { describe, expect, it } from "vitest";
import { advance, computeGates, displayStageStatus, failureGatePasses, promote } from "../../hub/rollout/engine.js";
import type { Decision, Effect, Firing, RolloutStatus, StageConfig, StageCounts, StageKind, StageSnapshot, StageStatus } from "../../hub/rollout/engine.js";
import type { RuleDef } from "../../hub/rollout/rules.js";
import { stageCounts, stageSnapshot } from "../helpers/stage-snapshots.js";
import type { StageOver } from "../helpers/stage-snapshots.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);

const CONFIG: StageConfig = { observeMs: H, approval: false, deviceTimeoutMs: H, failureThreshold: 0.2, activation: "immediate", breakerFailures: 0 };

const counts = stageCounts;

/** A stage snapshot: pending with nothing started unless told otherwise. */
function stage(name: string, kind: StageKind, over: StageOver = {}): StageSnapshot {
  return stageSnapshot(name, kind, CONFIG, over);
}

/** A stage whose devices are deploying (started at T0, activation issued). */
function active(name: string, kind: StageKind, over: StageOver = {}): StageSnapshot {
  return stage(name, kind, { status: "active", startedAt: T0, activationIssuedAt: T0, ...over });
}

/** A stage every device of which finished at `convergedAt`, watched until `observeUntil`. */
function converged(name: string, kind: StageKind, observeUntil: number, over: StageOver = {}): StageSnapshot {
  return stage(name, kind, {
    status: "converged",
    startedAt: T0,
    activationIssuedAt: T0,
    convergedAt: observeUntil - H,
    observeUntil,
    counts: { activated: 3 },
    ...over,
  });
}

function completed(name: string, kind: StageKind): StageSnapshot {
  return stage(name, kind, { status: "completed", startedAt: T0, activationIssuedAt: T0, convergedAt: T0, observeUntil: T0, completedAt: T0, counts: { activated: 1 } });
}

function run(stages: StageSnapshot[], now: number, over: { status?: RolloutStatus; firings?: Firing[]; ruleFiring?: boolean } = {}): Decision {
  return advance({ now, status: over.status ?? "active", stages, firings: over.firings ?? [], ruleFiring: over.ruleFiring ?? false });
}

/** What the service does with a decision: write the stage patches. */
function applyPatches(stages: StageSnapshot[], d: Decision): StageSnapshot[] {
  return stages.map((s) => {
    const p = d.patches.find((x) => x.name === s.name);
    if (!p) return s;
    const { name: _name, failedAt: _failedAt, ...fields } = p;
    return { ...s, ...fields };
  });
}

const types = (d: Decision): Array<Effect["type"]> => d.effects.map((e) => e.type);

function ruleDef(over: Partial<RuleDef> = {}): RuleDef {
  return { name: "availability", metric: "availability", op: "<", threshold: 0.995, forMs: 15 * M, windowMs: H, minDevices: 1, scope: "stage", action: "pause", ...over };
}

function firing(over: Partial<RuleDef> = {}, stageName = "pilot"): Firing {
  return { rule: ruleDef(over), stage: stageName, value: 0.97, devices: 5, explanation: "availability dropped", breachSince: T0 };
}

describe("advance: starting a stage", () => {
  it("a pending first stage with immediate activation starts and activates at once", () => {
    const d = run([stage("canary", "canary", { counts: { notStarted: 1 } }), stage("pilot", "pilot", { counts: { notStarted: 5 } })], T0);
    expect(d.status).toBe("active");
    expect(d.effects).toEqual([{ type: "start_stage", stage: "canary", activate: true }]);
    expect(d.patches).toEqual([{ name: "canary", status: "active", startedAt: T0, activationIssuedAt: T0 }]);
  });

  it("with download_then_activate the devices are only told to download; activation is not issued yet", () => {
    const d = run([stage("canary", "canary", { counts: { notStarted: 1 }, config: { activation: "download_then_activate" } })], T0);
    expect(d.effects).toEqual([{ type: "start_stage", stage: "canary", activate: false }]);
    expect(d.patches).toEqual([{ name: "canary", status: "active", startedAt: T0 }]);
  });

  it("only the first unfinished stage starts", () => {
    const d = run([completed("canary", "canary"), stage("pilot", "pilot", { counts: { notStarted: 5 } }), stage("wave-1", "wave", { counts: { notStarted: 20 } })], T0);
    expect(d.effects).toEqual([{ type: "start_stage", stage: "pilot", activate: true }]);
    expect(d.patches.map((p) => p.name)).toEqual(["pilot"]);
  });
});

describe("advance: download_then_activate", () => {
  const downloading = (c: Partial<StageCounts>) =>
    active("pilot", "pilot", { activationIssuedAt: null, config: { activation: "download_then_activate" }, counts: { verified: 2, ...c } });

  it.each<[string, Partial<StageCounts>]>([
    ["a device still pending", { pending: 1 }],
    ["a device still downloading", { downloading: 1 }],
    ["a device rolling back", { rolling_back: 1 }],
  ])("waits while there is %s", (_why, c) => {
    const d = run([downloading(c)], T0 + M);
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([]);
    expect(d.status).toBe("active");
  });

  it("issues activation once every device has verified, exactly once", () => {
    let stages = [downloading({ failed: 0 })];
    const first = run(stages, T0 + M);
    expect(first.effects).toEqual([{ type: "issue_activation", stage: "pilot" }]);
    expect(first.patches).toEqual([{ name: "pilot", activationIssuedAt: T0 + M }]);

    stages = applyPatches(stages, first);
    const second = run(stages, T0 + 2 * M);
    expect(second.effects).toEqual([]);

    // The devices activate: the stage converges.
    stages = stages.map((s) => ({ ...s, counts: counts({ activated: 2 }) }));
    expect(types(run(stages, T0 + 3 * M))).toEqual(["stage_converged"]);
  });

  it("a failed device does not hold the others' activation back", () => {
    const d = run([downloading({ failed: 1, verified: 9 })], T0 + M);
    expect(d.effects).toEqual([{ type: "issue_activation", stage: "pilot" }]);
  });

  it("with nothing verified (everyone failed or already activated) no activation is sent and the stage converges", () => {
    const d = run([active("pilot", "pilot", { activationIssuedAt: null, config: { activation: "download_then_activate", failureThreshold: 1 }, counts: { activated: 1, failed: 1 } })], T0 + M);
    expect(types(d)).toEqual(["stage_converged"]);
    expect(d.patches).toEqual([{ name: "pilot", activationIssuedAt: T0 + M, status: "converged", convergedAt: T0 + M, observeUntil: T0 + M + H }]);
  });
});

describe("advance: convergence and the observation window", () => {
  it("converges when no device is in progress, watching until now + observe", () => {
    const now = T0 + 10 * M;
    const d = run([active("pilot", "pilot", { counts: { activated: 5 } })], now);
    expect(d.effects).toEqual([{ type: "stage_converged", stage: "pilot", observeUntil: now + H }]);
    expect(d.patches).toEqual([{ name: "pilot", status: "converged", convergedAt: now, observeUntil: now + H }]);
    expect(d.status).toBe("active");
  });

  it.each<[string, Partial<StageCounts>]>([
    ["pending", { pending: 1 }],
    ["downloading", { downloading: 1 }],
    ["verified, activation sent but not done", { verified: 1 }],
    ["rolling back", { rolling_back: 1 }],
  ])("does not converge while a device is %s", (_why, c) => {
    const d = run([active("pilot", "pilot", { counts: { activated: 4, ...c } })], T0 + M);
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([]);
  });

  it("failed and rolled-back devices below the threshold do not hold convergence back", () => {
    const d = run([active("wave-1", "wave", { counts: { activated: 8, failed: 1, rolled_back: 1 }, config: { failureThreshold: 0.2 } })], T0 + M);
    expect(types(d)).toEqual(["stage_converged"]);
  });

  it.each([
    { name: "one minute before the window ends", now: T0 + 2 * H - M, completes: false },
    { name: "exactly when the window ends", now: T0 + 2 * H, completes: true },
    { name: "after the window", now: T0 + 3 * H, completes: true },
  ])("a converged stage $name completes: $completes", ({ now, completes }) => {
    const d = run([converged("wave-1", "wave", T0 + 2 * H)], now);
    if (completes) {
      expect(d.effects).toEqual([
        { type: "stage_completed", stage: "wave-1", gates: { canaryHealthy: true, failureThreshold: true, safetyChecks: true }, forced: false },
        { type: "complete" },
      ]);
      expect(d.patches).toEqual([{ name: "wave-1", status: "completed", completedAt: now }]);
    } else {
      expect(d.effects).toEqual([]);
      expect(d.patches).toEqual([]);
    }
  });

  it("a window already over does not wait for the next evaluation: converge and complete in one call (observe 0)", () => {
    const d = run([active("pilot", "pilot", { counts: { activated: 5 }, config: { observeMs: 0 } }), stage("wave-1", "wave", { counts: { notStarted: 10 } })], T0 + M);
    expect(types(d)).toEqual(["stage_converged", "stage_completed", "start_stage"]);
  });

  it.each([
    { gate: "canaryHealthy: a rule is firing", stages: [converged("canary", "canary", T0)], ruleFiring: true },
    { gate: "safetyChecks: a device is held by its safety check", stages: [converged("canary", "canary", T0, { counts: { activated: 2, safetyBlocked: 1 } })], ruleFiring: false },
  ])("a stage whose window is over waits while a gate is false ($gate)", ({ stages, ruleFiring }) => {
    const d = run(stages, T0 + H, { ruleFiring });
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([]);
    expect(d.status).toBe("active");
  });
});

describe("advance: approval", () => {
  const needsApproval = (over: StageOver = {}) => converged("canary", "canary", T0 + H, { config: { approval: true }, ...over });

  it("once the window is over and the gates pass, approval is requested once and the stage waits", () => {
    let stages = [needsApproval(), stage("pilot", "pilot", { counts: { notStarted: 5 } })];
    const first = run(stages, T0 + H);
    expect(first.effects).toEqual([{ type: "request_approval", stage: "canary" }]);
    expect(first.patches).toEqual([{ name: "canary", approvalRequestedAt: T0 + H }]);

    stages = applyPatches(stages, first);
    const second = run(stages, T0 + 2 * H);
    expect(second.effects).toEqual([]);
    expect(second.patches).toEqual([]);
    expect(second.status).toBe("active");
  });

  it("approval is not requested before the window is over", () => {
    expect(run([needsApproval()], T0 + H - 1).effects).toEqual([]);
  });

  it("an approved stage completes and the next stage starts in the same call", () => {
    const d = run([needsApproval({ approvalRequestedAt: T0 + H, approvedAt: T0 + 2 * H }), stage("pilot", "pilot", { counts: { notStarted: 5 } })], T0 + 2 * H);
    expect(types(d)).toEqual(["stage_completed", "start_stage"]);
    expect(d.effects[1]).toEqual({ type: "start_stage", stage: "pilot", activate: true });
  });

  it("approved before its window ends (promote), the stage completes at the window's end without asking", () => {
    const d = run([needsApproval({ approvedAt: T0 })], T0 + H);
    expect(types(d)).toEqual(["stage_completed", "complete"]);
  });
});

describe("advance: moving through the plan", () => {
  it("after a stage completes, the next stage starts in the same call", () => {
    const d = run([converged("canary", "canary", T0 + H), stage("pilot", "pilot", { counts: { notStarted: 5 } })], T0 + H);
    expect(d.effects).toEqual([
      { type: "stage_completed", stage: "canary", gates: { canaryHealthy: true, failureThreshold: true, safetyChecks: true }, forced: false },
      { type: "start_stage", stage: "pilot", activate: true },
    ]);
    expect(d.patches).toEqual([
      { name: "canary", status: "completed", completedAt: T0 + H },
      { name: "pilot", status: "active", startedAt: T0 + H, activationIssuedAt: T0 + H },
    ]);
    expect(d.status).toBe("active");
  });

  it("when the last stage completes the rollout completes", () => {
    const d = run([completed("canary", "canary"), completed("pilot", "pilot"), converged("wave-1", "wave", T0 + H)], T0 + H);
    expect(types(d)).toEqual(["stage_completed", "complete"]);
    expect(d.status).toBe("completed");
  });

  it("an empty stage (no devices) converges without waiting for devices, and with observe 0 completes in the same call", () => {
    const d = run(
      [completed("canary", "canary"), stage("pilot", "pilot", { config: { observeMs: 0 } }), stage("wave-1", "wave", { counts: { notStarted: 10 } })],
      T0,
    );
    expect(types(d)).toEqual(["start_stage", "stage_converged", "stage_completed", "start_stage"]);
    expect(d.effects[3]).toEqual({ type: "start_stage", stage: "wave-1", activate: true });
  });

  it("an empty stage has nothing to observe: it converges and completes at once whatever its window", () => {
    const d = run([stage("pilot", "pilot", { config: { observeMs: H } })], T0);
    expect(d.effects).toEqual([
      { type: "start_stage", stage: "pilot", activate: true },
      { type: "stage_converged", stage: "pilot", observeUntil: T0 },
      { type: "stage_completed", stage: "pilot", gates: { canaryHealthy: true, failureThreshold: true, safetyChecks: true }, forced: false },
      { type: "complete" },
    ]);
  });

  it("a plan whose stages are all empty with observe 0 completes in one call", () => {
    const d = run([stage("canary", "canary", { config: { observeMs: 0 } }), stage("wave-1", "wave", { config: { observeMs: 0, activation: "download_then_activate" } })], T0);
    expect(types(d)).toEqual(["start_stage", "stage_converged", "stage_completed", "start_stage", "stage_converged", "stage_completed", "complete"]);
    expect(d.status).toBe("completed");
  });

  it("a failed stage (e.g. after resume) holds the rollout where it is", () => {
    const d = run([completed("canary", "canary"), stage("pilot", "pilot", { status: "failed", counts: { failed: 3, activated: 2 } }), stage("wave-1", "wave")], T0);
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([]);
    expect(d.status).toBe("active");
  });
});

describe("advance: device timeouts and the failure threshold", () => {
  it("overdue devices are timed out and counted as failed; the stage waits for the rest", () => {
    const d = run([active("pilot", "pilot", { counts: { pending: 2, activated: 8 }, overdue: ["dev-07"], config: { failureThreshold: 0.2 } })], T0 + H);
    expect(d.effects).toEqual([{ type: "time_out_devices", stage: "pilot", deviceIds: ["dev-07"] }]);
    expect(d.gates.failureThreshold).toBe(true);
    expect(d.status).toBe("active");
  });

  it("once the last device in progress times out, the stage converges with it counted failed", () => {
    const d = run([active("pilot", "pilot", { counts: { downloading: 1, activated: 9 }, overdue: ["dev-10"], config: { failureThreshold: 0.2 } })], T0 + H);
    expect(types(d)).toEqual(["time_out_devices", "stage_converged"]);
  });

  it("timed-out devices count toward the failure threshold: the stage fails and the rollout pauses", () => {
    const d = run([active("pilot", "pilot", { counts: { pending: 2, activated: 3, failed: 0 }, overdue: ["dev-01"], config: { failureThreshold: 0.2 } })], T0 + H);
    expect(d.effects).toEqual([
      { type: "time_out_devices", stage: "pilot", deviceIds: ["dev-01"] },
      { type: "pause", intents: [{ kind: "failure_threshold", stage: "pilot", failed: 1, total: 5, threshold: 0.2 }] },
    ]);
    expect(d.status).toBe("paused");
  });

  it("failure threshold reached: the stage fails, one pause, nothing else moves", () => {
    const d = run([active("pilot", "pilot", { counts: { failed: 1, activated: 4 }, config: { failureThreshold: 0.2 } }), stage("wave-1", "wave", { counts: { notStarted: 10 } })], T0 + M);
    expect(d.status).toBe("paused");
    expect(d.patches).toEqual([{ name: "pilot", status: "failed", failedAt: T0 + M }]);
    expect(d.effects).toEqual([{ type: "pause", intents: [{ kind: "failure_threshold", stage: "pilot", failed: 1, total: 5, threshold: 0.2 }] }]);
    expect(d.gates.failureThreshold).toBe(false);
  });

  it("just below the threshold the stage carries on", () => {
    const d = run([active("pilot", "pilot", { counts: { failed: 1, activated: 5 }, config: { failureThreshold: 0.2 } })], T0 + M);
    expect(d.status).toBe("active");
    expect(types(d)).toEqual(["stage_converged"]);
  });

  it("a converged stage whose failures grow past the threshold (during its window) fails and pauses", () => {
    const d = run([converged("pilot", "pilot", T0 + H, { counts: { activated: 3, failed: 2 }, config: { failureThreshold: 0.3 } })], T0 + M);
    expect(d.status).toBe("paused");
    expect(d.patches).toEqual([{ name: "pilot", status: "failed", failedAt: T0 + M }]);
    expect(types(d)).toEqual(["pause"]);
  });
});

describe("advance: rules that start firing", () => {
  const running = () => [completed("canary", "canary"), active("pilot", "pilot", { counts: { pending: 1, activated: 4 } }), stage("wave-1", "wave", { counts: { notStarted: 10 } })];

  it("action pause: the rollout pauses with the firing as the reason; no stage changes", () => {
    const f = firing({ action: "pause" });
    const d = run(running(), T0 + H, { firings: [f], ruleFiring: true });
    expect(d.status).toBe("paused");
    expect(d.effects).toEqual([{ type: "pause", intents: [{ kind: "rule", firing: f }] }]);
    expect(d.patches).toEqual([]);
    expect(d.gates.canaryHealthy).toBe(false);
  });

  it("action pause stops a stage that would otherwise complete", () => {
    const d = run([converged("canary", "canary", T0), stage("pilot", "pilot", { counts: { notStarted: 5 } })], T0 + H, { firings: [firing({}, "canary")], ruleFiring: true });
    expect(types(d)).toEqual(["pause"]);
  });

  it("action pause_and_rollback, scope stage: that stage fails and is rolled back, then the rollout pauses", () => {
    const f = firing({ name: "availability", action: "pause_and_rollback", scope: "stage" });
    const d = run(running(), T0 + H, { firings: [f], ruleFiring: true });
    expect(d.status).toBe("paused");
    expect(d.effects).toEqual([
      { type: "rollback", stage: "pilot", reason: "rule availability" },
      { type: "pause", intents: [{ kind: "rule", firing: f }] },
    ]);
    expect(d.patches).toEqual([{ name: "pilot", status: "failed", failedAt: T0 + H }]);
  });

  it("action pause_and_rollback, scope rollout: every started stage is rolled back (stage null); completed and pending stages keep their status", () => {
    const f = firing({ name: "dropped", metric: "dropped_ratio", op: ">=", threshold: 0.001, action: "pause_and_rollback", scope: "rollout" });
    const stages = [completed("canary", "canary"), converged("pilot", "pilot", T0 + 2 * H), active("wave-1", "wave", { counts: { pending: 3 } }), stage("wave-2", "wave", { counts: { notStarted: 10 } })];
    const d = run(stages, T0 + H, { firings: [f], ruleFiring: true });
    expect(d.effects).toEqual([
      { type: "rollback", stage: null, reason: "rule dropped" },
      { type: "pause", intents: [{ kind: "rule", firing: f }] },
    ]);
    expect(d.patches).toEqual([
      { name: "pilot", status: "failed", failedAt: T0 + H },
      { name: "wave-1", status: "failed", failedAt: T0 + H },
    ]);
    expect(d.status).toBe("paused");
  });

  it("action alert: an alert effect and the rollout carries on (here: the stage converges)", () => {
    const f = firing({ action: "alert" });
    const stages = [completed("canary", "canary"), active("pilot", "pilot", { counts: { activated: 5 } })];
    const d = run(stages, T0 + H, { firings: [f], ruleFiring: true });
    expect(d.status).toBe("active");
    expect(d.effects).toEqual([
      { type: "alert", firing: f },
      { type: "stage_converged", stage: "pilot", observeUntil: T0 + 2 * H },
    ]);
  });

  it("a firing alert rule still holds the canaryHealthy gate: the stage does not complete while it fires", () => {
    const d = run([converged("canary", "canary", T0), stage("pilot", "pilot", { counts: { notStarted: 5 } })], T0 + H, { firings: [firing({ action: "alert" }, "canary")], ruleFiring: true });
    expect(types(d)).toEqual(["alert"]);
    expect(d.status).toBe("active");
  });

  it("several pause intents fold into ONE pause effect", () => {
    const a = firing({ name: "availability", action: "pause" });
    const b = firing({ name: "lag-p95", metric: "event_lag_p95", op: ">=", threshold: 10_000, action: "pause_and_rollback" });
    const c = firing({ name: "dropped", metric: "dropped_ratio", op: ">=", threshold: 0.001, action: "alert" });
    const d = run(running(), T0 + H, { firings: [a, b, c], ruleFiring: true });
    expect(d.status).toBe("paused");
    expect(d.effects.filter((e) => e.type === "pause")).toEqual([{ type: "pause", intents: [{ kind: "rule", firing: a }, { kind: "rule", firing: b }] }]);
    expect(types(d)).toEqual(["rollback", "alert", "pause"]);
  });
});

describe("advance: a rollout that is not active is left alone", () => {
  it.each<RolloutStatus>(["draft", "paused", "completed", "cancelled", "rolled_back"])("%s: no patch, no effect, status kept", (status) => {
    const stages = [converged("canary", "canary", T0), stage("pilot", "pilot", { counts: { notStarted: 5 } })];
    const d = run(stages, T0 + H, { status, firings: [firing({ action: "pause_and_rollback" }, "canary")], ruleFiring: true });
    expect(d.status).toBe(status);
    expect(d.patches).toEqual([]);
    expect(d.effects).toEqual([]);
  });
});

describe("computeGates", () => {
  it.each<{ canary: StageStatus; ruleFiring: boolean; healthy: boolean }>([
    { canary: "pending", ruleFiring: false, healthy: false },
    { canary: "active", ruleFiring: false, healthy: false },
    { canary: "failed", ruleFiring: false, healthy: false },
    { canary: "converged", ruleFiring: false, healthy: true },
    { canary: "completed", ruleFiring: false, healthy: true },
    { canary: "converged", ruleFiring: true, healthy: false },
    { canary: "completed", ruleFiring: true, healthy: false },
  ])("canaryHealthy with the canary $canary and a rule firing: $ruleFiring -> $healthy", ({ canary, ruleFiring, healthy }) => {
    const stages = [stage("canary", "canary", { status: canary }), stage("pilot", "pilot")];
    expect(computeGates(stages, ruleFiring).canaryHealthy).toBe(healthy);
  });

  it("canaryHealthy is true for a plan with no canary (and no rule firing)", () => {
    expect(computeGates([stage("pilot", "pilot"), stage("wave-1", "wave")], false).canaryHealthy).toBe(true);
    expect(computeGates([stage("pilot", "pilot")], true).canaryHealthy).toBe(false);
  });

  it.each<{ failed: number; total: number; threshold: number; passes: boolean }>([
    { failed: 0, total: 10, threshold: 0, passes: true },
    { failed: 0, total: 0, threshold: 0, passes: true },
    { failed: 1, total: 10, threshold: 0, passes: false },
    { failed: 1, total: 10, threshold: 0.1, passes: false },
    { failed: 1, total: 10, threshold: 0.11, passes: true },
    { failed: 2, total: 40, threshold: 0.05, passes: false },
    { failed: 1, total: 40, threshold: 0.05, passes: true },
    { failed: 1, total: 1, threshold: 1, passes: false },
    { failed: 3, total: 4, threshold: 1, passes: true },
  ])("failureThreshold: $failed failed of $total with threshold $threshold passes: $passes", ({ failed, total, threshold, passes }) => {
    const c = counts({ total, failed, activated: total - failed });
    expect(failureGatePasses(c, threshold)).toBe(passes);
    expect(computeGates([completed("canary", "canary"), active("pilot", "pilot", { counts: c, config: { failureThreshold: threshold } })], false).failureThreshold).toBe(passes);
  });

  it("failureThreshold and safetyChecks look at the active stage only", () => {
    const stages = [completed("canary", "canary"), active("pilot", "pilot", { counts: { activated: 5 } })];
    stages[0] = { ...stages[0]!, counts: counts({ failed: 1, safetyBlocked: 1, verified: 1 }) };
    expect(computeGates(stages, false)).toEqual({ canaryHealthy: true, failureThreshold: true, safetyChecks: true });
  });

  it.each([
    { safetyBlocked: 0, ok: true },
    { safetyBlocked: 1, ok: false },
    { safetyBlocked: 3, ok: false },
  ])("safetyChecks with $safetyBlocked device(s) held by a failing safety check: $ok", ({ safetyBlocked, ok }) => {
    const stages = [completed("canary", "canary"), active("pilot", "pilot", { counts: { verified: 3, activated: 2, safetyBlocked } })];
    expect(computeGates(stages, false).safetyChecks).toBe(ok);
  });

  it("every stage completed: all gates pass", () => {
    expect(computeGates([completed("canary", "canary"), completed("pilot", "pilot")], false)).toEqual({ canaryHealthy: true, failureThreshold: true, safetyChecks: true });
  });
});

describe("displayStageStatus: DESIGN's words", () => {
  // canary: pending | converged | failed
  it.each<[StageStatus, RolloutStatus, string]>([
    ["pending", "active", "pending"],
    ["active", "active", "pending"],
    ["active", "paused", "pending"],
    ["converged", "active", "converged"],
    ["converged", "paused", "converged"],
    ["completed", "active", "converged"],
    ["completed", "completed", "converged"],
    ["failed", "active", "failed"],
    ["failed", "paused", "failed"],
  ])("canary %s in a %s rollout reads %j", (status, rollout, shown) => {
    expect(displayStageStatus("canary", status, rollout)).toBe(shown);
  });

  // pilot and waves: pending | active | completed | paused
  describe.each<StageKind>(["pilot", "wave"])("%s", (kind) => {
    it.each<[StageStatus, RolloutStatus, string]>([
      ["pending", "active", "pending"],
      ["pending", "paused", "pending"],
      ["active", "active", "active"],
      ["active", "paused", "paused"],
      ["converged", "active", "active"],
      ["converged", "paused", "paused"],
      ["completed", "active", "completed"],
      ["completed", "paused", "completed"],
      ["completed", "completed", "completed"],
      ["failed", "active", "paused"],
      ["failed", "paused", "paused"],
    ])("%s in a %s rollout reads %j", (status, rollout, shown) => {
      expect(displayStageStatus(kind, status, rollout)).toBe(shown);
    });
  });
});

describe("promote", () => {
  const needsApproval = (over: StageOver = {}) => converged("pilot", "pilot", T0 + H, { config: { approval: true }, ...over });
  const stagesWith = (pilot: StageSnapshot) => [completed("canary", "canary"), pilot, stage("wave-1", "wave", { counts: { notStarted: 10 } })];

  it.each<RolloutStatus>(["draft", "completed", "cancelled", "rolled_back"])("refuses a %s rollout", (status) => {
    const r = promote({ now: T0, status, stages: stagesWith(needsApproval()), force: false, ruleFiring: false });
    expect(r).toMatchObject({ ok: false, code: "conflict" });
    if (!r.ok) {
      expect(r.message).toContain(status);
      expect(r.message).not.toContain("resume");
    }
  });

  it("refuses a paused rollout and says to resume it first", () => {
    const r = promote({ now: T0, status: "paused", stages: stagesWith(needsApproval()), force: true, ruleFiring: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain("resume it first");
  });

  it("refuses a stage that needs no approval unless forced, and says what --force does", () => {
    const r = promote({ now: T0, status: "active", stages: stagesWith(active("pilot", "pilot", { counts: { pending: 2 } })), force: false, ruleFiring: false });
    expect(r).toMatchObject({ ok: false, code: "conflict" });
    if (!r.ok) {
      expect(r.message).toContain("does not need approval");
      expect(r.message).toContain("--force");
    }
  });

  it("approves a stage that needs approval: approvedAt is set, nothing completes yet", () => {
    const r = promote({ now: T0 + 30 * M, status: "active", stages: stagesWith(needsApproval()), force: false, ruleFiring: false });
    expect(r).toEqual({ ok: true, stage: "pilot", patches: [{ name: "pilot", approvedAt: T0 + 30 * M }], effects: [] });
  });

  it("refuses to approve twice", () => {
    const r = promote({ now: T0 + H, status: "active", stages: stagesWith(needsApproval({ approvedAt: T0 })), force: false, ruleFiring: false });
    expect(r).toMatchObject({ ok: false, code: "conflict" });
    if (!r.ok) expect(r.message).toContain("already approved");
  });

  it("force completes the active stage now, whatever its window and gates, flagged forced", () => {
    const pilot = active("pilot", "pilot", { counts: { pending: 2, failed: 3 }, config: { failureThreshold: 0.1 } });
    const r = promote({ now: T0 + M, status: "active", stages: stagesWith(pilot), force: true, ruleFiring: true });
    expect(r).toEqual({
      ok: true,
      stage: "pilot",
      patches: [{ name: "pilot", status: "completed", completedAt: T0 + M }],
      effects: [{ type: "stage_completed", stage: "pilot", gates: { canaryHealthy: false, failureThreshold: false, safetyChecks: true }, forced: true }],
    });
  });

  it("refuses a failed stage and points to retry or rollback", () => {
    const r = promote({ now: T0, status: "active", stages: stagesWith(stage("pilot", "pilot", { status: "failed", counts: { failed: 2 } })), force: true, ruleFiring: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/retry.*roll it back/);
  });

  it("refuses when every stage is already completed", () => {
    const r = promote({ now: T0, status: "active", stages: [completed("canary", "canary"), completed("pilot", "pilot")], force: true, ruleFiring: false });
    expect(r).toMatchObject({ ok: false, code: "conflict" });
  });

  it("after a forced promote, the next evaluation starts the next stage", () => {
    const stages = stagesWith(active("pilot", "pilot", { counts: { pending: 2 } }));
    const r = promote({ now: T0 + M, status: "active", stages, force: true, ruleFiring: false });
    if (!r.ok) throw new Error(r.message);
    const next = stages.map((s) => (s.name === "pilot" ? { ...s, status: "completed" as const, completedAt: T0 + M } : s));
    expect(run(next, T0 + 2 * M).effects).toEqual([{ type: "start_stage", stage: "wave-1", activate: true }]);
  });
});
