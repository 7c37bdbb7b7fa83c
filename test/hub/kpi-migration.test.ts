// Migration 0006 copies each stored KPI report's lag histogram (kpi_lag_buckets rows) into its lag_0..lag_15 columns,
// so cohort sums after an upgrade count the reports stored before it.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations, migrate } from "../../hub/db/database.js";
import { LAG_COLUMNS } from "../../hub/repos/kpi.repo.js";
import { tempDir } from "../helpers/wait.js";

describe("migration 0006 (KPI sums index)", () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it("backfills the lag columns of reports stored before it", () => {
    const t = tempDir("verge-kpi-migration-");
    cleanup = t.cleanup;
    const db = new Database(`${t.dir}/verge.db`);
    try {
      migrate(db, loadMigrations().filter((m) => m.version <= 5));
      const insert = db.prepare(
        `INSERT INTO kpi_reports (device_id, seq, event_time, received_at, window_start, window_end, release_id, seconds_up, seconds_down, events_processed, events_dropped, lag_bounds_json, lag_counts_json)
         VALUES (?, ?, 1000, 1000, 0, 1000, 'rel-1', 60, 0, 10, 0, '[]', '[]')`,
      );
      const bucket = db.prepare("INSERT INTO kpi_lag_buckets (device_id, seq, bucket, count) VALUES (?, ?, ?, ?)");
      insert.run("dev-a", 1);
      bucket.run("dev-a", 1, 0, 7);
      bucket.run("dev-a", 1, 15, 3);
      insert.run("dev-b", 1);
      expect(migrate(db)).toContain("0006_kpi_sums_index.sql");
      const rows = db.prepare(`SELECT device_id AS id, ${LAG_COLUMNS.join(", ")} FROM kpi_reports ORDER BY device_id`).all() as Array<Record<string, number | string>>;
      const histogram = (r: Record<string, number | string>) => LAG_COLUMNS.map((c) => r[c]);
      expect(histogram(rows[0]!)).toEqual([7, ...new Array<number>(14).fill(0), 3]);
      expect(histogram(rows[1]!)).toEqual(new Array<number>(16).fill(0));
    } finally {
      db.close();
    }
  });
});
