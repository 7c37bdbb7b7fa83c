-- 0003: remote diagnostics. One row per bundle asked of a device (by an operator or by the hub after a failed
-- deployment); the bundle itself is a file under <dataDir>/diagnostics/<device>/, never a blob here.
-- Forward-only: never edit once committed.
CREATE TABLE diagnostic_bundles (
  id            TEXT PRIMARY KEY,
  device_id     TEXT NOT NULL REFERENCES devices(id),
  -- operator: `verge device diag collect`; auto: the hub, after the device reported a failed deployment
  trigger       TEXT NOT NULL CHECK (trigger IN ('operator', 'auto')),
  requested_at  INTEGER NOT NULL,
  requested_by  TEXT NOT NULL,
  -- why it was asked: the operator's reason, or the failure it documents
  reason        TEXT,
  -- the rollout and release the device was in when it was asked (the failed deployment, for auto requests)
  rollout_id    TEXT,
  release_id    TEXT,
  command_id    TEXT NOT NULL,
  command_seq   INTEGER NOT NULL,
  -- requested: command sent; accepted: the device acked it; uploading: bytes arriving; complete: stored and its
  -- sha256 checked; failed: the device, the upload or the hub gave up (status_reason says why)
  status        TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'uploading', 'complete', 'failed')),
  status_reason TEXT,
  status_detail TEXT,
  -- what the device declared for the whole bundle (first PUT), and what is stored so far
  size          INTEGER,
  sha256        TEXT,
  received      INTEGER NOT NULL DEFAULT 0,
  updated_at    INTEGER NOT NULL,
  completed_at  INTEGER
);
CREATE INDEX diagnostic_bundles_device ON diagnostic_bundles(device_id, requested_at);
CREATE INDEX diagnostic_bundles_rollout ON diagnostic_bundles(rollout_id, device_id) WHERE rollout_id IS NOT NULL;
CREATE UNIQUE INDEX diagnostic_bundles_command ON diagnostic_bundles(device_id, command_id);
