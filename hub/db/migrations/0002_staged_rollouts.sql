-- 0002: staged rollouts (plans, stages, rules, events), operator cohorts, incidents, KPI histogram buckets, device
-- health after rollback. Forward-only: never edit once committed.

-- Rollouts now follow a plan. The resolved plan (defaults applied) is stored so a restart or a later edit of the plan
-- file never changes a running rollout.
ALTER TABLE rollouts ADD COLUMN plan_name TEXT;
ALTER TABLE rollouts ADD COLUMN plan_json TEXT;
ALTER TABLE rollouts ADD COLUMN seed TEXT;
ALTER TABLE rollouts ADD COLUMN started_at INTEGER;
ALTER TABLE rollouts ADD COLUMN paused_at INTEGER;
ALTER TABLE rollouts ADD COLUMN paused_by TEXT;
ALTER TABLE rollouts ADD COLUMN pause_reason TEXT;

CREATE TABLE rollout_stages (
  rollout_id            TEXT NOT NULL REFERENCES rollouts(id),
  idx                   INTEGER NOT NULL,
  name                  TEXT NOT NULL,
  kind                  TEXT NOT NULL CHECK (kind IN ('canary', 'pilot', 'wave')),
  -- pending: not started; active: devices deploying; converged: every device done, observation window running;
  -- completed: window passed with all gates true (and approval given when required); failed: failure gate or rollback.
  status                TEXT NOT NULL CHECK (status IN ('pending', 'active', 'converged', 'completed', 'failed')),
  spec_json             TEXT NOT NULL,
  started_at            INTEGER,
  activation_issued_at  INTEGER,
  converged_at          INTEGER,
  observe_until         INTEGER,
  approval_requested_at INTEGER,
  approved_at           INTEGER,
  approved_by           TEXT,
  completed_at          INTEGER,
  failed_at             INTEGER,
  PRIMARY KEY (rollout_id, idx),
  UNIQUE (rollout_id, name)
);

-- A device takes part in at most one active (draft, active or paused) rollout per release: enforced here.
ALTER TABLE rollout_devices ADD COLUMN release_id TEXT;
ALTER TABLE rollout_devices ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
-- The release the device ran when it was targeted: where a rollback takes it.
ALTER TABLE rollout_devices ADD COLUMN previous_release_id TEXT;
-- When the stage's desired state was first issued to it (NULL: its stage has not started) and its in-progress deadline.
ALTER TABLE rollout_devices ADD COLUMN issued_at INTEGER;
ALTER TABLE rollout_devices ADD COLUMN deadline_at INTEGER;
ALTER TABLE rollout_devices ADD COLUMN activate_issued INTEGER NOT NULL DEFAULT 0;
-- Hub-requested rollback: when asked, when done, and whether the device missed its rollback time target.
ALTER TABLE rollout_devices ADD COLUMN rollback_requested_at INTEGER;
ALTER TABLE rollout_devices ADD COLUMN rollback_done_at INTEGER;
ALTER TABLE rollout_devices ADD COLUMN rollback_overdue_at INTEGER;
UPDATE rollout_devices SET
  release_id = (SELECT release_id FROM rollouts r WHERE r.id = rollout_devices.rollout_id),
  active = (SELECT status IN ('draft', 'active', 'paused') FROM rollouts r WHERE r.id = rollout_devices.rollout_id),
  issued_at = created_at;
UPDATE rollout_devices SET stage = 'all' WHERE stage IS NULL;
CREATE UNIQUE INDEX rollout_devices_one_active_per_release ON rollout_devices(release_id, device_id) WHERE active = 1;
CREATE INDEX rollout_devices_stage ON rollout_devices(rollout_id, stage);
CREATE TRIGGER rollouts_membership_follows_status AFTER UPDATE OF status ON rollouts
BEGIN
  UPDATE rollout_devices SET active = (NEW.status IN ('draft', 'active', 'paused')) WHERE rollout_id = NEW.id;
END;

-- Pause rules of a rollout, one row per stage and rule, with the state that gives `for` its meaning: breach_since is
-- the first evaluation of the current unbroken run of breaches; firing_since is when the rule fired.
CREATE TABLE rollout_rules (
  rollout_id        TEXT NOT NULL REFERENCES rollouts(id),
  stage             TEXT NOT NULL,
  name              TEXT NOT NULL,
  metric            TEXT NOT NULL,
  op                TEXT NOT NULL CHECK (op IN ('<', '<=', '>', '>=')),
  threshold         REAL NOT NULL,
  for_ms            INTEGER NOT NULL,
  window_ms         INTEGER NOT NULL,
  min_devices       INTEGER NOT NULL,
  scope             TEXT NOT NULL CHECK (scope IN ('stage', 'rollout')),
  action            TEXT NOT NULL CHECK (action IN ('pause', 'pause_and_rollback', 'alert')),
  breach_since      INTEGER,
  firing_since      INTEGER,
  last_evaluated_at INTEGER,
  last_verdict      TEXT,
  last_value        REAL,
  last_devices      INTEGER,
  PRIMARY KEY (rollout_id, stage, name)
);

