// KpiRepo against a real SQLite file with the production migrations: cohort sums are sums of counts over the scope's
// devices and the reports whose window ends in (from, to], for the rollout's release only.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../hub/db/database.js";
import type { Db } from "../../hub/db/database.js";
import { KpiRepo } from "../../hub/repos/kpi.repo.js";
import type { KpiScope } from "../../hub/repos/kpi.repo.js";
import { RolloutsRepo } from "../../hub/repos/rollouts.repo.js";
import { TelemetryRepo } from "../../hub/repos/telemetry.repo.js";
import { addBuckets, availability, droppedRatio, histogramQuantile } from "../../hub/rollout/kpi.js";
import { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../../proto/kpi.js";
import { tempDir } from "../helpers/wait.js";

const M = 60_000;
const H = 60 * M;
const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);
/** The evaluation instant: rules look at (NOW - window, NOW]. */
const NOW = T0 + 2 * H;
const BUCKETS = LAG_BUCKET_BOUNDS_MS.length + 1;
const INF = LAG_BUCKET_BOUNDS_MS.length;

/** A lag histogram from {bucket index: count}. */
function lag(counts: Record<number, number> = {}): number[] {
  const out = new Array<number>(BUCKETS).fill(0);
  for (const [i, n] of Object.entries(counts)) out[Number(i)] = n;
  return out;
}

