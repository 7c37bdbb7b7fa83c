// A SCADA / traffic management system follows rollouts over MQTT with a credential made through the API: the retained
// status on subscribe, each event within a second, and nothing outside verge/v1/rollouts/ (no publish at all).
import type { ErrorWithReasonCode, IClientOptions, MqttClient } from "mqtt";
import mqtt from "mqtt";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeniedEvent } from "../../broker/broker.js";
import { clientEvent, subscribeGranted } from "../broker/harness.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { makeRelease } from "../helpers/rollouts.js";
import type { RolloutEventView } from "../helpers/rollouts.js";
import { tempDir, waitFor, waitForEvent } from "../helpers/wait.js";

interface Credential {
  principal: { username: string; role: string; createdAt: number; disabledAt: number | null };
  secret: string;
  mqttUrl: string;
  topics: string;
}

interface Message {
  topic: string;
  json: Record<string, unknown>;
  retain: boolean;
  receivedAt: number;
}

let h: TestHub;
let cleanup: () => void;
const clients: MqttClient[] = [];

beforeEach(async () => {
  const t = tempDir("verge-scada-");
  cleanup = t.cleanup;
  h = await startTestHub(join(t.dir, "hub"));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await h.stop();
  cleanup();
});

function options(c: Credential, clientId: string, password = c.secret): IClientOptions {
  return { clientId, username: c.principal.username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 };
}

async function connect(c: Credential, clientId: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(c.mqttUrl, options(c, clientId), false);
  client.on("error", () => undefined); // refusals are asserted where they matter
  clients.push(client);
  return client;
}

/** Connects and resolves with the CONNACK refusal mqtt.js reports. */
async function refused(c: Credential, clientId: string, password?: string): Promise<ErrorWithReasonCode> {
  const client = mqtt.connect(c.mqttUrl, options(c, clientId, password));
  clients.push(client);
  const [error] = await clientEvent<[ErrorWithReasonCode]>(client, "error");
  expect(client.connected).toBe(false);
  return error;
}

function collect(client: MqttClient): Message[] {
  const seen: Message[] = [];
  client.on("message", (topic, payload, packet) => seen.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain, receivedAt: Date.now() }));
  return seen;
}

