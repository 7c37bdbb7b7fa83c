-- Retention (hub/services/retention.service.ts): heartbeats are deleted after a while; raw KPI windows older than the
-- raw retention are rolled up to one row per device, release and hour. A rolled-up row keeps the first seq of its
-- windows in `seq` and the last in `seq_last` (NULL: a raw window), so a copy of a rolled-up window that arrives late
-- is recognised and not counted twice. Sums are unchanged by a rollup: rules compute ratios of sums.
ALTER TABLE kpi_reports ADD COLUMN seq_last INTEGER;
CREATE INDEX kpi_reports_raw ON kpi_reports(device_id, window_end) WHERE seq_last IS NULL;
CREATE INDEX heartbeats_event_time ON heartbeats(event_time);
CREATE INDEX kpi_reports_rolled ON kpi_reports(device_id, seq_last) WHERE seq_last IS NOT NULL;
