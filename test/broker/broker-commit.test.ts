// BrokerOptions.commitPublish: the embedding hub's commit runs for every publish the ACL allowed, before the PUBACK;
// when it throws, the device gets no PUBACK and its connection is closed (MQTT 3.1.1 has no negative PUBACK).
import type { PublishPacket } from "aedes";
import { afterEach, describe, expect, it } from "vitest";
import { topics } from "../../proto/index.js";
import { BrokerHarness, clientEvent, collect, principal } from "./harness.js";
import { waitFor } from "../helpers/wait.js";

const harness = new BrokerHarness();
afterEach(() => harness.cleanup());

describe("broker commitPublish", () => {
  it("runs before the PUBACK, in publish order, and never for a publish the ACL denied", async () => {
    harness.credentials.add(principal("dev-a", "device"));
    const committed: Array<{ clientId: string | null; topic: string; payload: string }> = [];
    const events: string[] = [];
    const broker = await harness.start({
      commitPublish: (clientId: string | null, packet: PublishPacket) => {
        committed.push({ clientId, topic: packet.topic, payload: packet.payload.toString() });
        events.push(`commit ${packet.payload.toString()}`);
      },
    });
    const dev = await harness.connect(broker, "dev-a");
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((m) => dev.publishAsync(topics.up("dev-a", "heartbeat"), m, { qos: 1 }).then(() => events.push(`puback ${m}`))));
    expect(committed.map((c) => c.payload)).toEqual(sent);
    expect(new Set(committed.map((c) => c.clientId))).toEqual(new Set(["dev-a"]));
    for (const m of sent) expect(events.indexOf(`commit ${m}`), `${m} committed before its PUBACK`).toBeLessThan(events.indexOf(`puback ${m}`));

    // Another device's topic: denied by the ACL (connection closed), never committed.
    const closed = clientEvent(dev, "close");
    dev.publish(topics.up("dev-b", "heartbeat"), "forged", { qos: 1 });
    await closed;
    expect(committed.some((c) => c.topic.includes("dev-b"))).toBe(false);
  });

  it("a commit that throws: no PUBACK, the connection is closed, the message is not forwarded; the resent copy is acknowledged once the commit works", async () => {
    harness.credentials.add(principal("dev-a", "device"));
    harness.credentials.add(principal("verge-hub", "hub"));
    let failing = true;
    const attempts: string[] = [];
    const broker = await harness.start({
      commitPublish: (_clientId, packet) => {
        if (!packet.topic.includes("/up/")) return;
        attempts.push(packet.payload.toString());
        if (failing) {
          failing = false;
          throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
        }
      },
    });
    const hub = await harness.connect(broker, "verge-hub");
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    const received = collect(hub);

    const dev = await harness.connect(broker, "dev-a");
    let pubacks = 0;
    dev.on("packetreceive", (p) => {
      if (p.cmd === "puback") pubacks++;
    });
    const closed = clientEvent(dev, "close");
    // Three messages in one write; only the first commit fails, and nothing after it on this connection is taken
    // (Aedes closes the client at the refusal and drops the packets it had already read), so the device's messages
    // reach the hub in order.
    dev.stream.cork();
    for (const m of ["t1", "t2", "t3"]) dev.publish(topics.up("dev-a", "state"), m, { qos: 1 });
    const oneWrite = topics.up("dev-a", "state").length + 6;
    await waitFor("the three PUBLISHes buffered in one write", () => dev.stream.writableLength >= 3 * oneWrite);
    dev.stream.uncork();
    await closed;
    expect(attempts).toEqual(["t1"]);
    expect(pubacks).toBe(0);
    expect(received).toEqual([]);

    // The device reconnects and resends (its outbox kept the message); the commit now succeeds.
    const again = await harness.connect(broker, "dev-a");
    await again.publishAsync(topics.up("dev-a", "state"), "t1", { qos: 1 });
    expect(attempts).toEqual(["t1", "t1"]);
    await waitFor("the stored message forwarded", () => received.length === 1);
    expect(received[0]).toMatchObject({ topic: topics.up("dev-a", "state"), payload: "t1" });
  });
});
