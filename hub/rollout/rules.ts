// Pause-rule verdicts: a pure function of the measured aggregate and the rule's remembered state, so `for` semantics
// can be table-tested. The measurements come from SQL (hub/repos/kpi.repo.ts); nothing here does I/O.
import { availability, droppedRatio, histogramQuantile } from "./kpi.js";
import type { KpiSums } from "./kpi.js";

import type { RuleAction, RuleMetric, RuleOp, RuleScope, RuleSpec } from "./plan.js";

export type RuleMetricName = RuleMetric;
export type { RuleAction, RuleOp, RuleScope };

/** A rule as the engine evaluates it: the plan's RuleSpec without where it was written. */
export type RuleDef = Omit<RuleSpec, "source">;

/** What a rule remembers between evaluations (persisted in rollout_rules). */
export interface RuleState {
  /** First evaluation of the current unbroken run of breaches. */
  breachSince: number | null;
  /** When the rule fired (its breach lasted `for`); null while not firing. */
  firingSince: number | null;
}

/** The inputs every metric is computed from, for one scope (a stage's devices, or every device started so far). */
export interface ScopeFigures {
  kpi: KpiSums;
  /** Devices whose desired state was issued. */
  started: number;
  failed: number;
  /** Devices that rolled back on their own (local health check), not on the hub's request. */
  selfRolledBack: number;
  openSev1: number;
}

export interface Measurement {
  value: number | null;
  /** Devices the value is computed over. */
  devices: number;
}

export type RuleVerdict = "ok" | "insufficient" | "pending" | "firing";

export interface Assessment {
  verdict: RuleVerdict;
  measurement: Measurement;
  state: RuleState;
  /** True only at the evaluation where the rule starts firing: act once per firing. */
  fired: boolean;
}

export function measure(metric: RuleMetricName, f: ScopeFigures): Measurement {
  switch (metric) {
    case "availability":
      return { value: availability(f.kpi), devices: f.kpi.devices };
    case "event_lag_p50":
      return { value: histogramQuantile(0.5, f.kpi.lagBuckets), devices: f.kpi.devices };
    case "event_lag_p95":
      return { value: histogramQuantile(0.95, f.kpi.lagBuckets), devices: f.kpi.devices };
    case "dropped_ratio":
      return { value: droppedRatio(f.kpi), devices: f.kpi.devices };
    case "rollback_rate":
      return { value: f.started > 0 ? f.selfRolledBack / f.started : null, devices: f.started };
    case "failure_rate":
      return { value: f.started > 0 ? f.failed / f.started : null, devices: f.started };
    case "sev1_incidents":
      return { value: f.openSev1, devices: f.started };
  }
}

export function breaches(value: number, op: RuleOp, threshold: number): boolean {
  switch (op) {
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
  }
}

/**
 * One evaluation of a rule, like a Prometheus alert with `for`: the breach must be seen at every evaluation across the
 * span before the rule fires. Too few devices reporting (or no data) gives no verdict and breaks the run.
 * Incident rules ignore minDevices: an incident needs no devices to matter.
 */
export function assessRule(rule: RuleDef, m: Measurement, state: RuleState, now: number): Assessment {
  const enough = rule.metric === "sev1_incidents" || m.devices >= rule.minDevices;
  if (m.value === null || !enough) {
    return { verdict: "insufficient", measurement: m, state: { breachSince: null, firingSince: null }, fired: false };
  }
  if (!breaches(m.value, rule.op, rule.threshold)) {
    return { verdict: "ok", measurement: m, state: { breachSince: null, firingSince: null }, fired: false };
  }
  const breachSince = state.breachSince ?? now;
  if (now - breachSince < rule.forMs) {
    return { verdict: "pending", measurement: m, state: { breachSince, firingSince: null }, fired: false };
  }
  const fired = state.firingSince === null;
  return { verdict: "firing", measurement: m, state: { breachSince, firingSince: state.firingSince ?? now }, fired };
}

