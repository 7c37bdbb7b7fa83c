// A burst larger than Aedes' in-flight limit, of messages most of which no one subscribes to.
import { afterEach, describe, expect, it } from "vitest";
import { topics } from "../../proto/index.js";
import { waitFor } from "../helpers/wait.js";
import { BrokerHarness, collect, principal } from "./harness.js";

describe("broker under a burst", () => {
  const harness = new BrokerHarness();
  afterEach(() => harness.cleanup());

  it("stays up when thousands of messages queue behind full delivery slots, most of them for topics no one subscribes to", async () => {
    for (const p of [principal("dev-a", "device"), principal("hub", "hub")]) harness.credentials.add(p);
    const broker = await harness.start();
    const device = await harness.connect(broker, "dev-a");
    const received = collect(device);
    await device.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
    const hubs = await Promise.all(Array.from({ length: 20 }, (_, i) => harness.connect(broker, "hub", { clientId: `hub:burst-${i}` })));
    await Promise.all(
      hubs.map((hub, h) => {
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < 100; i++) sends.push(hub.publishAsync(topics.desired("dev-a"), `to a ${h} ${i}`, { qos: 0 }));
        for (let i = 0; i < 2000; i++) sends.push(hub.publishAsync(topics.desired(`dev-${h}-${i}`), `to nobody ${i}`, { qos: 0 }));
        return Promise.all(sends);
      }),
    );
    await hubs[0]!.publishAsync(topics.desired("dev-a"), "last", { qos: 1 });
    await waitFor("the last message at dev-a", () => received.some((m) => m.payload === "last"), 30_000);
    expect(received.filter((m) => m.payload.startsWith("to a ")).length).toBe(2000);
  });
});
