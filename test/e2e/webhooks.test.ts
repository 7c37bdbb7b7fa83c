// Notifications to webhooks end to end: a real hub (broker, SQLite, HTTP), real agents, and a real HTTP receiver in
// the test. Signed JSON for pauses (operator and rule) and rollbacks; a receiver that is down gets the event once it
// is back, with the failed attempts in /metrics, GET /api/webhooks and `verge webhook list`; deliveries survive a
// restart; a delivery given up is retried (audited); viewers cannot send; a bad webhook config stops the hub.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestAgent } from "../helpers/agents.js";
import { verge, vergeHub } from "../helpers/cli.js";
import type { Env } from "../helpers/cli.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { parsePrometheusText, sumOf } from "../helpers/prom-parse.js";
import { baseline, eventsOf, kpiByRelease, makeRelease, testPlan, waitForStatus } from "../helpers/rollouts.js";
import type { RolloutEventView } from "../helpers/rollouts.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import type { TcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, waitFor } from "../helpers/wait.js";
import { startWebhookReceiver, verifyVerge } from "../helpers/webhook-receiver.js";
import type { ReceivedWebhook, WebhookReceiver } from "../helpers/webhook-receiver.js";
import type { DeliveryView, WebhookView } from "../../hub/services/webhooks.service.js";

const SECRET = "ops-webhook-secret-0123456789";
const OTHER_SECRET = "rollbacks-webhook-secret-9876543210";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A temp dir, removed after the test (after the hubs in it stopped). */
function workDir(): string {
  const t = tempDir("verge-webhooks-");
  cleanups.push(t.cleanup);
  return t.dir;
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  cleanups.push(() => r.close());
  return r;
}

/** A receiver behind a link that is down (every connection closed at once) until `link.open()`. */
async function receiverBehindDownLink(): Promise<{ rx: WebhookReceiver; link: TcpProxy }> {
  const rx = await receiver();
  const link = await startTcpProxy(rx.port);
  cleanups.push(() => link.close());
  link.refuse();
  return { rx, link };
}

/** A hub with these webhooks, retrying within a fraction of a second; stopped after the test. */
async function hubWith(dataDir: string, webhooks: unknown[], adminToken?: string): Promise<TestHub> {
  const h = await startTestHub(dataDir, { rollout: { evaluateCron: "* * * * * *" }, webhooks: webhooks as never, webhookRetry: { minMs: 50, maxMs: 300 } }, adminToken);
  cleanups.push(() => h.stop());
  return h;
}

/** The CLI's environment for this hub, as its admin (or the given token). */
function cliEnv(h: TestHub, dir: string, token = h.adminToken): Env {
  const home = join(dir, "home");
  mkdirSync(home, { recursive: true });
  return { HOME: home, VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: token };
}

/** A rollout to a device that never connects, paused by the admin: one `paused` event, nothing else notifiable. */
async function pausedRollout(h: TestHub, id: string): Promise<RolloutEventView> {
  await enroll(h, `${id}-dev`);
  await makeRelease(h, `${id}-rel`);
  expect((await h.api("POST", "/api/rollouts", { id, releaseId: `${id}-rel`, devices: [`${id}-dev`] })).status).toBe(201);
  const paused = await h.api<{ events: RolloutEventView[] }>("POST", `/api/rollouts/${id}/pause`, { reason: "webhook test" });
  expect(paused.status, JSON.stringify(paused.body)).toBe(200);
  return paused.body.events.find((e) => e.type === "paused")!;
}

async function webhooks(h: TestHub): Promise<WebhookView[]> {
  const res = await h.api<{ webhooks: WebhookView[] }>("GET", "/api/webhooks");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.webhooks;
}

