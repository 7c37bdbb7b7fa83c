-- 0011: an evaluation that cannot reach a verdict holds its stage (hub/rollout/engine.ts), and repairs for what ingest
-- let through before it bounded numbers (hub/services/ingest.service.ts). Forward-only: never edit once committed.

-- The stage holds because a rule or criterion could not be evaluated: JSON {since, errors: [...]}, NULL when every
-- one reached a verdict at the last evaluation. The engine writes an evaluation_failed event when this starts and
-- evaluation_recovered when it clears.
ALTER TABLE rollout_stages ADD COLUMN evaluation_failure_json TEXT;

-- A seq outside 1..2^53-1 (stored as REAL, or negative) made a device's rollout state ignore every later transition
-- (applyTransition keeps the highest seq): its last_seq goes back to the highest believable one it reported.
UPDATE rollout_devices
SET last_seq = coalesce(
  (SELECT max(t.seq) FROM state_transitions t
   WHERE t.device_id = rollout_devices.device_id AND t.rollout_id = rollout_devices.rollout_id AND t.seq BETWEEN 1 AND 9007199254740991),
  0)
WHERE last_seq > 9007199254740991 OR last_seq < 0 OR typeof(last_seq) <> 'integer';

-- An event time far in the future set last_seen_at there, and max() kept it: it goes back to when the hub last
-- received something from the device (its latest stored telemetry), or NULL.
UPDATE devices
SET last_seen_at = (SELECT max(r) FROM (
  SELECT max(received_at) AS r FROM state_transitions WHERE device_id = devices.id
  UNION ALL SELECT max(received_at) FROM heartbeats WHERE device_id = devices.id
  UNION ALL SELECT max(received_at) FROM kpi_reports WHERE device_id = devices.id
  UNION ALL SELECT max(received_at) FROM inventories WHERE device_id = devices.id
  UNION ALL SELECT max(received_at) FROM command_acks WHERE device_id = devices.id))
WHERE last_seen_at > CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 86400000;
