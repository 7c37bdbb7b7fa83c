// Overlapping subscriptions (MQTT 3.1.1 section 3.3.5; Paho interop test_overlapping_subscriptions): one copy per
// publish per client, at the highest QoS of its matching subscriptions capped by the publish QoS, live and through a
// persistent session's offline queue, with memory and level persistence. broker/delivery.ts.
import type { MqttClient } from "mqtt";
import qlobber from "qlobber";
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerOptions, RunningBroker } from "../../broker/broker.js";
import { RecentPublishes, filterMatches, highestMatchingQos, queueEntries } from "../../broker/delivery.js";
import type { Qos } from "../../broker/delivery.js";
import { tempDir, waitFor } from "../helpers/wait.js";
import { BrokerHarness, principal } from "./harness.js";

const ROOT = "verge/v1/overlap";
const A_ALL = `${ROOT}/A/#`;
const A_ONE = `${ROOT}/A/+`;
const TOPIC = `${ROOT}/A/b`;
const DEEP = `${ROOT}/A/b/c`;

interface Got {
  topic: string;
  payload: string;
  qos: number;
}

/** Sorted by payload: mqtt.js hands a QoS 2 message over only at PUBREL, so it may come after a later QoS 1 one. */
function byPayload(got: Got[]): Got[] {
  return [...got].sort((a, b) => a.payload.localeCompare(b.payload));
}

function collectQos(client: MqttClient): Got[] {
  const got: Got[] = [];
  client.on("message", (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos }));
  return got;
}

describe("topic matching and queue choice (pure)", () => {
  const aedesMatcher = (filter: string, topic: string): boolean =>
    new qlobber.QlobberTrue({ wildcard_one: "+", wildcard_some: "#", separator: "/", match_empty_levels: true }).add(filter).test(topic);

  it.each([
    ["a/#", "a/b"], ["a/#", "a"], ["a/#", "a/b/c"], ["a/+", "a/b"], ["a/+", "a/b/c"], ["a/+", "a/"], ["a/+", "a"],
    ["+/+", "a/b"], ["+", "a"], ["+", ""], ["#", "a/b"], ["a/b", "a/b"], ["a/b", "a/c"], ["a/+/c", "a/x/c"],
    ["a/+/c", "a/x/d"], ["+/b", "a/b"], ["/+", "/a"], ["a//b", "a//b"], ["a/+/b", "a//b"],
    ["a/b/#", "a/b"], ["a/b/#", "a"], ["a/b", "a/b/c"], ["a/b", "a"], ["a/+", "a/b/"], ["#", ""], ["a", ""], ["", ""], ["/", "/"],
    ["verge/v1/devices/+/up/+", "verge/v1/devices/dev-1/up/kpi"], ["verge/v1/devices/+/up/+", "verge/v1/devices/dev-1/status"],
  ])("%s against %s matches as Aedes' matcher does", (filter, topic) => {
    expect(filterMatches(filter, topic)).toBe(aedesMatcher(filter, topic));
  });

  it("never lets a filter that starts with a wildcard match a $ topic", () => {
    expect(filterMatches("#", "$SYS/x")).toBe(false);
    expect(filterMatches("+/x", "$SYS/x")).toBe(false);
    expect(filterMatches("$SYS/#", "$SYS/x")).toBe(true);
  });

  it("chooses the highest QoS of the matching subscriptions", () => {
    const subs: Record<string, { qos: Qos }> = { "a/#": { qos: 1 }, "a/+": { qos: 2 }, "a/b/c": { qos: 0 }, "x/#": { qos: 2 } };
    expect(highestMatchingQos(subs, "a/b")).toBe(2);
    expect(highestMatchingQos(subs, "a/b/c")).toBe(1);
    expect(highestMatchingQos(subs, "y")).toBeUndefined();
  });

  it("queues one entry per client, at min(publish QoS, its highest matching subscription)", () => {
    const subs = [
      { clientId: "c1", topic: "a/#", qos: 2 as const },
      { clientId: "c1", topic: "a/+", qos: 1 as const },
      { clientId: "c2", topic: "a/+", qos: 1 as const },
    ];
    expect([...queueEntries(subs, 2)].map(([qos, group]) => [qos, group.map((s) => s.clientId)])).toEqual([[2, ["c1"]], [1, ["c2"]]]);
    expect([...queueEntries(subs, 1)].map(([qos, group]) => [qos, group.map((s) => s.clientId)])).toEqual([[1, ["c1", "c2"]]]);
  });

  it("remembers the last publishes a client got, and forgets the oldest past its capacity", () => {
    const recent = new RecentPublishes(2);
    const seen = [["b", 1], ["b", 1], ["other", 1], ["b", 2], ["b", 1], ["b", 2]] as const;
    expect(seen.map(([id, counter]) => recent.firstTime(id, counter))).toEqual([true, false, true, true, true, false]);
  });
});

