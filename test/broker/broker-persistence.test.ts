// Level persistence across broker restarts, persistent device sessions, and the device's will.
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBroker } from "../../broker/broker.js";
import { topics } from "../../proto/index.js";
import { tempDir, waitFor } from "../helpers/wait.js";
import { BrokerHarness, clientEvent, collect, principal, subscribeGranted } from "./harness.js";

describe("broker persistence and wills", () => {
  const harness = new BrokerHarness();
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await harness.cleanup();
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  function levelDir(): string {
    const { dir, cleanup } = tempDir("verge-broker-");
    dirs.push(cleanup);
    return dir;
  }

  function startLevel(dir: string): Promise<RunningBroker> {
    for (const p of [principal("dev-a", "device"), principal("dev-b", "device"), principal("hub", "hub")]) harness.credentials.add(p);
    return harness.start({ persistence: { kind: "level", dir } });
  }

  it("keeps a retained desired state across a restart on the same directory", async () => {
    const dir = levelDir();
    const first = await startLevel(dir);
    const hub = await harness.connect(first, "hub");
    await hub.publishAsync(topics.desired("dev-a"), "desired v7", { qos: 1, retain: true });
    await first.close();

    const second = await startLevel(dir);
    const device = await harness.connect(second, "dev-a");
    const received = collect(device);
    await device.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
    await waitFor("retained desired state after restart", () => received.length > 0);
    expect(received).toEqual([{ topic: topics.desired("dev-a"), payload: "desired v7", retain: true }]);
  });

  it("delivers a QoS 1 command queued while a persistent-session device was offline, after a broker restart", async () => {
    const dir = levelDir();
    const first = await startLevel(dir);
    const session = { clean: false, clientId: "dev-a" };
    const device = await harness.connect(first, "dev-a", session);
    await device.subscribeAsync(topics.cmd("dev-a"), { qos: 1 });
    await device.endAsync();

    const hub = await harness.connect(first, "hub");
    await hub.publishAsync(topics.cmd("dev-a"), "rollback", { qos: 1 });
    await first.close();

    const second = await startLevel(dir);
    const received: string[] = [];
    const back = harness.connectRaw(second, "dev-a", session);
    back.on("message", (_topic, payload) => received.push(payload.toString()));
    const [connack] = await clientEvent<[{ sessionPresent: boolean }]>(back, "connect");
    expect(connack.sessionPresent).toBe(true);
    await waitFor("queued command after restart", () => received.length > 0);
    expect(received).toEqual(["rollback"]);
  });

  it("never delivers another device's messages through a persisted session, even where Aedes stored the denied filter", async () => {
    const dir = levelDir();
    const broker = await startLevel(dir);
    const session = { clean: false, clientId: "dev-a" };
    const device = await harness.connect(broker, "dev-a", session);
    // One SUBSCRIBE with an allowed and a denied filter: Aedes persists the packet's whole filter list.
    expect(await subscribeGranted(device, [topics.cmd("dev-a"), topics.cmd("dev-b")])).toEqual([1, 128]);
    await device.endAsync();

    const hub = await harness.connect(broker, "hub");
    await hub.publishAsync(topics.cmd("dev-b"), "for b only", { qos: 1 });
    await hub.publishAsync(topics.cmd("dev-a"), "for a", { qos: 1 });

    const received: string[] = [];
    const back = harness.connectRaw(broker, "dev-a", session);
    back.on("message", (_topic, payload) => received.push(payload.toString()));
    await waitFor("a's own queued command", () => received.includes("for a"));
    // Ask once more after the queue was emptied: a live message arrives after anything still queued.
    await hub.publishAsync(topics.cmd("dev-a"), "live for a", { qos: 1 });
    await waitFor("a's live command", () => received.includes("live for a"));
    expect(received).not.toContain("for b only");
    expect(broker.stats().aclDenied.forward).toEqual({ other_device: 1 });
  });

  it("publishes a device's will as retained offline when its connection drops", async () => {
    const broker = await startLevel(levelDir());
    const status = topics.status("dev-a");
    const device = await harness.connect(broker, "dev-a", {
      will: { topic: status, payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    await device.publishAsync(status, "online", { qos: 1, retain: true });
    device.stream.destroy();

    await waitFor("device gone", () => broker.stats().clientsConnected === 0);
    const hub = await harness.connect(broker, "hub");
    const received = collect(hub);
    await hub.subscribeAsync(status, { qos: 1 });
    await waitFor("retained status", () => received.length > 0);
    expect(received).toEqual([{ topic: status, payload: "offline", retain: true }]);
  });

  it("delivers every message to a persistent subscriber even when they reach it out of order: 200 devices each publish a retained inventory and a transition at once, the hub gets all 400", async () => {
    const dir = levelDir();
    const devices = Array.from({ length: 200 }, (_, i) => `dev-${String(i).padStart(3, "0")}`);
    for (const d of devices) harness.credentials.add(principal(d, "device"));
    const broker = await startLevel(dir);
    const hub = await harness.connect(broker, "hub", { clean: false, clientId: "hub" });
    const received = collect(hub);
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    const clients = await Promise.all(devices.map((d) => harness.connect(broker, d)));
    // The retained one takes the broker's slower path (its retained store), so the transition published right after it
    // often reaches the hub first; Aedes' per-client "dedupe" then dropped the retained one as already delivered.
    await Promise.all(
      clients.map((c, i) =>
        Promise.all([
          c.publishAsync(topics.up(devices[i]!, "inventory"), `inventory ${i}`, { qos: 1, retain: true }),
          c.publishAsync(topics.up(devices[i]!, "state"), `state ${i}`, { qos: 1 }),
        ]),
      ),
    );
    await waitFor("all 400 messages at the hub", () => received.length >= 400, 20_000).catch(() => undefined);
    const got = new Set(received.map((r) => r.payload));
    const missing = devices.flatMap((_, i) => [`inventory ${i}`, `state ${i}`]).filter((m) => !got.has(m));
    expect(missing).toEqual([]);
  });
  it("answers a SUBSCRIBE with exactly the retained messages its filter matches, exact or wildcard, cleared ones gone, before and after a restart", async () => {
    const dir = levelDir();
    const first = await startLevel(dir);
    const hub = await harness.connect(first, "hub");
    for (const d of ["dev-a", "dev-b"]) await hub.publishAsync(topics.desired(d), `desired ${d} v1`, { qos: 1, retain: true });
    await hub.publishAsync(topics.desired("dev-a"), "desired dev-a v2", { qos: 1, retain: true });
    await hub.publishAsync(topics.manifest("rel-1"), "manifest 1", { qos: 1, retain: true });
    await hub.publishAsync(topics.manifest("rel-2"), "manifest 2", { qos: 1, retain: true });
    await hub.publishAsync(topics.manifest("rel-2"), "", { qos: 1, retain: true });

    const expectRetained = async (broker: RunningBroker, when: string) => {
      const device = await harness.connect(broker, "dev-a");
      const own = collect(device);
      await device.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
      await waitFor(`dev-a's desired state ${when}`, () => own.length > 0);
      expect(own).toEqual([{ topic: topics.desired("dev-a"), payload: "desired dev-a v2", retain: true }]);

      const watcher = await harness.connect(broker, "hub", { clientId: `hub:watch-${when}` });
      const all = collect(watcher);
      await watcher.subscribeAsync(["verge/v1/devices/+/desired", "verge/v1/releases/#"], { qos: 1 });
      await waitFor(`every retained desired state and manifest ${when}`, () => all.length >= 3);
      expect(all.map((m) => m.payload).sort()).toEqual(["desired dev-a v2", "desired dev-b v1", "manifest 1"]);
      await device.endAsync();
      await watcher.endAsync();
    };
    await expectRetained(first, "before-restart");
    await first.close();
    await expectRetained(await startLevel(dir), "after-restart");
  });
});
