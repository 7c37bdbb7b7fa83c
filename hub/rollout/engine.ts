// The rollout state machine: stage progression, the three gates of DESIGN and the operator verbs, as pure functions of
// data (`now` passed in). The service (hub/services/rollouts.service.ts) loads a snapshot, calls `advance`, and applies
// the returned stage patches and effects in one transaction. Pause intentions from several sources are folded into
// one status change.
import type { RuleDef } from "./rules.js";
import { nextWait } from "./criteria.js";
import type { CriteriaPhase, CriteriaWait, Unmet } from "./criteria.js";

/** A rollout's statuses (DESIGN.md "Rollouts"), written once: the type, the API's filter check and the metric's series. */
export const ROLLOUT_STATUSES = ["draft", "active", "paused", "completed", "cancelled", "rolled_back"] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export function isRolloutStatus(text: string): text is RolloutStatus {
  return (ROLLOUT_STATUSES as readonly string[]).includes(text);
}
export type StageKind = "canary" | "pilot" | "wave";
export type StageStatus = "pending" | "active" | "converged" | "completed" | "failed";
export type Activation = "download_then_activate" | "immediate";

export function isTerminalRollout(status: RolloutStatus): boolean {
  return status === "completed" || status === "cancelled" || status === "rolled_back";
}

export interface StageConfig {
  observeMs: number;
  approval: boolean;
  deviceTimeoutMs: number;
  /** Fraction 0..1: the failureThreshold gate fails when failed > 0 and failed / total >= threshold. */
  failureThreshold: number;
  activation: Activation;
  /** The circuit breaker: this many consecutive device failures trip (fail and pause) the stage; 0 = off. */
  breakerFailures: number;
  /** The stage's entry criteria include `approval`: `promote` approves its start (criteria.ts). */
  entryApproval?: boolean;
}

/** Device counts of a stage. `notStarted` devices have no desired state yet (their stage has not begun). */
export interface StageCounts {
  total: number;
  notStarted: number;
  pending: number;
  downloading: number;
  verified: number;
  activated: number;
  failed: number;
  cancelled: number;
  rolling_back: number;
  rolled_back: number;
  /** Devices holding at `verified` because their safety check fails. */
  safetyBlocked: number;
}

export interface StageSnapshot {
  name: string;
  kind: StageKind;
  status: StageStatus;
  config: StageConfig;
  startedAt: number | null;
  activationIssuedAt: number | null;
  convergedAt: number | null;
  observeUntil: number | null;
  approvalRequestedAt: number | null;
  approvedAt: number | null;
  completedAt: number | null;
  counts: StageCounts;
  /** Devices still in progress past their deadline. */
  overdue: string[];
  /**
   * The stage's current run of device failures: devices that finished failed (or rolled themselves back) one after the
   * other with no device activating in between, counted since the breaker was last reset. Absent: 0.
   */
  consecutiveFailures?: number;
  /** Entry approval given by `promote` (stages whose entry criteria include approval). */
  entryApprovedAt?: number | null;
  /** `promote --force` on a stage held by its entry criteria: it starts without them. */
  entryForcedAt?: number | null;
  /** What held the stage at the last evaluation (entry or exit criteria), null when nothing did. */
  criteriaWaiting?: CriteriaWait | null;
  /** The stage holds because a rule or criterion could not be evaluated (since when, why), null when all could. */
  evaluationFailure?: EvaluationFailure | null;
}

/** An evaluation that could not reach a verdict: since when it fails (kept while it goes on failing) and the errors. */
export interface EvaluationFailure {
  since: number;
  errors: string[];
}

export interface Gates {
  /** The canary converged and no rule is firing (true when the plan has no canary). */
  canaryHealthy: boolean;
  /** The active stage's failed share is below its threshold. */
  failureThreshold: boolean;
  /** No device of the active stage is held back by a failing safety check. */
  safetyChecks: boolean;
}

/** A rule that started firing at this evaluation. */
export interface Firing {
  rule: RuleDef;
  stage: string;
  value: number | null;
  devices: number;
  explanation: string;
  breachSince: number;
}

export type PauseIntent =
  | { kind: "rule"; firing: Firing }
  | { kind: "failure_threshold"; stage: string; failed: number; total: number; threshold: number }
  | { kind: "circuit_breaker"; stage: string; consecutive: number; limit: number; failed: number; total: number };

