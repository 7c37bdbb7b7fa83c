// Cohort KPI aggregates, summed in SQL over the devices of a rollout scope and the reports of a time window (by the
// reports' own window end, i.e. event time: telemetry that arrives late still lands in its window). Only reports made
// while the device ran the rollout's release count: a device rolled back stops weighing on the release.
// Sums are SQLite total() (a double), not sum(): sum() of integers raises "integer overflow" past 2^63, and one such row
// stored before ingest bounded counts made every fleet view and rule evaluation over its window fail. Ingest keeps
// every count far below 2^53, where total() is exact.
import type { Db } from "../db/database.js";
import { LAG_BUCKET_BOUNDS_MS } from "../../proto/kpi.js";
import { EMPTY_SUMS } from "../rollout/kpi.js";
import type { KpiSums } from "../rollout/kpi.js";

/** The report columns holding its lag histogram: lag_i is bucket i of LAG_BUCKET_BOUNDS_MS (the last is +Inf). */
export const LAG_COLUMNS: readonly string[] = Array.from({ length: LAG_BUCKET_BOUNDS_MS.length + 1 }, (_, i) => `lag_${i}`);

export interface KpiScope {
  rolloutId: string;
  releaseId: string;
  /** One stage's devices, or null for every device of the rollout whose desired state was issued. */
  stage: string | null;
  from: number;
  to: number;
}

export interface DeviceKpi {
  deviceId: string;
  secondsUp: number;
  secondsDown: number;
  eventsProcessed: number;
  eventsDropped: number;
  /** Events in lag buckets above the given bound (for ranking devices by lag). */
  eventsSlow: number;
  events: number;
}

const SCOPE_JOIN = `JOIN rollout_devices rd ON rd.device_id = k.device_id AND rd.rollout_id = @rolloutId AND rd.issued_at IS NOT NULL
  AND (@stage IS NULL OR rd.stage = @stage)`;
const SCOPE_WHERE = `k.release_id = @releaseId AND k.window_end > @from AND k.window_end <= @to`;
/** What a cohort sum reads: every column of kpi_reports_release_device_window, so the sums need no table lookups. */
const SUM_COLUMNS = `count(DISTINCT k.device_id) AS devices, total(k.seconds_up) AS secondsUp, total(k.seconds_down) AS secondsDown,
  total(k.events_processed) AS eventsProcessed, total(k.events_dropped) AS eventsDropped,
  ${LAG_COLUMNS.map((c) => `total(k.${c}) AS ${c}`).join(", ")}`;
/** The scope's devices as the outer loop (CROSS JOIN keeps that order), each one's reports a range of the index. */
const SCOPE_REPORTS = `FROM rollout_devices rd CROSS JOIN kpi_reports k
  ON k.release_id = @releaseId AND k.device_id = rd.device_id AND k.window_end > @from AND k.window_end <= @to
  WHERE rd.rollout_id = @rolloutId AND rd.issued_at IS NOT NULL AND (@stage IS NULL OR rd.stage = @stage)`;
type SumRow = Omit<KpiSums, "lagBuckets"> & Record<string, number>;

function toSums(row: SumRow): KpiSums {
  const lagBuckets = LAG_COLUMNS.map((c) => row[c] ?? 0);
  return { devices: row.devices, secondsUp: row.secondsUp, secondsDown: row.secondsDown, eventsProcessed: row.eventsProcessed, eventsDropped: row.eventsDropped, lagBuckets };
}

export class KpiRepo {
  constructor(private readonly db: Db) {}

  /**
   * Sums over the scope's devices and window. The scope's devices are the outer loop (CROSS JOIN keeps that order) and
   * each one's reports are a range of kpi_reports_release_device_window, which holds every summed column: one seek
   * per device, no table or bucket-row lookups (migration 0006).
   */
  sums(scope: KpiScope): KpiSums {
    return toSums(this.db.prepare(`SELECT ${SUM_COLUMNS} ${SCOPE_REPORTS}`).get({ ...scope }) as SumRow);
  }

