-- 0001: registry, releases, single-stage rollouts, telemetry, tokens, audit.
-- Migrations are forward-only and never edited once committed: add 0002_... instead.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Everything that may log in to the MQTT broker: devices, the hub itself, SCADA readers.
-- Read by the broker (broker/credentials-sqlite.ts), written by the hub.
CREATE TABLE mqtt_principals (
  username    TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('device', 'hub', 'scada')),
  secret_hash TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  disabled_at INTEGER
);

CREATE TABLE devices (
  id                 TEXT PRIMARY KEY,
  variant            TEXT NOT NULL,
  site               TEXT,
  region             TEXT,
  corridor           TEXT,
  created_at         INTEGER NOT NULL,
  created_by         TEXT NOT NULL,
  -- last hub->device sequence number issued (desired states and commands share it)
  hub_seq            INTEGER NOT NULL DEFAULT 0,
  online             INTEGER NOT NULL DEFAULT 0,
  status_changed_at  INTEGER,
  last_heartbeat_at  INTEGER,
  last_seen_at       INTEGER,
  current_release_id TEXT,
  deployment_state   TEXT,
  agent_version      TEXT,
  base_image_version TEXT,
  app_version        TEXT,
  inventory_json     TEXT,
  rejected_json      TEXT
);

-- Artifact files, content-addressed: stored at <dataDir>/artifacts/<sha256[0:2]>/<sha256>.
CREATE TABLE artifacts (
  sha256      TEXT PRIMARY KEY,
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL
);

CREATE TABLE releases (
  id                TEXT PRIMARY KEY,
  counter           INTEGER NOT NULL UNIQUE,
  version           TEXT NOT NULL,
  variants_json     TEXT NOT NULL,
  min_base_image    TEXT,
  notes             TEXT,
  manifest_envelope BLOB NOT NULL,
  signed_by         TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  created_by        TEXT NOT NULL,
  expires_at        INTEGER
);

CREATE TABLE release_components (
  release_id TEXT NOT NULL REFERENCES releases(id),
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  sha256     TEXT NOT NULL REFERENCES artifacts(sha256),
  size       INTEGER NOT NULL,
  PRIMARY KEY (release_id, name)
);

CREATE TABLE rollouts (
  id           TEXT PRIMARY KEY,
  release_id   TEXT NOT NULL REFERENCES releases(id),
  status       TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'completed', 'cancelled', 'rolled_back')),
  created_at   INTEGER NOT NULL,
  created_by   TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  completed_at INTEGER
);
CREATE INDEX rollouts_release ON rollouts(release_id);

-- Per-device deployment state within a rollout, kept current from state transitions (highest seq wins).
CREATE TABLE rollout_devices (
  rollout_id  TEXT NOT NULL REFERENCES rollouts(id),
  device_id   TEXT NOT NULL REFERENCES devices(id),
  stage       TEXT NOT NULL DEFAULT 'all',
  state       TEXT NOT NULL DEFAULT 'pending',
  reason      TEXT,
  detail      TEXT,
  desired_seq INTEGER,
  last_seq    INTEGER NOT NULL DEFAULT 0,
  bytes_done  INTEGER,
  bytes_total INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (rollout_id, device_id)
);
CREATE INDEX rollout_devices_device ON rollout_devices(device_id);

-- The signed desired state last issued to each device, so the hub can republish it byte for byte.
CREATE TABLE desired_states (
  device_id  TEXT PRIMARY KEY REFERENCES devices(id),
  seq        INTEGER NOT NULL,
  rollout_id TEXT,
  release_id TEXT,
  action     TEXT NOT NULL,
  envelope   BLOB NOT NULL,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Telemetry: each (device_id, seq) stored once, whatever the number of deliveries.
CREATE TABLE state_transitions (
  device_id   TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  event_time  INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  rollout_id  TEXT,
  release_id  TEXT,
  from_state  TEXT,
  state       TEXT NOT NULL,
  reason      TEXT,
  detail      TEXT,
  bytes_done  INTEGER,
  bytes_total INTEGER,
  desired_seq INTEGER,
  PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;
CREATE INDEX state_transitions_rollout ON state_transitions(rollout_id, device_id);

CREATE TABLE heartbeats (
  device_id          TEXT NOT NULL,
  seq                INTEGER NOT NULL,
  event_time         INTEGER NOT NULL,
  received_at        INTEGER NOT NULL,
  uptime_s           INTEGER,
  current_release_id TEXT,
  deployment_state   TEXT,
  agent_version      TEXT,
  rejected_json      TEXT,
  PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

CREATE TABLE inventories (
  device_id   TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  event_time  INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  inventory_json TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

CREATE TABLE kpi_reports (
  device_id        TEXT NOT NULL,
  seq              INTEGER NOT NULL,
  event_time       INTEGER NOT NULL,
  received_at      INTEGER NOT NULL,
  window_start     INTEGER NOT NULL,
  window_end       INTEGER NOT NULL,
  release_id       TEXT,
  seconds_up       INTEGER NOT NULL,
  seconds_down     INTEGER NOT NULL,
  events_processed INTEGER NOT NULL,
  events_dropped   INTEGER NOT NULL,
  lag_bounds_json  TEXT NOT NULL,
  lag_counts_json  TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

CREATE TABLE command_acks (
  device_id   TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  event_time  INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  command_id  TEXT NOT NULL,
  command_seq INTEGER,
  status      TEXT NOT NULL,
  reason      TEXT,
  detail      TEXT,
  PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- Device->hub messages refused by the hub (undecodable, wrong device id, ...), kept for diagnosis.
CREATE TABLE telemetry_rejections (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  device_id   TEXT,
  topic       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  detail      TEXT NOT NULL,
  payload_size INTEGER NOT NULL
);

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'release-manager', 'admin')),
  token_hash   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  created_by   TEXT NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);

-- Append-only; each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  target      TEXT,
  reason      TEXT,
  result      TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
  details_json TEXT,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
