// The hub over real HTTP and real MQTT: enrollment, tokens and roles, artifacts with Range, signed releases,
// retained desired states, and telemetry that is malformed or delivered twice.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import mqtt from "mqtt";
import {
  PAYLOAD_TYPES,
  decodeDesiredState,
  decodeManifest,
  openEnvelope,
  pb,
  stateToWire,
  topics,
  trustedKeyFromBase64,
} from "../../proto/index.js";
import { connectAsDevice, enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { tempDir, waitFor } from "../helpers/wait.js";

let h: TestHub;
let cleanup: () => void;

beforeEach(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  h = await startTestHub(t.dir);
});
afterEach(async () => {
  await h.stop();
  cleanup();
});

async function metricValue(name: string, labels: string): Promise<number> {
  const text = await (await fetch(h.hub.addresses.httpUrl + "/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`) || (labels === "" && l.startsWith(`${name} `)));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("enrollment and tokens", () => {
  it("enrolls a device and returns its secret once plus an agent config that points at this hub and trusts its keys", async () => {
    const { secret, agentConfig } = await enroll(h, "sc-0001", "sc-x1", { site: "site-12", region: "north", corridor: "I-35" });
    const cfg = parseYaml(agentConfig) as { deviceId: string; secret: string; hub: { mqttUrl: string; httpUrl: string }; trustedKeys: { release: string[]; hub: string[] } };
    expect(cfg.deviceId).toBe("sc-0001");
    expect(cfg.secret).toBe(secret);
    expect(cfg.hub).toEqual({ mqttUrl: h.hub.broker.url, httpUrl: h.hub.addresses.httpUrl });
    expect(trustedKeyFromBase64(cfg.trustedKeys.hub[0]!).keyId).toBe(h.hub.keys.hub.keyId);
    expect(trustedKeyFromBase64(cfg.trustedKeys.release[0]!).keyId).toBe(h.hub.keys.release.keyId);
    // stored hashed: the secret appears nowhere in the database
    const row = h.hub.db.prepare("SELECT secret_hash FROM mqtt_principals WHERE username = 'sc-0001'").get() as { secret_hash: string };
    expect(row.secret_hash).not.toContain(secret);
    // the secret logs in to the broker
    const client = await connectAsDevice(h, "sc-0001", secret);
    await client.endAsync();
    const dup = await h.api("POST", "/api/devices", { id: "sc-0001", variant: "sc-x1" });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: { code: "conflict", message: "device sc-0001 is already enrolled" } });
  });

  it("refuses a bad device id with the rule in the message", async () => {
    const res = await h.api("POST", "/api/devices", { id: "bad id/with slash", variant: "sc-x1" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("device id: 1-64 characters");
  });

  it("answers 401 without a token and 403 for a role too low, and audits both", async () => {
    const none = await fetch(h.hub.addresses.httpUrl + "/api/devices");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "unauthenticated" } });
    const viewer = h.hub.repos.tokens.create("grafana", "viewer", "test", Date.now()).token;
    expect((await h.api("GET", "/api/devices", undefined, viewer)).status).toBe(200);
    const denied = await h.api("POST", "/api/devices", { id: "x1", variant: "v" }, viewer);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(denied.body)).toContain("needs role admin");
    const audit = h.hub.repos.audit.list({ result: "denied" });
    expect(audit.map((a) => a.reason)).toEqual(expect.arrayContaining(["no bearer token", "role viewer < admin"]));
    expect(h.hub.repos.audit.verify()).toMatchObject({ ok: true });
    expect(await metricValue("verge_api_requests_denied_total", 'reason="forbidden"')).toBe(1);
  });
});

