// One copy of each publish per client, at the highest QoS of the client's matching subscriptions, capped by the
// publish's own QoS (MQTT 3.1.1 section 3.3.5), live and through a persistent session's offline queue.
//
// Aedes gives each subscription of a client its own listener, so a publish that matches two of them (`A/#` and `A/+`)
// reaches the client twice. Its cure ("dedupe": drop a message whose broker counter is not above the last one
// delivered to that client) also dropped messages that overtook others inside the broker, so it is off here
// (README, Decisions). This module replaces it with an exact one: a publish is known by its broker id and broker
// counter, which every copy of it carries, and a client takes the first copy and drops the others. The first copy is
// sent at the QoS chosen from all the client's matching subscriptions, not from whichever listener ran first.
//
// For persistent sessions Aedes also queues each QoS > 0 publish once per matching stored subscription (memory
// persistence: two entries for `A/#` + `A/+`, sent twice at reconnect), at the publish's QoS whatever the
// subscriptions granted, and aedes-persistence-level's topic index drops a client's filter when the same client adds an
// overlapping one (`A/+` after `A/#`: messages for `A/b/c` were not queued while it was offline). The queue side here
// keeps its own index of stored subscriptions and enqueues one entry per client at the QoS chosen the same way.
import qlobber from "qlobber";
import type { Client } from "aedes";
import type { Level } from "level";

export type Qos = 0 | 1 | 2;

/** What an Aedes 1.2 packet in delivery carries (aedes-packet). */
export interface DeliveredPacket {
  topic: string;
  qos: Qos;
  brokerId?: string | null;
  brokerCounter?: number;
  [key: string]: unknown;
}

type Deliver = (packet: DeliveredPacket, callback: () => void) => void;

/** The parts of an Aedes 1.2 client (lib/client.js) this module replaces or reads. */
interface ClientInternals {
  deliver0: Deliver;
  deliverQoS: Deliver;
  duplicates: Record<string, number>;
  subscriptions: Record<string, { qos: Qos }>;
  /** false for a persistent session (CONNECT with clean: false). */
  clean: boolean;
  /** Set once the CONNACK was written; before it, a persistent session's restored subscriptions already receive. */
  connackSent: boolean;
}

/**
 * Whether an MQTT topic filter matches a topic, as Aedes' matcher does (qlobber with `match_empty_levels`): `+` is one
 * level (empty too), `#` the rest (none too: `a/#` matches `a`), and a filter that starts with a wildcard does not match
 * a `$` topic (MQTT-4.7.2-1).
 */
