-- 0010: tamper-evidence that holds (issue 14 item 7) and folded denials (item 6).
-- Forward-only: never edit once committed.

-- How many occurrences a row stands for: 1 for every action; a folded row of repeated denials from one source
-- (remote address + reason + route) within an interval carries the number it folded (hub/audit.ts).
ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1;

-- From which row on the chain is keyed: hash = HMAC-SHA256(key in <dataDir>/keys/audit-chain.key, prev_hash +
-- canonical row). Rows before it (written before this migration) keep their plain sha256 links. The signed
-- checkpoints carry this id too, so lowering it here to recompute rows with plain sha256 does not pass verify.
CREATE TABLE audit_chain (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  keyed_from INTEGER NOT NULL
);
INSERT INTO audit_chain (id, keyed_from) SELECT 1, coalesce(max(id), 0) + 1 FROM audit_log;
