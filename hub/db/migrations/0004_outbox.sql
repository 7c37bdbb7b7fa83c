-- The device's telemetry outbox as its heartbeats report it: depth, bytes, and what its byte budget cost
-- (KPI windows merged, telemetry dropped by kind). JSON {"depth","bytes","dropped":{kind:n},"merged"}.
ALTER TABLE heartbeats ADD COLUMN outbox_json TEXT;
ALTER TABLE devices ADD COLUMN outbox_json TEXT;
