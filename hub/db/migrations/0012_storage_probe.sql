-- The storage probe (hub/storage-health.ts): one row rewritten by a committed transaction while storage is failing,
-- so the hub sees when SQLite can write again without a restart.
CREATE TABLE storage_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  probed_at INTEGER NOT NULL
);