async function createCredential(name: string, reason?: string): Promise<Credential> {
  const res = await h.api<Credential>("POST", "/api/scada", { name, ...(reason ? { reason } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A rollout that stays active: its one device is enrolled but never connects. */
async function activeRollout(id: string): Promise<void> {
  await enroll(h, "sc-0001");
  await makeRelease(h, "rel-1");
  const res = await h.api("POST", "/api/rollouts", { id, releaseId: "rel-1", devices: ["sc-0001"] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

describe("SCADA credentials", () => {
  it("are created by an admin, shown once, stored hashed, listed, refused for a name in use, and audited", async () => {
    const cred = await createCredential("tmc-north", "traffic management centre north");
    expect(cred.principal).toEqual({ username: "tmc-north", role: "scada", createdAt: expect.any(Number) as number, disabledAt: null });
    expect(cred.mqttUrl).toBe(h.hub.addresses.mqttUrl);
    expect(cred.topics).toBe("verge/v1/rollouts/#");
    const row = h.hub.db.prepare("SELECT role, secret_hash FROM mqtt_principals WHERE username = 'tmc-north'").get() as { role: string; secret_hash: string };
    expect(row.role).toBe("scada");
    expect(row.secret_hash).toMatch(/^sha256\$/);
    expect(row.secret_hash).not.toContain(cred.secret);

    const list = await h.api<{ principals: Array<Record<string, unknown>> }>("GET", "/api/scada");
    expect(list.body.principals).toEqual([cred.principal]);
    expect(JSON.stringify(list.body)).not.toContain(cred.secret);

    await enroll(h, "sc-0001");
    for (const [name, taken] of [["tmc-north", "SCADA credential"], ["sc-0001", "device"], ["verge-hub", "service"]] as const) {
      const dup = await h.api<{ error: { code: string; message: string } }>("POST", "/api/scada", { name });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toEqual({ code: "conflict", message: `the MQTT username ${name} is already taken by a ${taken}` });
    }
    const bad = await h.api<{ error: { code: string; message: string } }>("POST", "/api/scada", { name: "tmc/north" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("1-64 characters of A-Z a-z 0-9 . _ -");
    // a device cannot be enrolled under a SCADA name either
    expect((await h.api("POST", "/api/devices", { id: "tmc-north", variant: "sc-x1" })).status).toBe(409);

    const audit = h.hub.repos.audit.list().filter((r) => r.action === "scada.create");
    expect(audit.map((r) => [r.target, r.result]).reverse()).toEqual([
      ["tmc-north", "ok"],
      ["tmc-north", "failed"],
      ["sc-0001", "failed"],
      ["verge-hub", "failed"],
    ]);
    expect(audit.at(-1)).toMatchObject({ reason: "traffic management centre north", actor: expect.stringContaining("bootstrap-admin") as string });
  });

  it("a real MQTT client gets the retained status on subscribe and the pause event within a second; the same JSON as the API", async () => {
    await activeRollout("ro-1");
    const cred = await createCredential("tmc-north");
    const scada = await connect(cred, "tmc-north");
    const seen = collect(scada);

    const subscribedAt = Date.now();
    await scada.subscribeAsync("verge/v1/rollouts/ro-1/status", { qos: 1 });
    const retained = await waitFor("retained status", () => seen.find((m) => m.topic === "verge/v1/rollouts/ro-1/status"), 1000);
    expect(retained.receivedAt - subscribedAt).toBeLessThan(1000);
    expect(retained.retain).toBe(true);
    expect(retained.json).toMatchObject({ rolloutId: "ro-1", releaseId: "rel-1", status: "active", plan: "direct", progress: { total: 1, pending: 1 } });

    await scada.subscribeAsync("verge/v1/rollouts/ro-1/events", { qos: 1 });
    const pausedAt = Date.now();
    const res = await h.api("POST", "/api/rollouts/ro-1/pause", { reason: "detector maintenance on corridor 7" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = await waitFor("paused event", () => seen.find((m) => m.topic === "verge/v1/rollouts/ro-1/events" && m.json.type === "paused"), 1000);
    expect(event.receivedAt - pausedAt).toBeLessThan(1000);
    expect(event.retain).toBe(false);
    expect(event.json).toMatchObject({ rolloutId: "ro-1", type: "paused", actor: expect.stringContaining("bootstrap-admin") as string });
    expect(event.json.explanation).toContain("detector maintenance on corridor 7");
    expect(new Date(event.json.at as string).toISOString()).toBe(event.json.at);
    const status = await waitFor("status paused", () => seen.find((m) => m.topic === "verge/v1/rollouts/ro-1/status" && m.json.status === "paused"), 1000);
    expect(status.json).toMatchObject({ rolloutId: "ro-1", status: "paused", pauseReason: "detector maintenance on corridor 7" });

    // one schema: the API's event list and status view carry the event exactly as MQTT did
    const fromApi = await h.api<{ events: RolloutEventView[] }>("GET", "/api/rollouts/ro-1/events");
    expect(fromApi.body.events.find((e) => e.type === "paused")).toEqual(event.json);
    const view = await h.api<{ events: RolloutEventView[] }>("GET", "/api/rollouts/ro-1");
    expect(view.body.events.find((e) => e.type === "paused")).toEqual(event.json);
  });

  it("may not subscribe outside verge/v1/rollouts/ (SUBACK 128) nor publish anywhere (disconnected, nothing delivered)", async () => {
    await activeRollout("ro-1");
    const cred = await createCredential("tmc-north");
    const scada = await connect(cred, "tmc-north");
    expect(await subscribeGranted(scada, ["verge/v1/devices/+/desired", "verge/v1/rollouts/ro-1/events"])).toEqual([128, 1]);
    expect(await subscribeGranted(scada, ["#"])).toEqual([128]);
    expect(scada.connected).toBe(true);

    const observer = await connect(cred, "tmc-north:observer");
    await observer.subscribeAsync("verge/v1/rollouts/#", { qos: 1 });
    const observed = collect(observer);
    const denied = waitForEvent<[DeniedEvent]>(h.hub.broker, "denied", (e) => e.action === "publish");
    const closed = clientEvent(scada, "close");
    await scada.publishAsync("verge/v1/rollouts/x/status", JSON.stringify({ rolloutId: "x", status: "completed" }), { qos: 0, retain: true });
    const [event] = await denied;
    expect(event).toMatchObject({ clientId: "tmc-north", username: "tmc-north", role: "scada", topic: "verge/v1/rollouts/x/status", reason: "not_allowed" });
    await closed;
    expect(scada.connected).toBe(false);

    // a later message on the same subscription arrives; the forged one never did, and nothing was retained
    expect((await h.api("POST", "/api/rollouts/ro-1/pause", {})).status).toBe(200);
    await waitFor("the observer sees the pause", () => observed.some((m) => m.json.type === "paused"));
    expect(observed.filter((m) => m.topic === "verge/v1/rollouts/x/status")).toEqual([]);
    const late = await connect(cred, "tmc-north:late");
    const lateSeen = collect(late);
    await late.subscribeAsync(["verge/v1/rollouts/x/status", "verge/v1/rollouts/ro-1/status"], { qos: 1 });
    await waitFor("retained ro-1 status", () => lateSeen.some((m) => m.topic === "verge/v1/rollouts/ro-1/status"));
    expect(lateSeen.filter((m) => m.topic === "verge/v1/rollouts/x/status")).toEqual([]);
  });

  it("a wrong secret is refused at CONNECT; a disabled credential is cut off and refused from then on", async () => {
    const cred = await createCredential("tmc-north");
    expect((await refused(cred, "tmc-north", "not-the-secret")).code).toBe(4);
    const wrongUser = { ...cred, principal: { ...cred.principal, username: "tmc-nobody" } };
    expect((await refused(wrongUser, "tmc-nobody")).code).toBe(4);

    const scada = await connect(cred, "tmc-north");
    const closed = clientEvent(scada, "close");
    const res = await h.api<{ principal: Credential["principal"] }>("POST", "/api/scada/tmc-north/disable", { reason: "contract ended" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toMatchObject({ username: "tmc-north", role: "scada", disabledAt: expect.any(Number) as number });
    await closed;
    expect((await refused(cred, "tmc-north")).code).toBe(5);
    expect((await h.api<{ principals: Array<{ disabledAt: number | null }> }>("GET", "/api/scada")).body.principals[0]!.disabledAt).not.toBeNull();

    expect((await h.api("POST", "/api/scada/tmc-north/disable", {})).status).toBe(409);
    expect((await h.api("POST", "/api/scada/tmc-south/disable", {})).status).toBe(404);
    const audit = h.hub.repos.audit.list().filter((r) => r.action === "scada.disable");
    expect(audit.map((r) => [r.target, r.result, r.reason]).reverse()).toEqual([
      ["tmc-north", "ok", "contract ended"],
      ["tmc-north", "failed", null],
      ["tmc-south", "failed", null],
    ]);
  });
});
