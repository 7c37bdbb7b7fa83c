// Cohort KPI math (hub/rollout/kpi.ts) and the lag histogram contract (proto/kpi.ts): percentiles from summed device
// histograms against a brute-force percentile over the raw lags, and ratios of sums rather than means of ratios.
import { describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../../proto/kpi.js";
import { addBuckets, availability, droppedRatio, histogramQuantile } from "../../hub/rollout/kpi.js";
import { seededRandom } from "../helpers/random.js";

const BOUNDS = LAG_BUCKET_BOUNDS_MS;
const LAST_BOUND = BOUNDS[BOUNDS.length - 1]!;
const INF_BUCKET = BOUNDS.length;


/** A standard normal draw (Box-Muller). */
function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

type LagDistribution = (rand: () => number) => number;

const uniform =
  (lo: number, hi: number): LagDistribution =>
  (rand) =>
    Math.round(lo + rand() * (hi - lo));
/** Log-normal: most lags short, a long tail (a few may land in the +Inf bucket). */
const logNormal =
  (medianMs: number, sigma: number): LagDistribution =>
  (rand) =>
    Math.round(medianMs * Math.exp(sigma * normal(rand)));
/** Two humps: mostly fast, a share of slow events (a device catching up after a link drop). */
const bimodal =
  (slowShare: number): LagDistribution =>
  (rand) =>
    rand() < slowShare ? Math.round(8000 + rand() * 4000) : Math.round(100 + rand() * 200);
/** Only values exactly on bucket bounds. */
const onBounds: LagDistribution = (rand) => BOUNDS[Math.floor(rand() * BOUNDS.length)]!;

/** One device's raw lags. */
function drawLags(rand: () => number, dist: LagDistribution, n: number): number[] {
  return Array.from({ length: n }, () => dist(rand));
}

/** A device's histogram, as the agent reports it: counts per bucket, the last the +Inf bucket. */
function histogramOf(lags: readonly number[]): number[] {
  const counts = new Array<number>(BOUNDS.length + 1).fill(0);
  for (const lag of lags) counts[lagBucketIndex(lag)]! += 1;
  return counts;
}

/** Brute-force nearest-rank percentile (p in whole percent): the ceil(p/100 * n)-th smallest value. */
function nearestRank(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.ceil((percent * sorted.length) / 100);
  return sorted[Math.max(k, 1) - 1]!;
}

/** Width of the finite bucket a value falls in (the first bucket starts at 0). */
function bucketWidth(value: number): number {
  const i = lagBucketIndex(value);
  if (i >= BOUNDS.length) throw new Error(`${value} ms is in the +Inf bucket, which has no width`);
  return BOUNDS[i]! - (i === 0 ? 0 : BOUNDS[i - 1]!);
}

interface CohortCase {
  name: string;
  seed: number;
  /** One entry per device: its distribution and how many events it saw. */
  devices: Array<{ dist: LagDistribution; events: number }>;
}

const COHORTS: CohortCase[] = [
  { name: "uniform 0-20 s on 5 devices", seed: 1, devices: Array.from({ length: 5 }, () => ({ dist: uniform(0, 20_000), events: 400 })) },
  { name: "log-normal around 800 ms (long tail) on 6 devices", seed: 2, devices: Array.from({ length: 6 }, () => ({ dist: logNormal(800, 1), events: 500 })) },
  { name: "skewed: log-normal around 3 s, wide", seed: 3, devices: Array.from({ length: 4 }, () => ({ dist: logNormal(3000, 0.8), events: 300 })) },
  { name: "bimodal, 10% slow events", seed: 4, devices: Array.from({ length: 5 }, () => ({ dist: bimodal(0.1), events: 400 })) },
  { name: "bimodal, 40% slow events", seed: 5, devices: Array.from({ length: 3 }, () => ({ dist: bimodal(0.4), events: 250 })) },
  { name: "values exactly on bucket bounds", seed: 6, devices: Array.from({ length: 4 }, () => ({ dist: onBounds, events: 101 })) },
  { name: "every value in one bucket (1000, 1500]", seed: 7, devices: Array.from({ length: 3 }, () => ({ dist: uniform(1001, 1500), events: 200 })) },
  {
    name: "heterogeneous: a busy fast device and a quiet slow one",
    seed: 8,
    devices: [
      { dist: uniform(10, 400), events: 2000 },
      { dist: uniform(5000, 30_000), events: 150 },
      { dist: logNormal(1500, 0.5), events: 37 },
    ],
  },
  { name: "tiny cohort: 1 device, 3 events", seed: 9, devices: [{ dist: uniform(0, 3000), events: 3 }] },
];

describe("lag histogram contract (proto/kpi.ts)", () => {
  it("bounds are ascending and sit on the release-process thresholds (2 s median, 10 s p95)", () => {
    for (let i = 1; i < BOUNDS.length; i++) expect(BOUNDS[i]!).toBeGreaterThan(BOUNDS[i - 1]!);
    expect(BOUNDS).toContain(2000);
    expect(BOUNDS).toContain(10_000);
  });

  it.each([
    [0, 0],
    [1, 0],
    [50, 0],
    [51, 1],
    [100, 1],
    [1999, 7],
    [2000, 7],
    [2001, 8],
    [10_000, 11],
    [10_001, 12],
    [60_000, 14],
    [60_001, INF_BUCKET],
    [3_600_000, INF_BUCKET],
  ])("a lag of %d ms falls in bucket %d (a bound belongs to the bucket it closes)", (lag, bucket) => {
    expect(lagBucketIndex(lag)).toBe(bucket);
  });

  it("every bound falls in its own bucket", () => {
    BOUNDS.forEach((bound, i) => expect(lagBucketIndex(bound)).toBe(i));
  });
});

describe("addBuckets", () => {
  it.each([
    { a: [], b: [], sum: [] },
    { a: [1, 2, 3], b: [10, 20, 30], sum: [11, 22, 33] },
    { a: [1, 2], b: [0, 0, 0, 4], sum: [1, 2, 0, 4] },
    { a: [0, 0, 0, 4], b: [1, 2], sum: [1, 2, 0, 4] },
  ])("$a + $b = $sum (shorter histograms padded with zeros)", ({ a, b, sum }) => {
    expect(addBuckets(a, b)).toEqual(sum);
  });

  it("does not modify its inputs", () => {
    const a = [1, 2];
    const b = [3];
    addBuckets(a, b);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([3]);
  });
});

describe("cohort percentiles from summed device histograms", () => {
  describe.each(COHORTS)("$name", ({ seed, devices }) => {
    const rand = seededRandom(seed);
    const rawPerDevice = devices.map((d) => drawLags(rand, d.dist, d.events));
    const allRaw = rawPerDevice.flat();
    const cohort = rawPerDevice.map(histogramOf).reduce((acc, h) => addBuckets(acc, h), []);

    it("the summed histogram counts every raw event once", () => {
      expect(cohort.reduce((a, b) => a + b, 0)).toBe(allRaw.length);
    });

    it.each([50, 95])("p%d is within one bucket width of the brute-force percentile of the raw lags", (percent) => {
      const truth = nearestRank(allRaw, percent);
      const estimate = histogramQuantile(percent / 100, cohort);
      expect(estimate).not.toBeNull();
      expect(Math.abs(estimate! - truth)).toBeLessThanOrEqual(bucketWidth(truth));
      // In fact in the very bucket of the truth: on the same side of every bound as the raw percentile.
      expect(lagBucketIndex(estimate!)).toBe(lagBucketIndex(truth));
    });
  });

  it.each([
    { name: "median over 2 s", threshold: 2000, q: 0.5 },
    { name: "p95 over 10 s", threshold: 10_000, q: 0.95 },
  ])("$name exactly when more than that share of events lag more than the threshold", ({ threshold, q }) => {
    // From 0 to all of 200 events slow: the estimate is above the bound iff the raw share above it exceeds 1 - q.
    const total = 200;
    for (let slow = 0; slow <= total; slow++) {
      const lags = [...new Array<number>(total - slow).fill(threshold - 1), ...new Array<number>(slow).fill(threshold + 1)];
      const estimate = histogramQuantile(q, histogramOf(lags))!;
      const rawAbove = slow / total > 1 - q;
      expect(estimate > threshold, `${slow} of ${total} events above ${threshold} ms`).toBe(rawAbove);
    }
  });

  it("a rank in the +Inf bucket answers the last finite bound (60 s: 'at least this')", () => {
    const lags = [100, 200, 70_000, 90_000, 3_600_000];
    const h = histogramOf(lags);
    expect(h[INF_BUCKET]).toBe(3);
    expect(nearestRank(lags, 95)).toBe(3_600_000);
    expect(histogramQuantile(0.95, h)).toBe(LAST_BOUND);
    expect(histogramQuantile(0.5, h)).toBe(LAST_BOUND);
    // Below the +Inf bucket the estimate is still interpolated.
    expect(histogramQuantile(0.2, h)).toBeLessThanOrEqual(250);
  });

  it("every event in the +Inf bucket: every quantile is the last finite bound", () => {
    const h = histogramOf([61_000, 120_000]);
    expect(histogramQuantile(0.5, h)).toBe(LAST_BOUND);
    expect(histogramQuantile(1, h)).toBe(LAST_BOUND);
  });

  it.each([
    { name: "no buckets", counts: [] as number[] },
    { name: "all buckets zero", counts: new Array<number>(BOUNDS.length + 1).fill(0) },
  ])("an empty histogram ($name) has no percentile (null, not 0)", ({ counts }) => {
    expect(histogramQuantile(0.5, counts)).toBeNull();
    expect(histogramQuantile(0.95, counts)).toBeNull();
  });

  it.each([
    // counts per bucket: [0,50] (50,100] (100,250]
    { counts: [4], q: 0.5, expected: 25 },
    { counts: [4], q: 1, expected: 50 },
    { counts: [2, 2], q: 0.5, expected: 50 },
    { counts: [0, 4], q: 0.5, expected: 75 },
    { counts: [0, 0, 10], q: 0.95, expected: 100 + 150 * 0.95 },
    { counts: [1, 0, 0, 1], q: 0.95, expected: 250 + 250 * 0.9 },
  ])("interpolates linearly inside the bucket: q=$q of $counts is $expected", ({ counts, q, expected }) => {
    expect(histogramQuantile(q, counts)).toBeCloseTo(expected, 9);
  });
});

describe("cohort ratios are ratios of sums, not means of per-device ratios", () => {
  // Device A: up the whole hour, saw plenty of events. Device B: up 1 s of 10, saw a handful and dropped most.
  const deviceA = { secondsUp: 3600, secondsDown: 0, eventsProcessed: 100_000, eventsDropped: 0 };
  const deviceB = { secondsUp: 1, secondsDown: 9, eventsProcessed: 1, eventsDropped: 9 };
  const cohort = {
    secondsUp: deviceA.secondsUp + deviceB.secondsUp,
    secondsDown: deviceA.secondsDown + deviceB.secondsDown,
    eventsProcessed: deviceA.eventsProcessed + deviceB.eventsProcessed,
    eventsDropped: deviceA.eventsDropped + deviceB.eventsDropped,
  };

  it.each([
    { metric: "availability", fn: availability, a: 1, b: 0.1, cohortValue: (3600 + 1) / (3600 + 10), meanOfRatios: 0.55 },
    { metric: "dropped ratio", fn: droppedRatio, a: 0, b: 0.9, cohortValue: 9 / (100_000 + 10), meanOfRatios: 0.45 },
  ])("$metric: A $a, B $b, cohort $cohortValue (the mean of ratios would be $meanOfRatios)", ({ fn, a, b, cohortValue, meanOfRatios }) => {
    expect(fn(deviceA)).toBe(a);
    expect(fn(deviceB)).toBeCloseTo(b, 12);
    expect(fn(cohort)).toBeCloseTo(cohortValue, 12);
    expect(fn(cohort)).not.toBeCloseTo(meanOfRatios, 2);
  });

  it.each([
    { name: "availability with no seconds reported", value: availability({ secondsUp: 0, secondsDown: 0 }), expected: null },
    { name: "availability all down", value: availability({ secondsUp: 0, secondsDown: 60 }), expected: 0 },
    { name: "availability all up", value: availability({ secondsUp: 60, secondsDown: 0 }), expected: 1 },
    { name: "dropped ratio with no events", value: droppedRatio({ eventsProcessed: 0, eventsDropped: 0 }), expected: null },
    { name: "dropped ratio, every event dropped", value: droppedRatio({ eventsProcessed: 0, eventsDropped: 5 }), expected: 1 },
    { name: "dropped ratio counts dropped among processed + dropped", value: droppedRatio({ eventsProcessed: 999, eventsDropped: 1 }), expected: 0.001 },
  ])("$name: $expected", ({ value, expected }) => {
    expect(value).toBe(expected);
  });
});