export function filterMatches(filter: string, topic: string): boolean {
  // Level by level with indexes: this runs for every delivery, so it allocates nothing.
  const first = filter.charCodeAt(0);
  if (topic.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false;
  let f = 0;
  let t = 0;
  for (;;) {
    const filterEnd = levelEnd(filter, f);
    const filterLevel = filterEnd - f;
    if (filterLevel === 1 && filter.charCodeAt(f) === HASH) return true;
    if (t > topic.length) return false; // the topic has no level left for this one
    const topicEnd = levelEnd(topic, t);
    if (!(filterLevel === 1 && filter.charCodeAt(f) === PLUS)) {
      if (filterLevel !== topicEnd - t) return false;
      for (let i = 0; i < filterLevel; i++) if (filter.charCodeAt(f + i) !== topic.charCodeAt(t + i)) return false;
    }
    if (filterEnd === filter.length) return topicEnd === topic.length;
    f = filterEnd + 1;
    t = topicEnd + 1;
  }
}

const DOLLAR = 36;
const PLUS = 43;
const HASH = 35;

function levelEnd(text: string, start: number): number {
  const slash = text.indexOf("/", start);
  return slash === -1 ? text.length : slash;
}

/** The highest QoS among `subscriptions` (filter -> granted QoS) whose filter matches `topic`, or undefined. */
export function highestMatchingQos(subscriptions: Record<string, { qos: Qos }>, topic: string): Qos | undefined {
  let highest: Qos | undefined;
  for (const filter in subscriptions) {
    const qos = subscriptions[filter]!.qos;
    if ((highest === undefined || qos > highest) && filterMatches(filter, topic)) highest = qos;
  }
  return highest;
}

/**
 * The identities (broker id, broker counter) of the last few publishes delivered to one client. Every copy of one
 * publish reaches a client in the same synchronous pass of Aedes' emitter over its listeners, so only the latest one
 * is ever asked for; the few slots are margin, and keep it under a hundred bytes per client however long it lives.
 */
export class RecentPublishes {
  private readonly brokerIds: (string | undefined)[];
  private readonly counters: number[];
  private next = 0;

  constructor(capacity = 8) {
    this.brokerIds = new Array<string | undefined>(capacity).fill(undefined);
    this.counters = new Array<number>(capacity).fill(-1);
  }

  /** Records the publish; false when it was already there (a second copy of the same publish). */
  firstTime(brokerId: string, counter: number): boolean {
    for (let i = 0; i < this.counters.length; i++) {
      if (this.counters[i] === counter && this.brokerIds[i] === brokerId) return false;
    }
    this.brokerIds[this.next] = brokerId;
    this.counters[this.next] = counter;
    this.next = (this.next + 1) % this.counters.length;
    return true;
  }
}

/** Aedes' own counter dedupe, disabled: every lookup reads 0, every write is ignored. */
const NO_COUNTER_DEDUPE: Record<string, number> = new Proxy(Object.create(null) as Record<string, number>, { get: () => 0, set: () => true });

/**
 * Installs exact, once-per-publish delivery on a client that has not subscribed yet (call it from `preConnect`:
 * Aedes binds a subscription to the client's deliver functions when it is added, restored sessions included).
 * Each subscription's listener calls `deliverQoS` (granted QoS 1 or 2) or `deliver0` (granted 0); the first copy of a
 * publish goes on at min(publish QoS, highest QoS of the client's matching subscriptions), the others are dropped.
 */
export function deliverOncePerPublish(client: Client): void {
  const internals = client as unknown as ClientInternals;
  internals.duplicates = NO_COUNTER_DEDUPE;
  const sendQos0 = internals.deliver0;
  const sendQos = internals.deliverQoS;
  let recent: RecentPublishes | undefined; // made at the first delivery: most devices get a few messages a day

  const deliverFrom = (listenerQos: Qos): Deliver => (packet, callback) => {
    // A persistent session's stored subscriptions are live from Aedes' restoreSubs step on, before its CONNACK is
    // written, and Aedes writes to a connecting client: a PUBLISH before the CONNACK breaks MQTT-3.2.0-1, and mqtt.js
    // then stalls its connection (it holds the PUBACK until connected, and the CONNACK behind the PUBLISH until the
    // PUBACK is sent) until its connect timeout. Not sent here: a QoS > 0 copy is already in the session's queue
    // (enqueueOffline runs before the emit, queueOncePerPublish queues it for every stored subscription), which Aedes
    // sends after the CONNACK (emptyQueue reads the queue after the CONNACK is written); a QoS 0 one may be dropped
    // as while the session is offline (MQTT 3.1.1 section 3.1.2.4).
    if (!internals.clean && !internals.connackSent) {
      setImmediate(callback);
      return;
    }
    // Packets without a broker id (retained messages answering a SUBSCRIBE) are sent once per filter by Aedes itself.
    if (packet.brokerId) {
      recent ??= new RecentPublishes();
      if (!recent.firstTime(packet.brokerId, packet.brokerCounter ?? 0)) {
        setImmediate(callback);
        return;
      }
    }
    const granted = highestMatchingQos(internals.subscriptions, packet.topic) ?? listenerQos;
    const qos = Math.min(packet.qos, Math.max(granted, listenerQos)) as Qos;
    packet.qos = qos;
    if (qos === 0) sendQos0(packet, callback);
    else sendQos(packet, callback);
  };
  internals.deliver0 = deliverFrom(0);
  internals.deliverQoS = deliverFrom(1);
}

/** A stored subscription as persistences hand them to `outgoingEnqueueCombi`. */
export interface StoredSubscription {
  clientId: string;
  topic: string;
  qos: Qos;
  [key: string]: unknown;
}

/**
 * Queue entries of a persistent session that were acknowledged while Aedes was still sending its queue. After the
 * CONNACK, Aedes sends the queue (emptyQueue) from a read of it that can be older than the entries' acknowledgement:
 * the level persistence reads its queue from a snapshot taken at the first entry read, and a publish that arrives
 * after the CONNACK is both in it and forwarded live; when the live copy's PUBACK comes first (the queue goes out one
 * entry at a time, so behind a backlog it usually does), the entry is gone when Aedes reaches it and its
 * `outgoingUpdate` fails with "no such packet", which Aedes treated as a client error and closed the connection: what
 * came after it was not delivered in that session. Such an entry is marked here and skipped (`authorizeForward` in
 * broker.ts answers null for it, so Aedes does not send it again).
 */
export class AcknowledgedEntries {
  private readonly packets = new WeakSet<object>();

  mark(packet: object): void {
    this.packets.add(packet);
  }

  has(packet: object): boolean {
    return this.packets.has(packet);
  }
}

/** The callback layer of aedes-persistence 10 / aedes-persistence-level 9 (what `aedes.persistence` is). */
interface QueuePersistence {
  asyncPersistence: { subscriptionsByClient(client: { id: string }): Promise<{ topic: string; qos: Qos }[]> };
  addSubscriptions(client: { id: string }, subs: { topic: string; qos: Qos }[]): Promise<unknown>;
  removeSubscriptions(client: { id: string }, topics: string[]): Promise<unknown>;
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  subscriptionsByTopic(topic: string): Promise<StoredSubscription[]>;
  outgoingEnqueueCombi(subs: StoredSubscription[], packet: DeliveredPacket): Promise<unknown>;
  outgoingUpdate(client: { id: string }, packet: DeliveredPacket): Promise<unknown>;
  outgoingClearMessageId(client: { id: string }, packet: DeliveredPacket): Promise<unknown>;
}

/** Both persistences reject `outgoingUpdate` with this when the client's queue has no entry for the packet. */
function isMissingEntry(err: unknown): boolean {
  return err instanceof Error && err.message === "no such packet";
}

/**
 * The stored QoS > 0 subscriptions of persistent sessions, by filter and client, matched the way the live path
 * matches (qlobber, `match_empty_levels`). Exactly what was stored: adding a filter never touches another.
 */
export class StoredSubscriptionIndex {
  private readonly trie = new qlobber.Qlobber<StoredSubscription>({
    wildcard_one: "+",
    wildcard_some: "#",
    separator: "/",
    match_empty_levels: true,
  });
  private readonly byClient = new Map<string, Map<string, StoredSubscription>>();

  add(clientId: string, topic: string, qos: Qos): void {
    this.remove(clientId, topic);
    if (qos === 0) return; // never queued (MQTT 3.1.1 section 3.1.2.4: QoS 0 messages of a session may be dropped)
    const subscription: StoredSubscription = { clientId, topic, qos };
    let topics = this.byClient.get(clientId);
    if (topics === undefined) this.byClient.set(clientId, (topics = new Map<string, StoredSubscription>()));
    topics.set(topic, subscription);
    this.trie.add(topic, subscription);
  }

  remove(clientId: string, topic: string): void {
    const topics = this.byClient.get(clientId);
    const subscription = topics?.get(topic);
    if (topics === undefined || subscription === undefined) return;
    this.trie.remove(topic, subscription);
    topics.delete(topic);
    if (topics.size === 0) this.byClient.delete(clientId);
  }

  removeClient(clientId: string): void {
    for (const topic of [...(this.byClient.get(clientId)?.keys() ?? [])]) this.remove(clientId, topic);
  }

  match(topic: string): StoredSubscription[] {
    return this.trie.match(topic);
  }
}

/**
 * One queue entry per client for each publish, at min(publish QoS, highest QoS of that client's matching stored
 * subscriptions). `subs` may name a client several times (one per matching filter).
 */
export function queueEntries(subs: StoredSubscription[], publishQos: Qos): Map<Qos, StoredSubscription[]> {
  const highest = new Map<string, StoredSubscription>();
  for (const sub of subs) {
    const seen = highest.get(sub.clientId);
    if (seen === undefined || sub.qos > seen.qos) highest.set(sub.clientId, sub);
  }
  const byQos = new Map<Qos, StoredSubscription[]>();
  for (const sub of highest.values()) {
    const qos = Math.min(publishQos, sub.qos) as Qos;
    const group = byQos.get(qos);
    if (group === undefined) byQos.set(qos, [sub]);
    else group.push(sub);
  }
  return byQos;
}

/** Client ids with stored subscriptions in an aedes-persistence-level 9 database (keys `subscriptions:<id>:<filter>`). */
async function levelSubscribers(db: Level): Promise<string[]> {
  const ids = new Set<string>();
  for await (const key of db.keys({ gte: "subscriptions:", lt: "subscriptions;" })) {
    const encoded = key.slice("subscriptions:".length, key.indexOf(":", "subscriptions:".length));
    ids.add(decodeURIComponent(encoded));
  }
  return [...ids];
}

/**
 * Puts the queue side in front of `persistence` (Aedes' `broker.persistence`, after `listen()`): stored subscriptions
 * are mirrored into a StoredSubscriptionIndex (loaded from `db` for the level persistence), `subscriptionsByTopic`
 * answers from it, and `outgoingEnqueueCombi` queues once per client at the chosen QoS. A publish whose queue entry
 * is already gone when Aedes updates it (acknowledged, see AcknowledgedEntries) is marked in `acknowledged` instead
 * of failing the connection.
 */
export async function queueOncePerPublish(
  persistence: unknown,
  db: Level | undefined,
  acknowledged: AcknowledgedEntries,
): Promise<StoredSubscriptionIndex> {
  const queue = persistence as QueuePersistence;
  const index = new StoredSubscriptionIndex();
  if (db !== undefined) {
    for (const id of await levelSubscribers(db)) {
      for (const sub of await queue.asyncPersistence.subscriptionsByClient({ id })) index.add(id, sub.topic, sub.qos);
    }
  }
  const add = queue.addSubscriptions.bind(queue);
  const remove = queue.removeSubscriptions.bind(queue);
  const clean = queue.cleanSubscriptions.bind(queue);
  const enqueue = queue.outgoingEnqueueCombi.bind(queue);
  queue.addSubscriptions = (client, subs) => {
    for (const sub of subs) index.add(client.id, sub.topic, sub.qos);
    return add(client, subs);
  };
  queue.removeSubscriptions = (client, topics) => {
    for (const topic of topics) index.remove(client.id, topic);
    return remove(client, topics);
  };
  queue.cleanSubscriptions = (client) => {
    index.removeClient(client.id);
    return clean(client);
  };
  const update = queue.outgoingUpdate.bind(queue);
  const clearMessageId = queue.outgoingClearMessageId.bind(queue);
  queue.outgoingUpdate = async (client, packet) => {
    try {
      return await update(client, packet);
    } catch (err) {
      // Only a publish from the queue or the live path (it has a broker id): a PUBREL has none and is its own entry.
      if (packet.cmd !== "publish" || !packet.brokerId || !isMissingEntry(err)) throw err;
      acknowledged.mark(packet);
      return undefined;
    }
  };
  // Aedes clears what authorizeForward held back by its packet id; a marked entry has nothing left to clear, and its
  // packet id may already name another entry.
  queue.outgoingClearMessageId = (client, packet) => (acknowledged.has(packet) ? Promise.resolve(undefined) : clearMessageId(client, packet));
  queue.subscriptionsByTopic = (topic) => Promise.resolve(index.match(topic));
  queue.outgoingEnqueueCombi = async (subs, packet) => {
    const groups = [...queueEntries(subs, packet.qos)];
    await Promise.all(groups.map(([qos, group]) => enqueue(group, qos === packet.qos ? packet : { ...packet, qos })));
  };
  return index;
}