async function deliveries(h: TestHub, query = ""): Promise<DeliveryView[]> {
  const res = await h.api<{ deliveries: DeliveryView[] }>("GET", `/api/webhooks/deliveries${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.deliveries;
}

/** The newest delivery, once it is delivered. */
async function newestDelivered(h: TestHub, what: string): Promise<DeliveryView> {
  return waitFor(what, async () => {
    const [newest] = await deliveries(h);
    return newest?.status === "delivered" && newest;
  });
}

async function metrics(h: TestHub): Promise<ReturnType<typeof parsePrometheusText>> {
  return parsePrometheusText(await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text());
}

/** Each request carries the headers the README lists, and its signature verifies with the webhook's secret. */
function expectSigned(r: ReceivedWebhook, secret: string): void {
  expect(r.headers["content-type"]).toBe("application/json");
  expect(r.headers["user-agent"]).toMatch(/^verge-hub\/\d+\.\d+\.\d+$/);
  expect(r.headers["x-verge-event"]).toBe(r.json.type);
  expect(r.headers["x-verge-delivery"]).toMatch(/^\d+$/);
  expect(r.headers["x-verge-timestamp"]).toMatch(/^\d{13}$/);
  expect(r.headers["x-verge-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  expect(verifyVerge(r.headers, r.raw, secret), `signature of ${r.json.type} #${r.json.id}`).toBe(true);
}

describe("webhook notifications", () => {
  it("a receiver gets signed JSON for a completion, an operator pause, a rule's pause and its rollback; a webhook filtered to rollbacks gets only that", async () => {
    const dir = workDir();
    const rx = await receiver();
    const h = await hubWith(join(dir, "hub"), [
      { name: "ops", url: rx.url("/ops"), secret: SECRET },
      { name: "rollbacks-only", url: rx.url("/rollbacks"), secret: OTHER_SECRET, events: ["rollback_started"] },
    ]);
    const agents = await Promise.all(
      ["sc-001", "sc-002"].map((id) => startTestAgent(h, dir, id, { kpiSource: kpiByRelease({ "rel-bad": { availability: 0.97 } }), kpiIntervalS: 1 })),
    );
    cleanups.push(() => Promise.all(agents.map((a) => a.agent.stop())).then(() => undefined));

    await makeRelease(h, "rel-base");
    await baseline(h, "ro-base", "rel-base", ["sc-001", "sc-002"]);
    await makeRelease(h, "rel-bad");
    const plan = testPlan({
      rules: [{ name: "availability", metric: "availability", op: "<", threshold: "99.5%", for: "3s", window: "5s", minDevices: 1, action: "pause_and_rollback" }],
      stages: [{ name: "canary", select: { count: 1 }, observe: "60s" }, { name: "wave-1", select: { percent: 100 } }],
    });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-bad", releaseId: "rel-bad", plan })).status).toBe(201);
    // an operator pauses at once and resumes; then the canary's 97% availability pauses the rollout and rolls it back
    expect((await h.api("POST", "/api/rollouts/ro-bad/pause", { reason: "shift handover" })).status).toBe(200);
    expect((await h.api("POST", "/api/rollouts/ro-bad/resume", {})).status).toBe(200);
    const s = await waitForStatus(h, "ro-bad", "paused by the rule and rolled back", (x) => x.rollout.status === "paused" && eventsOf(x, "rollback_started").length > 0);

    const ops = await waitFor("four notifications to ops", () => {
      const got = rx.requests.filter((r) => r.path === "/ops");
      return got.length >= 4 && got;
    });
    // in the order the events were stored (the rule's rollback comes before its pause); stage changes, the resume
    // and the like are not notified
    expect(ops.map((r) => `${r.json.rolloutId}:${r.json.type}`)).toEqual(["ro-base:completed", "ro-bad:paused", "ro-bad:rollback_started", "ro-bad:paused"]);
    expect(ops.slice(1).map((r) => r.json.id)).toEqual(s.events.filter((e) => e.type === "paused" || e.type === "rollback_started").map((e) => e.id));
    for (const r of ops) expectSigned(r, SECRET);
    expect(new Set(ops.map((r) => r.headers["x-verge-delivery"])).size).toBe(4);

    // each body is the rollout event as GET /api/rollouts/{id}/events has it, plus the hub's address
    const stored = new Map(s.events.map((e) => [e.id, e]));
    for (const r of ops.slice(1)) {
      const { hub, ...event } = r.json;
      expect(hub).toEqual({ url: h.hub.addresses.httpUrl });
      expect(event).toEqual(stored.get(r.json.id));
    }
    const [operatorPause, rollback, rulePause] = ops.slice(1).map((r) => r.json);
    expect(operatorPause).toMatchObject({ type: "paused", rolloutId: "ro-bad", stage: null, actor: expect.stringMatching(/^token:\w+\(bootstrap-admin\)$/) as string });
    expect(operatorPause!.explanation).toContain("shift handover");
    expect(operatorPause!.rule).toBeUndefined();
    expect(rulePause).toMatchObject({ type: "paused", stage: "canary", actor: "hub", rule: { name: "availability", metric: "availability", op: "<", threshold: 0.995, windowMs: 5000, devices: 1 } });
    expect(rulePause!.rule!.observed!).toBeCloseTo(0.97, 5);
    expect(rulePause!.explanation).toContain("97.00%");
    expect(rulePause!.links.some((l) => l.url.includes("/d/verge-rollouts/"))).toBe(true);
    expect(Date.parse(rulePause!.at)).toBe(Date.parse(stored.get(rulePause!.id)!.at));
    expect(rollback).toMatchObject({ type: "rollback_started", actor: "hub", details: { devices: [{ to: "rel-base", stage: "canary" }] } });

    // the second webhook: only the rollback, signed with its own secret
    const onlyRollbacks = await waitFor("the rollback to rollbacks-only", () => rx.requests.filter((r) => r.path === "/rollbacks").length === 1 && rx.requests.filter((r) => r.path === "/rollbacks"));
    expect(onlyRollbacks.map((r) => r.json.type)).toEqual(["rollback_started"]);
    expectSigned(onlyRollbacks[0]!, OTHER_SECRET);
    expect(verifyVerge(onlyRollbacks[0]!.headers, onlyRollbacks[0]!.raw, SECRET)).toBe(false);

    // what a receiver refuses: a body changed on the way, a replayed old request
    const r = ops[1]!;
    expect(verifyVerge(r.headers, r.raw.replace("shift handover", "all good"), SECRET)).toBe(false);
    expect(verifyVerge(r.headers, r.raw, SECRET, 5 * 60_000, Number(r.headers["x-verge-timestamp"]) + 10 * 60_000)).toBe(false);

    const figures = await waitFor("every delivery recorded", async () => {
      const w = await webhooks(h);
      return w.every((x) => x.pending === 0) && w;
    });
    expect(figures.map((w) => [w.name, w.delivered, w.failedAttempts, w.gaveUp, w.lastAttempt?.status])).toEqual([
      ["ops", 4, 0, 0, 200],
      ["rollbacks-only", 1, 0, 0, 200],
    ]);
  });

  it("a receiver that is down gets the event once it is back; the failed attempts show in /metrics, GET /api/webhooks and verge webhook list", async () => {
    const dir = workDir();
    const { rx, link } = await receiverBehindDownLink();
    const h = await hubWith(join(dir, "hub"), [{ name: "ops", url: `${link.url("http")}/ops`, secret: SECRET, maxAttempts: 100 }]);
    const env = cliEnv(h, dir);

    const paused = await pausedRollout(h, "ro-down");
    const failing = await waitFor("three failed attempts", async () => {
      const [w] = await webhooks(h);
      return w && w.failedAttempts >= 3 && w;
    });
    expect(failing).toMatchObject({ name: "ops", url: `${link.url("http")}/ops`, pending: 1, delivered: 0, gaveUp: 0, lastAttempt: { status: null, error: expect.stringMatching(/^no answer: /) as string } });
    expect(failing.nextAttemptAt).toEqual(expect.any(Number));
    const down = await metrics(h);
    expect(sumOf(down, "verge_webhook_deliveries_total", { webhook: "ops", result: "failed_attempt" })).toBeGreaterThanOrEqual(3);
    expect(sumOf(down, "verge_webhook_deliveries_total", { webhook: "ops", result: "delivered" })).toBe(0);
    expect(sumOf(down, "verge_webhook_pending", { webhook: "ops" })).toBe(1);

    const list = await verge(["webhook", "list"], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+URL\s+PENDING\s+DELIVERED\s+FAILED ATTEMPTS\s+GAVE UP\s+LAST ATTEMPT\s+LAST RESULT\s+NEXT ATTEMPT$/m);
    expect(list.stdout).toMatch(new RegExp(`^ops\\s+${link.url("http")}/ops\\s+1\\s+0\\s+\\d+\\s+0\\s+\\d+s ago\\s+no answer: `, "m"));
    const listJson = await verge(["webhook", "list", "-o", "json"], env);
    expect(listJson.code, listJson.stderr).toBe(0);
    expect((JSON.parse(listJson.stdout) as { webhooks: WebhookView[] }).webhooks[0]).toMatchObject({ name: "ops", pending: 1, delivered: 0 });
    expect(listJson.stdout).not.toContain(SECRET);

    link.open(); // back up
    const [got] = await waitFor("the pause at the receiver", () => rx.requests.length > 0 && rx.requests);
    expectSigned(got!, SECRET);
    expect(got!.json).toMatchObject({ id: paused.id, type: "paused", rolloutId: "ro-down", explanation: paused.explanation });

    const delivered = await newestDelivered(h, "delivered");
    expect(delivered).toMatchObject({ webhook: "ops", eventId: paused.id, eventType: "paused", rolloutId: "ro-down", lastStatus: 200, lastError: null });
    expect(delivered.failedAttempts).toBeGreaterThanOrEqual(3);
    expect(delivered.attempts).toBe(delivered.failedAttempts + 1);
    expect(String(delivered.id)).toBe(got!.headers["x-verge-delivery"]);
    expect(rx.requests).toHaveLength(1);

    const up = await metrics(h);
    expect(sumOf(up, "verge_webhook_deliveries_total", { webhook: "ops", result: "failed_attempt" })).toBe(delivered.failedAttempts);
    expect(sumOf(up, "verge_webhook_deliveries_total", { webhook: "ops", result: "delivered" })).toBe(1);
    expect(sumOf(up, "verge_webhook_delivery_seconds_count", { webhook: "ops" })).toBe(delivered.attempts);
    expect(sumOf(up, "verge_webhook_pending", { webhook: "ops" })).toBe(0);
    const after = await verge(["webhook", "list"], env);
    expect(after.stdout).toMatch(new RegExp(`^ops\\s+\\S+\\s+0\\s+1\\s+${delivered.failedAttempts}\\s+0\\s+\\d+s ago\\s+ok 200\\s+-$`, "m"));
  });

  it("a delivery queued while the receiver is down survives a hub restart; an attempt cut short by the stop is not counted, and is sent again under the same delivery id", async () => {
    const dir = workDir();
    const { rx, link } = await receiverBehindDownLink();
    const hooks = [{ name: "ops", url: `${link.url("http")}/ops`, secret: SECRET, maxAttempts: 100, timeoutMs: 60_000 }];
    const first = await hubWith(join(dir, "hub"), hooks);
    const paused = await pausedRollout(first, "ro-restart");
    await waitFor("a failed attempt", async () => (await deliveries(first))[0]!.failedAttempts >= 1);

    // the receiver is reachable again but does not answer: an attempt is under way when the hub stops
    rx.respond("hang");
    link.open();
    await waitFor("an attempt in flight", () => rx.requests.length === 1);
    const [before] = await deliveries(first);
    expect(before).toMatchObject({ status: "pending", eventId: paused.id });
    await first.stop();

    rx.respond(200);
    const second = await hubWith(join(dir, "hub"), hooks, first.adminToken);
    const delivered = await newestDelivered(second, "delivered after the restart");
    expect(delivered).toMatchObject({ id: before!.id, eventId: paused.id, failedAttempts: before!.failedAttempts, attempts: before!.attempts + 1, lastStatus: 200 });
    // at least once: the cut attempt reached the receiver too; both carry the delivery id a receiver dedupes on
    expect(rx.requests.map((r) => r.headers["x-verge-delivery"])).toEqual([String(before!.id), String(before!.id)]);
    expect(rx.requests[1]!.raw).toBe(rx.requests[0]!.raw);
    for (const r of rx.requests) expectSigned(r, SECRET);
  });

  it("gives up after maxAttempts and keeps each webhook's order; retry re-queues a given-up delivery (audited); a viewer can neither test nor retry (403, audited)", async () => {
    const dir = workDir();
    const rx = await receiver();
    rx.respond(503, "maintenance window\nback at 06:00");
    const h = await hubWith(join(dir, "hub"), [{ name: "ops", url: rx.url("/ops"), secret: SECRET, maxAttempts: 3 }]);
    const env = cliEnv(h, dir);
    const viewerToken = await h.api<{ token: { id: string }; secret: string }>("POST", "/api/tokens", { name: "wallboard", role: "viewer" });
    expect(viewerToken.status).toBe(201);
    const viewer = { secret: viewerToken.body.secret, actor: `token:${viewerToken.body.token.id}(wallboard)` };

    // two test events through the same queue
    const tests = [];
    for (const reason of ["first", "second"]) {
      const res = await h.api<{ delivery: DeliveryView }>("POST", "/api/webhooks/ops/test", { reason });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.delivery).toMatchObject({ webhook: "ops", eventType: "test", eventId: 0, rolloutId: null, status: "pending", attempts: 0 });
      tests.push(res.body.delivery);
    }
    const [one, two] = tests as [DeliveryView, DeliveryView];
    const gaveUp = await waitFor("both given up", async () => {
      const d = await deliveries(h, "?status=gave_up");
      return d.length === 2 && d;
    });
    expect(gaveUp.map((d) => [d.id, d.attempts, d.failedAttempts, d.lastStatus, d.lastError])).toEqual([
      [two.id, 3, 3, 503, "HTTP 503: maintenance window"],
      [one.id, 3, 3, 503, "HTTP 503: maintenance window"],
    ]);
    // in order: the second was not sent before the first was given up
    expect(rx.requests.map((r) => Number(r.headers["x-verge-delivery"]))).toEqual([one.id, one.id, one.id, two.id, two.id, two.id]);
    for (const r of rx.requests) expectSigned(r, SECRET);
    expect(rx.requests[0]!.json).toMatchObject({ type: "test", rolloutId: null, stage: null, links: [], hub: { url: h.hub.addresses.httpUrl } });
    expect(rx.requests[0]!.json.explanation).toContain("(first)");
    expect((await webhooks(h))[0]).toMatchObject({ pending: 0, delivered: 0, failedAttempts: 6, gaveUp: 2, lastAttempt: { deliveryId: two.id, status: 503 } });
    const m = await metrics(h);
    expect(sumOf(m, "verge_webhook_deliveries_total", { webhook: "ops", result: "gave_up" })).toBe(2);
    expect(sumOf(m, "verge_webhook_deliveries_total", { webhook: "ops", result: "failed_attempt" })).toBe(6);
    const listed = await verge(["webhook", "deliveries", "--status", "gave_up"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${one.id}\\s+ops\\s+test #0\\s+-\\s+gave_up\\s+3\\s+3\\s+\\d+s ago\\s+HTTP 503: maintenance window\\s+-$`, "m"));

    // a viewer: refused, audited as denied; the CLI says so with exit code 4
    const denied = [
      await h.api<{ error: { code: string } }>("POST", "/api/webhooks/ops/test", {}, viewer.secret),
      await h.api<{ error: { code: string } }>("POST", `/api/webhooks/deliveries/${one.id}/retry`, {}, viewer.secret),
    ];
    expect(denied.map((r) => [r.status, r.body.error.code])).toEqual([
      [403, "forbidden"],
      [403, "forbidden"],
    ]);
    const viewerCli = await verge(["webhook", "retry", String(one.id)], cliEnv(h, dir, viewer.secret));
    expect(viewerCli.code).toBe(4);
    expect(viewerCli.stderr).toContain("needs role release-manager");
    const audit = await h.api<{ records: Array<{ actor: string; action: string; target: string; result: string; reason: string | null; count: number }> }>(
      "GET",
      `/api/audit?result=denied&actor=${encodeURIComponent(viewer.actor)}`,
    );
    // the second refused retry from the same token and address is folded (hub/audit.ts): counted into one row
    // written when the fold's interval ends; the first of each is a row at once
    expect(audit.body.records.map((r) => [r.action, r.target, r.reason, r.count])).toEqual([
      ["POST /api/webhooks/deliveries/:id/retry", String(one.id), "role viewer < release-manager", 1],
      ["POST /api/webhooks/:name/test", "ops", "role viewer < release-manager", 1],
    ]);
    expect(rx.requests).toHaveLength(6);

    // the receiver is fixed; the first delivery goes again, with a fresh budget, and arrives
    rx.respond(200);
    const retried = await verge(["webhook", "retry", String(one.id), "--reason", "receiver fixed"], env);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe(`delivery ${one.id} (test #0 to webhook ops) queued again after 3 failed attempt(s)\n`);
    const [again] = await waitFor("the retried delivery delivered", async () => {
      const d = await deliveries(h, "?status=delivered");
      return d.length === 1 && d;
    });
    expect(again).toMatchObject({ id: one.id, attempts: 1, failedAttempts: 3, lastStatus: 200, lastError: null });
    expect(Number(rx.requests[6]!.headers["x-verge-delivery"])).toBe(one.id);
    expect(rx.requests[6]!.raw).toBe(rx.requests[0]!.raw);
    expect((await deliveries(h, "?status=gave_up")).map((d) => d.id)).toEqual([two.id]);

    // only a given-up delivery can be retried; the refusal is audited too
    const conflict = await h.api<{ error: { code: string; message: string } }>("POST", `/api/webhooks/deliveries/${one.id}/retry`, {});
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toBe(`delivery ${one.id} is delivered; only a delivery given up can be retried`);
    expect((await h.api("POST", "/api/webhooks/deliveries/999999/retry", {})).status).toBe(404);
    expect((await h.api("POST", "/api/webhooks/nope/test", {})).status).toBe(404);
    const actions = await h.api<{ records: Array<{ action: string; target: string; result: string; reason: string | null }> }>("GET", "/api/audit?action=webhook.retry");
    expect(actions.body.records.map((r) => [r.target, r.result, r.reason])).toEqual([
      [String(one.id), "failed", null],
      [String(one.id), "ok", "receiver fixed"],
    ]);
    const testsAudited = await h.api<{ records: Array<{ target: string; result: string; reason: string | null }> }>("GET", "/api/audit?action=webhook.test");
    expect(testsAudited.body.records.map((r) => [r.target, r.result, r.reason])).toEqual([
      ["ops", "ok", "second"],
      ["ops", "ok", "first"],
    ]);
  });

  it("the brakes reach a webhook as fleet events: freeze on and off, a cohort disabled and enabled, each signed, with rolloutId null", async () => {
    const dir = workDir();
    const rx = await receiver();
    const h = await hubWith(join(dir, "hub"), [{ name: "ops", url: rx.url("/ops"), secret: SECRET }]);
    await enroll(h, "sc-1");
    expect((await h.api("POST", "/api/cohorts", { name: "east", devices: ["sc-1"] })).status).toBe(201);
    for (const [path, body] of [
      ["/api/freeze/on", { reason: "storm warning" }],
      ["/api/cohorts/east/disable", { reason: "roadworks" }],
      ["/api/cohorts/east/enable", {}],
      ["/api/freeze/off", { reason: "storm passed" }],
    ] as const) {
      const res = await h.api(`POST`, path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await waitFor("four fleet events delivered", () => rx.requests.length >= 4);
    for (const r of rx.requests) expectSigned(r, SECRET);
    expect(rx.requests.map((r) => [r.json.type, r.json.rolloutId, r.json.details])).toEqual([
      ["freeze_on", null, { reason: "storm warning" }],
      ["cohort_disabled", null, { cohort: "east", reason: "roadworks", members: 1 }],
      ["cohort_enabled", null, { cohort: "east", reason: null, members: 1 }],
      ["freeze_off", null, { reason: "storm passed", frozenForMs: expect.any(Number) as number }],
    ]);
    expect(rx.requests[0]!.json.explanation).toContain("Fleet frozen by");
  });

  it("verge-hub refuses a webhook without a secret and a bad URL, naming each, with exit code 2 and no secret printed", async () => {
    const dir = workDir();
    const file = join(dir, "hub.yaml");
    writeFileSync(
      file,
      [
        "webhooks:",
        "  - { name: ops-chat, url: https://relay.example.net/verge }",
        `  - { name: incidents, url: "relay.example.net/hook", secret: ${SECRET} }`,
        "",
      ].join("\n"),
    );
    const run = await vergeHub(["--config", file], { VERGE_DATA_DIR: join(dir, "data") });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        "invalid hub configuration:",
        '  - webhooks.0: webhook "ops-chat" has no secret: give secret, secretEnv or secretFile (every notification is HMAC-signed; verge sends none unsigned)',
        "  - webhooks.1.url: not an http:// or https:// URL",
        "",
      ].join("\n"),
    );
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });
});
