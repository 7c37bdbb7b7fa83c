-- 0009: the brakes of issue 7. A fleet-wide freeze (one row), per-cohort switches, the devices the hub told to hold
-- (not activate) because of either, and the point from which a stage's circuit breaker counts failures again.
-- Forward-only: never edit once committed.
CREATE TABLE fleet_freeze (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  frozen     INTEGER NOT NULL DEFAULT 0,
  reason     TEXT,
  changed_by TEXT,
  changed_at INTEGER
);
INSERT INTO fleet_freeze (id, frozen) VALUES (1, 0);

-- A disabled cohort's devices get no new desired state and do not activate (disabled_at NULL = enabled).
ALTER TABLE cohorts ADD COLUMN disabled_at INTEGER;
ALTER TABLE cohorts ADD COLUMN disabled_by TEXT;
ALTER TABLE cohorts ADD COLUMN disabled_reason TEXT;

-- Set while the device's desired state says "download, do not activate" because of a brake (what held it: "freeze"
-- or "cohort:NAME"); cleared when the hub lets it go on.
ALTER TABLE rollout_devices ADD COLUMN held_at INTEGER;
ALTER TABLE rollout_devices ADD COLUMN held_by TEXT;

-- The circuit breaker counts consecutive failures finished after this time (set when an operator resumes the stage).
ALTER TABLE rollout_stages ADD COLUMN breaker_reset_at INTEGER;