  /**
   * The scope's sums in `count` consecutive buckets of `bucketMs` ending at `scope.to` (bucket i holds the reports
   * whose window ends in (to - (count - i) * bucketMs, to - (count - i - 1) * bucketMs]); `scope.from` is ignored.
   */
  bucketSums(scope: KpiScope, bucketMs: number, count: number): KpiSums[] {
    const from = scope.to - bucketMs * count;
    const rows = this.db
      .prepare(`SELECT CAST((k.window_end - @from - 1) / @bucketMs AS INTEGER) AS bucket, ${SUM_COLUMNS} ${SCOPE_REPORTS} GROUP BY bucket`)
      .all({ ...scope, from, bucketMs: Math.trunc(bucketMs) }) as Array<SumRow & { bucket: number }>;
    const out = Array.from({ length: count }, () => ({ ...EMPTY_SUMS, lagBuckets: LAG_COLUMNS.map(() => 0) }));
    for (const row of rows) if (row.bucket >= 0 && row.bucket < count) out[row.bucket] = toSums(row);
    return out;
  }

  /** The earliest start of a report window in the scope (how far back its data reaches), null without reports. */
  earliestWindowStart(scope: KpiScope): number | null {
    return (this.db.prepare(`SELECT min(k.window_start) AS start ${SCOPE_REPORTS}`).get({ ...scope }) as { start: number | null }).start;
  }

  /** Per-device sums in the scope, to name the devices that weigh most on a metric. */
  perDevice(scope: KpiScope, slowAboveBucket: number): DeviceKpi[] {
    return this.db
      .prepare(
        `SELECT k.device_id AS deviceId, total(k.seconds_up) AS secondsUp, total(k.seconds_down) AS secondsDown,
                total(k.events_processed) AS eventsProcessed, total(k.events_dropped) AS eventsDropped,
                (SELECT total(b.count) FROM kpi_reports k2 JOIN kpi_lag_buckets b ON b.device_id = k2.device_id AND b.seq = k2.seq
                          WHERE k2.device_id = k.device_id AND k2.release_id = @releaseId AND k2.window_end > @from AND k2.window_end <= @to AND b.bucket > @slow) AS eventsSlow,
                (SELECT total(b.count) FROM kpi_reports k2 JOIN kpi_lag_buckets b ON b.device_id = k2.device_id AND b.seq = k2.seq
                          WHERE k2.device_id = k.device_id AND k2.release_id = @releaseId AND k2.window_end > @from AND k2.window_end <= @to) AS events
         FROM kpi_reports k ${SCOPE_JOIN} WHERE ${SCOPE_WHERE} GROUP BY k.device_id`,
      )
      .all({ ...scope, slow: slowAboveBucket }) as DeviceKpi[];
  }

  /** Latest-window KPIs of devices (for device views): sums over reports ending in (from, to], and how many reports. */
  deviceSums(deviceIds: string[], from: number, to: number): Map<string, Omit<KpiSums, "devices"> & { reports: number }> {
    const out = new Map<string, Omit<KpiSums, "devices"> & { reports: number }>();
    if (deviceIds.length === 0) return out;
    const totals = this.db.prepare(
      `SELECT total(seconds_up) AS secondsUp, total(seconds_down) AS secondsDown,
              total(events_processed) AS eventsProcessed, total(events_dropped) AS eventsDropped, count(*) AS reports
       FROM kpi_reports WHERE device_id = ? AND window_end > ? AND window_end <= ?`,
    );
    const buckets = this.db.prepare(
      `SELECT b.bucket AS bucket, total(b.count) AS n FROM kpi_reports k JOIN kpi_lag_buckets b ON b.device_id = k.device_id AND b.seq = k.seq
       WHERE k.device_id = ? AND k.window_end > ? AND k.window_end <= ? GROUP BY b.bucket`,
    );
    for (const id of deviceIds) {
      const t = totals.get(id, from, to) as Omit<KpiSums, "devices" | "lagBuckets"> & { reports: number };
      if (t.reports === 0) continue;
      const lagBuckets = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
      for (const b of buckets.all(id, from, to) as Array<{ bucket: number; n: number }>) if (b.bucket < lagBuckets.length) lagBuckets[b.bucket] = b.n;
      out.set(id, { secondsUp: t.secondsUp, secondsDown: t.secondsDown, eventsProcessed: t.eventsProcessed, eventsDropped: t.eventsDropped, lagBuckets, reports: t.reports });
    }
    return out;
  }
}
