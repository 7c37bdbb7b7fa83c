// The pure parts of webhook notifications (hub/webhooks/decisions.ts): backoff, what an attempt's outcome means,
// the signature and headers, URLs fit to show.
import { describe, expect, it } from "vitest";
import { assessAttempt, backoffDelay, deliveryHeaders, isNotifiable, redactUrl, signature } from "../../hub/webhooks/decisions.js";

const retry = { minMs: 1000, maxMs: 60_000 };

describe("backoff", () => {
  it.each([
    // failed attempts, random, delay: minMs doubled per failure, capped at maxMs, jitter in the upper half
    [1, 0, 500],
    [1, 0.999999, 1000],
    [2, 0, 1000],
    [3, 0.5, 3000],
    [6, 0, 16_000],
    [7, 0, 30_000],
    [7, 0.999999, 60_000],
    [50, 0.5, 45_000],
    [5000, 0, 30_000],
  ])("after %i failed attempt(s), random %f: %i ms", (failed, random, ms) => {
    expect(backoffDelay(failed, retry, random)).toBe(ms);
  });

  it("the default settings spread 10 attempts over 1.5 to 3 hours", () => {
    const defaults = { minMs: 30_000, maxMs: 3_600_000 };
    const span = (random: number) => Array.from({ length: 9 }, (_, i) => backoffDelay(i + 1, defaults, random)).reduce((a, b) => a + b, 0);
    expect(span(0) / 3_600_000).toBeCloseTo(1.53, 2);
    expect(span(0.999999) / 3_600_000).toBeCloseTo(3.06, 2);
  });
});

describe("an attempt's outcome", () => {
  const now = 1_000_000;
  it.each([
    [{ status: 200 }, 1, 10, { outcome: "delivered" }],
    [{ status: 204 }, 10, 10, { outcome: "delivered" }],
    [{ status: 503 }, 1, 10, { outcome: "retry", nextAttemptAt: now + 750, error: "HTTP 503" }],
    [{ status: 301 }, 2, 10, { outcome: "retry", nextAttemptAt: now + 1500, error: "HTTP 301" }],
    [{ status: 400, error: "HTTP 400: bad payload" }, 3, 10, { outcome: "retry", nextAttemptAt: now + 3000, error: "HTTP 400: bad payload" }],
    [{ status: null, error: "no answer: connect ECONNREFUSED 127.0.0.1:9" }, 1, 10, { outcome: "retry", nextAttemptAt: now + 750, error: "no answer: connect ECONNREFUSED 127.0.0.1:9" }],
    [{ status: 500 }, 10, 10, { outcome: "gave_up", error: "HTTP 500" }],
    [{ status: null, error: "no answer within 10000 ms" }, 1, 1, { outcome: "gave_up", error: "no answer within 10000 ms" }],
  ] as const)("%j at attempt %i of %i: %j", (result, attempts, maxAttempts, verdict) => {
    expect(assessAttempt(result, attempts, maxAttempts, retry, now, 0.5)).toEqual(verdict);
  });
});

describe("signing", () => {
  it("HMAC-SHA256 of `${timestamp}.${body}` in hex (the vector computed with openssl dgst -sha256 -hmac)", () => {
    expect(signature("topsecret-0123456789", 1_700_000_000_000, '{"id":1,"type":"paused"}')).toBe(
      "sha256=f7a46aec68a178986a3977b8f793ac141c2de6a1635354914262e2ca9260be9a",
    );
  });

  it("headers name the event, the delivery and the attempt's timestamp, and carry the signature", () => {
    const body = '{"id":1,"type":"paused"}';
    expect(deliveryHeaders({ deliveryId: 42, eventType: "paused", body }, "topsecret-0123456789", 1_700_000_000_000, "verge-hub/1.2.3")).toEqual({
      "content-type": "application/json",
      "user-agent": "verge-hub/1.2.3",
      "x-verge-event": "paused",
      "x-verge-delivery": "42",
      "x-verge-timestamp": "1700000000000",
      "x-verge-signature": "sha256=f7a46aec68a178986a3977b8f793ac141c2de6a1635354914262e2ca9260be9a",
    });
  });
});

describe("what is sent and shown", () => {
  it.each([
    ["paused", true],
    ["alert", true],
    ["rollback_started", true],
    ["rollback_overdue", true],
    ["evaluation_failed", true],
    ["evaluation_recovered", true],
    ["completed", true],
    ["freeze_on", true],
    ["cohort_enabled", true],
    ["resumed", false],
    ["stage_started", false],
    ["test", false],
  ])("%s notifiable: %s", (type, notifiable) => {
    expect(isNotifiable(type)).toBe(notifiable);
  });

  it.each([
    ["https://relay.example.net/verge", "https://relay.example.net/verge"],
    ["https://bot:hunter2@relay.example.net/hook?token=abc&channel=ops", "https://bot:***@relay.example.net/hook?token=***&channel=***"],
    ["http://127.0.0.1:8081/", "http://127.0.0.1:8081/"],
  ])("%s shows as %s", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
