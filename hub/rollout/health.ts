// `verge rollout health`: a stage's KPIs over a span, cut into buckets, against the thresholds that apply to them (its
// rules' breach conditions and its exit criteria's pass conditions), with a trend. Pure: the sums come from SQL
// (hub/repos/kpi.repo.ts), the device states from the rollout; nothing here does I/O.
import { addBuckets } from "./kpi.js";
import type { KpiSums } from "./kpi.js";
import { METRIC_UNITS } from "./plan.js";
import type { ExitCriterion, RuleAction, RuleOp } from "./plan.js";
import { breaches, measure } from "./rules.js";
import type { Measurement, RuleDef } from "./rules.js";

export const HEALTH_METRICS = ["availability", "event_lag_p50", "event_lag_p95", "dropped_ratio", "failure_rate", "rollback_rate"] as const;
export type HealthMetric = (typeof HEALTH_METRICS)[number];
export type Trend = "improving" | "worsening" | "steady" | "no data";

/** A device of the scope as the rollout holds it now: its state and when it got there. */
export interface DeviceFact {
  issuedAt: number | null;
  state: string;
  updatedAt: number;
  rollbackRequestedAt: number | null;
}

export interface HealthThreshold {
  /** rule: a pause rule of the stage (its op states the breach); exit: an exit criterion (its op states the pass). */
  source: "rule" | "exit";
  name: string;
  op: RuleOp;
  threshold: number;
  side: "breach" | "pass";
  /** What the rule does when it fires (rules only). */
  action: RuleAction | null;
  /** Whether the value over the span is on the good side of it; null without a value. */
  ok: boolean | null;
}

export interface MetricHealth {
  metric: HealthMetric;
  /** Over the whole span (shares: now). */
  value: number | null;
  devices: number;
  /** One value per bucket, oldest first; null where the bucket has no data. */
  series: Array<number | null>;
  thresholds: HealthThreshold[];
  /** Every threshold on its good side; null without a value or without thresholds. */
  ok: boolean | null;
  trend: Trend;
}

export interface HealthInput {
  /** End of the span; bucket i ends at to - (buckets - 1 - i) * bucketMs. */
  to: number;
  bucketMs: number;
  /** Sums over the whole span (devices counted once). */
  span: KpiSums;
  /** Sums per bucket, oldest first. */
  buckets: KpiSums[];
  devices: DeviceFact[];
  rules: Array<Pick<RuleDef, "name" | "metric" | "op" | "threshold" | "action">>;
  exit: ExitCriterion[];
}

/**
 * The trend compares the latest bucket with data in the span's second half against the whole first half (summed as
 * one, so a sparse first half still counts): a change within the tolerance is `steady` (0.1 percentage point for
 * ratios; for lags 10% of the first half's value, at least 100 ms); otherwise `improving` or `worsening` as the metric's
 * good direction says (availability up is good; lags, dropped, failure and rollback shares down are good). Failure
 * and rollback shares compare the share at the end of the first half with the share now. `no data` when either side
 * has no value (a span of one bucket has no halves).
 */
export function trendOf(metric: HealthMetric, early: number | null, late: number | null): Trend {
  if (early === null || late === null) return "no data";
  const tolerance = METRIC_UNITS[metric] === "ms" ? Math.max(100, 0.1 * early) : 0.001;
  const change = late - early;
  if (Math.abs(change) <= tolerance) return "steady";
  return (change > 0) === (metric === "availability") ? "improving" : "worsening";
}

/** The failed (or self-rolled-back) share of the devices started by `at`, from their current states. */
export function shareAt(devices: readonly DeviceFact[], at: number, kind: "failure_rate" | "rollback_rate"): Measurement {
  const started = devices.filter((d) => d.issuedAt !== null && d.issuedAt <= at);
  const counted = started.filter((d) =>
    d.updatedAt <= at && (kind === "failure_rate" ? d.state === "failed" : (d.state === "rolling_back" || d.state === "rolled_back") && d.rollbackRequestedAt === null),
  );
  return { value: started.length > 0 ? counted.length / started.length : null, devices: started.length };
}

function reported(metric: HealthMetric, kpi: KpiSums): Measurement {
  return measure(metric, { kpi, started: 0, failed: 0, selfRolledBack: 0, openSev1: 0 });
}

function sumOf(buckets: readonly KpiSums[]): KpiSums {
  return buckets.reduce(
    (a, b) => ({
      devices: Math.max(a.devices, b.devices),
      secondsUp: a.secondsUp + b.secondsUp,
      secondsDown: a.secondsDown + b.secondsDown,
      eventsProcessed: a.eventsProcessed + b.eventsProcessed,
      eventsDropped: a.eventsDropped + b.eventsDropped,
      lagBuckets: addBuckets(a.lagBuckets, b.lagBuckets),
    }),
    { devices: 0, secondsUp: 0, secondsDown: 0, eventsProcessed: 0, eventsDropped: 0, lagBuckets: [] },
  );
}

/** Every metric of HEALTH_METRICS over the span: value, series, thresholds, verdict and trend. */
export function buildHealth(input: HealthInput): MetricHealth[] {
  const n = input.buckets.length;
  const half = Math.floor(n / 2);
  const bucketEnd = (i: number) => input.to - (n - 1 - i) * input.bucketMs;
  return HEALTH_METRICS.map((metric): MetricHealth => {
    const share = metric === "failure_rate" || metric === "rollback_rate" ? metric : null;
    const now = share ? shareAt(input.devices, input.to, share) : reported(metric, input.span);
    const series = input.buckets.map((b, i) => (share ? shareAt(input.devices, bucketEnd(i), share) : reported(metric, b)).value);
    const early = half === 0 ? null : share ? series[half - 1]! : reported(metric, sumOf(input.buckets.slice(0, half))).value;
    const late = half === 0 ? null : (series.slice(half).findLast((v) => v !== null) ?? null);
    const thresholds = [
      ...input.rules
        .filter((r) => r.metric === metric)
        .map((r): HealthThreshold => ({ source: "rule", name: r.name, op: r.op, threshold: r.threshold, side: "breach", action: r.action, ok: now.value === null ? null : !breaches(now.value, r.op, r.threshold) })),
      ...input.exit.flatMap((c, i): HealthThreshold[] =>
        c.kind === "kpi" && c.metric === metric
          ? [{ source: "exit", name: `exit.${i}`, op: c.op, threshold: c.threshold, side: "pass", action: null, ok: now.value === null ? null : breaches(now.value, c.op, c.threshold) }]
          : [],
      ),
    ];
    const ok = now.value === null || thresholds.length === 0 ? null : thresholds.every((t) => t.ok === true);
    return { metric, value: now.value, devices: now.devices, series, thresholds, ok, trend: trendOf(metric, early, late) };
  });
}
