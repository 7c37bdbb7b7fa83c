// An evaluation that cannot reach a verdict never lets a stage advance (hub/rollout/engine.ts, `evaluationErrors` and
// criteria that throw), and the canaryHealthy gate reads the active stage's rule verdicts whatever the rollout's status
// (`activeStageRuleFiring`). Tables over stage snapshots, `now` passed in.
import { describe, expect, it } from "vitest";
import { activeStageRuleFiring, advance, computeGates } from "../../hub/rollout/engine.js";
import type { Decision, Effect, StageConfig, StageCriteria, StageKind, StageSnapshot } from "../../hub/rollout/engine.js";
import type { RuleDef } from "../../hub/rollout/rules.js";
import { stageSnapshot } from "../helpers/stage-snapshots.js";
import type { StageOver } from "../helpers/stage-snapshots.js";

const M = 60_000;
const H = 60 * M;
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const CONFIG: StageConfig = { observeMs: H, approval: false, deviceTimeoutMs: H, failureThreshold: 0.5, activation: "immediate", breakerFailures: 0 };
const OVERFLOW = "rule availability (availability): integer overflow";

/** A stage snapshot: pending with nothing started unless told otherwise. */
function stage(name: string, kind: StageKind, over: StageOver = {}): StageSnapshot {
  return stageSnapshot(name, kind, CONFIG, over);
}
/** The canary, every device done, its window over at T0 + H: it completes at the next evaluation unless held. */
const canaryDone = (over: StageOver = {}) =>
  stage("canary", "canary", { status: "converged", startedAt: T0, activationIssuedAt: T0, convergedAt: T0, observeUntil: T0 + H, counts: { activated: 2 }, ...over });
const pilot = () => stage("pilot", "pilot", { counts: { notStarted: 4 } });

function run(stages: StageSnapshot[], over: Partial<Parameters<typeof advance>[0]> = {}): Decision {
  return advance({ now: T0 + 2 * H, status: "active", stages, firings: [], ruleFiring: false, ...over });
}
const types = (d: Decision): Array<Effect["type"]> => d.effects.map((e) => e.type);

function ruleDef(over: Partial<RuleDef> = {}): RuleDef {
  return { name: "dropped", metric: "dropped_ratio", op: ">", threshold: 0.001, forMs: 0, windowMs: H, minDevices: 1, scope: "stage", action: "pause", ...over };
}