export type Effect =
  | { type: "start_stage"; stage: string; activate: boolean }
  | { type: "issue_activation"; stage: string }
  | { type: "time_out_devices"; stage: string; deviceIds: string[] }
  | { type: "stage_converged"; stage: string; observeUntil: number }
  | { type: "request_approval"; stage: string }
  | { type: "stage_completed"; stage: string; gates: Gates; forced: boolean }
  | { type: "alert"; firing: Firing }
  | { type: "rollback"; stage: string | null; reason: string }
  | { type: "pause"; intents: PauseIntent[] }
  | { type: "complete" }
  /** The stage starts waiting on its entry or exit criteria, or waits on another one than before. */
  | { type: "criteria_waiting"; stage: string; unmet: Unmet; since: number }
  /** Nothing holds the stage any more (forced: `promote --force` skipped its entry criteria). */
  | { type: "criteria_met"; stage: string; phase: CriteriaPhase; since: number; forced: boolean }
  /** A rule or criterion of the stage could not be evaluated: the stage holds (written when this starts). */
  | { type: "evaluation_failed"; stage: string; errors: string[]; since: number }
  /** Every rule and criterion reaches a verdict again (written once, when the failure clears). */
  | { type: "evaluation_recovered"; stage: string; since: number; errors: string[] };

export interface StagePatch {
  name: string;
  status?: StageStatus;
  startedAt?: number;
  activationIssuedAt?: number;
  convergedAt?: number;
  observeUntil?: number;
  approvalRequestedAt?: number;
  approvedAt?: number;
  completedAt?: number;
  failedAt?: number;
  entryApprovedAt?: number;
  entryForcedAt?: number;
  criteriaWaiting?: CriteriaWait | null;
  evaluationFailure?: EvaluationFailure | null;
}

export interface Decision {
  status: RolloutStatus;
  patches: StagePatch[];
  effects: Effect[];
  gates: Gates;
  /** What could not be evaluated this time (rules the service reported, criteria that threw), for metrics and logs. */
  evaluationErrors: string[];
}

export function inProgress(c: StageCounts): number {
  return c.notStarted + c.pending + c.downloading + c.verified + c.rolling_back;
}

export function failedShare(c: StageCounts): number {
  return c.total > 0 ? c.failed / c.total : 0;
}

export function failureGatePasses(c: StageCounts, threshold: number): boolean {
  return c.failed === 0 || failedShare(c) < threshold;
}

/** Index of the stage the rollout is working on: the first not completed, or -1 when every stage is. */
export function activeStageIndex(stages: ReadonlyArray<Pick<StageSnapshot, "status">>): number {
  return stages.findIndex((s) => s.status !== "completed");
}

export function computeGates(stages: readonly StageSnapshot[], ruleFiring: boolean): Gates {
  const canary = stages.find((s) => s.kind === "canary");
  const canaryConverged = !canary || canary.status === "converged" || canary.status === "completed";
  const idx = activeStageIndex(stages);
  const active = idx >= 0 ? stages[idx] : undefined;
  return {
    canaryHealthy: canaryConverged && !ruleFiring,
    failureThreshold: active ? failureGatePasses(active.counts, active.config.failureThreshold) : true,
    safetyChecks: active ? active.counts.safetyBlocked === 0 : true,
  };
}

/**
 * Whether a rule of the active stage is firing, by the verdicts of its last evaluation: what the canaryHealthy gate
 * reads, whatever the rollout's status. A rollout a rule paused keeps that verdict until `resume` starts every rule
 * afresh (rules are not evaluated while paused), so its gate reads false meanwhile, as the cause of the pause says.
 */
export function activeStageRuleFiring(stages: readonly Pick<StageSnapshot, "name" | "status">[], rules: ReadonlyArray<{ stage: string; lastVerdict: string | null }>): boolean {
  const idx = activeStageIndex(stages);
  const active = idx >= 0 ? stages[idx]!.name : null;
  return active !== null && rules.some((r) => r.stage === active && r.lastVerdict === "firing");
}

/** DESIGN's status words: canary pending | converged | failed; pilot and waves pending | active | completed | paused. */
export function displayStageStatus(kind: StageKind, status: StageStatus, rollout: RolloutStatus): string {
  if (kind === "canary") {
    if (status === "converged" || status === "completed") return "converged";
    if (status === "failed" || (rollout === "rolled_back" && status === "active")) return "failed";
    return "pending";
  }
  // A stage left unfinished by an abort or a rollback stays where it stopped: paused if it had started.
  if ((rollout === "cancelled" || rollout === "rolled_back") && status !== "completed") return status === "pending" ? "pending" : "paused";
  if (status === "pending" || status === "completed") return status;
  return rollout === "paused" || status === "failed" ? "paused" : "active";
}

