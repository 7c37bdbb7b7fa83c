// The ACL on a real broker: what a device, the hub and a SCADA client can publish, subscribe and receive.
import { afterEach, describe, expect, it } from "vitest";
import type { DeniedEvent, RunningBroker } from "../../broker/broker.js";
import { topics } from "../../proto/index.js";
import { waitFor, waitForEvent } from "../helpers/wait.js";
import { BrokerHarness, clientEvent, collect, principal, subscribeGranted } from "./harness.js";

describe("broker ACL", () => {
  const harness = new BrokerHarness();
  afterEach(() => harness.cleanup());

  async function fleetBroker(options: Parameters<BrokerHarness["start"]>[0] = {}): Promise<RunningBroker> {
    for (const p of [principal("dev-a", "device"), principal("dev-b", "device"), principal("hub", "hub"), principal("scada", "scada")]) {
      harness.credentials.add(p);
    }
    return harness.start(options);
  }

  it("drops a device's publish on another device's topic, disconnects it and counts it", async () => {
    const broker = await fleetBroker();
    const hub = await harness.connect(broker, "hub");
    const received = collect(hub);
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    const a = await harness.connect(broker, "dev-a");
    const b = await harness.connect(broker, "dev-b");

    const denied = waitForEvent<[DeniedEvent]>(broker, "denied");
    const aClosed = clientEvent(a, "close");
    a.publish(topics.up("dev-b", "state"), "forged by a", { qos: 1 });
    const [event] = await denied;
    await aClosed;
    await b.publishAsync(topics.up("dev-b", "state"), "from b", { qos: 1 });

    await waitFor("b's own message at the hub", () => received.some((m) => m.payload === "from b"));
    expect(received.map((m) => m.payload)).toEqual(["from b"]);
    expect(event).toEqual({
      clientId: "dev-a",
      username: "dev-a",
      role: "device",
      action: "publish",
      topic: topics.up("dev-b", "state"),
      reason: "other_device",
    });
    expect(broker.stats().aclDenied.publish).toEqual({ other_device: 1 });
    expect(await harness.registry.metrics()).toContain('verge_mqtt_acl_denied_total{action="publish",reason="other_device"} 1');
  });

  it("grants 128 for another device's cmd and desired, keeps the connection, and counts both", async () => {
    const broker = await fleetBroker();
    const a = await harness.connect(broker, "dev-a");
    const granted = await subscribeGranted(a, [topics.cmd("dev-b"), topics.desired("dev-b"), topics.desired("dev-a")]);
    expect(granted).toEqual([128, 128, 1]);
    expect(a.connected).toBe(true);
    expect(broker.stats().aclDenied.subscribe).toEqual({ other_device: 2 });
    expect(await harness.registry.metrics()).toContain('verge_mqtt_acl_denied_total{action="subscribe",reason="other_device"} 2');
  });

  it("refuses a device's wildcard manifest subscription but allows a named release", async () => {
    const broker = await fleetBroker();
    const a = await harness.connect(broker, "dev-a");
    expect(await subscribeGranted(a, ["verge/v1/releases/+/manifest", topics.manifest("rel-1")])).toEqual([128, 1]);
    expect(broker.stats().aclDenied.subscribe).toEqual({ wildcard: 1 });
  });

  it("delivers the hub's desired state to the device it is for, and to no other device", async () => {
    const broker = await fleetBroker();
    const hub = await harness.connect(broker, "hub");
    const a = await harness.connect(broker, "dev-a");
    const b = await harness.connect(broker, "dev-b");
    const receivedA = collect(a);
    const receivedB = collect(b);
    await a.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
    expect(await subscribeGranted(b, [topics.desired("dev-a"), topics.desired("dev-b")])).toEqual([128, 1]);

    await hub.publishAsync(topics.desired("dev-a"), "desired for a", { qos: 1, retain: true });
    await hub.publishAsync(topics.desired("dev-b"), "desired for b", { qos: 1, retain: true });

    await waitFor("a's desired state", () => receivedA.length === 1 && receivedB.length === 1);
    expect(receivedA).toEqual([{ topic: topics.desired("dev-a"), payload: "desired for a", retain: false }]);
    expect(receivedB.map((m) => m.payload)).toEqual(["desired for b"]);
  });

  it("keeps a device's retain flag only where the contract retains", async () => {
    const broker = await fleetBroker();
    const a = await harness.connect(broker, "dev-a");
    await a.publishAsync(topics.up("dev-a", "state"), "state", { qos: 1, retain: true });
    await a.publishAsync(topics.up("dev-a", "inventory"), "inventory", { qos: 1, retain: true });
    const hub = await harness.connect(broker, "hub");
    const received = collect(hub);
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    await waitFor("retained inventory", () => received.length > 0);
    // A later live message proves the retained set was delivered in full before it.
    await a.publishAsync(topics.up("dev-a", "heartbeat"), "live", { qos: 1 });
    await waitFor("live heartbeat", () => received.some((m) => m.payload === "live"));
    expect(received.map((m) => [m.payload, m.retain])).toEqual([
      ["inventory", true],
      ["live", false],
    ]);
    expect(broker.stats().aclDenied.publish).toEqual({});
  });

  it("denies a device publish larger than maxPayloadBytes", async () => {
    const broker = await fleetBroker({ maxPayloadBytes: 1024 });
    const a = await harness.connect(broker, "dev-a");
    await a.publishAsync(topics.up("dev-a", "kpi"), Buffer.alloc(1024), { qos: 1 });
    const closed = clientEvent(a, "close");
    a.publish(topics.up("dev-a", "kpi"), Buffer.alloc(1025), { qos: 1 });
    await closed;
    expect(broker.stats().aclDenied.publish).toEqual({ payload_too_large: 1 });
  });

  it("denies a device publishing on $SYS", async () => {
    const broker = await fleetBroker();
    const a = await harness.connect(broker, "dev-a");
    const closed = clientEvent(a, "close");
    a.publish("$SYS/fake/heartbeat", "x", { qos: 1 });
    await closed;
    expect(broker.stats().aclDenied.publish).toEqual({ reserved_topic: 1 });
  });

  it("lets SCADA read rollout topics and nothing else, and write nothing", async () => {
    const broker = await fleetBroker();
    const hub = await harness.connect(broker, "hub");
    const scada = await harness.connect(broker, "scada", { clientId: "scada:tms-1" });
    const received = collect(scada);
    expect(await subscribeGranted(scada, ["verge/v1/rollouts/#", topics.desired("dev-a"), "verge/v1/#"])).toEqual([1, 128, 128]);

    await hub.publishAsync(topics.desired("dev-a"), "not for scada", { qos: 1 });
    await hub.publishAsync(topics.rolloutEvents("r1"), '{"event":"stage_started"}', { qos: 1 });
    await waitFor("rollout event at scada", () => received.length > 0);
    expect(received).toEqual([{ topic: topics.rolloutEvents("r1"), payload: '{"event":"stage_started"}', retain: false }]);

    const closed = clientEvent(scada, "close");
    scada.publish(topics.rolloutStatus("r1"), "forged", { qos: 1 });
    await closed;
    expect(broker.stats().aclDenied).toMatchObject({ subscribe: { not_allowed: 2 }, publish: { not_allowed: 1 } });
    const text = await harness.registry.metrics();
    expect(text).toContain('verge_mqtt_acl_denied_total{action="publish",reason="not_allowed"} 1');
    expect(text).toContain('verge_mqtt_acl_denied_total{action="subscribe",reason="not_allowed"} 2');
  });
});
