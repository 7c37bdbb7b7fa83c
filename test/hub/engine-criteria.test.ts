// The engine with stage criteria (hub/rollout/engine.ts `advance` with `criteria`, `promote` of a held stage): a stage
// its entry criteria hold does not start, a converged stage its exit criteria hold does not complete once its window
// is over, each waits without failing, and the wait is reported once when it starts or moves and once when it clears.
import { describe, expect, it } from "vitest";
import { advance, promote } from "../../hub/rollout/engine.js";
import type { Decision, StageCriteria, StageSnapshot } from "../../hub/rollout/engine.js";
import type { CriteriaPhase, CriterionResult, Unmet } from "../../hub/rollout/criteria.js";

const M = 60_000;
const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);

const EMPTY = { notStarted: 0, pending: 0, downloading: 0, verified: 0, activated: 0, failed: 0, cancelled: 0, rolling_back: 0, rolled_back: 0, safetyBlocked: 0 };

/** A stage of two devices: `done` completed, `waiting` pending with nothing started, `observing` converged until T0 + 10m. */
function snap(name: string, state: "done" | "waiting" | "observing", over: Partial<StageSnapshot> = {}): StageSnapshot {
  const started = state !== "waiting";
  return {
    name,
    kind: name === "canary" ? "canary" : "wave",
    status: state === "done" ? "completed" : state === "waiting" ? "pending" : "converged",
    config: { observeMs: 10 * M, approval: false, deviceTimeoutMs: 60 * M, failureThreshold: 0.5, activation: "immediate", breakerFailures: 0 },
    startedAt: started ? T0 - 20 * M : null,
    activationIssuedAt: started ? T0 - 20 * M : null,
    convergedAt: started ? T0 : null,
    observeUntil: started ? T0 + 10 * M : null,
    approvalRequestedAt: null,
    approvedAt: null,
    completedAt: state === "done" ? T0 : null,
    counts: { ...EMPTY, total: 2, ...(started ? { activated: 2 } : { notStarted: 2 }) },
    overdue: [],
    ...over,
  };
}

function failing(phase: CriteriaPhase, ...kinds: Array<[string, CriterionResult["kind"], string]>): Unmet {
  return {
    phase,
    failing: kinds.map(([id, kind, observed]) => ({ phase, stage: "wave-1", id, kind, description: `${kind} criterion`, expected: "ok", observed, value: null, pass: false, detail: "held" })),
  };
}

/** Criteria that hold `stage` in `phase` with `unmet` (null: nothing holds it). */
function holding(stage: string, phase: CriteriaPhase, unmet: Unmet | null): StageCriteria {
  return {
    entry: (s) => (phase === "entry" && s.name === stage ? unmet : null),
    exit: (s) => (phase === "exit" && s.name === stage ? unmet : null),
  };
}

function run(stages: StageSnapshot[], now: number, criteria?: StageCriteria): Decision {
  return advance({ now, status: "active", stages, firings: [], ruleFiring: false, ...(criteria ? { criteria } : {}) });
}

const incident = failing("entry", ["entry.1", "noOpenIncidents", "1 open: inc-7 (sev2)"]);

describe("advance with entry criteria", () => {
  it("a pending stage they hold does not start; the wait is remembered and reported once", () => {
    const d = run([snap("canary", "done"), snap("wave-1", "waiting")], T0 + M, holding("wave-1", "entry", incident));
    expect(d.status).toBe("active");
    expect(d.effects).toEqual([{ type: "criteria_waiting", stage: "wave-1", unmet: incident, since: T0 + M }]);
    expect(d.patches).toEqual([
      { name: "wave-1", criteriaWaiting: { phase: "entry", criterion: "entry.1", since: T0 + M, unmet: [{ id: "entry.1", kind: "noOpenIncidents", description: "noOpenIncidents criterion", expected: "ok", observed: "1 open: inc-7 (sev2)" }] } },
    ]);
  });

  it.each<[string, Unmet, number]>([
    ["the same criterion, the same figures: nothing written, nothing said", incident, 0],
    ["the same criterion, new figures: the wait is updated, nothing said", failing("entry", ["entry.1", "noOpenIncidents", "2 open: inc-7 (sev2), inc-8 (sev1)"]), 0],
    ["another criterion: a new event, `since` kept", failing("entry", ["entry.2", "kpi", "90.00% over 3s, 1 device"]), 1],
  ])("at the next evaluation, %s", (_what, unmet, events) => {
    const first = run([snap("canary", "done"), snap("wave-1", "waiting")], T0 + M, holding("wave-1", "entry", incident));
    const wait = first.patches[0]!.criteriaWaiting!;
    const d = run([snap("canary", "done"), snap("wave-1", "waiting", { criteriaWaiting: wait })], T0 + 2 * M, holding("wave-1", "entry", unmet));
    expect(d.effects.filter((e) => e.type === "criteria_waiting")).toHaveLength(events);
    const written = d.patches.find((p) => p.name === "wave-1")?.criteriaWaiting;
    if (unmet === incident) expect(written).toBeUndefined();
    else expect(written).toMatchObject({ criterion: unmet.failing[0]!.id, since: T0 + M });
    expect(d.effects.some((e) => e.type === "start_stage")).toBe(false);
  });

  it("once they pass the wait clears (criteria_met) and the stage starts in the same evaluation", () => {
    const wait = { phase: "entry" as const, criterion: "entry.1", since: T0 + M, unmet: [] };
    const d = run([snap("canary", "done"), snap("wave-1", "waiting", { criteriaWaiting: wait })], T0 + 5 * M, holding("wave-1", "entry", null));
    expect(d.effects).toEqual([
      { type: "criteria_met", stage: "wave-1", phase: "entry", since: T0 + M, forced: false },
      { type: "start_stage", stage: "wave-1", activate: true },
    ]);
    expect(d.patches).toEqual([{ name: "wave-1", criteriaWaiting: null, status: "active", startedAt: T0 + 5 * M, activationIssuedAt: T0 + 5 * M }]);
  });

  it("the previous stage completing and the next one's criteria are judged in the same evaluation, on the engine's view", () => {
    const seen: string[] = [];
    const criteria: StageCriteria = {
      entry: (s, stages) => {
        seen.push(`${s.name}: previous ${stages[0]!.status}`);
        return null;
      },
      exit: () => null,
    };
    const d = run([snap("canary", "observing"), snap("wave-1", "waiting")], T0 + 10 * M, criteria);
    expect(seen).toEqual(["wave-1: previous completed"]);
    expect(d.effects.map((e) => e.type)).toEqual(["stage_completed", "start_stage"]);
  });

  it("a stage forced by promote starts without asking them, and a wait it had clears as forced", () => {
    const wait = { phase: "entry" as const, criterion: "entry.1", since: T0, unmet: [] };
    const asked: string[] = [];
    const criteria: StageCriteria = {
      entry: (s) => (asked.push(s.name), incident),
      exit: () => null,
    };
    const d = run([snap("canary", "done"), snap("wave-1", "waiting", { criteriaWaiting: wait, entryForcedAt: T0 + M })], T0 + 2 * M, criteria);
    expect(asked).toEqual([]);
    expect(d.effects).toEqual([
      { type: "criteria_met", stage: "wave-1", phase: "entry", since: T0, forced: true },
      { type: "start_stage", stage: "wave-1", activate: true },
    ]);
  });

  it("without criteria (plans that have none) nothing changes", () => {
    const d = run([snap("canary", "done"), snap("wave-1", "waiting")], T0 + M);
    expect(d.effects).toEqual([{ type: "start_stage", stage: "wave-1", activate: true }]);
  });
});

