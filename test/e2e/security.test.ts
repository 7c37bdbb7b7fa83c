// What the wire refuses, end to end with a real hub and agent: forged, foreign, expired and replayed hub->device
// messages install nothing; a device cannot touch another device's topics; a wrong secret is refused. Each refusal is
// counted where an operator can see it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { PAYLOAD_TYPES, keyIdOf, pb, signEnvelope, stateToWire, topics } from "../../proto/index.js";
import type { SigningKey } from "../../proto/index.js";
import { connectAsDevice, enroll } from "../helpers/hub.js";
import { startTestAgent, useHubWithAgents } from "../helpers/agents.js";
import { waitFor } from "../helpers/wait.js";
import { subscribeGranted } from "../broker/harness.js";

const ctx = useHubWithAgents("verge-sec-");

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(ctx.h.hub.addresses.httpUrl + "/metrics")).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) => l.startsWith(name + "{") && want.every((w) => l.includes(w)));
  return line ? Number(line.split(" ").pop()) : 0;
}

function randomKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** A desired state signed with the given key (the hub's own by default), published retained as the hub would. */
async function publishDesired(deviceId: string, fields: { deviceId?: string; seq: number; releaseId: string; expiresAt?: number }, key: SigningKey = ctx.h.hub.keys.hub) {
  const now = Date.now();
  const payload = pb.DesiredState.encode({
    deviceId: fields.deviceId ?? deviceId,
    seq: fields.seq,
    issuedAt: now,
    expiresAt: fields.expiresAt ?? now + 3_600_000,
    action: pb.DesiredAction.DESIRED_ACTION_INSTALL,
    releaseId: fields.releaseId,
    rolloutId: "ro-forged",
    activate: true,
  }).finish();
  await ctx.h.hub.mqtt.publish(topics.desired(deviceId), signEnvelope(PAYLOAD_TYPES.desired, payload, [key]), { retain: true, qos: 1 });
}

describe("hub->device messages the agent must refuse", () => {
  it("a manifest signed by an unknown key: failed (signature), nothing installed", async () => {
    const { h, root } = ctx;
    const a = await startTestAgent(h, root, "dev-a");
    ctx.agents.push(a);
    const sha = await h.upload(randomBytes(4096));
    const manifest = pb.ReleaseManifest.encode({
      releaseId: "rel-evil",
      counter: 99,
      version: "6.6.6",
      components: [{ name: "app", version: "6.6.6", size: 4096, sha256: sha, urls: [`/artifacts/${sha}`] }],
      compatibleVariants: ["sc-x1"],
      createdAt: Date.now(),
    }).finish();
    await h.hub.mqtt.publish(topics.manifest("rel-evil"), signEnvelope(PAYLOAD_TYPES.manifest, manifest, [randomKey()]), { retain: true, qos: 1 });
    await publishDesired(a.id, { seq: 1000, releaseId: "rel-evil" });

    await waitFor("failed with reason signature", () => a.transitions.find((t) => t.state === stateToWire("failed")));
    expect(a.transitions.find((t) => t.state === stateToWire("failed"))).toMatchObject({ reason: "signature", releaseId: "rel-evil" });
    expect(existsSync(join(a.dataDir, "current", "app"))).toBe(false);
    expect(existsSync(join(a.dataDir, "downloads", sha))).toBe(false);
  });

  it("desired states for another device, expired, signed by an unknown key, or older than the last: all rejected, counted, nothing installed", async () => {
    const { h, root } = ctx;
    const a = await startTestAgent(h, root, "dev-a");
    ctx.agents.push(a);
    const slot = readlinkSync(join(a.dataDir, "current"));
    await publishDesired(a.id, { deviceId: "dev-b", seq: 10, releaseId: "rel-x" });
    await waitFor("wrong_device counted", () => a.agent.rejected.wrong_device === 1);
    await publishDesired(a.id, { seq: 11, releaseId: "rel-x", expiresAt: Date.now() - 1000 });
    await waitFor("expired counted", () => a.agent.rejected.expired === 1);
    await publishDesired(a.id, { seq: 12, releaseId: "rel-x" }, randomKey());
    await waitFor("unknown_key counted", () => a.agent.rejected.unknown_key === 1);

    // an accepted one at seq 20 (its release does not exist, so it stays pending), then a replayed older seq 15
    await publishDesired(a.id, { seq: 20, releaseId: "rel-missing" });
    await waitFor("seq 20 accepted", () => a.agent.snapshot().desired?.seq === 20);
    await publishDesired(a.id, { seq: 15, releaseId: "rel-x" });
    await waitFor("stale_seq counted", () => a.agent.rejected.stale_seq === 1);

    expect(a.transitions.filter((t) => t.releaseId === "rel-x")).toEqual([]);
    expect(readlinkSync(join(a.dataDir, "current"))).toBe(slot);
    // the agent reports its refusals in heartbeats, so the hub shows them per device
    await waitFor("rejections visible on the hub", () => {
      const r = h.hub.repos.devices.get(a.id)?.rejected;
      return r && r.wrong_device === 1 && r.expired === 1 && r.unknown_key === 1 && r.stale_seq === 1;
    });
  });
});

describe("the broker's ACL and authentication, counted by the hub", () => {
  it("device A cannot publish on B's topics nor subscribe to B's cmd or desired", async () => {
    const { h } = ctx;
    const a = await enroll(h, "dev-a");
    const b = await enroll(h, "dev-b");
    const clientB = await connectAsDevice(h, "dev-b", b.secret);
    const clientA = await connectAsDevice(h, "dev-a", a.secret);

    const granted = await subscribeGranted(clientA, [topics.cmd("dev-b"), topics.desired("dev-b")]);
    expect(granted).toEqual([128, 128]);
    await waitFor("subscribe denials counted", async () => (await metric("verge_mqtt_acl_denied_total", { action: "subscribe" })) >= 2);

    const forged = pb.StateTransition.encode({ deviceId: "dev-b", seq: 1, eventTime: Date.now(), state: stateToWire("activated") }).finish();
    const closed = new Promise<void>((resolve) => clientA.once("close", () => resolve()));
    clientA.publish(topics.up("dev-b", "state"), Buffer.from(forged), { qos: 1 });
    await closed;
    await waitFor("publish denial counted", async () => (await metric("verge_mqtt_acl_denied_total", { action: "publish" })) === 1);
    // B's own message still lands, A's forgery never did
    const real = pb.StateTransition.encode({ deviceId: "dev-b", seq: 2, eventTime: Date.now(), state: stateToWire("pending") }).finish();
    await clientB.publishAsync(topics.up("dev-b", "state"), Buffer.from(real), { qos: 1 });
    await waitFor("B's message stored", () => h.hub.repos.telemetry.transitions("dev-b").length === 1);
    expect(h.hub.repos.telemetry.transitions("dev-b").map((t) => t.seq)).toEqual([2]);
    clientA.end(true);
    await clientB.endAsync();
  });

  it("a wrong secret gets CONNACK refused (bad username or password) and is counted", async () => {
    const { h } = ctx;
    await enroll(h, "dev-a");
    const err = await mqtt
      .connectAsync(h.hub.broker.url, { clientId: "dev-a", username: "dev-a", password: "not-the-secret", protocolVersion: 4, reconnectPeriod: 0 })
      .then(
        (c) => {
          c.end(true);
          return undefined;
        },
        (e: unknown) => e as Error & { code?: number },
      );
    expect(err?.code).toBe(4);
    expect(err?.message).toMatch(/Bad username or password/);
    expect(await metric("verge_mqtt_connections_refused_total", { reason: "bad_credentials" })).toBe(1);
  });
});