/**
 * One evaluation of an active rollout: act on rules that started firing, time out overdue devices, check the failure
 * gate, and move stages forward as far as the data allows (an empty stage or a window already over does not wait for
 * the next tick). A rollout that is not active is left alone.
 */
export function advance(input: {
  now: number;
  status: RolloutStatus;
  stages: StageSnapshot[];
  firings: Firing[];
  ruleFiring: boolean;
  /** A rule of the active stage sees a breach that has not yet lasted its `for`: the stage does not complete meanwhile. */
  ruleBreaching?: boolean;
  /**
   * The fleet is frozen (`verge freeze on`): rules still act (a pause, a rollback, an alert) but nothing moves forward:
   * no stage starts, activates, times devices out or completes.
   */
  frozen?: boolean;
  /** The stages' entry and exit criteria, judged by the service (hub/services/criteria.service.ts). */
  criteria?: StageCriteria;
  /**
   * Rules of the active stage that could not be evaluated (an SQL error, say), one line each. Any makes the rollout
   * blind: rules that did reach a verdict still act, devices still time out and gates still fail the stage, but nothing
   * moves forward (no stage starts, activates or completes) until every rule and criterion reaches a verdict.
   */
  evaluationErrors?: string[];
}): Decision {
  const { now } = input;
  const stages = input.stages.map((s) => ({ ...s, counts: { ...s.counts } }));
  const patches = new Map<string, StagePatch>();
  const effects: Effect[] = [];
  const pauses: PauseIntent[] = [];
  const patch = (s: StageSnapshot, p: Omit<StagePatch, "name">) => {
    Object.assign(s, p);
    patches.set(s.name, { ...patches.get(s.name), name: s.name, ...p });
  };
  const errors = [...(input.evaluationErrors ?? [])];
  const blind = () => errors.length > 0;
  const done = (status: RolloutStatus): Decision => {
    if (input.status === "active") noteEvaluationFailure();
    return { status, patches: [...patches.values()], effects, gates: computeGates(stages, input.ruleFiring), evaluationErrors: errors };
  };
  // The stage an evaluation failure holds is the one the rollout stopped at; a failure is remembered on it (since when)
  // so the event is written when it starts and when it clears, not at every evaluation. A failure noted on another
  // stage (the rollout since moved on: promote --force) clears.
  const noteEvaluationFailure = () => {
    const idx = activeStageIndex(stages);
    stages.forEach((s, i) => {
      const was = s.evaluationFailure ?? null;
      const failing = i === idx && errors.length > 0;
      if (failing && !was) {
        patch(s, { evaluationFailure: { since: now, errors } });
        effects.push({ type: "evaluation_failed", stage: s.name, errors, since: now });
      } else if (failing && was && JSON.stringify(was.errors) !== JSON.stringify(errors)) {
        patch(s, { evaluationFailure: { since: was.since, errors } });
      } else if (!failing && was) {
        patch(s, { evaluationFailure: null });
        effects.push({ type: "evaluation_recovered", stage: s.name, since: was.since, errors: was.errors });
      }
    });
  };
  // Criteria judged by the service may fail (they read SQL): that is no verdict, and the stage holds.
  const judge = (phase: CriteriaPhase, s: StageSnapshot): Unmet | null | "error" => {
    if (!input.criteria) return null;
    try {
      return input.criteria[phase](s, stages);
    } catch (err) {
      errors.push(`${phase} criteria of stage ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
      return "error";
    }
  };
  // A stage its criteria hold waits (it does not fail). The wait is remembered on the stage; an event marks when it
  // starts or moves on to another criterion, and when it clears.
  const heldByCriteria = (s: StageSnapshot, phase: CriteriaPhase): boolean => {
    const forced = phase === "entry" && (s.entryForcedAt ?? null) !== null;
    const judged = forced ? null : judge(phase, s);
    // No verdict: the wait stays as it was (neither a new wait nor "met"), and the stage holds.
    if (judged === "error") return true;
    const unmet = judged;
    const was = s.criteriaWaiting ?? null;
    const wait = nextWait(was?.phase === phase ? was : null, unmet, now);
    if ((wait || was?.phase === phase) && JSON.stringify(wait) !== JSON.stringify(was)) patch(s, { criteriaWaiting: wait });
    if (unmet && wait && (was?.phase !== phase || was.criterion !== wait.criterion)) effects.push({ type: "criteria_waiting", stage: s.name, unmet, since: wait.since });
    if (!unmet && was?.phase === phase) effects.push({ type: "criteria_met", stage: s.name, phase, since: was.since, forced });
    return unmet !== null;
  };

  if (input.status !== "active") return done(input.status);

  for (const firing of input.firings) {
    if (firing.rule.action === "alert") {
      effects.push({ type: "alert", firing });
      continue;
    }
    pauses.push({ kind: "rule", firing });
    if (firing.rule.action === "pause_and_rollback") {
      const stage = firing.rule.scope === "stage" ? firing.stage : null;
      effects.push({ type: "rollback", stage, reason: `rule ${firing.rule.name}` });
      const target = stage === null ? stages.filter((s) => s.status !== "pending") : stages.filter((s) => s.name === stage);
      for (const s of target) if (s.status !== "completed") patch(s, { status: "failed", failedAt: now });
    }
  }

  // Devices that failed and those timed out now (they fail last) extend the stage's run of failures.
  const tripped = (s: StageSnapshot): PauseIntent | null => {
    const limit = s.config.breakerFailures;
    const run = (s.consecutiveFailures ?? 0) + s.overdue.length;
    return limit > 0 && run >= limit ? { kind: "circuit_breaker", stage: s.name, consecutive: run, limit, failed: s.counts.failed + s.overdue.length, total: s.counts.total } : null;
  };

  let guard = input.frozen ? 0 : stages.length * 3 + 1;
  while (pauses.length === 0 && guard-- > 0) {
    const idx = activeStageIndex(stages);
    if (idx < 0) {
      effects.push({ type: "complete" });
      return done("completed");
    }
    const s = stages[idx]!;
    if (s.status === "failed") break;

    if (s.status === "pending") {
      if (blind() || heldByCriteria(s, "entry")) break;
      const activate = s.config.activation === "immediate";
      patch(s, { status: "active", startedAt: now, ...(activate ? { activationIssuedAt: now } : {}) });
      effects.push({ type: "start_stage", stage: s.name, activate });
      s.counts.pending += s.counts.notStarted;
      s.counts.notStarted = 0;
      if (s.counts.total > 0) break;
    }

    if (s.status === "active") {
      const breaker = tripped(s);
      if (s.overdue.length > 0) {
        effects.push({ type: "time_out_devices", stage: s.name, deviceIds: [...s.overdue] });
        s.counts.failed += s.overdue.length;
        // They were somewhere in progress; take them out of the in-progress buckets, most advanced last.
        let left = s.overdue.length;
        for (const key of ["notStarted", "pending", "downloading", "verified", "rolling_back"] as const) {
          const n = Math.min(left, s.counts[key]);
          s.counts[key] -= n;
          left -= n;
        }
        s.overdue = [];
      }
      if (breaker) {
        patch(s, { status: "failed", failedAt: now });
        pauses.push(breaker);
        break;
      }
      if (!failureGatePasses(s.counts, s.config.failureThreshold)) {
        patch(s, { status: "failed", failedAt: now });
        pauses.push({ kind: "failure_threshold", stage: s.name, failed: s.counts.failed, total: s.counts.total, threshold: s.config.failureThreshold });
        break;
      }
      const waitingToActivate = s.activationIssuedAt === null;
      if (waitingToActivate) {
        const stillDownloading = s.counts.notStarted + s.counts.pending + s.counts.downloading + s.counts.rolling_back;
        if (stillDownloading > 0) break;
        // Activating puts the release to work on more devices: not while a rule cannot say how it does.
        if (blind()) break;
        patch(s, { activationIssuedAt: now });
        if (s.counts.verified > 0) {
          effects.push({ type: "issue_activation", stage: s.name });
          break;
        }
      }
      if (inProgress(s.counts) > 0) break;
      // An empty stage has nothing to observe.
      const observeUntil = now + (s.counts.total > 0 ? s.config.observeMs : 0);
      patch(s, { status: "converged", convergedAt: now, observeUntil });
      effects.push({ type: "stage_converged", stage: s.name, observeUntil });
    }

    if (s.status === "converged") {
      const breaker = tripped(s);
      if (breaker) {
        patch(s, { status: "failed", failedAt: now });
        pauses.push(breaker);
        break;
      }
      if (!failureGatePasses(s.counts, s.config.failureThreshold)) {
        patch(s, { status: "failed", failedAt: now });
        pauses.push({ kind: "failure_threshold", stage: s.name, failed: s.counts.failed, total: s.counts.total, threshold: s.config.failureThreshold });
        break;
      }
      if (now < (s.observeUntil ?? 0)) break;
      if (input.ruleBreaching) break;
      if (blind()) break;
      const gates = computeGates(stages, input.ruleFiring);
      if (!gates.canaryHealthy || !gates.failureThreshold || !gates.safetyChecks) break;
      if (heldByCriteria(s, "exit") || blind()) break;
      if (s.config.approval && s.approvedAt === null) {
        if (s.approvalRequestedAt === null) {
          patch(s, { approvalRequestedAt: now });
          effects.push({ type: "request_approval", stage: s.name });
        }
        break;
      }
      patch(s, { status: "completed", completedAt: now });
      effects.push({ type: "stage_completed", stage: s.name, gates, forced: false });
    }
  }

  if (pauses.length > 0) {
    effects.push({ type: "pause", intents: pauses });
    return done("paused");
  }
  return done("active");
}

export type VerbResult = { ok: true; patches: StagePatch[]; effects: Effect[] } | { ok: false; code: "conflict" | "bad_request"; message: string };

/**
 * `promote`: approve the active stage, which then completes as soon as its window is over and its gates pass; with
 * `force`, complete it now whatever its window and gates (the next evaluation starts the next stage).
 */
export function promote(input: { now: number; status: RolloutStatus; stages: StageSnapshot[]; force: boolean; ruleFiring: boolean }): PromoteResult {
  if (input.status !== "active") {
    return { ok: false, code: "conflict", message: `rollout is ${input.status}; only an active rollout can be promoted${input.status === "paused" ? " (resume it first)" : ""}` };
  }
  const idx = activeStageIndex(input.stages);
  const s = idx >= 0 ? input.stages[idx] : undefined;
  if (!s) return { ok: false, code: "conflict", message: "every stage is already completed" };
  if (s.status === "failed") return { ok: false, code: "conflict", message: `stage ${s.name} failed; retry its failed devices or roll it back` };
  if (s.status === "pending") return promotePending(s, input.now, input.force);
  if (input.force) {
    return {
      ok: true,
      stage: s.name,
      patches: [{ name: s.name, status: "completed", completedAt: input.now }],
      effects: [{ type: "stage_completed", stage: s.name, gates: computeGates(input.stages, input.ruleFiring), forced: true }],
    };
  }
  if (!s.config.approval) {
    return {
      ok: false,
      code: "conflict",
      message: `stage ${s.name} does not need approval: it completes by itself when its observation window ends and its gates pass (promote --force skips the window and the gates)`,
    };
  }
  if (s.approvedAt !== null) return { ok: false, code: "conflict", message: `stage ${s.name} is already approved` };
  return { ok: true, stage: s.name, patches: [{ name: s.name, approvedAt: input.now }], effects: [] };
}

/** What `promote` did: `entry` says it approved (or forced) the start of a stage its entry criteria held. */
export type PromoteResult = VerbResult & { stage?: string; entry?: "approved" | "forced" };

/** The stages' entry and exit criteria as `advance` asks for them: null when nothing holds the stage. */
export interface StageCriteria {
  entry(stage: StageSnapshot, stages: readonly StageSnapshot[]): Unmet | null;
  exit(stage: StageSnapshot, stages: readonly StageSnapshot[]): Unmet | null;
}

/**
 * `promote` of a stage that has not started (the previous one completed; its entry criteria hold it): approve its
 * start when its entry criteria ask for approval; with `force`, start it without its entry criteria.
 */
function promotePending(s: StageSnapshot, now: number, force: boolean): PromoteResult {
  const waitsOnEntry = s.criteriaWaiting?.phase === "entry";
  if (force && waitsOnEntry) return { ok: true, stage: s.name, entry: "forced", patches: [{ name: s.name, entryForcedAt: now }], effects: [] };
  if (!force && s.config.entryApproval) {
    if ((s.entryApprovedAt ?? null) !== null) return { ok: false, code: "conflict", message: `the start of stage ${s.name} is already approved` };
    return { ok: true, stage: s.name, entry: "approved", patches: [{ name: s.name, entryApprovedAt: now }], effects: [] };
  }
  return {
    ok: false,
    code: "conflict",
    message: waitsOnEntry
      ? `stage ${s.name} waits on its entry criteria (\`verge rollout validate\` shows which); promote --force starts it without them`
      : `stage ${s.name} has not started yet; it starts at the next evaluation`,
  };
}