describe("advance with exit criteria", () => {
  const lag = failing("exit", ["exit.0", "kpi", "12.00 s over 10m, 2 devices"]);

  it("are not asked during the observation window", () => {
    const asked: string[] = [];
    const d = run([snap("canary", "observing")], T0 + 5 * M, { entry: () => null, exit: (s) => (asked.push(s.name), lag) });
    expect(asked).toEqual([]);
    expect(d.effects).toEqual([]);
  });

  it("hold a converged stage past its window: it stays converged, the rollout active, no next stage", () => {
    const d = run([snap("canary", "observing"), snap("wave-1", "waiting")], T0 + 11 * M, holding("canary", "exit", lag));
    expect(d.status).toBe("active");
    expect(d.effects).toEqual([{ type: "criteria_waiting", stage: "canary", unmet: lag, since: T0 + 11 * M }]);
    expect(d.patches.map((p) => [p.name, p.status, p.criteriaWaiting?.phase])).toEqual([["canary", undefined, "exit"]]);
  });

  it("let it complete once met; an exit approval is asked only after them", () => {
    const wait = { phase: "exit" as const, criterion: "exit.0", since: T0 + 11 * M, unmet: [] };
    const stages = [snap("canary", "observing", { criteriaWaiting: wait, config: { ...snap("canary", "observing").config, approval: true } }), snap("wave-1", "waiting")];
    const held = run(stages, T0 + 12 * M, holding("canary", "exit", lag));
    expect(held.effects).toEqual([]);
    const d = run(stages, T0 + 13 * M, holding("canary", "exit", null));
    expect(d.effects.map((e) => e.type)).toEqual(["criteria_met", "request_approval"]);
  });
});

describe("promote of a stage its entry criteria hold", () => {
  const approvalStage = (over: Partial<StageSnapshot> = {}) =>
    snap("wave-1", "waiting", { config: { ...snap("wave-1", "waiting").config, entryApproval: true }, criteriaWaiting: { phase: "entry", criterion: "entry.1", since: T0, unmet: [] }, ...over });
  const promoteNow = (stage: StageSnapshot, force: boolean) => promote({ now: T0 + M, status: "active", stages: [snap("canary", "done"), stage], force, ruleFiring: false });

  it("approves its start when its entry criteria ask for approval", () => {
    expect(promoteNow(approvalStage(), false)).toEqual({ ok: true, stage: "wave-1", entry: "approved", patches: [{ name: "wave-1", entryApprovedAt: T0 + M }], effects: [] });
  });

  it("refuses a second approval", () => {
    expect(promoteNow(approvalStage({ entryApprovedAt: T0 }), false)).toMatchObject({ ok: false, code: "conflict", message: "the start of stage wave-1 is already approved" });
  });

  it("with --force starts a held stage without its entry criteria", () => {
    expect(promoteNow(approvalStage(), true)).toEqual({ ok: true, stage: "wave-1", entry: "forced", patches: [{ name: "wave-1", entryForcedAt: T0 + M }], effects: [] });
  });

  it("refuses a held stage that needs no approval, naming validate and --force", () => {
    const held = snap("wave-1", "waiting", { criteriaWaiting: { phase: "entry", criterion: "entry.1", since: T0, unmet: [] } });
    expect(promoteNow(held, false)).toMatchObject({ ok: false, code: "conflict", message: expect.stringMatching(/waits on its entry criteria \(`verge rollout validate` shows which\); promote --force starts it/) as string });
  });

  it("a pending stage nothing holds answers as before", () => {
    expect(promoteNow(snap("wave-1", "waiting"), true)).toMatchObject({ ok: false, message: "stage wave-1 has not started yet; it starts at the next evaluation" });
  });
});