describe("artifacts and releases", () => {
  it("stores an artifact by sha256 and serves byte ranges of it", async () => {
    const bytes = randomBytes(100_000);
    const sha = await h.upload(bytes);
    expect(sha).toBe(createHash("sha256").update(bytes).digest("hex"));
    const full = await fetch(`${h.hub.addresses.httpUrl}/artifacts/${sha}`);
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(`${h.hub.addresses.httpUrl}/artifacts/${sha}`, { headers: { range: "bytes=60000-" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 60000-99999/100000`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(60000))).toBe(true);
    const beyond = await fetch(`${h.hub.addresses.httpUrl}/artifacts/${sha}`, { headers: { range: "bytes=200000-" } });
    expect(beyond.status).toBe(416);
    expect((await fetch(`${h.hub.addresses.httpUrl}/artifacts/${"0".repeat(64)}`)).status).toBe(404);
    const middle = await fetch(`${h.hub.addresses.httpUrl}/artifacts/${sha}`, { headers: { range: "bytes=8000-8999" } });
    expect(middle.status).toBe(206);
    expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(8000, 9000))).toBe(true);
    const head = await fetch(`${h.hub.addresses.httpUrl}/artifacts/${sha}`, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("100000");
    expect(head.headers.get("etag")).toBe(`"${sha}"`);
    // served: the bodies that went out in full, nothing for HEAD or refusals
    expect(await metricValue("verge_artifact_bytes_served_total", "")).toBe(100_000 + 40_000 + 1000);
  });

  it("counts as served only what left the hub: a client gone mid-download is not charged the rest", async () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const sha = await h.upload(bytes);
    const before = await metricValue("verge_artifact_bytes_served_total", "");
    const { port } = new URL(h.hub.addresses.httpUrl);
    const responseClosed = new Promise<void>((resolve) =>
      h.hub.http.server.once("request", (_req: IncomingMessage, res: ServerResponse) => res.once("close", () => resolve())),
    );
    // A raw socket that reads 64 KiB of the body and hangs up, like a device whose link died.
    const received = await new Promise<number>((resolve, reject) => {
      let got = 0;
      const socket = connect(Number(port), "127.0.0.1", () => socket.write(`GET /artifacts/${sha} HTTP/1.1\r\nhost: hub\r\n\r\n`));
      socket.on("data", (chunk: Buffer) => {
        got += chunk.length;
        if (got >= 64 * 1024) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on("error", reject);
    });
    await responseClosed;
    const served = (await metricValue("verge_artifact_bytes_served_total", "")) - before;
    expect(served).toBeGreaterThanOrEqual(received - 1024);
    // what the socket buffers held when the client left is counted at most; never the whole artifact
    expect(served).toBeLessThan(bytes.length / 2);
  });

  it("creates a release whose manifest verifies with the release key only", async () => {
    const sha = await h.upload(Buffer.from("app v2"));
    const res = await h.api<{ release: { id: string; counter: number } }>("POST", "/api/releases", { version: "2.0.0", variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
    expect(res.status).toBe(201);
    expect(res.body.release).toMatchObject({ id: "rel-2.0.0", counter: 1 });
    const envelope = h.hub.repos.releases.manifestEnvelope("rel-2.0.0")!;
    const opened = openEnvelope(envelope, PAYLOAD_TYPES.manifest, [{ keyId: h.hub.keys.release.keyId, publicKey: h.hub.keys.release.publicKey }]);
    expect(opened.ok).toBe(true);
    const manifest = decodeManifest(opened.ok ? opened.payload : new Uint8Array());
    expect(manifest.ok && manifest.message.components[0]).toMatchObject({ name: "app", sha256: sha, size: 6, urls: [`/artifacts/${sha}`] });
    const wrongKey = openEnvelope(envelope, PAYLOAD_TYPES.manifest, [{ keyId: h.hub.keys.hub.keyId, publicKey: h.hub.keys.hub.publicKey }]);
    expect(wrongKey).toMatchObject({ ok: false, reason: "unknown_key" });
    const missing = await h.api("POST", "/api/releases", { version: "3", variants: ["sc-x1"], components: [{ name: "app", sha256: "a".repeat(64) }] });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain("has not been uploaded");
  });
});

describe("rollouts", () => {
  it("publishes a retained desired state signed by the hub key for each targeted device and excludes incompatible ones", async () => {
    const a = await enroll(h, "dev-a");
    await enroll(h, "dev-other", "vms-2");
    const sha = await h.upload(Buffer.from("app v2"));
    await h.api("POST", "/api/releases", { id: "r2", version: "2", variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
    const res = await h.api<{ rollout: { id: string; status: string }; excluded: Array<{ deviceId: string; reason: string }>; progress: { total: number; pending: number } }>(
      "POST",
      "/api/rollouts",
      { id: "ro-1", releaseId: "r2", devices: ["dev-a", "dev-other"] },
    );
    expect(res.status).toBe(201);
    expect(res.body.rollout).toMatchObject({ id: "ro-1", status: "active" });
    expect(res.body.excluded).toEqual([expect.objectContaining({ deviceId: "dev-other", reason: "incompatible_variant" })]);
    expect(res.body.progress).toMatchObject({ total: 1, pending: 1 });

    const client = await connectAsDevice(h, "dev-a", a.secret);
    const got = new Promise<Buffer>((resolve) => client.on("message", (topic, payload) => topic === topics.desired("dev-a") && resolve(payload)));
    await client.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
    const opened = openEnvelope(await got, PAYLOAD_TYPES.desired, [{ keyId: h.hub.keys.hub.keyId, publicKey: h.hub.keys.hub.publicKey }]);
    expect(opened.ok).toBe(true);
    const desired = decodeDesiredState(opened.ok ? opened.payload : new Uint8Array());
    expect(desired.ok && desired.message).toMatchObject({ deviceId: "dev-a", seq: 1, releaseId: "r2", rolloutId: "ro-1", activate: true });
    await client.endAsync();

    const again = await h.api("POST", "/api/rollouts", { releaseId: "r2", devices: ["dev-a"] });
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain("already in an active rollout");
  });
});

describe("telemetry ingest", () => {
  it("counts random bytes on up/state as rejected (decode), logs them, and keeps serving", async () => {
    const a = await enroll(h, "dev-a");
    const client = await connectAsDevice(h, "dev-a", a.secret);
    await client.publishAsync(topics.up("dev-a", "state"), randomBytes(64), { qos: 1 });
    await waitFor("rejection counted", async () => (await metricValue("verge_telemetry_rejected_total", 'reason="decode"')) === 1);
    const rej = await h.api<{ rejections: Array<{ deviceId: string; reason: string; detail: string }> }>("GET", "/api/telemetry/rejections");
    expect(rej.body.rejections[0]).toMatchObject({ deviceId: "dev-a", reason: "decode" });
    expect(rej.body.rejections[0]!.detail).toMatch(/not a valid protobuf message/);
    // still serving: a valid transition from the same device is stored
    const ok = pb.StateTransition.encode({ deviceId: "dev-a", seq: 7, eventTime: Date.now(), state: stateToWire("pending") }).finish();
    await client.publishAsync(topics.up("dev-a", "state"), Buffer.from(ok), { qos: 1 });
    await waitFor("valid transition stored", () => h.hub.repos.telemetry.transitions("dev-a").length === 1);
    expect((await fetch(h.hub.addresses.httpUrl + "/healthz")).status).toBe(200);
    await client.endAsync();
  });

  it("stores a transition delivered twice once, and refuses a payload naming another device", async () => {
    const a = await enroll(h, "dev-a");
    const client = await connectAsDevice(h, "dev-a", a.secret);
    const msg = Buffer.from(pb.StateTransition.encode({ deviceId: "dev-a", seq: 3, eventTime: Date.now(), state: stateToWire("downloading") }).finish());
    await client.publishAsync(topics.up("dev-a", "state"), msg, { qos: 1 });
    await client.publishAsync(topics.up("dev-a", "state"), msg, { qos: 1 });
    const forged = Buffer.from(pb.StateTransition.encode({ deviceId: "dev-b", seq: 4, eventTime: Date.now(), state: stateToWire("activated") }).finish());
    await client.publishAsync(topics.up("dev-a", "state"), forged, { qos: 1 });
    await waitFor("mismatch counted", async () => (await metricValue("verge_telemetry_rejected_total", 'reason="device_mismatch"')) === 1);
    expect(h.hub.repos.telemetry.transitions("dev-a").map((t) => t.seq)).toEqual([3]);
    expect(await metricValue("verge_telemetry_duplicates_total", 'kind="state"')).toBe(1);
    await client.endAsync();
  });

  it("tracks online/offline from the device's status topic and will", async () => {
    const a = await enroll(h, "dev-a");
    const client = await mqtt.connectAsync(h.hub.broker.url, {
      clientId: "dev-a",
      username: "dev-a",
      password: a.secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
      will: { topic: topics.status("dev-a"), payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    await client.publishAsync(topics.status("dev-a"), "online", { qos: 1, retain: true });
    await waitFor("online", () => h.hub.repos.devices.get("dev-a")?.online === true);
    client.stream.destroy();
    await waitFor("offline via will", () => h.hub.repos.devices.get("dev-a")?.online === false);
    client.end(true);

    // back without a status message (e.g. it was lost): any telemetry shows the device connected
    const again = await connectAsDevice(h, "dev-a", a.secret);
    const hb = pb.Heartbeat.encode({ deviceId: "dev-a", seq: 50, eventTime: Date.now(), uptimeS: 3 }).finish();
    await again.publishAsync(topics.up("dev-a", "heartbeat"), Buffer.from(hb), { qos: 1 });
    await waitFor("online from telemetry", () => h.hub.repos.devices.get("dev-a")?.online === true);
    await again.endAsync();
  });

  it("re-signs desired states of active rollouts past half their validity, with a higher seq", async () => {
    const a = await enroll(h, "dev-a");
    const sha = await h.upload(Buffer.from("app v2"));
    await h.api("POST", "/api/releases", { id: "r2", version: "2", variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
    await h.api("POST", "/api/rollouts", { id: "ro-1", releaseId: "r2", devices: ["dev-a"] });
    const ttl = h.hub.config.rollout.desiredStateTtlMs;
    expect(await h.hub.services.rollouts.refreshExpiring(Date.now() + ttl / 4)).toBe(0);
    expect(await h.hub.services.rollouts.refreshExpiring(Date.now() + (ttl * 3) / 4)).toBe(1);

    const client = await connectAsDevice(h, "dev-a", a.secret);
    const got = new Promise<Buffer>((resolve) => client.on("message", (_t, payload) => resolve(payload)));
    await client.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
    const opened = openEnvelope(await got, PAYLOAD_TYPES.desired, [{ keyId: h.hub.keys.hub.keyId, publicKey: h.hub.keys.hub.publicKey }]);
    const desired = decodeDesiredState(opened.ok ? opened.payload : new Uint8Array());
    expect(desired.ok && desired.message).toMatchObject({ seq: 2, releaseId: "r2", rolloutId: "ro-1" });
    expect(desired.ok && desired.message.expiresAt).toBeGreaterThan(Date.now() + ttl / 2);
    await client.endAsync();

    // a device that finished (here: activated) is left alone: a new seq would make it try the release again
    h.hub.repos.rollouts.applyTransition({ rolloutId: "ro-1", deviceId: "dev-a", seq: 9, state: "activated", reason: null, detail: null, bytesDone: null, bytesTotal: null, now: Date.now() });
    expect(await h.hub.services.rollouts.refreshExpiring(Date.now() + ttl * 2)).toBe(0);
  });
});

describe("stopping the hub", () => {
  it("does not wait on HTTP connections that never finish a request: stop returns and they are closed", async () => {
    const t = tempDir();
    const own = await startTestHub(t.dir);
    try {
      const port = Number(new URL(own.hub.addresses.httpUrl).port);
      // a link that stalled during the handshake of a request, and one that never sent a byte
      const sockets = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
      await Promise.all(sockets.map((s) => new Promise((r) => s.once("connect", r))));
      sockets[0]!.write("GET /api/health HTTP/1.1\r\nHost: hub\r\n");
      const closed = sockets.map((s) => new Promise<void>((r) => s.once("close", () => r())));
      for (const s of sockets) s.on("error", () => {});
      // Node's close() alone waited for their request timeout (a minute), past this test's timeout
      await own.stop();
      await Promise.all(closed);
      expect(sockets.every((s) => s.destroyed)).toBe(true);
    } finally {
      t.cleanup();
    }
  }, 20_000);
});
