import { describe, expect, it } from "vitest";
import { checkConnect, checkPayloadSize, checkPublish, checkSubscribe, checkWill } from "../../broker/acl.js";
import type { Principal } from "../../broker/credentials.js";
import { topics } from "../../proto/index.js";
import { principal, secretOf } from "./harness.js";

const ID64 = `${"a".repeat(60)}.b-_`;
const dev = principal("dev-a", "device");
const dev64 = principal(ID64, "device");
const hub = principal("hub", "hub");
const scada = principal("scada-tms", "scada");
const disabled = principal("dev-off", "device", true);

describe("checkConnect", () => {
  const cases: [string, Principal | undefined, string, string | undefined, string | undefined, unknown][] = [
    ["device with its secret", dev, "dev-a", secretOf("dev-a"), undefined, { ok: true }],
    ["64-character device id", dev64, ID64, secretOf(ID64), undefined, { ok: true }],
    ["device with its own status will", dev, "dev-a", secretOf("dev-a"), topics.status("dev-a"), { ok: true }],
    ["hub with its username", hub, "hub", secretOf("hub"), undefined, { ok: true }],
    ["hub with username:instance", hub, "hub:ingest-1", secretOf("hub"), undefined, { ok: true }],
    ["scada with username:instance", scada, "scada-tms:1", secretOf("scada-tms"), undefined, { ok: true }],
    ["empty client id", dev, "", secretOf("dev-a"), undefined, { ok: false, reason: "bad_client_id", returnCode: 2 }],
    ["unknown user", undefined, "dev-x", "whatever", undefined, { ok: false, reason: "unknown_user", returnCode: 4 }],
    ["wrong secret", dev, "dev-a", secretOf("dev-b"), undefined, { ok: false, reason: "bad_credentials", returnCode: 4 }],
    ["no password", dev, "dev-a", undefined, undefined, { ok: false, reason: "bad_credentials", returnCode: 4 }],
    ["disabled, right secret", disabled, "dev-off", secretOf("dev-off"), undefined, { ok: false, reason: "disabled", returnCode: 5 }],
    ["disabled, wrong secret", disabled, "dev-off", "nope", undefined, { ok: false, reason: "bad_credentials", returnCode: 4 }],
    ["device, client id of another device", dev, "dev-b", secretOf("dev-a"), undefined, { ok: false, reason: "bad_client_id", returnCode: 2 }],
    ["device, username:suffix", dev, "dev-a:1", secretOf("dev-a"), undefined, { ok: false, reason: "bad_client_id", returnCode: 2 }],
    ["hub taking a device's client id", hub, "dev-a", secretOf("hub"), undefined, { ok: false, reason: "bad_client_id", returnCode: 2 }],
    ["hub prefix without colon", hub, "hubby", secretOf("hub"), undefined, { ok: false, reason: "bad_client_id", returnCode: 2 }],
    ["device will on another topic", dev, "dev-a", secretOf("dev-a"), topics.up("dev-a", "state"), { ok: false, reason: "bad_will", returnCode: 5 }],
    ["device will on another device's status", dev, "dev-a", secretOf("dev-a"), topics.status("dev-b"), { ok: false, reason: "bad_will", returnCode: 5 }],
    ["scada with a will", scada, "scada-tms", secretOf("scada-tms"), topics.rolloutEvents("r1"), { ok: false, reason: "bad_will", returnCode: 5 }],
  ];
  it.each(cases)("%s", (_name, who, clientId, password, willTopic, expected) => {
    expect(checkConnect(who, clientId, password, willTopic)).toEqual(expected);
  });

  it("accepts the password as the Buffer Aedes passes", () => {
    expect(checkConnect(dev, "dev-a", Buffer.from(secretOf("dev-a")))).toEqual({ ok: true });
  });

  it("refuses a device principal whose username is not a valid device id", () => {
    const odd = principal("dev/a", "device");
    expect(checkConnect(odd, "dev/a", secretOf("dev/a"))).toMatchObject({ ok: false, reason: "bad_client_id" });
  });
});

describe("checkPublish", () => {
  const cases: [string, Principal, string, boolean, unknown][] = [
    ["device up/state", dev, topics.up("dev-a", "state"), false, { ok: true }],
    ["device up/heartbeat", dev, topics.up("dev-a", "heartbeat"), false, { ok: true }],
    ["device up/kpi", dev, topics.up("dev-a", "kpi"), false, { ok: true }],
    ["device up/ack", dev, topics.up("dev-a", "ack"), false, { ok: true }],
    ["device up/inventory retained", dev, topics.up("dev-a", "inventory"), true, { ok: true }],
    ["device status retained", dev, topics.status("dev-a"), true, { ok: true }],
    ["device up/state retained: retain stripped", dev, topics.up("dev-a", "state"), true, { ok: true, stripRetain: true }],
    ["64-char device up/kpi", dev64, topics.up(ID64, "kpi"), false, { ok: true }],
    ["device on another device's up", dev, topics.up("dev-b", "state"), false, { ok: false, reason: "other_device" }],
    ["device on another device's status", dev, topics.status("dev-b"), true, { ok: false, reason: "other_device" }],
    ["device on its own desired", dev, topics.desired("dev-a"), false, { ok: false, reason: "not_allowed" }],
    ["device on its own cmd", dev, topics.cmd("dev-a"), false, { ok: false, reason: "not_allowed" }],
    ["device on an unknown up kind", dev, "verge/v1/devices/dev-a/up/other", false, { ok: false, reason: "not_allowed" }],
    ["device on a manifest", dev, topics.manifest("r1"), true, { ok: false, reason: "not_allowed" }],
    ["device on a rollout topic", dev, topics.rolloutEvents("r1"), false, { ok: false, reason: "not_allowed" }],
    ["device outside the root", dev, "other/topic", false, { ok: false, reason: "not_allowed" }],
    ["device on $SYS", dev, "$SYS/broker/heartbeat", false, { ok: false, reason: "reserved_topic" }],
    ["hub on desired, retained", hub, topics.desired("dev-a"), true, { ok: true }],
    ["hub on a manifest", hub, topics.manifest("r1"), true, { ok: true }],
    ["hub on rollout status", hub, topics.rolloutStatus("r1"), true, { ok: true }],
    ["hub outside the root", hub, "verge/v2/x", false, { ok: false, reason: "not_allowed" }],
    ["hub on $SYS", hub, "$SYS/x", false, { ok: false, reason: "reserved_topic" }],
    ["scada on a rollout topic", scada, topics.rolloutEvents("r1"), false, { ok: false, reason: "not_allowed" }],
    ["scada anywhere", scada, "verge/v1/anything", false, { ok: false, reason: "not_allowed" }],
    ["scada on the audit checkpoint", scada, topics.auditCheckpoint, true, { ok: false, reason: "not_allowed" }],
    ["device on the audit checkpoint", dev, topics.auditCheckpoint, true, { ok: false, reason: "not_allowed" }],
  ];
  it.each(cases)("%s", (_name, who, topic, retain, expected) => {
    expect(checkPublish(who, who.username, topic, retain)).toEqual(expected);
  });
});