describe.each(["memory", "level"] as const)("overlapping subscriptions, %s persistence", (kind) => {
  const harness = new BrokerHarness();
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await harness.cleanup();
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  function persistence(): BrokerOptions["persistence"] {
    if (kind === "memory") return { kind: "memory" };
    const { dir, cleanup } = tempDir("verge-overlap-");
    dirs.push(cleanup);
    return { kind: "level", dir };
  }

  async function start(): Promise<RunningBroker> {
    harness.credentials.add(principal("hub", "hub"));
    return harness.start({ persistence: persistence() });
  }

  /** Waits until every payload in `payloads` has arrived at `got`. */
  function arrived(got: Got[], payloads: string[], what: string): Promise<true> {
    return waitFor(what, () => payloads.every((p) => got.some((m) => m.payload === p)));
  }

  /**
   * Publishes each message in order, then `marker` at QoS 2, and waits until all of them arrived at `got`. The broker
   * writes every copy of the earlier publishes before the marker, so a second copy, if any, has been written by then.
   */
  async function publishThenMarker(publisher: MqttClient, got: Got[], messages: [string, string, Qos][], marker: string): Promise<void> {
    for (const [topic, payload, qos] of messages) await publisher.publishAsync(topic, payload, { qos });
    await publisher.publishAsync(TOPIC, marker, { qos: 2 });
    await arrived(got, [...messages.map(([, payload]) => payload), marker], `${marker} and what came before it`);
  }

  const pairs: [string, Qos, Qos, [Qos, Qos][]][] = [
    // [name, QoS of A/#, QoS of A/+, [publish QoS, expected QoS]...]
    ["A/# at 2 and A/+ at 1", 2, 1, [[2, 2], [1, 1], [0, 0]]],
    ["A/# at 1 and A/+ at 2", 1, 2, [[2, 2], [1, 1], [0, 0]]],
    ["A/# at 1 and A/+ at 0", 1, 0, [[2, 1], [1, 1], [0, 0]]],
    ["A/# at 0 and A/+ at 1", 0, 1, [[2, 1], [1, 1], [0, 0]]],
  ];

  it.each(pairs)("delivers each publish once at the highest QoS with %s", async (_name, allQos, oneQos, cases) => {
    const broker = await start();
    const subscriber = await harness.connect(broker, "hub", { clientId: "hub:subscriber" });
    const got = collectQos(subscriber);
    await subscriber.subscribeAsync({ [A_ALL]: { qos: allQos }, [A_ONE]: { qos: oneQos } });
    const publisher = await harness.connect(broker, "hub", { clientId: "hub:publisher" });
    await publishThenMarker(publisher, got, cases.map(([qos]) => [TOPIC, `published at ${qos}`, qos]), "marker");
    expect(byPayload(got.filter((m) => m.payload !== "marker"))).toEqual(
      byPayload(cases.map(([qos, expected]) => ({ topic: TOPIC, payload: `published at ${qos}`, qos: expected }))),
    );
    expect(got.filter((m) => m.payload === "marker")).toHaveLength(1);
  });

  it("delivers once at the highest QoS to a persistent session that was offline, and once while it is online, with nothing left to resend", async () => {
    const broker = await start();
    const session = { clean: false, clientId: "hub:persistent" };
    const first = await harness.connect(broker, "hub", session);
    await first.subscribeAsync({ [A_ALL]: { qos: 2 }, [A_ONE]: { qos: 1 } });
    await first.endAsync();

    // Published while it is offline; the queue is sent in publish order, so the marker comes last.
    const publisher = await harness.connect(broker, "hub", { clientId: "hub:publisher" });
    await publisher.publishAsync(TOPIC, "offline at 2", { qos: 2 });
    await publisher.publishAsync(TOPIC, "offline at 1", { qos: 1 });
    await publisher.publishAsync(DEEP, "offline deep at 1", { qos: 1 }); // only A/# matches
    await publisher.publishAsync(TOPIC, "marker offline", { qos: 2 });

    const back = harness.connectRaw(broker, "hub", session);
    const got = collectQos(back);
    await arrived(got, ["offline at 2", "offline at 1", "offline deep at 1", "marker offline"], "the queued messages");
    await publishThenMarker(publisher, got, [[TOPIC, "online at 2", 2]], "marker online");
    await back.endAsync();

    // Reconnect once more: an entry queued twice, or never cleared, would come now, before this marker.
    await publisher.publishAsync(TOPIC, "marker again", { qos: 2 });
    const again = harness.connectRaw(broker, "hub", session);
    const gotAgain = collectQos(again);
    await arrived(gotAgain, ["marker again"], "the marker queued for the second reconnect");

    expect(byPayload(got)).toEqual(byPayload([
      { topic: TOPIC, payload: "offline at 2", qos: 2 },
      { topic: TOPIC, payload: "offline at 1", qos: 1 },
      { topic: DEEP, payload: "offline deep at 1", qos: 1 },
      { topic: TOPIC, payload: "marker offline", qos: 2 },
      { topic: TOPIC, payload: "online at 2", qos: 2 },
      { topic: TOPIC, payload: "marker online", qos: 2 },
    ]));
    expect(gotAgain).toEqual([{ topic: TOPIC, payload: "marker again", qos: 2 }]);
  });

  it("queues at the subscriptions' highest QoS, not the publish's, for a persistent session subscribed at 1 and 0", async () => {
    const broker = await start();
    const session = { clean: false, clientId: "hub:low" };
    const first = await harness.connect(broker, "hub", session);
    await first.subscribeAsync({ [A_ALL]: { qos: 1 }, [A_ONE]: { qos: 0 } });
    await first.endAsync();
    const publisher = await harness.connect(broker, "hub", { clientId: "hub:publisher" });
    await publisher.publishAsync(TOPIC, "offline at 2", { qos: 2 });
    await publisher.publishAsync(TOPIC, "marker", { qos: 2 });
    const back = harness.connectRaw(broker, "hub", session);
    const got = collectQos(back);
    await arrived(got, ["offline at 2", "marker"], "the queued messages");
    expect(byPayload(got)).toEqual([
      { topic: TOPIC, payload: "marker", qos: 1 },
      { topic: TOPIC, payload: "offline at 2", qos: 1 },
    ]);
  });
});

