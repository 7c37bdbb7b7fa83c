// QoS 1 messages to a persistent session (clean: false) published while it reconnects: each arrives at least once,
// whichever step of Aedes' CONNECT handling the broker is in when it is published (lib/handlers/connect.js:
// authenticate, fetchSubs, restoreSubs, storeWill, registerClient, CONNACK, emptyQueue). The broker is held at a step
// by delaying the callback of the hook or persistence call that step waits for, and the messages are published (and
// acknowledged to their publisher) while it is held. With memory and level persistence. broker/README.md "Delivery".
import type { MqttClient } from "mqtt";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { BrokerOptions, RunningBroker } from "../../broker/broker.js";
import { topics } from "../../proto/index.js";
import { tempDir, waitFor } from "../helpers/wait.js";
import { BrokerHarness, clientEvent, principal } from "./harness.js";

const DEVICE = "dev-a";
const CMD = topics.cmd(DEVICE);
const SESSION = { clean: false, clientId: DEVICE };

/** A point the broker stops at until the test lets it go on. */
class Gate {
  private open: () => void = () => undefined;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  private reach: () => void = () => undefined;
  /** Resolves when the broker got to the gate. */
  readonly reached = new Promise<void>((resolve) => (this.reach = resolve));
  armed = false;

  /** Called by the broker side: marks the gate reached and waits until it is released. */
  hold(): Promise<void> {
    this.reach();
    return this.opened;
  }

  release(): void {
    this.open();
  }
}

interface AedesInternals {
  authenticate(client: { id: string }, username: unknown, password: unknown, done: (...args: unknown[]) => void): void;
  persistence: {
    delWill(client: { id: string }, cb?: unknown): Promise<unknown>;
    outgoingStream(client: { id: string }): Readable;
    outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
  };
}

type Step = "authenticate" | "storeWill" | "emptyQueue";

/**
 * Holds the next CONNECT of DEVICE at `step` once the gate is armed:
 * - `authenticate`: the CONNECT has arrived, nothing of the session is restored (Aedes' authenticate hook);
 * - `storeWill`: the stored subscriptions are live again on the new connection, it is not registered and has no
 *   CONNACK yet (the deletion of its old will, the step after restoreSubs);
 * - `emptyQueue`: CONNACK sent, the queue not sent yet (the stream of queued messages). While held, what the device
 *   acknowledges is not removed from the queue yet (outgoingClearMessageId waits); at release the queue's first entry
 *   is read (the level persistence reads the rest from a snapshot it takes then), then those acknowledgements are
 *   applied, then the rest of the queue is sent: the order a backlog gives when a publish just after the CONNACK is
 *   acknowledged live before Aedes reaches its queue entry.
 * `acknowledgedWhileHeld()` counts the acknowledgements held so far.
 */
function holdAt(broker: RunningBroker, step: Step, gate: Gate): { acknowledgedWhileHeld: () => number } {
  const aedes = broker.aedes as unknown as AedesInternals;
  const persistence = aedes.persistence;
  const ours = (client: { id: string }): boolean => {
    if (!gate.armed || client.id !== DEVICE) return false;
    gate.armed = false;
    return true;
  };
  const heldAcks: (() => Promise<unknown>)[] = [];
  let holdingAcks = false;
  if (step === "authenticate") {
    const authenticate = aedes.authenticate.bind(aedes);
    aedes.authenticate = (client, username, password, done) => {
      // Aedes sets client.id only after authenticate; the CONNECT's id is the username here.
      if (!ours({ id: String(username) })) return authenticate(client, username, password, done);
      void gate.hold().then(() => authenticate(client, username, password, done));
    };
  } else if (step === "storeWill") {
    const delWill = persistence.delWill.bind(persistence);
    persistence.delWill = (client, cb) => (ours(client) ? gate.hold().then(() => delWill(client, cb)) : delWill(client, cb));
  } else {
    const clear = persistence.outgoingClearMessageId.bind(persistence);
    persistence.outgoingClearMessageId = (client, packet) => {
      if (!holdingAcks || client.id !== DEVICE) return clear(client, packet);
      return new Promise((resolve, reject) => heldAcks.push(() => clear(client, packet).then(resolve, reject)));
    };
    const outgoingStream = persistence.outgoingStream.bind(persistence);
    persistence.outgoingStream = (client) => {
      const queued = outgoingStream(client);
      if (!ours(client)) return queued;
      holdingAcks = true;
      return Readable.from(
        (async function* () {
          await gate.hold();
          const entries = queued[Symbol.asyncIterator]() as AsyncIterator<unknown>;
          const first = await entries.next();
          holdingAcks = false;
          await Promise.all(heldAcks.map((apply) => apply()));
          if (first.done === true) return;
          yield first.value;
          for (let next = await entries.next(); next.done !== true; next = await entries.next()) yield next.value;
        })(),
        { objectMode: true },
      );
    };
  }
  return { acknowledgedWhileHeld: () => heldAcks.length };
}

/** Every payload any connection of the session received, in order of arrival. */
function receiveInto(client: MqttClient, into: string[]): MqttClient {
  client.on("message", (_topic, payload) => into.push(payload.toString()));
  return client;
}

/** Publishes QoS 1 commands to the session's topic, each acknowledged to the publisher, and remembers what it sent. */
function commandPublisher(hub: MqttClient): { sent: string[]; publish: (payload: string) => Promise<void> } {
  const sent: string[] = [];
  return {
    sent,
    publish: async (payload) => {
      sent.push(payload);
      await hub.publishAsync(CMD, payload, { qos: 1 });
    },
  };
}

