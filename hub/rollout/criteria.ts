// Entry and exit criteria of a stage (plan.ts "stage criteria"): a pure verdict per criterion from figures the service
// gathered (open incidents, KPI sums, the previous stage, approvals), so `verge rollout validate`, the engine and the
// status view all judge the same way and the verdicts can be table-tested. A criterion states what PASSES
// (`availability >= 99.5%`), unlike a rule, which states the breach.
import { formatDuration } from "./duration.js";
import type { StageStatus } from "./engine.js";
import { formatThreshold } from "./plan.js";
import type { EntryCriterion, ExitCriterion } from "./plan.js";
import { breaches as holds, formatDurationShort, formatMetric, metricLabel } from "./rules.js";
import type { Measurement } from "./rules.js";

export type CriteriaPhase = "entry" | "exit";
export type Criterion = EntryCriterion | ExitCriterion;
export type CriterionKind = Criterion["kind"];

/** One criterion judged now. `id` is `<phase>.<index>` in the stage's resolved list (stable for a rollout). */
export interface CriterionResult {
  phase: CriteriaPhase;
  stage: string;
  id: string;
  kind: CriterionKind;
  /** What must hold: "no open sev1/sev2 incident", "availability >= 99.5% for 1h (devices started so far)". */
  description: string;
  /** The pass condition as figures: "none open", ">= 99.5%". */
  expected: string;
  /** What was seen: "1 open: inc-7 (sev2)", "98.20% over 1h, 5 devices". */
  observed: string;
  /** The observed figure in the metric's unit (a fraction, ms, a count); null when there is none. */
  value: number | null;
  pass: boolean;
  /** A sentence for the operator: why it passes or not, and what to do. */
  detail: string;
}

export interface IncidentFact {
  id: string;
  severity: string;
  /** null: a fleet-wide incident, linked to no release (it counts for every rollout). */
  releaseId: string | null;
  title: string;
}

/** KPI figures of one kpi criterion: the measurement over (from, to], and how far back the reports reach. */
export interface KpiFact {
  measurement: Measurement;
  /** null: no span to measure (an exit criterion of a stage that has not converged). */
  from: number | null;
  to: number;
  /** Earliest start of a report window in the span (entry criteria: the data must cover the whole `for`). */
  coveredFrom?: number | null;
}

export interface CriteriaFacts {
  rolloutId: string;
  stage: string;
  now: number;
  /** The stage before this one in the plan (entry criteria), null for the first. */
  previous: { name: string; status: StageStatus; observeUntil: number | null } | null;
  /**
   * "Before expanding" (validate without a stage: the active stage's exit criteria are judged alongside): a previous
   * stage that converged and whose observation window is over counts as done.
   */
  expanding?: boolean;
  /** Open incidents linked to the rollout's release, and fleet-wide ones. */
  openIncidents: IncidentFact[];
  entryApproval: { at: number; by: string | null } | null;
  /** Figures of each kpi criterion, by its index in the list. */
  kpi: ReadonlyMap<number, KpiFact>;
}

/** One line for plans, tables and events. */
export function describeCriterion(c: Criterion, previous?: string): string {
  switch (c.kind) {
    case "previousStage":
      return previous ? `previous stage ${previous} completed` : "previous stage completed";
    case "noOpenIncidents":
      return `no open ${c.severities.join("/")} incident`;
    case "approval":
      return "entry approved (verge rollout promote)";
    case "kpi": {
      const min = c.minDevices > 1 ? `, min ${c.minDevices} devices` : "";
      const condition = `${c.metric} ${c.op} ${formatThreshold(c.metric, c.threshold)}`;
      if ("forMs" in c) return `${condition} for ${formatDuration(c.forMs)} (devices started so far${min})`;
      const span = c.windowMs === null ? "over the observation window" : `over the last ${formatDuration(c.windowMs)} of the observation window`;
      return `${condition} ${span} (stage devices${min})`;
    }
  }
}

/** Judges every criterion of a list (a stage's entry or exit criteria) with the facts gathered for it. */
export function evaluateCriteria(phase: CriteriaPhase, criteria: readonly Criterion[], facts: CriteriaFacts): CriterionResult[] {
  return criteria.map((c, i) => {
    const verdict = judge(c, i, facts);
    return { phase, stage: facts.stage, id: `${phase}.${i}`, kind: c.kind, description: describeCriterion(c, facts.previous?.name), ...verdict };
  });
}

type Verdict = Pick<CriterionResult, "expected" | "observed" | "value" | "pass" | "detail">;

function judge(c: Criterion, index: number, f: CriteriaFacts): Verdict {
  switch (c.kind) {
    case "previousStage":
      return judgePrevious(f);
    case "noOpenIncidents": {
      const open = f.openIncidents.filter((x) => (c.severities as string[]).includes(x.severity));
      const expected = `none open (${c.severities.join(", ")})`;
      if (open.length === 0) return { expected, observed: "none open", value: 0, pass: true, detail: `No ${c.severities.join("/")} incident is open on release or fleet.` };
      const shown = open.slice(0, 3).map((x) => `${x.id} (${x.severity}${x.releaseId === null ? ", fleet-wide" : ""})`);
      const observed = `${open.length} open: ${shown.join(", ")}${open.length > shown.length ? ", ..." : ""}`;
      return {
        expected,
        observed,
        value: open.length,
        pass: false,
        detail: `${observed}. The stage waits until ${open.length === 1 ? "it is" : "they are"} closed: \`verge incident close ID --reason ...\`.`,
      };
    }
    case "approval":
      return f.entryApproval
        ? { expected: "approved", observed: `approved by ${f.entryApproval.by ?? "?"}`, value: 1, pass: true, detail: `Entry approved by ${f.entryApproval.by ?? "?"}.` }
        : {
            expected: "approved",
            observed: "not approved",
            value: 0,
            pass: false,
            detail: `Stage ${f.stage} starts only once a release manager approves it: \`verge rollout promote ${f.rolloutId}\`.`,
          };
    case "kpi":
      return judgeKpi(c, f.kpi.get(index), f);
  }
}

