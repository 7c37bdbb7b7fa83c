-- 0007: the webhook outbox. One row per event and webhook, written in the same transaction as the event it carries,
-- so an event that was stored is sent even if the hub stops before delivering it. The delivery loop
-- (hub/services/webhooks.service.ts) sends each webhook's rows in id order. Forward-only: never edit once committed.
CREATE TABLE webhook_deliveries (
  -- AUTOINCREMENT: a delivery id is never reused after old rows are pruned (receivers dedupe on X-Verge-Delivery)
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  -- the webhook's name in the config
  webhook         TEXT NOT NULL,
  -- the event carried: its id (rollout_events.id; 0 for a test), type and rollout (NULL for fleet events and tests)
  event_id        INTEGER NOT NULL,
  event_type      TEXT NOT NULL,
  rollout_id      TEXT,
  -- the exact JSON body sent at every attempt (signed with the attempt's timestamp)
  body            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  -- attempts in the current round (reset by a retry after giving up), and failed attempts over the row's life
  attempts        INTEGER NOT NULL DEFAULT 0,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  -- the last attempt's HTTP status (NULL: no answer) and error (NULL: it was delivered)
  last_status     INTEGER,
  last_error      TEXT,
  -- at most one of these is set: pending while both are NULL
  delivered_at    INTEGER,
  gave_up_at      INTEGER
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(webhook, id) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook, id);