function missingFrom(received: string[], sent: string[]): string[] {
  const got = new Set(received);
  return sent.filter((payload) => !got.has(payload));
}

describe.each(["memory", "level"] as const)("a persistent session reconnecting, %s persistence", (kind) => {
  const harness = new BrokerHarness();
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await harness.cleanup();
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  function start(): Promise<RunningBroker> {
    for (const p of [principal(DEVICE, "device"), principal("hub", "hub")]) harness.credentials.add(p);
    let persistence: BrokerOptions["persistence"] = { kind: "memory" };
    if (kind === "level") {
      const { dir, cleanup } = tempDir("verge-reconnect-");
      dirs.push(cleanup);
      persistence = { kind: "level", dir };
    }
    return harness.start({ persistence });
  }

  async function subscribed(broker: RunningBroker, received: string[]): Promise<MqttClient> {
    const device = receiveInto(await harness.connect(broker, DEVICE, SESSION), received);
    await device.subscribeAsync(CMD, { qos: 1 });
    return device;
  }

  it.each([
    ["the CONNECT is not authenticated yet", "authenticate"],
    ["its subscriptions are live again but no CONNACK is sent", "storeWill"],
    ["the CONNACK is sent but the queued messages are not", "emptyQueue"],
  ] as const)("delivers every QoS 1 command published while %s", async (_what, step) => {
    const broker = await start();
    const received: string[] = [];
    const device = await subscribed(broker, received);
    const hub = await harness.connect(broker, "hub");
    const { sent, publish } = commandPublisher(hub);
    await publish("before");
    await waitFor("the live command", () => received.includes("before"));
    await device.endAsync();
    await publish("offline");

    const gate = new Gate();
    const held = holdAt(broker, step, gate);
    gate.armed = true;
    const back = receiveInto(harness.connectRaw(broker, DEVICE, SESSION), received);
    const connected = clientEvent<[{ sessionPresent: boolean }]>(back, "connect");
    await gate.reached;
    // Each is acknowledged to the hub only after the broker queued and forwarded it.
    for (let i = 0; i < 5; i++) await publish(`held ${i}`);
    if (step === "emptyQueue") {
      // After the CONNACK they are forwarded live too: wait until the device got them and the broker has an
      // acknowledgement in hand (Aedes reads a client's next packets only after it handled the ones before, so the
      // others may wait behind the held one).
      await waitFor("the live copies", () => missingFrom(received, sent.filter((m) => m.startsWith("held"))).length === 0);
      await waitFor("an acknowledgement of a live copy", () => held.acknowledgedWhileHeld() >= 1);
    }
    gate.release();
    const [connack] = await connected;
    expect(connack.sessionPresent).toBe(true);
    await publish("after");

    await waitFor("every command", () => missingFrom(received, sent).length === 0, 5_000).catch(() => undefined);
    // Nothing missing, and the session still connected (Aedes closed it at a queue entry already acknowledged).
    expect({ missing: missingFrom(received, sent), connected: back.connected }).toEqual({ missing: [], connected: true });
  });

  it("delivers every QoS 1 command published while a new connection takes over one that is still open", async () => {
    const broker = await start();
    const received: string[] = [];
    await subscribed(broker, received);
    const hub = await harness.connect(broker, "hub");
    const { sent, publish } = commandPublisher(hub);
    await publish("before");

    // The old connection stays open (a device whose link died unnoticed): Aedes closes it at registerClient.
    const gate = new Gate();
    holdAt(broker, "storeWill", gate);
    gate.armed = true;
    const back = receiveInto(harness.connectRaw(broker, DEVICE, SESSION), received);
    const connected = clientEvent(back, "connect");
    await gate.reached;
    for (let i = 0; i < 5; i++) await publish(`held ${i}`);
    gate.release();
    await connected;
    await publish("after");

    await waitFor("every command", () => missingFrom(received, sent).length === 0, 5_000).catch(() => undefined);
    expect(missingFrom(received, sent)).toEqual([]);
  });

  it("delivers every QoS 1 command of a steady stream across ten reconnects of the session", async () => {
    const broker = await start();
    const received: string[] = [];
    let device = await subscribed(broker, received);
    const hub = await harness.connect(broker, "hub");
    const sent: string[] = [];
    let streaming = true;
    const stream = (async () => {
      for (let i = 0; streaming; i++) {
        const payload = `stream ${i}`;
        sent.push(payload);
        await hub.publishAsync(CMD, payload, { qos: 1 });
      }
    })();
    for (let round = 0; round < 10; round++) {
      // Wait for traffic on this connection, drop it (no DISCONNECT, as a lost link), connect again at once.
      const seen = received.length;
      await waitFor(`commands before reconnect ${round}`, () => received.length >= seen + 3);
      device.stream.destroy();
      device = receiveInto(harness.connectRaw(broker, DEVICE, SESSION), received);
      await clientEvent(device, "connect");
    }
    const seen = received.length;
    await waitFor("commands after the last reconnect", () => received.length >= seen + 3);
    streaming = false;
    await stream;

    await waitFor("every command", () => missingFrom(received, sent).length === 0, 5_000).catch(() => undefined);
    expect(missingFrom(received, sent)).toEqual([]);
  });
});