describe("checkSubscribe", () => {
  const cases: [string, Principal, string, unknown][] = [
    ["device own desired", dev, topics.desired("dev-a"), { ok: true }],
    ["device own cmd", dev, topics.cmd("dev-a"), { ok: true }],
    ["device a named release manifest", dev, topics.manifest("2024.06.1-rc_2"), { ok: true }],
    ["64-char device own desired", dev64, topics.desired(ID64), { ok: true }],
    ["device another device's desired", dev, topics.desired("dev-b"), { ok: false, reason: "other_device" }],
    ["device another device's cmd", dev, topics.cmd("dev-b"), { ok: false, reason: "other_device" }],
    ["device all manifests (+)", dev, "verge/v1/releases/+/manifest", { ok: false, reason: "wildcard" }],
    ["device everything (#)", dev, "#", { ok: false, reason: "wildcard" }],
    ["device own subtree (#)", dev, "verge/v1/devices/dev-a/#", { ok: false, reason: "wildcard" }],
    ["device all desired (+)", dev, "verge/v1/devices/+/desired", { ok: false, reason: "wildcard" }],
    ["device own up topic", dev, topics.up("dev-a", "state"), { ok: false, reason: "not_allowed" }],
    ["device own status", dev, topics.status("dev-a"), { ok: false, reason: "not_allowed" }],
    ["device rollout topic", dev, topics.rolloutStatus("r1"), { ok: false, reason: "not_allowed" }],
    ["device $SYS", dev, "$SYS/#", { ok: false, reason: "reserved_topic" }],
    ["hub all up", hub, topics.allUp, { ok: true }],
    ["hub all status", hub, topics.allStatus, { ok: true }],
    ["hub whole root", hub, "verge/v1/#", { ok: true }],
    ["hub everything", hub, "#", { ok: false, reason: "not_allowed" }],
    ["hub $SYS", hub, "$SYS/#", { ok: false, reason: "reserved_topic" }],
    ["scada all rollouts", scada, "verge/v1/rollouts/#", { ok: true }],
    ["scada all rollout status", scada, "verge/v1/rollouts/+/status", { ok: true }],
    ["scada one rollout's events", scada, topics.rolloutEvents("r1"), { ok: true }],
    ["scada the audit checkpoint", scada, topics.auditCheckpoint, { ok: true }],
    ["scada audit wildcard", scada, "verge/v1/audit/#", { ok: false, reason: "not_allowed" }],
    ["scada a device's desired", scada, topics.desired("dev-a"), { ok: false, reason: "not_allowed" }],
    ["scada all devices", scada, "verge/v1/devices/#", { ok: false, reason: "not_allowed" }],
    ["scada whole root", scada, "verge/v1/#", { ok: false, reason: "not_allowed" }],
    ["scada $SYS", scada, "$SYS/#", { ok: false, reason: "reserved_topic" }],
  ];
  it.each(cases)("%s", (_name, who, filter, expected) => {
    expect(checkSubscribe(who, who.username, filter)).toEqual(expected);
  });
});

describe("checkWill and checkPayloadSize", () => {
  it("allows a device's will only on its own status topic", () => {
    expect(checkWill(dev, "dev-a", topics.status("dev-a"))).toEqual({ ok: true });
    expect(checkWill(dev, "dev-a", topics.up("dev-a", "state"))).toEqual({ ok: false, reason: "not_allowed" });
    expect(checkWill(dev, "dev-a", topics.status("dev-b"))).toEqual({ ok: false, reason: "not_allowed" });
    expect(checkWill(hub, "hub", "verge/v1/hub/status")).toEqual({ ok: true });
    expect(checkWill(scada, "scada-tms", topics.rolloutStatus("r1"))).toEqual({ ok: false, reason: "not_allowed" });
  });

  it("limits device payloads only", () => {
    expect(checkPayloadSize(dev, 1024, 1024)).toEqual({ ok: true });
    expect(checkPayloadSize(dev, 1025, 1024)).toEqual({ ok: false, reason: "payload_too_large" });
    expect(checkPayloadSize(hub, 10_000, 1024)).toEqual({ ok: true });
  });
});
