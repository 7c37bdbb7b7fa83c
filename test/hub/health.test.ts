// A stage's KPI health (hub/rollout/health.ts): values from summed counts, series per bucket, the thresholds of its
// rules (breach side) and exit criteria (pass side), and the trend, as tables.
import { describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../../proto/index.js";
import { buildHealth, shareAt, trendOf } from "../../hub/rollout/health.js";
import type { DeviceFact, HealthMetric } from "../../hub/rollout/health.js";
import { EMPTY_SUMS } from "../../hub/rollout/kpi.js";
import type { KpiSums } from "../../hub/rollout/kpi.js";

const S = 1000;
const T = Date.UTC(2025, 4, 1, 12, 0, 0);

/** One bucket's sums: `up` of 1000 s up, every event at `lagMs`. */
function sums(up: number, lagMs = 300, devices = 2): KpiSums {
  const lagBuckets = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  lagBuckets[lagBucketIndex(lagMs)] = 100;
  return { devices, secondsUp: up, secondsDown: 1000 - up, eventsProcessed: 100, eventsDropped: 0, lagBuckets };
}

describe("trendOf", () => {
  it.each<[HealthMetric, number | null, number | null, string]>([
    ["availability", 0.999, 0.99, "worsening"],
    ["availability", 0.99, 0.999, "improving"],
    ["availability", 0.999, 0.9985, "steady"], // within 0.1 percentage point
    ["dropped_ratio", 0.001, 0.01, "worsening"],
    ["failure_rate", 0.2, 0, "improving"],
    ["event_lag_p95", 2000, 2150, "steady"], // within 10% of 2 s
    ["event_lag_p95", 2000, 2500, "worsening"],
    ["event_lag_p50", 300, 380, "steady"], // within 100 ms
    ["event_lag_p50", 300, 100, "improving"],
    ["availability", null, 0.99, "no data"],
    ["availability", 0.99, null, "no data"],
  ])("%s from %s to %s: %s", (metric, early, late, trend) => {
    expect(trendOf(metric, early, late)).toBe(trend);
  });
});

describe("shareAt", () => {
  const devices: DeviceFact[] = [
    { issuedAt: T - 100 * S, state: "activated", updatedAt: T - 90 * S, rollbackRequestedAt: null },
    { issuedAt: T - 100 * S, state: "failed", updatedAt: T - 50 * S, rollbackRequestedAt: null },
    { issuedAt: T - 100 * S, state: "rolled_back", updatedAt: T - 30 * S, rollbackRequestedAt: null },
    { issuedAt: T - 100 * S, state: "rolled_back", updatedAt: T - 30 * S, rollbackRequestedAt: T - 40 * S }, // the hub asked: not counted
    { issuedAt: T - 10 * S, state: "pending", updatedAt: T - 10 * S, rollbackRequestedAt: null },
  ];

  it.each<[number, "failure_rate" | "rollback_rate", number | null, number]>([
    [T - 200 * S, "failure_rate", null, 0],
    [T - 60 * S, "failure_rate", 0, 4],
    [T - 50 * S, "failure_rate", 0.25, 4],
    [T, "failure_rate", 0.2, 5],
    [T - 40 * S, "rollback_rate", 0, 4],
    [T, "rollback_rate", 0.2, 5],
  ])("at %d, %s is %s of %d started", (at, kind, value, started) => {
    expect(shareAt(devices, at, kind)).toEqual({ value, devices: started });
  });
});

describe("buildHealth", () => {
  // Four buckets of 10 s: availability 100%, 99.9%, 99%, 98%; a bucket without reports in between would read null.
  const buckets = [sums(1000), sums(999), sums(990), sums(980)];
  const span: KpiSums = { ...sums(0), secondsUp: 3969, secondsDown: 31, eventsProcessed: 400, lagBuckets: buckets.reduce((a, b) => a.map((n, i) => n + (b.lagBuckets[i] ?? 0)), new Array<number>(16).fill(0)) };
  const health = buildHealth({
    to: T,
    bucketMs: 10 * S,
    span,
    buckets,
    devices: [{ issuedAt: T - 25 * S, state: "activated", updatedAt: T - 22 * S, rollbackRequestedAt: null }],
    rules: [
      { name: "availability", metric: "availability", op: "<", threshold: 0.95, action: "pause_and_rollback" },
      { name: "lag", metric: "event_lag_p95", op: ">", threshold: 10_000, action: "pause" },
    ],
    exit: [
      { kind: "kpi", metric: "availability", op: ">=", threshold: 0.995, windowMs: null, minDevices: 1 },
      { kind: "noOpenIncidents", severities: ["sev1"] },
    ],
  });
  const byMetric = (m: HealthMetric) => health.find((x) => x.metric === m)!;

  it("gives every metric, in a fixed order", () => {
    expect(health.map((m) => m.metric)).toEqual(["availability", "event_lag_p50", "event_lag_p95", "dropped_ratio", "failure_rate", "rollback_rate"]);
  });

  it("availability: the value over the span, a series per bucket, the rule's breach and the exit criterion's pass side, worsening", () => {
    expect(byMetric("availability")).toEqual({
      metric: "availability",
      value: 3969 / 4000,
      devices: 2,
      series: [1, 0.999, 0.99, 0.98],
      thresholds: [
        { source: "rule", name: "availability", op: "<", threshold: 0.95, side: "breach", action: "pause_and_rollback", ok: true },
        { source: "exit", name: "exit.0", op: ">=", threshold: 0.995, side: "pass", action: null, ok: false },
      ],
      ok: false,
      trend: "worsening",
    });
  });

  it("a lag with only a rule threshold, steady; a metric without thresholds has no verdict", () => {
    expect(byMetric("event_lag_p95")).toMatchObject({ ok: true, trend: "steady", thresholds: [{ source: "rule", side: "breach", ok: true }] });
    expect(byMetric("dropped_ratio")).toMatchObject({ value: 0, ok: null, thresholds: [] });
  });

  it("failure and rollback shares are shares of the started devices at each bucket's end", () => {
    expect(byMetric("failure_rate")).toMatchObject({ value: 0, devices: 1, series: [null, 0, 0, 0], trend: "steady" });
  });

  it("no reports: no value, no verdict, no trend; one bucket has no halves to compare", () => {
    const empty = buildHealth({ to: T, bucketMs: 10 * S, span: EMPTY_SUMS, buckets: [EMPTY_SUMS, EMPTY_SUMS], devices: [], rules: [], exit: [] });
    expect(empty.map((m) => [m.value, m.ok, m.trend])).toEqual(new Array(6).fill([null, null, "no data"]));
    const one = buildHealth({ to: T, bucketMs: 10 * S, span: sums(990), buckets: [sums(990)], devices: [], rules: [], exit: [] });
    expect(one[0]).toMatchObject({ value: 0.99, series: [0.99], trend: "no data" });
  });
});