-- What happened to a rollout, in order: stage changes, pauses (with the rule's evidence), resumes, rollbacks, alerts.
-- Published to verge/v1/rollouts/{id}/events and kept for the status view.
CREATE TABLE rollout_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  rollout_id  TEXT NOT NULL REFERENCES rollouts(id),
  at          INTEGER NOT NULL,
  type        TEXT NOT NULL,
  stage       TEXT,
  actor       TEXT NOT NULL,
  rule        TEXT,
  metric      TEXT,
  op          TEXT,
  observed    REAL,
  threshold   REAL,
  window_ms   INTEGER,
  devices     INTEGER,
  explanation TEXT NOT NULL,
  links_json  TEXT,
  details_json TEXT
);
CREATE INDEX rollout_events_rollout ON rollout_events(rollout_id, id);

-- Operator-defined cohorts: plain groups (release_id NULL) used by plan selectors, or canary/pilot cohorts bound to a
-- release. A device is in at most one active cohort bound to a given release: enforced by the unique index below.
CREATE TABLE cohorts (
  name        TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('group', 'canary', 'pilot')),
  release_id  TEXT REFERENCES releases(id),
  description TEXT,
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  retired_at  INTEGER
);
CREATE TABLE cohort_members (
  cohort     TEXT NOT NULL REFERENCES cohorts(name),
  device_id  TEXT NOT NULL REFERENCES devices(id),
  -- copies of the cohort's release and active flag, so the index can enforce the rule; kept by the trigger below
  release_id TEXT,
  active     INTEGER NOT NULL,
  added_at   INTEGER NOT NULL,
  added_by   TEXT NOT NULL,
  PRIMARY KEY (cohort, device_id)
);
CREATE UNIQUE INDEX cohort_members_one_active_per_release ON cohort_members(release_id, device_id) WHERE release_id IS NOT NULL AND active = 1;
CREATE INDEX cohort_members_device ON cohort_members(device_id);
CREATE TRIGGER cohorts_members_follow AFTER UPDATE OF active, release_id ON cohorts
BEGIN
  UPDATE cohort_members SET active = NEW.active, release_id = NEW.release_id WHERE cohort = NEW.name;
END;

CREATE TABLE incidents (
  id           TEXT PRIMARY KEY,
  release_id   TEXT REFERENCES releases(id),
  severity     TEXT NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
  title        TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  opened_at    INTEGER NOT NULL,
  opened_by    TEXT NOT NULL,
  closed_at    INTEGER,
  closed_by    TEXT,
  close_reason TEXT
);
CREATE INDEX incidents_release ON incidents(release_id, status);

-- Event-lag histogram counts of each KPI report, one row per non-empty bucket (index into the fixed bounds of
-- proto/kpi.ts; the last index is +Inf), so cohort histograms are plain SUM ... GROUP BY bucket.
CREATE TABLE kpi_lag_buckets (
  device_id TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (device_id, seq, bucket)
) WITHOUT ROWID;
INSERT INTO kpi_lag_buckets (device_id, seq, bucket, count)
  SELECT k.device_id, k.seq, CAST(j.key AS INTEGER), j.value FROM kpi_reports k, json_each(k.lag_counts_json) j
  WHERE json_array_length(k.lag_counts_json) = 16 AND j.value > 0;
CREATE INDEX kpi_reports_release_window ON kpi_reports(release_id, window_end);
CREATE INDEX kpi_reports_device_window ON kpi_reports(device_id, window_end);

-- Fleet-level health flag: `investigate` when a rollback missed its time target, `healthy` once the device reports
-- healthy on the release it was rolled back to.
ALTER TABLE devices ADD COLUMN health TEXT CHECK (health IN ('healthy', 'investigate'));
ALTER TABLE devices ADD COLUMN health_reason TEXT;
ALTER TABLE devices ADD COLUMN health_changed_at INTEGER;

-- What the last desired state asked for, so re-signing before expiry (and republishing) keeps it exactly.
ALTER TABLE desired_states ADD COLUMN stage TEXT;
ALTER TABLE desired_states ADD COLUMN activate INTEGER NOT NULL DEFAULT 1;
ALTER TABLE desired_states ADD COLUMN maintenance_json TEXT;