describe("KpiRepo over a real SQLite database", () => {
  let db: Db;
  let cleanup: () => void;
  let kpi: KpiRepo;
  let telemetry: TelemetryRepo;
  let rollouts: RolloutsRepo;
  const seqs = new Map<string, number>();

  function addRelease(id: string, counter: number): void {
    db.prepare(
      `INSERT INTO releases (id, counter, version, variants_json, manifest_envelope, signed_by, created_at, created_by) VALUES (?, ?, ?, '["ctl-a"]', ?, 'release-key', ?, 'test')`,
    ).run(id, counter, `1.${counter}.0`, Buffer.from("manifest"), T0);
  }

  function addDevice(id: string): void {
    db.prepare("INSERT INTO devices (id, variant, created_at, created_by) VALUES (?, 'ctl-a', ?, 'test')").run(id, T0);
  }

  /** One KPI report of a device, for the window of `windowMs` ending at `windowEnd` (event time). */
  function report(
    deviceId: string,
    windowEnd: number,
    over: { releaseId?: string | null; secondsUp?: number; secondsDown?: number; eventsProcessed?: number; eventsDropped?: number; lag?: number[]; receivedAt?: number; windowMs?: number } = {},
  ): void {
    const seq = (seqs.get(deviceId) ?? 0) + 1;
    seqs.set(deviceId, seq);
    const stored = telemetry.insertKpi({
      deviceId,
      seq,
      eventTime: windowEnd,
      receivedAt: over.receivedAt ?? windowEnd + 1000,
      windowStart: windowEnd - (over.windowMs ?? 10 * M),
      windowEnd,
      releaseId: over.releaseId === undefined ? "r-1" : over.releaseId,
      secondsUp: over.secondsUp ?? 600,
      secondsDown: over.secondsDown ?? 0,
      eventsProcessed: over.eventsProcessed ?? 100,
      eventsDropped: over.eventsDropped ?? 0,
      lagBounds: [...LAG_BUCKET_BOUNDS_MS],
      lagCounts: over.lag ?? lag(),
    });
    expect(stored).toBe(true);
  }

  const scope = (over: Partial<KpiScope> = {}): KpiScope => ({ rolloutId: "ro-1", releaseId: "r-1", stage: "canary", from: NOW - H, to: NOW, ...over });

  beforeEach(() => {
    const t = tempDir("verge-kpi-repo-");
    cleanup = t.cleanup;
    db = openDatabase(join(t.dir, "hub.db"));
    kpi = new KpiRepo(db);
    telemetry = new TelemetryRepo(db);
    rollouts = new RolloutsRepo(db);
    seqs.clear();

    addRelease("r-0", 1);
    addRelease("r-1", 2);
    addRelease("r-2", 3);
    for (const id of ["dev-a", "dev-b", "dev-c", "dev-d", "dev-x"]) addDevice(id);
    // ro-1 rolls r-1 out: canary dev-a and dev-b, pilot dev-c and dev-d. dev-x is not in it.
    rollouts.insert(
      { id: "ro-1", releaseId: "r-1", status: "active", createdBy: "test", planName: null, planJson: null, seed: null },
      [
        { name: "canary", kind: "canary", spec: {} },
        { name: "pilot", kind: "pilot", spec: {} },
      ],
      [
        { deviceId: "dev-a", stage: "canary", previousReleaseId: "r-0" },
        { deviceId: "dev-b", stage: "canary", previousReleaseId: "r-0" },
        { deviceId: "dev-c", stage: "pilot", previousReleaseId: "r-0" },
        { deviceId: "dev-d", stage: "pilot", previousReleaseId: "r-0" },
      ],
      [],
      T0,
    );
    // The canary and dev-c got their desired state; dev-d has not (yet).
    rollouts.markIssued("ro-1", "dev-a", 1, T0, T0 + H, true);
    rollouts.markIssued("ro-1", "dev-b", 1, T0, T0 + H, true);
    rollouts.markIssued("ro-1", "dev-c", 1, T0, T0 + H, true);
  });

  afterEach(() => {
    db.close();
    cleanup();
  });

  it("with no report in the window: zero sums, an all-zero histogram, and no availability (null)", () => {
    const sums = kpi.sums(scope());
    expect(sums).toEqual({ devices: 0, secondsUp: 0, secondsDown: 0, eventsProcessed: 0, eventsDropped: 0, lagBuckets: lag() });
    expect(availability(sums)).toBeNull();
    expect(droppedRatio(sums)).toBeNull();
    expect(histogramQuantile(0.5, sums.lagBuckets)).toBeNull();
  });

  it("cohort availability and dropped ratio are ratios of sums: A up 1 h, B up 1 s / down 9 s", () => {
    report("dev-a", NOW - 10 * M, { secondsUp: 3600, secondsDown: 0, eventsProcessed: 100_000, eventsDropped: 0, windowMs: H });
    report("dev-b", NOW - 10 * M, { secondsUp: 1, secondsDown: 9, eventsProcessed: 1, eventsDropped: 9, windowMs: 10_000 });

    const sums = kpi.sums(scope());
    expect(sums).toMatchObject({ devices: 2, secondsUp: 3601, secondsDown: 9, eventsProcessed: 100_001, eventsDropped: 9 });
    expect(availability(sums)).toBeCloseTo((3600 + 1) / (3600 + 10), 12);
    expect(availability(sums)).not.toBeCloseTo((1 + 0.1) / 2, 2);
    expect(droppedRatio(sums)).toBeCloseTo(9 / (100_000 + 10), 12);
    expect(droppedRatio(sums)).not.toBeCloseTo((0 + 0.9) / 2, 2);
  });

  it("sums each device's reports over the window, and counts devices once however many reports they sent", () => {
    for (let i = 0; i < 6; i++) report("dev-a", NOW - H + (i + 1) * 10 * M, { secondsUp: 590, secondsDown: 10 });
    report("dev-b", NOW - 5 * M, { secondsUp: 600 });
    const sums = kpi.sums(scope());
    expect(sums.devices).toBe(2);
    expect(sums.secondsUp).toBe(6 * 590 + 600);
    expect(sums.secondsDown).toBe(60);
  });

  it("the lag histogram is summed bucket by bucket across devices and reports, +Inf bucket included", () => {
    const a1 = lag({ 0: 10, 7: 2 });
    const a2 = lag({ 0: 5, 11: 1 });
    const b1 = lag({ 3: 4, [INF]: 2 });
    report("dev-a", NOW - 20 * M, { lag: a1 });
    report("dev-a", NOW - 10 * M, { lag: a2 });
    report("dev-b", NOW - 10 * M, { lag: b1 });

    const sums = kpi.sums(scope());
    expect(sums.lagBuckets).toEqual(addBuckets(addBuckets(a1, a2), b1));
    expect(sums.lagBuckets).toHaveLength(BUCKETS);
    expect(sums.lagBuckets[INF]).toBe(2);
  });

  it("p50/p95 from the SQL-summed histogram match the brute-force percentile of the raw lags within one bucket", () => {
    // Raw lags per device, bucketed as the agents do; two reports per device.
    const raw: Record<string, number[]> = {
      "dev-a": Array.from({ length: 300 }, (_, i) => 40 + ((i * 37) % 900)),
      "dev-b": Array.from({ length: 120 }, (_, i) => 1500 + ((i * 53) % 7000)),
    };
    for (const [deviceId, lags] of Object.entries(raw)) {
      const half = Math.floor(lags.length / 2);
      for (const part of [lags.slice(0, half), lags.slice(half)]) {
        const h = lag();
        for (const v of part) h[lagBucketIndex(v)]! += 1;
        report(deviceId, NOW - 10 * M - part.length, { lag: h });
      }
    }
    const sums = kpi.sums(scope());
    const all = Object.values(raw)
      .flat()
      .sort((x, y) => x - y);
    for (const percent of [50, 95]) {
      const truth = all[Math.ceil((percent * all.length) / 100) - 1]!;
      const i = lagBucketIndex(truth);
      const width = LAG_BUCKET_BOUNDS_MS[i]! - (i === 0 ? 0 : LAG_BUCKET_BOUNDS_MS[i - 1]!);
      const estimate = histogramQuantile(percent / 100, sums.lagBuckets)!;
      expect(Math.abs(estimate - truth), `p${percent}: estimate ${estimate}, truth ${truth}`).toBeLessThanOrEqual(width);
    }
  });

  it.each([
    { name: "ending exactly at `from` is left out (the window is (from, to])", windowEnd: NOW - H, counted: false },
    { name: "ending just after `from` is counted", windowEnd: NOW - H + 1, counted: true },
    { name: "ending exactly at `to` is counted", windowEnd: NOW, counted: true },
    { name: "ending after `to` is left out", windowEnd: NOW + 1, counted: false },
    { name: "ending long before the window is left out", windowEnd: NOW - 3 * H, counted: false },
  ])("a report $name", ({ windowEnd, counted }) => {
    report("dev-a", windowEnd, { secondsUp: 500, secondsDown: 100 });
    const sums = kpi.sums(scope());
    expect(sums.devices).toBe(counted ? 1 : 0);
    expect(sums.secondsDown).toBe(counted ? 100 : 0);
  });

  it("the window is by event time: a report that arrives late lands in its own window", () => {
    // Ended inside the window, received an hour after it: counted.
    report("dev-a", NOW - 30 * M, { secondsDown: 42, receivedAt: NOW + H });
    // Ended before the window, received inside it: not counted.
    report("dev-b", NOW - 2 * H, { secondsDown: 7, receivedAt: NOW - 5 * M });
    const sums = kpi.sums(scope());
    expect(sums.devices).toBe(1);
    expect(sums.secondsDown).toBe(42);
  });

  it("reports made under another release are not counted (before the upgrade, or after a rollback)", () => {
    report("dev-a", NOW - 50 * M, { releaseId: "r-0", secondsUp: 0, secondsDown: 600 });
    report("dev-a", NOW - 40 * M, { releaseId: null, secondsUp: 0, secondsDown: 600 });
    report("dev-a", NOW - 10 * M, { releaseId: "r-1", secondsUp: 600, secondsDown: 0, lag: lag({ 2: 3 }) });
    report("dev-b", NOW - 10 * M, { releaseId: "r-0", secondsUp: 0, secondsDown: 600, lag: lag({ [INF]: 9 }) });
    const sums = kpi.sums(scope());
    expect(sums).toEqual({ devices: 1, secondsUp: 600, secondsDown: 0, eventsProcessed: 100, eventsDropped: 0, lagBuckets: lag({ 2: 3 }) });
    expect(availability(sums)).toBe(1);
  });

  it("scope stage: only that stage's devices; scope rollout (null): every device whose desired state was issued", () => {
    report("dev-a", NOW - 10 * M, { secondsDown: 1 });
    report("dev-b", NOW - 10 * M, { secondsDown: 2 });
    report("dev-c", NOW - 10 * M, { secondsDown: 4 });
    // dev-d is in the pilot but was never issued the release; dev-x is not in the rollout at all.
    report("dev-d", NOW - 10 * M, { secondsDown: 8 });
    report("dev-x", NOW - 10 * M, { secondsDown: 16 });

    expect(kpi.sums(scope({ stage: "canary" }))).toMatchObject({ devices: 2, secondsDown: 1 + 2 });
    expect(kpi.sums(scope({ stage: "pilot" }))).toMatchObject({ devices: 1, secondsDown: 4 });
    expect(kpi.sums(scope({ stage: null }))).toMatchObject({ devices: 3, secondsDown: 1 + 2 + 4 });
  });

  it("another rollout of another release with the same device sees only its own release's reports", () => {
    rollouts.insert(
      { id: "ro-2", releaseId: "r-2", status: "active", createdBy: "test", planName: null, planJson: null, seed: null },
      [{ name: "all", kind: "wave", spec: {} }],
      [{ deviceId: "dev-a", stage: "all", previousReleaseId: "r-1" }],
      [],
      T0,
    );
    rollouts.markIssued("ro-2", "dev-a", 2, T0 + H, T0 + 2 * H, true);
    report("dev-a", NOW - 40 * M, { releaseId: "r-1", secondsDown: 5 });
    report("dev-a", NOW - 10 * M, { releaseId: "r-2", secondsDown: 50 });

    expect(kpi.sums(scope({ rolloutId: "ro-2", releaseId: "r-2", stage: null }))).toMatchObject({ devices: 1, secondsDown: 50 });
    expect(kpi.sums(scope({ stage: null }))).toMatchObject({ devices: 1, secondsDown: 5 });
  });

  describe("perDevice", () => {
    it("gives each in-scope device's sums and its events slower than the given bucket", () => {
      // Slow means a bucket above index 7 (the 2 s bound).
      report("dev-a", NOW - 20 * M, { secondsUp: 590, secondsDown: 10, eventsProcessed: 90, eventsDropped: 10, lag: lag({ 0: 80, 7: 5, 8: 5 }) });
      report("dev-a", NOW - 10 * M, { secondsUp: 600, secondsDown: 0, eventsProcessed: 100, eventsDropped: 0, lag: lag({ 0: 90, [INF]: 10 }) });
      report("dev-b", NOW - 10 * M, { secondsUp: 300, secondsDown: 300, eventsProcessed: 50, eventsDropped: 50, lag: lag({ 12: 100 }) });
      // Out of scope: another stage, another release, outside the window.
      report("dev-c", NOW - 10 * M, { lag: lag({ 12: 100 }) });
      report("dev-b", NOW - 5 * M, { releaseId: "r-0", secondsDown: 600, lag: lag({ 12: 100 }) });
      report("dev-a", NOW - 3 * H, { secondsDown: 600, lag: lag({ 12: 100 }) });

      const rows = kpi.perDevice(scope(), 7).sort((x, y) => x.deviceId.localeCompare(y.deviceId));
      expect(rows).toEqual([
        { deviceId: "dev-a", secondsUp: 1190, secondsDown: 10, eventsProcessed: 190, eventsDropped: 10, eventsSlow: 15, events: 190 },
        { deviceId: "dev-b", secondsUp: 300, secondsDown: 300, eventsProcessed: 50, eventsDropped: 50, eventsSlow: 100, events: 100 },
      ]);
      // The per-device rows add up to the cohort sums.
      const sums = kpi.sums(scope());
      expect(rows.reduce((n, r) => n + r.secondsDown, 0)).toBe(sums.secondsDown);
      expect(rows.reduce((n, r) => n + r.events, 0)).toBe(sums.lagBuckets.reduce((a, b) => a + b, 0));
    });

    it("a device whose reports carry no lag events has zero slow events, not null", () => {
      report("dev-a", NOW - 10 * M, { lag: lag() });
      expect(kpi.perDevice(scope(), 7)).toEqual([{ deviceId: "dev-a", secondsUp: 600, secondsDown: 0, eventsProcessed: 100, eventsDropped: 0, eventsSlow: 0, events: 0 }]);
    });

    it("no device reported: no rows", () => {
      expect(kpi.perDevice(scope(), 7)).toEqual([]);
    });
  });

  describe("for stage criteria and health (bucketSums, earliestWindowStart)", () => {
    it("bucketSums cuts (to - n * size, to] into n buckets by window end, oldest first; each adds up like sums", () => {
      report("dev-a", NOW - 50 * M, { secondsUp: 600 }); // bucket 0: (NOW - 60m, NOW - 40m]
      report("dev-b", NOW - 40 * M, { secondsUp: 500, secondsDown: 100 }); // its end is the bound: still bucket 0
      report("dev-a", NOW - 1, { secondsUp: 300, secondsDown: 300 }); // bucket 2
      report("dev-a", NOW - 70 * M); // before the span
      report("dev-c", NOW - 10 * M); // another stage
      const buckets = kpi.bucketSums(scope(), 20 * M, 3);
      expect(buckets.map((b) => [b.devices, b.secondsUp, b.secondsDown])).toEqual([
        [2, 1100, 100],
        [0, 0, 0],
        [1, 300, 300],
      ]);
      expect(buckets[1]!.lagBuckets).toEqual(lag());
      expect(buckets.reduce((n, b) => n + b.secondsUp, 0)).toBe(kpi.sums(scope()).secondsUp);
    });

    it("earliestWindowStart: how far back the reports of the span reach (null without any)", () => {
      expect(kpi.earliestWindowStart(scope())).toBeNull();
      report("dev-a", NOW - 10 * M, { windowMs: 10 * M });
      report("dev-b", NOW - 50 * M, { windowMs: 15 * M });
      report("dev-b", NOW - 2 * H, { windowMs: 15 * M }); // ends before the span: not counted
      expect(kpi.earliestWindowStart(scope())).toBe(NOW - 65 * M);
    });
  });
  describe("rows with counters of 2^62 stored before ingest bounded them (a database from before)", () => {
    /** Two such reports: sum() of integers raises "integer overflow" at 2^63; every aggregate here must still answer. */
    function absurdRows(): void {
      report("dev-a", NOW - 10 * M, { lag: lag({ 0: 10 }) });
      report("dev-b", NOW - 10 * M, { lag: lag({ 0: 10 }) });
      db.prepare(
        `UPDATE kpi_reports SET seconds_up = 4611686018427387904, seconds_down = 4611686018427387904, events_processed = 4611686018427387904,
                events_dropped = 4611686018427387904, lag_0 = 4611686018427387904 WHERE device_id IN ('dev-a', 'dev-b')`,
      ).run();
      db.prepare("UPDATE kpi_lag_buckets SET count = 4611686018427387904 WHERE device_id IN ('dev-a', 'dev-b')").run();
      expect(() => db.prepare("SELECT sum(seconds_up) FROM kpi_reports").get()).toThrow(/integer overflow/);
    }

    it("cohort sums, bucket sums, per-device sums and device views answer (as doubles), and the ratios stay readable", () => {
      absurdRows();
      const sums = kpi.sums(scope());
      expect(sums.devices).toBe(2);
      expect(sums.secondsUp).toBe(2 ** 63);
      expect(availability(sums)).toBe(0.5);
      expect(droppedRatio(sums)).toBe(0.5);
      expect(kpi.bucketSums(scope(), 30 * M, 2).map((b) => b.secondsUp)).toEqual([0, 2 ** 63]);
      expect(kpi.perDevice({ ...scope(), stage: null }, 0).map((d) => d.deviceId).sort()).toEqual(["dev-a", "dev-b"]);
      const views = kpi.deviceSums(["dev-a", "dev-b"], NOW - H, NOW);
      expect(views.get("dev-a")).toMatchObject({ secondsUp: 2 ** 62, reports: 1 });
      expect(views.get("dev-a")!.lagBuckets[0]).toBe(2 ** 62);
    });
  });
});
