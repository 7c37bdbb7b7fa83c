// Notifications to webhooks: events (pauses, alerts, rollbacks, completions, freezes, cohort switches) queued in the
// SQLite outbox inside the transaction that stores them, then sent by a timer with fetch: HMAC-signed, one at a time
// and in order per webhook, retried with capped exponential backoff and jitter, given up after maxAttempts. Failures
// are counted (metrics), logged at warn and shown by GET /api/webhooks. Decisions are in hub/webhooks/decisions.ts.
import type { Logger } from "pino";
import { z } from "zod";
import type { Auditor } from "../audit.js";
import type { WebhookConfig } from "../config.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { HubError } from "../errors.js";
import type { HubMetrics } from "../metrics.js";
import type { LastAttempt, WebhookDelivery, WebhooksRepo } from "../repos/webhooks.repo.js";
import { DELIVERY_STATUSES, TEST_EVENT_TYPE, assessAttempt, deliveryHeaders, isNotifiable, redactUrl } from "../webhooks/decisions.js";
import type { AttemptResult, DeliveryStatus, RetrySettings } from "../webhooks/decisions.js";
import type { RolloutEventJson } from "./rollouts.service.js";

/** An event as webhooks get it: a rollout event's JSON (eventJson()), or a fleet event's with `rolloutId: null`. */
export type NotificationEvent = Omit<RolloutEventJson, "rolloutId"> & { rolloutId: string | null };

/** The body of every delivery (README "Notifications (webhooks)"). */
export type WebhookBody = NotificationEvent & { hub: { url: string } };

export interface WebhookView {
  name: string;
  /** Password and query values shown as ***. */
  url: string;
  events: string[];
  maxAttempts: number;
  timeoutMs: number;
  pending: number;
  delivered: number;
  failedAttempts: number;
  gaveUp: number;
  lastDeliveredAt: number | null;
  nextAttemptAt: number | null;
  lastAttempt: LastAttempt | null;
}

export type DeliveryView = Omit<WebhookDelivery, "body">;

export interface WebhooksDeps {
  repo: WebhooksRepo;
  webhooks: WebhookConfig[];
  retry: RetrySettings;
  auditor: Auditor;
  metrics: HubMetrics;
  logger: Logger;
  /** The hub's public HTTP base URL, written into every body. */
  hubUrl: () => string;
  userAgent: string;
  now: () => number;
  random?: () => number;
}

/** Delivered and given-up deliveries are kept this long (their figures in GET /api/webhooks cover that span). */
export const WEBHOOK_HISTORY_MS = 30 * 24 * 3_600_000;
/** The longest a timer sleeps before looking at the queues again. */
const MAX_SLEEP_MS = 3_600_000;

const verbSchema = z.object({ reason: z.string().max(2000).optional() }).strict();

