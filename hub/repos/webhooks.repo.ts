// The webhook outbox (migration 0007): deliveries queued with the event they carry, each webhook's queue head, the
// outcome of each attempt, and the figures GET /api/webhooks shows.
import type { Db } from "../db/database.js";
import type { DeliveryStatus } from "../webhooks/decisions.js";

export interface WebhookDelivery {
  id: number;
  webhook: string;
  eventId: number;
  eventType: string;
  rolloutId: string | null;
  /** The JSON body, byte for byte as sent. */
  body: string;
  status: DeliveryStatus;
  createdAt: number;
  /** Attempts in the current round (a retry after giving up starts a new one). */
  attempts: number;
  /** Failed attempts over the delivery's life. */
  failedAttempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  gaveUpAt: number | null;
}

export interface WebhookFigures {
  pending: number;
  delivered: number;
  gaveUp: number;
  failedAttempts: number;
  lastDeliveredAt: number | null;
  /** The queue head's next attempt (null: nothing pending). */
  nextAttemptAt: number | null;
}

export interface LastAttempt {
  at: number;
  deliveryId: number;
  status: number | null;
  error: string | null;
}

type Row = Record<string, unknown>;

const PENDING = "delivered_at IS NULL AND gave_up_at IS NULL";
const STATUS_SQL: Record<DeliveryStatus, string> = { pending: PENDING, delivered: "delivered_at IS NOT NULL", gave_up: "gave_up_at IS NOT NULL" };

export class WebhooksRepo {
  constructor(private readonly db: Db) {}

  /** Queues one delivery; synchronous, so it joins the caller's transaction. Returns its id. */
  insert(d: { webhook: string; eventId: number; eventType: string; rolloutId: string | null; body: string }, now: number): number {
    return Number(
      this.db
        .prepare("INSERT INTO webhook_deliveries (webhook, event_id, event_type, rollout_id, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(d.webhook, d.eventId, d.eventType, d.rolloutId, d.body, now, now).lastInsertRowid,
    );
  }

  get(id: number): WebhookDelivery | undefined {
    const row = this.db.prepare("SELECT * FROM webhook_deliveries WHERE id = ?").get(id) as Row | undefined;
    return row && toDelivery(row);
  }

  /** The oldest delivery of `webhook` neither delivered nor given up: the only one that may be sent now. */
  head(webhook: string): WebhookDelivery | undefined {
    const row = this.db.prepare(`SELECT * FROM webhook_deliveries WHERE webhook = ? AND ${PENDING} ORDER BY id LIMIT 1`).get(webhook) as Row | undefined;
    return row && toDelivery(row);
  }

  delivered(id: number, status: number, now: number): void {
    this.db
      .prepare("UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?")
      .run(now, status, now, id);
  }

  /** A failed attempt: retried at `nextAttemptAt`, or given up when that is null. */
  failed(id: number, f: { status: number | null; error: string; nextAttemptAt: number | null }, now: number): void {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, failed_attempts = failed_attempts + 1, last_attempt_at = @now, last_status = @status,
           last_error = @error, next_attempt_at = coalesce(@next, next_attempt_at), gave_up_at = CASE WHEN @next IS NULL THEN @now END WHERE id = @id`,
      )
      .run({ id, now, status: f.status, error: f.error, next: f.nextAttemptAt });
  }

  /** A given-up delivery back in its webhook's queue, due now, with a fresh attempt budget. False if not given up. */
  requeue(id: number, now: number): boolean {
    return this.db.prepare("UPDATE webhook_deliveries SET gave_up_at = NULL, attempts = 0, next_attempt_at = ? WHERE id = ? AND gave_up_at IS NOT NULL").run(now, id).changes === 1;
  }

  /** Newest first. */
  list(filter: { webhook?: string; status?: DeliveryStatus; limit: number; offset?: number }): WebhookDelivery[] {
    const sql = `SELECT * FROM webhook_deliveries ${deliveryWhere(filter)} ORDER BY id DESC LIMIT @limit OFFSET @offset`;
    return (this.db.prepare(sql).all({ webhook: filter.webhook ?? null, limit: filter.limit, offset: filter.offset ?? 0 }) as Row[]).map(toDelivery);
  }

  count(filter: { webhook?: string; status?: DeliveryStatus }): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM webhook_deliveries ${deliveryWhere(filter)}`).get({ webhook: filter.webhook ?? null }) as { n: number }).n;
  }

  /** Per webhook name (configured or not): counts over the deliveries kept, and when its queue moves next. */
  figures(): Map<string, WebhookFigures> {
    const rows = this.db
      .prepare(
        `SELECT webhook, sum(${PENDING}) AS pending, sum(delivered_at IS NOT NULL) AS delivered, sum(gave_up_at IS NOT NULL) AS gaveUp,
                sum(failed_attempts) AS failedAttempts, max(delivered_at) AS lastDeliveredAt,
                (SELECT h.next_attempt_at FROM webhook_deliveries h WHERE h.webhook = d.webhook AND h.delivered_at IS NULL AND h.gave_up_at IS NULL ORDER BY h.id LIMIT 1) AS nextAttemptAt
         FROM webhook_deliveries d GROUP BY webhook`,
      )
      .all() as Array<WebhookFigures & { webhook: string }>;
    return new Map(rows.map(({ webhook, ...f }) => [webhook, f]));
  }

  lastAttempt(webhook: string): LastAttempt | undefined {
    const row = this.db
      .prepare(
        `SELECT last_attempt_at AS at, id AS deliveryId, last_status AS status, last_error AS error FROM webhook_deliveries
         WHERE webhook = ? AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC, id DESC LIMIT 1`,
      )
      .get(webhook) as LastAttempt | undefined;
    return row;
  }

  /** Deletes deliveries delivered or given up before `before`. Returns how many. */
  prune(before: number): number {
    return this.db.prepare("DELETE FROM webhook_deliveries WHERE coalesce(delivered_at, gave_up_at) < ?").run(before).changes;
  }
}

function toDelivery(r: Row): WebhookDelivery {
  return {
    id: r.id as number,
    webhook: r.webhook as string,
    eventId: r.event_id as number,
    eventType: r.event_type as string,
    rolloutId: r.rollout_id as string | null,
    body: r.body as string,
    status: r.delivered_at !== null ? "delivered" : r.gave_up_at !== null ? "gave_up" : "pending",
    createdAt: r.created_at as number,
    attempts: r.attempts as number,
    failedAttempts: r.failed_attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    lastAttemptAt: r.last_attempt_at as number | null,
    lastStatus: r.last_status as number | null,
    lastError: r.last_error as string | null,
    deliveredAt: r.delivered_at as number | null,
    gaveUpAt: r.gave_up_at as number | null,
  };
}

function deliveryWhere(filter: { webhook?: string; status?: DeliveryStatus }): string {
  const where: string[] = [];
  if (filter.webhook) where.push("webhook = @webhook");
  if (filter.status) where.push(STATUS_SQL[filter.status]);
  return where.length ? `WHERE ${where.join(" AND ")}` : "";
}