describe("overlapping subscriptions of a persistent session across a broker restart (level persistence)", () => {
  const harness = new BrokerHarness();
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await harness.cleanup();
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  it("queues what is published after the restart while the session is offline, once per publish at the highest QoS", async () => {
    const { dir, cleanup } = tempDir("verge-overlap-restart-");
    dirs.push(cleanup);
    harness.credentials.add(principal("hub", "hub"));
    const session = { clean: false, clientId: "hub:persistent" };
    const first = await harness.start({ persistence: { kind: "level", dir } });
    const subscriber = await harness.connect(first, "hub", session);
    await subscriber.subscribeAsync({ [A_ALL]: { qos: 2 }, [A_ONE]: { qos: 1 } });
    await subscriber.endAsync();
    await first.close();

    // The stored subscriptions are all the restarted broker knows of this session.
    const second = await harness.start({ persistence: { kind: "level", dir } });
    const publisher = await harness.connect(second, "hub", { clientId: "hub:publisher" });
    await publisher.publishAsync(TOPIC, "after restart at 2", { qos: 2 });
    await publisher.publishAsync(DEEP, "after restart deep at 1", { qos: 1 });
    await publisher.publishAsync(TOPIC, "marker", { qos: 2 });
    const back = harness.connectRaw(second, "hub", session);
    const got = collectQos(back);
    await waitFor("the queued messages", () => ["after restart at 2", "after restart deep at 1", "marker"].every((p) => got.some((m) => m.payload === p)));
    expect(byPayload(got)).toEqual(byPayload([
      { topic: TOPIC, payload: "after restart at 2", qos: 2 },
      { topic: DEEP, payload: "after restart deep at 1", qos: 1 },
      { topic: TOPIC, payload: "marker", qos: 2 },
    ]));
  });
});
