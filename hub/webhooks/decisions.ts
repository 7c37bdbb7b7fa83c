// Pure decisions of webhook notifications: which event types are sent, how a delivery is signed, what an attempt's
// outcome means for the delivery (delivered, retry at, give up) and the capped exponential backoff with jitter.
// Data in, verdict out, time and randomness passed in. No I/O here.
import { createHmac } from "node:crypto";

/** Event types a webhook can subscribe to (`events:` in the config); every one of them by default. */
export const NOTIFIABLE_EVENT_TYPES = [
  "paused",
  "alert",
  "rollback_started",
  "rollback_overdue",
  "evaluation_failed",
  "evaluation_recovered",
  "completed",
  "freeze_on",
  "freeze_off",
  "cohort_disabled",
  "cohort_enabled",
] as const;
export type NotifiableEventType = (typeof NOTIFIABLE_EVENT_TYPES)[number];

/** The type of the event `verge webhook test` sends; not subscribable, always delivered to the webhook asked. */
export const TEST_EVENT_TYPE = "test";

export function isNotifiable(type: string): type is NotifiableEventType {
  return (NOTIFIABLE_EVENT_TYPES as readonly string[]).includes(type);
}

export type DeliveryStatus = "pending" | "delivered" | "gave_up";
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["pending", "delivered", "gave_up"];

export interface RetrySettings {
  minMs: number;
  maxMs: number;
}

/**
 * How long to wait after the `failedAttempts`-th failed attempt (1 = the first): minMs doubled per failure, capped
 * at maxMs, then "equal jitter": a random point in the upper half, so webhooks that failed together do not retry in
 * step, and a retry never comes sooner than half the nominal delay. `random` is in [0, 1).
 */
export function backoffDelay(failedAttempts: number, retry: RetrySettings, random: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const nominal = Math.min(retry.maxMs, retry.minMs * 2 ** Math.min(exponent, 40));
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

/** What one attempt returned: the HTTP status (null: none, refused, reset, timeout) and what went wrong, if anything. */
export interface AttemptResult {
  status: number | null;
  error?: string;
}

export type AttemptVerdict =
  | { outcome: "delivered" }
  | { outcome: "retry"; nextAttemptAt: number; error: string }
  | { outcome: "gave_up"; error: string };

/** 2xx delivers; anything else (other status, no answer) is retried until the attempt budget is spent. */
export function assessAttempt(result: AttemptResult, attempts: number, maxAttempts: number, retry: RetrySettings, now: number, random: number): AttemptVerdict {
  if (result.status !== null && result.status >= 200 && result.status < 300) return { outcome: "delivered" };
  const error = result.error ?? `HTTP ${result.status}`;
  if (attempts >= maxAttempts) return { outcome: "gave_up", error };
  return { outcome: "retry", nextAttemptAt: now + backoffDelay(attempts, retry, random), error };
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: what X-Verge-Signature carries. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The headers of one attempt. The timestamp is the attempt's, so a retry is signed afresh. */
export function deliveryHeaders(d: { deliveryId: number; eventType: string; body: string }, secret: string, timestamp: number, userAgent: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": userAgent,
    "x-verge-event": d.eventType,
    "x-verge-delivery": String(d.deliveryId),
    "x-verge-timestamp": String(timestamp),
    "x-verge-signature": signature(secret, timestamp, d.body),
  };
}

/** A webhook URL fit to show and log: a password in it and query values (often tokens) replaced by "***". */
export function redactUrl(text: string): string {
  const url = new URL(text);
  if (url.password) url.password = "***";
  for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, "***");
  return url.toString();
}
