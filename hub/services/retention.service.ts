// Retention (DESIGN "Storage"): history must not slow rule evaluation down as it grows, nor fill the disk.
// - Heartbeats older than `heartbeatsMs` are deleted (the device row keeps the latest state; transitions, acks and
//   inventories are kept: they are the deployment record).
// - Raw KPI windows older than `kpiRawMs` are rolled up to one row per device, release and hour (counts and lag
//   buckets summed, the window widened). Rules sum counts, so every ratio and percentile over the rolled-up period is
//   the same as before; only the time resolution of old history coarsens. The rolled-up row keeps the first seq of
//   its windows and records the last (`seq_last`), so a late copy of one of them is recognised as a duplicate.
// Work goes device by device, one short transaction each, yielding in between, so ingest is never held up for long.
import { setImmediate as yieldToEvents } from "node:timers/promises";
import type { Logger } from "pino";
import type { Db } from "../db/database.js";
import { LAG_COLUMNS } from "../repos/kpi.repo.js";

export interface RetentionSettings {
  heartbeatsMs: number;
  kpiRawMs: number;
}

export interface RetentionRun {
  heartbeatsDeleted: number;
  kpiWindowsRolledUp: number;
  kpiRowsWritten: number;
  durationMs: number;
}

interface RawRow {
  seq: number;
  event_time: number;
  received_at: number;
  window_start: number;
  window_end: number;
  release_id: string | null;
  seconds_up: number;
  seconds_down: number;
  events_processed: number;
  events_dropped: number;
  lag_bounds_json: string;
  lag_counts_json: string;
}

const HOUR_MS = 3_600_000;
const DELETE_BATCH = 5000;

export class RetentionService {
  private running: Promise<RetentionRun> | null = null;

  constructor(
    private readonly db: Db,
    private readonly settings: RetentionSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass; a pass asked for while one runs waits for that one. */
  run(): Promise<RetentionRun> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<RetentionRun> {
    const started = this.now();
    const heartbeatsDeleted = await this.deleteHeartbeats(started - this.settings.heartbeatsMs);
    const { rolled, written } = await this.rollUpKpi(started - this.settings.kpiRawMs);
    const run = { heartbeatsDeleted, kpiWindowsRolledUp: rolled, kpiRowsWritten: written, durationMs: this.now() - started };
    if (heartbeatsDeleted > 0 || rolled > 0) this.logger.info(run, "retention: old heartbeats deleted, old KPI windows rolled up by hour");
    return run;
  }

  private async deleteHeartbeats(before: number): Promise<number> {
    const del = this.db.prepare(
      "DELETE FROM heartbeats WHERE (device_id, seq) IN (SELECT device_id, seq FROM heartbeats WHERE event_time < ? LIMIT ?)",
    );
    let total = 0;
    for (;;) {
      const n = del.run(before, DELETE_BATCH).changes;
      total += n;
      if (n < DELETE_BATCH) return total;
      await yieldToEvents();
    }
  }

  private async rollUpKpi(horizon: number): Promise<{ rolled: number; written: number }> {
    // Whole hours only: the hour holding the horizon waits until it is entirely behind it.
    const cutoff = Math.floor(horizon / HOUR_MS) * HOUR_MS;
    const devices = this.db.prepare("SELECT DISTINCT device_id AS id FROM kpi_reports WHERE seq_last IS NULL AND window_end <= ?").pluck().all(cutoff) as string[];
    const rows = this.db.prepare(
      `SELECT seq, event_time, received_at, window_start, window_end, release_id, seconds_up, seconds_down, events_processed, events_dropped, lag_bounds_json, lag_counts_json
       FROM kpi_reports WHERE device_id = ? AND seq_last IS NULL AND window_end <= ? ORDER BY seq`,
    );
    const bucketsOf = this.db.prepare("SELECT bucket, count FROM kpi_lag_buckets WHERE device_id = ? AND seq = ?");
    const deleteRow = this.db.prepare("DELETE FROM kpi_reports WHERE device_id = ? AND seq = ?");
    const deleteBuckets = this.db.prepare("DELETE FROM kpi_lag_buckets WHERE device_id = ? AND seq = ?");
    const insertBucket = this.db.prepare("INSERT INTO kpi_lag_buckets (device_id, seq, bucket, count) VALUES (?, ?, ?, ?)");
    const writeRolled = this.db.prepare(
      `UPDATE kpi_reports SET seq_last = @seqLast, event_time = @eventTime, received_at = @receivedAt, window_start = @windowStart, window_end = @windowEnd,
         seconds_up = @secondsUp, seconds_down = @secondsDown, events_processed = @eventsProcessed, events_dropped = @eventsDropped, lag_counts_json = @lagCountsJson,
         ${LAG_COLUMNS.map((c) => `${c} = @${c}`).join(", ")}
       WHERE device_id = @deviceId AND seq = @seq`,
    );
    let rolled = 0;
    let written = 0;
    for (const deviceId of devices) {
      this.db.transaction(() => {
        const groups = new Map<string, RawRow[]>();
        for (const r of rows.all(deviceId, cutoff) as RawRow[]) {
          const key = `${r.release_id ?? ""}\u0000${r.lag_bounds_json}\u0000${Math.floor((r.window_end - 1) / HOUR_MS)}`;
          const g = groups.get(key);
          if (g) g.push(r);
          else groups.set(key, [r]);
        }
        for (const g of groups.values()) {
          const first = g[0]!;
          const buckets = new Map<number, number>();
          for (const r of g) for (const b of bucketsOf.all(deviceId, r.seq) as Array<{ bucket: number; count: number }>) buckets.set(b.bucket, (buckets.get(b.bucket) ?? 0) + b.count);
          const counts = (JSON.parse(first.lag_counts_json) as number[]).map(() => 0);
          for (const r of g) (JSON.parse(r.lag_counts_json) as number[]).forEach((c, i) => (counts[i] = (counts[i] ?? 0) + c));
          for (const r of g.slice(1)) {
            deleteRow.run(deviceId, r.seq);
            deleteBuckets.run(deviceId, r.seq);
          }
          deleteBuckets.run(deviceId, first.seq);
          for (const [bucket, count] of buckets) if (count > 0) insertBucket.run(deviceId, first.seq, bucket, count);
          writeRolled.run({
            deviceId,
            seq: first.seq,
            seqLast: g[g.length - 1]!.seq,
            eventTime: Math.max(...g.map((r) => r.event_time)),
            receivedAt: Math.min(...g.map((r) => r.received_at)),
            windowStart: Math.min(...g.map((r) => r.window_start)),
            windowEnd: Math.max(...g.map((r) => r.window_end)),
            secondsUp: g.reduce((t, r) => t + r.seconds_up, 0),
            secondsDown: g.reduce((t, r) => t + r.seconds_down, 0),
            eventsProcessed: g.reduce((t, r) => t + r.events_processed, 0),
            eventsDropped: g.reduce((t, r) => t + r.events_dropped, 0),
            lagCountsJson: JSON.stringify(counts),
            // the histogram columns cohort sums read (migration 0006), from the bucket rows
            ...Object.fromEntries(LAG_COLUMNS.map((c, i) => [c, buckets.get(i) ?? 0])),
          });
          rolled += g.length;
          written++;
        }
      })();
      await yieldToEvents();
    }
    return { rolled, written };
  }
}
