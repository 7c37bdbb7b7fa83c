-- 0006: cohort KPI sums read from one covering index. Rule evaluation summed a stage's reports through
-- kpi_reports_release_window and then looked up every report's row and its lag-bucket rows: about 1 s per evaluation
-- for a 1,000-device stage with an hour of 1-minute reports, growing with devices x reports (the rules benchmark).
-- Each report now also carries its lag histogram as 16 columns (bucket i of proto/kpi.ts in lag_i; the last is +Inf),
-- and an index ordered by (release, device, window end) holds every figure a sum needs, so the evaluation seeks each
-- device of the scope once and reads its window's entries in order. kpi_lag_buckets stays: per-device views use it.
-- Forward-only: never edit once committed.
ALTER TABLE kpi_reports ADD COLUMN lag_0 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_1 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_3 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_5 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_6 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_7 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_8 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_9 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_11 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_12 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_13 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_14 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kpi_reports ADD COLUMN lag_15 INTEGER NOT NULL DEFAULT 0;
UPDATE kpi_reports SET
  lag_0 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 0), 0),
  lag_1 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 1), 0),
  lag_2 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 2), 0),
  lag_3 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 3), 0),
  lag_4 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 4), 0),
  lag_5 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 5), 0),
  lag_6 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 6), 0),
  lag_7 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 7), 0),
  lag_8 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 8), 0),
  lag_9 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 9), 0),
  lag_10 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 10), 0),
  lag_11 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 11), 0),
  lag_12 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 12), 0),
  lag_13 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 13), 0),
  lag_14 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 14), 0),
  lag_15 = coalesce((SELECT b.count FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq AND b.bucket = 15), 0)
WHERE EXISTS (SELECT 1 FROM kpi_lag_buckets b WHERE b.device_id = kpi_reports.device_id AND b.seq = kpi_reports.seq);
CREATE INDEX kpi_reports_release_device_window ON kpi_reports(release_id, device_id, window_end, seconds_up, seconds_down, events_processed, events_dropped,
  lag_0, lag_1, lag_2, lag_3, lag_4, lag_5, lag_6, lag_7, lag_8, lag_9, lag_10, lag_11, lag_12, lag_13, lag_14, lag_15);