export class WebhooksService {
  private readonly hooks: Map<string, WebhookConfig>;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: NodeJS.Immediate | undefined;
  private pruner: NodeJS.Timeout | undefined;
  /** The attempt running per webhook: at most one, so each webhook's deliveries go in order. */
  private readonly inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly d: WebhooksDeps) {
    this.hooks = new Map(d.webhooks.map((h) => [h.name, h]));
  }

  /** Resumes what a previous run left queued, and starts sending. */
  start(): void {
    this.started = true;
    this.prune();
    this.pruner = setInterval(() => this.prune(), 3_600_000);
    this.pruner.unref();
    for (const [webhook, f] of this.d.repo.figures()) {
      if (f.pending > 0 && !this.hooks.has(webhook)) {
        this.d.logger.warn({ webhook, pending: f.pending }, "deliveries queued for a webhook no longer configured: kept, and sent if it is configured again");
      }
    }
    this.tick();
  }

  /** No timer left; attempts under way are aborted (not counted: they are sent again at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pruner);
    if (this.wakeUp) clearImmediate(this.wakeUp);
    const running = [...this.inFlight.values()];
    for (const r of running) r.controller.abort();
    await Promise.allSettled(running.map((r) => r.done));
  }

  /**
   * Queues `event` for every webhook subscribed to its type; other types are ignored. Synchronous SQL: call it inside
   * the transaction that stores the event, so the event and its deliveries commit (or roll back) together.
   */
  enqueue(event: NotificationEvent): void {
    if (!isNotifiable(event.type)) return;
    const targets = [...this.hooks.values()].filter((h) => (h.events as string[]).includes(event.type));
    if (targets.length === 0) return;
    const body = this.body(event);
    for (const hook of targets) this.queue(hook, event, body);
    this.wake();
  }

  /** For fleet-level events (freeze_on/off, cohort_disabled/enabled; `rolloutId: null`): the same as enqueue. */
  notify(event: NotificationEvent): void {
    this.enqueue(event);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // API
  // ---------------------------------------------------------------------------------------------------------------

  list(): WebhookView[] {
    const figures = this.d.repo.figures();
    return [...this.hooks.values()].map((h) => {
      const f = figures.get(h.name);
      return {
        name: h.name,
        url: redactUrl(h.url),
        events: [...h.events],
        maxAttempts: h.maxAttempts,
        timeoutMs: h.timeoutMs,
        pending: f?.pending ?? 0,
        delivered: f?.delivered ?? 0,
        failedAttempts: f?.failedAttempts ?? 0,
        gaveUp: f?.gaveUp ?? 0,
        lastDeliveredAt: f?.lastDeliveredAt ?? null,
        nextAttemptAt: f?.nextAttemptAt ?? null,
        lastAttempt: this.d.repo.lastAttempt(h.name) ?? null,
      };
    });
  }

  /** Pending deliveries per webhook name, for verge_webhook_pending. */
  pendingCounts(): Map<string, number> {
    return new Map([...this.d.repo.figures()].map(([webhook, f]) => [webhook, f.pending]));
  }

  /** One page of deliveries, newest first (the page comes from the HTTP route: hub/http/routes/paging.ts). */
  deliveries(q: { webhook?: string; status?: string }, page: { limit: number; offset: number }): { deliveries: DeliveryView[]; totalCount: number } {
    if (q.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(q.status)) {
      throw badRequest(`status must be one of ${DELIVERY_STATUSES.join(", ")}, got "${q.status}"`);
    }
    const filter = { ...(q.webhook ? { webhook: q.webhook } : {}), ...(q.status ? { status: q.status as DeliveryStatus } : {}) };
    return { deliveries: this.d.repo.list({ ...filter, ...page }).map(deliveryView), totalCount: this.d.repo.count(filter) };
  }

  /** Sends a `test` event to one webhook, through its queue like any other (behind what is already pending). */
  test(name: string, input: unknown, actor: string): DeliveryView {
    const req = parseBody(input);
    const hook = this.hooks.get(name);
    if (!hook) throw notFound(`webhook ${name} (configured: ${[...this.hooks.keys()].join(", ") || "none"})`);
    const event: NotificationEvent = {
      id: 0,
      rolloutId: null,
      at: new Date(this.d.now()).toISOString(),
      type: TEST_EVENT_TYPE,
      stage: null,
      actor,
      explanation: `Test notification for webhook ${name}, sent by ${actor}${req.reason ? ` (${req.reason})` : ""}. If this arrived with a valid signature, the webhook works.`,
      links: [],
    };
    const id = this.queue(hook, event, this.body(event));
    this.d.auditor.record({ actor, action: "webhook.test", target: name, reason: req.reason, result: "ok", details: { deliveryId: id, url: redactUrl(hook.url) } });
    this.wake();
    return deliveryView(this.d.repo.get(id)!);
  }

  /** Puts a given-up delivery back at the head of its webhook's queue, with a fresh attempt budget. */
  retry(idText: string, input: unknown, actor: string): DeliveryView {
    const req = parseBody(input);
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1) throw badRequest(`delivery id must be a whole number, got "${idText}"`);
    const delivery = this.d.repo.get(id);
    if (!delivery) throw notFound(`webhook delivery ${id}`);
    const refuse = (message: string): HubError => {
      this.d.auditor.record({ actor, action: "webhook.retry", target: String(id), reason: req.reason, result: "failed", details: { webhook: delivery.webhook, error: message } });
      return conflict(message);
    };
    if (delivery.status !== "gave_up") throw refuse(`delivery ${id} is ${delivery.status}; only a delivery given up can be retried`);
    if (!this.hooks.has(delivery.webhook)) throw refuse(`delivery ${id} is for webhook ${delivery.webhook}, which is no longer configured`);
    this.d.repo.requeue(id, this.d.now());
    this.d.auditor.record({
      actor,
      action: "webhook.retry",
      target: String(id),
      reason: req.reason,
      result: "ok",
      details: { webhook: delivery.webhook, eventType: delivery.eventType, eventId: delivery.eventId, failedAttempts: delivery.failedAttempts },
    });
    this.wake();
    return deliveryView(this.d.repo.get(id)!);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Delivery loop
  // ---------------------------------------------------------------------------------------------------------------

  private body(event: NotificationEvent): string {
    const body: WebhookBody = { ...event, rolloutId: event.rolloutId ?? null, stage: event.stage ?? null, hub: { url: this.d.hubUrl() } };
    return JSON.stringify(body);
  }

  private queue(hook: WebhookConfig, event: NotificationEvent, body: string): number {
    return this.d.repo.insert({ webhook: hook.name, eventId: event.id, eventType: event.type, rolloutId: event.rolloutId ?? null, body }, this.d.now());
  }

  /** Looks at the queues once the current macrotask is over (the caller's transaction has committed or rolled back). */
  private wake(): void {
    if (!this.started || this.stopped || this.wakeUp) return;
    this.wakeUp = setImmediate(() => {
      this.wakeUp = undefined;
      this.tick();
    });
  }

  /** Sends each idle webhook's queue head if due, and sleeps until the earliest one that is not. */
  private tick(): void {
    if (!this.started || this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.d.now();
    let next = Infinity;
    try {
      for (const hook of this.hooks.values()) {
        if (this.inFlight.has(hook.name)) continue;
        const head = this.d.repo.head(hook.name);
        if (!head) continue;
        if (head.nextAttemptAt <= now) this.send(hook, head);
        else next = Math.min(next, head.nextAttemptAt);
      }
    } catch (err) {
      this.d.logger.error({ err }, "webhook queues could not be read; trying again in a minute");
      next = now + 60_000;
    }
    if (next !== Infinity) {
      this.timer = setTimeout(() => this.tick(), Math.min(next - now, MAX_SLEEP_MS));
      this.timer.unref();
    }
  }

  private send(hook: WebhookConfig, delivery: WebhookDelivery): void {
    const controller = new AbortController();
    const done = this.attempt(hook, delivery, controller)
      .catch((err: unknown) => this.d.logger.error({ err, webhook: hook.name, deliveryId: delivery.id }, "webhook attempt not recorded"))
      .finally(() => {
        this.inFlight.delete(hook.name);
        this.wake();
      });
    this.inFlight.set(hook.name, { controller, done });
  }

  private async attempt(hook: WebhookConfig, delivery: WebhookDelivery, controller: AbortController): Promise<void> {
    const timestamp = this.d.now();
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, hook.timeoutMs);
    const started = performance.now();
    let result: AttemptResult;
    try {
      const res = await fetch(hook.url, {
        method: "POST",
        headers: deliveryHeaders({ deliveryId: delivery.id, eventType: delivery.eventType, body: delivery.body }, hook.secret.reveal(), timestamp, this.d.userAgent),
        body: delivery.body,
        redirect: "manual",
        signal: controller.signal,
      });
      // The answer's body is read (to free the connection); a refusal's first line says why, in last_error.
      const text = await res.text();
      result = res.ok ? { status: res.status } : { status: res.status, error: `HTTP ${res.status}${text.trim() ? `: ${text.trim().split("\n")[0]!.slice(0, 200)}` : ""}` };
    } catch (err) {
      // Aborted by stop(): not an attempt; the delivery is sent again at the next start.
      if (this.stopped && !timedOut) return;
      result = { status: null, error: timedOut ? `no answer within ${hook.timeoutMs} ms` : fetchError(err) };
    } finally {
      clearTimeout(timeout);
    }
    this.record(hook, delivery, result, (performance.now() - started) / 1000);
  }

  private record(hook: WebhookConfig, delivery: WebhookDelivery, result: AttemptResult, seconds: number): void {
    const now = this.d.now();
    const attempt = delivery.attempts + 1;
    const verdict = assessAttempt(result, attempt, hook.maxAttempts, this.d.retry, now, (this.d.random ?? Math.random)());
    const log = { webhook: hook.name, host: new URL(hook.url).host, deliveryId: delivery.id, eventType: delivery.eventType, eventId: delivery.eventId };
    switch (verdict.outcome) {
      case "delivered":
        this.d.repo.delivered(delivery.id, result.status!, now);
        this.d.metrics.webhookAttempt(hook.name, "delivered", seconds);
        this.d.logger.debug({ ...log, status: result.status, attempt }, "webhook delivered");
        return;
      case "retry":
        this.d.repo.failed(delivery.id, { status: result.status, error: verdict.error, nextAttemptAt: verdict.nextAttemptAt }, now);
        this.d.metrics.webhookAttempt(hook.name, "failed_attempt", seconds);
        this.d.logger.warn(
          { ...log, status: result.status, error: verdict.error, attempt, maxAttempts: hook.maxAttempts, nextAttemptAt: new Date(verdict.nextAttemptAt).toISOString() },
          "webhook delivery failed; will retry",
        );
        return;
      case "gave_up":
        this.d.repo.failed(delivery.id, { status: result.status, error: verdict.error, nextAttemptAt: null }, now);
        this.d.metrics.webhookAttempt(hook.name, "failed_attempt", seconds);
        this.d.metrics.webhookAttempt(hook.name, "gave_up");
        this.d.logger.error(
          { ...log, status: result.status, error: verdict.error, attempt },
          `webhook delivery given up after ${attempt} attempts; the next one in the queue goes on (verge webhook retry ${delivery.id} sends it again)`,
        );
        return;
    }
  }

  private prune(): void {
    try {
      const n = this.d.repo.prune(this.d.now() - WEBHOOK_HISTORY_MS);
      if (n > 0) this.d.logger.info({ deleted: n }, "old webhook deliveries pruned");
    } catch (err) {
      this.d.logger.error({ err }, "pruning webhook deliveries failed");
    }
  }
}

function deliveryView(d: WebhookDelivery): DeliveryView {
  const { body: _body, ...view } = d;
  return view;
}

function parseBody(input: unknown): z.infer<typeof verbSchema> {
  const parsed = verbSchema.safeParse(input ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return parsed.data;
}

/** fetch's "fetch failed" names its cause one level down: "connect ECONNREFUSED 10.0.0.5:443", "other side closed". */
function fetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return `no answer: ${cause?.message || cause?.code || (err as Error).message}`;
}