function judgePrevious(f: CriteriaFacts): Verdict {
  const p = f.previous;
  if (!p) return { expected: "completed", observed: "first stage", value: null, pass: true, detail: "The first stage has no previous stage." };
  if (p.status === "completed") return { expected: "completed", observed: "completed", value: null, pass: true, detail: `Stage ${p.name} completed.` };
  const windowOver = p.status === "converged" && p.observeUntil !== null && f.now >= p.observeUntil;
  if (f.expanding && windowOver) {
    return {
      expected: "completed",
      observed: "converged, window over",
      value: null,
      pass: true,
      detail: `Stage ${p.name} converged and its observation window is over; it completes once its gates, rules, exit criteria and approval (if asked) allow.`,
    };
  }
  const observed = p.status === "converged" && p.observeUntil !== null ? `converged, observing until ${new Date(p.observeUntil).toISOString()}` : p.status;
  return { expected: "completed", observed, value: null, pass: false, detail: `Stage ${p.name} is ${observed}; stage ${f.stage} starts after it completed.` };
}

function judgeKpi(c: Extract<Criterion, { kind: "kpi" }>, k: KpiFact | undefined, f: CriteriaFacts): Verdict {
  const expected = `${c.op} ${formatThreshold(c.metric, c.threshold)}`;
  const entry = "forMs" in c;
  if (!k || k.from === null) {
    return { expected, observed: "not converged", value: null, pass: false, detail: `Stage ${f.stage} has not converged yet: its exit criteria are judged over its observation window.` };
  }
  const m = k.measurement;
  const span = formatDurationShort(Math.max(0, k.to - k.from));
  const devices = `${m.devices} device${m.devices === 1 ? "" : "s"}`;
  const where = entry ? "the devices started so far" : `the devices of stage ${f.stage}`;
  if (m.value === null) {
    return { expected, observed: "no data", value: null, pass: false, detail: `No ${metricLabel(c.metric)} reported by ${where} over the last ${span}.` };
  }
  const shown = formatMetric(c.metric, m.value);
  if (m.devices < c.minDevices) {
    return { expected, observed: `${shown}, ${devices} (min ${c.minDevices})`, value: m.value, pass: false, detail: `Only ${devices} reported; the criterion needs ${c.minDevices}.` };
  }
  const meets = holds(m.value, c.op, c.threshold);
  if (entry && meets) {
    const covered = k.coveredFrom === null || k.coveredFrom === undefined ? 0 : Math.max(0, k.to - k.coveredFrom);
    if (covered < c.forMs) {
      return {
        expected,
        observed: `${shown}, data for ${formatDurationShort(covered)} of ${formatDuration(c.forMs)}`,
        value: m.value,
        pass: false,
        detail: `${metricLabel(c.metric)} is ${shown} across ${devices}, but the reports reach back ${formatDurationShort(covered)} only: it must have held for ${formatDuration(c.forMs)}.`,
      };
    }
  }
  const observed = `${shown} over ${span}, ${devices}`;
  return {
    expected,
    observed,
    value: m.value,
    pass: meets,
    detail: meets
      ? `${metricLabel(c.metric)} of ${where} is ${shown} over the last ${span}, meeting ${c.metric} ${expected}.`
      : `${metricLabel(c.metric)} of ${where} is ${shown} over the last ${span}, short of ${c.metric} ${expected}.`,
  };
}

/** The criteria that hold a stage, as the engine gets them from the service: null when every criterion passes. */
export interface Unmet {
  phase: CriteriaPhase;
  /** The failing criteria, in list order (at least one). */
  failing: CriterionResult[];
}

export function unmetOf(phase: CriteriaPhase, results: readonly CriterionResult[]): Unmet | null {
  const failing = results.filter((r) => !r.pass);
  return failing.length > 0 ? { phase, failing } : null;
}

/** What holds a stage now, as the engine remembers it between evaluations (rollout_stages.criteria_waiting_json). */
export interface CriteriaWait {
  phase: CriteriaPhase;
  /** Id of the first failing criterion: a new one means a new criteria_waiting event. */
  criterion: string;
  since: number;
  unmet: Array<Pick<CriterionResult, "id" | "kind" | "description" | "expected" | "observed">>;
}

/** The wait after an evaluation, or null when nothing holds the stage; `since` carries on while the phase is the same. */
export function nextWait(previous: CriteriaWait | null, unmet: Unmet | null, now: number): CriteriaWait | null {
  if (!unmet) return null;
  return {
    phase: unmet.phase,
    criterion: unmet.failing[0]!.id,
    since: previous?.phase === unmet.phase ? previous.since : now,
    unmet: unmet.failing.map((r) => ({ id: r.id, kind: r.kind, description: r.description, expected: r.expected, observed: r.observed })),
  };
}

/** "entry: no open sev1/sev2 incident (1 open: inc-7 (sev2))" and the others, for a status line. */
export function describeWait(w: CriteriaWait): string {
  return `${w.phase}: ${w.unmet.map((u) => `${u.description} (${u.observed})`).join("; ")}`;
}