const RATIO_METRICS: ReadonlySet<RuleMetricName> = new Set(["availability", "dropped_ratio", "rollback_rate", "failure_rate"]);

/** A metric value in the unit a person reads: percent for ratios, seconds for lag, a count for incidents. */
export function formatMetric(metric: RuleMetricName, value: number | null): string {
  if (value === null) return "no data";
  if (RATIO_METRICS.has(metric)) {
    const pct = value * 100;
    // Tiny non-zero shares keep two significant digits instead of reading "0.00%".
    return pct !== 0 && Math.abs(pct) < 0.01 ? `${pct.toPrecision(2)}%` : `${pct.toFixed(2)}%`;
  }
  if (metric === "event_lag_p50" || metric === "event_lag_p95") return `${(value / 1000).toFixed(2)} s`;
  return String(value);
}

const METRIC_LABEL: Record<RuleMetricName, string> = {
  availability: "availability",
  event_lag_p50: "median event lag",
  event_lag_p95: "p95 event lag",
  dropped_ratio: "dropped-event ratio",
  rollback_rate: "rollback rate",
  failure_rate: "failure rate",
  sev1_incidents: "open Sev1 incidents linked to the release",
};

export function metricLabel(metric: RuleMetricName): string {
  return METRIC_LABEL[metric];
}

const ACTION_SENTENCE: Record<RuleAction, string> = {
  pause: "The rollout is paused: no new device gets the release until someone resumes it.",
  pause_and_rollback: "The rollout is paused and the affected devices are being rolled back to their previous release.",
  alert: "This is an alert only: the rollout carries on.",
};

export function formatDurationShort(ms: number): string {
  if (ms <= 0) return "0s";
  const units: Array<[string, number]> = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  let rest = ms;
  let out = "";
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out || `${ms}ms`;
}

/** The sentence a pause event carries: what was seen, against what, over what, and what to do now. */
export function explainFiring(p: { rule: RuleDef; measurement: Measurement; rolloutId: string; stage: string; heldForMs: number }): string {
  const { rule, measurement: m } = p;
  const where = rule.scope === "stage" ? `stage ${p.stage}` : `every device started so far`;
  const devices = `${m.devices} device${m.devices === 1 ? "" : "s"}`;
  const [shown, limit] = distinctFigures(rule.metric, m.value, rule.threshold);
  const seen =
    rule.metric === "sev1_incidents"
      ? `${formatMetric(rule.metric, m.value)} open Sev1 incident(s) are linked to the release`
      : `${metricLabel(rule.metric)} of ${where} was ${shown} over the last ${formatDurationShort(rule.windowMs)} across ${devices}`;
  return (
    `Rule "${rule.name}" fired on rollout ${p.rolloutId}: ${seen}, breaching the threshold (${rule.metric} ${rule.op} ${limit})` +
    ` at every evaluation for ${formatDurationShort(p.heldForMs)} (rule asks ${formatDurationShort(rule.forMs)}). ${ACTION_SENTENCE[rule.action]}` +
    (rule.action === "alert"
      ? ""
      : ` Check the worst devices' diagnostics linked below; once the cause is understood, run \`verge rollout resume ${p.rolloutId}\` to carry on or \`verge rollout rollback ${p.rolloutId}\` to undo it.`)
  );
}

/** Observed value and threshold as text, with more decimals when rounding would print them the same. */
function distinctFigures(metric: RuleMetricName, value: number | null, threshold: number): [string, string] {
  let a = formatMetric(metric, value);
  let b = formatMetric(metric, threshold);
  if (value !== null && value !== threshold && a === b && RATIO_METRICS.has(metric)) {
    for (let digits = 3; digits <= 6 && a === b; digits++) {
      a = `${(value * 100).toFixed(digits)}%`;
      b = `${(threshold * 100).toFixed(digits)}%`;
    }
  }
  return [a, b];
}