describe("advance: a rule that cannot be evaluated holds the stage", () => {
  it("a converged stage past its window does not complete and the next stage does not start; evaluation_failed is written with the error", () => {
    const d = run([canaryDone(), pilot()], { evaluationErrors: [OVERFLOW] });
    expect(d.status).toBe("active");
    expect(d.effects).toEqual([{ type: "evaluation_failed", stage: "canary", errors: [OVERFLOW], since: T0 + 2 * H }]);
    expect(d.patches).toEqual([{ name: "canary", evaluationFailure: { since: T0 + 2 * H, errors: [OVERFLOW] } }]);
    expect(d.evaluationErrors).toEqual([OVERFLOW]);
  });

  it("while the failure goes on, the stage keeps holding and no second event is written", () => {
    const failing = canaryDone({ evaluationFailure: { since: T0 + H, errors: [OVERFLOW] } });
    const d = run([failing, pilot()], { evaluationErrors: [OVERFLOW] });
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([]);
    expect(d.evaluationErrors).toEqual([OVERFLOW]);
  });

  it("another error while failing updates what is stored, still without an event", () => {
    const failing = canaryDone({ evaluationFailure: { since: T0 + H, errors: [OVERFLOW] } });
    const d = run([failing, pilot()], { evaluationErrors: ["rule lag (event_lag_p95): disk I/O error"] });
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([{ name: "canary", evaluationFailure: { since: T0 + H, errors: ["rule lag (event_lag_p95): disk I/O error"] } }]);
  });

  it("once every rule reaches a verdict the failure clears (one evaluation_recovered) and the stage moves on in the same call", () => {
    const failing = canaryDone({ evaluationFailure: { since: T0 + H, errors: [OVERFLOW] } });
    const d = run([failing, pilot()]);
    expect(types(d)).toEqual(["stage_completed", "start_stage", "evaluation_recovered"]);
    expect(d.effects[2]).toEqual({ type: "evaluation_recovered", stage: "canary", since: T0 + H, errors: [OVERFLOW] });
    expect(d.patches.find((p) => p.name === "canary")).toMatchObject({ status: "completed", evaluationFailure: null });
  });

  it.each([
    ["a pending stage does not start", [stage("canary", "canary", { counts: { notStarted: 2 } })], "canary"],
    [
      "a stage whose devices all verified is not told to activate",
      [stage("canary", "canary", { status: "active", startedAt: T0, activationIssuedAt: null, config: { activation: "download_then_activate" }, counts: { verified: 2 } })],
      "canary",
    ],
    ["the stage after a completed one does not start", [stage("canary", "canary", { status: "completed", completedAt: T0, counts: { activated: 1 } }), pilot()], "pilot"],
  ])("%s", (_what, stages, held) => {
    const d = run(stages, { evaluationErrors: [OVERFLOW] });
    expect(types(d)).toEqual(["evaluation_failed"]);
    expect(d.patches).toEqual([{ name: held, evaluationFailure: { since: T0 + 2 * H, errors: [OVERFLOW] } }]);
  });

  it("what fails safe still happens: a rule that fires pauses, devices time out, the failure threshold fails the stage", () => {
    const firing = { rule: ruleDef(), stage: "canary", value: 0.2, devices: 2, explanation: "dropped 20%", breachSince: T0 };
    const paused = run([canaryDone(), pilot()], { evaluationErrors: [OVERFLOW], firings: [firing], ruleFiring: true });
    expect(paused.status).toBe("paused");
    expect(types(paused)).toEqual(["pause", "evaluation_failed"]);

    const deploying = stage("canary", "canary", { status: "active", startedAt: T0, activationIssuedAt: T0, counts: { pending: 2, activated: 1 }, overdue: ["d1", "d2"] });
    const timedOut = run([deploying, pilot()], { evaluationErrors: [OVERFLOW] });
    expect(timedOut.status).toBe("paused");
    expect(types(timedOut)).toEqual(["time_out_devices", "pause", "evaluation_failed"]);
    expect(timedOut.patches.find((p) => p.name === "canary")).toMatchObject({ status: "failed" });
  });

  it("exit criteria that throw are no verdict either: the stage holds with the error, its criteria wait untouched", () => {
    const criteria: StageCriteria = {
      entry: () => null,
      exit: () => {
        throw new Error("no such table: incidents");
      },
    };
    const d = run([canaryDone(), pilot()], { criteria });
    expect(d.status).toBe("active");
    expect(d.effects).toEqual([{ type: "evaluation_failed", stage: "canary", errors: ["exit criteria of stage canary: no such table: incidents"], since: T0 + 2 * H }]);
    expect(d.evaluationErrors).toEqual(["exit criteria of stage canary: no such table: incidents"]);
  });

  it("entry criteria that throw keep the next stage from starting, the one before still completes", () => {
    const criteria: StageCriteria = {
      entry: (s) => {
        if (s.name === "pilot") throw new Error("database is locked");
        return null;
      },
      exit: () => null,
    };
    const d = run([canaryDone(), pilot()], { criteria });
    expect(types(d)).toEqual(["stage_completed", "evaluation_failed"]);
    expect(d.effects[1]).toMatchObject({ stage: "pilot", errors: ["entry criteria of stage pilot: database is locked"] });
  });

  it("a rollout that is not active is left alone: no event, its stored failure stays", () => {
    const failing = canaryDone({ evaluationFailure: { since: T0 + H, errors: [OVERFLOW] } });
    const d = run([failing, pilot()], { status: "paused" });
    expect(d.effects).toEqual([]);
    expect(d.patches).toEqual([]);
  });
});

describe("canaryHealthy reads the rules' verdicts whatever the rollout's status", () => {
  const stages = [canaryDone(), pilot()];
  it.each([
    ["a firing rule of the active stage", [{ stage: "canary", lastVerdict: "firing" }], true],
    ["a rule only breaching (pending its for)", [{ stage: "canary", lastVerdict: "pending" }], false],
    ["a rule that was never evaluated", [{ stage: "canary", lastVerdict: null }], false],
    ["a firing verdict left on another stage", [{ stage: "pilot", lastVerdict: "firing" }], false],
  ])("%s -> firing %s", (_what, rules, expected) => {
    expect(activeStageRuleFiring(stages, rules)).toBe(expected);
    expect(computeGates(stages, activeStageRuleFiring(stages, rules)).canaryHealthy).toBe(!expected);
  });

  it("a paused rollout whose rule fires: canaryHealthy false (the engine leaves a paused rollout alone, the gate still reads the rule)", () => {
    const firing = activeStageRuleFiring(stages, [{ stage: "canary", lastVerdict: "firing" }]);
    const d = run(stages, { status: "paused", ruleFiring: firing });
    expect(d.status).toBe("paused");
    expect(d.gates.canaryHealthy).toBe(false);
  });
});
