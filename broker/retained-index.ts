// Retained messages of the level persistence, answered from memory. aedes-persistence-level 9.2 answers every
// SUBSCRIBE by reading and msgpack-decoding *every* retained message in the database and testing its topic against the
// filter, so each device that subscribes to its own desired topic costs the whole fleet's retained store (status,
// inventory and desired state of every device): connecting a fleet grows as the square of its size. The fleet
// benchmark's profile had 48% of the hub's CPU there (1,000 devices), and 10,000 devices connected at about 5 a second.
//
// This keeps a copy of the retained messages in memory, loaded once when the broker starts and updated on every store
// (written to the database first thing, as before: what survives a restart is unchanged). A filter without wildcards (a
// device's desired topic, a manifest) is one map lookup; a filter with wildcards (the hub's and SCADA's subscriptions)
// tests each retained topic with Qlobber, the matcher Aedes and both persistences use, without decoding anything.
import qlobber from "qlobber";

/** The retained part of aedes-persistence's asynchronous interface (aedes-persistence/asyncPersistence.js). */
export interface RetainedPacket {
  topic: string;
  payload: Buffer;
  [key: string]: unknown;
}
interface AsyncRetainedPersistence {
  setup(broker: unknown): Promise<void>;
  storeRetained(packet: RetainedPacket): Promise<void>;
  createRetainedStream(pattern: string): AsyncIterable<RetainedPacket> | Iterable<RetainedPacket>;
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<RetainedPacket> | Iterable<RetainedPacket>;
}

/** Aedes' own topic-matching options (aedes-persistence, aedes-persistence-level). */
const QLOBBER_OPTIONS = { wildcard_one: "+", wildcard_some: "#", separator: "/", match_empty_levels: true };

function hasWildcard(filter: string): boolean {
  return filter.includes("+") || filter.includes("#");
}

export class RetainedIndex {
  private readonly retained = new Map<string, RetainedPacket>();

  get size(): number {
    return this.retained.size;
  }

  set(packet: RetainedPacket): void {
    if (packet.payload.length === 0) this.retained.delete(packet.topic);
    else this.retained.set(packet.topic, { ...packet });
  }

  *match(filter: string): Generator<RetainedPacket> {
    if (!hasWildcard(filter)) {
      const packet = this.retained.get(filter);
      if (packet !== undefined) yield packet;
      return;
    }
    const matcher = new qlobber.QlobberTrue(QLOBBER_OPTIONS);
    matcher.add(filter);
    for (const [topic, packet] of this.retained) if (matcher.test(topic)) yield packet;
  }
}

/**
 * Puts a RetainedIndex in front of the persistence's retained store (`persistence.asyncPersistence`, replaced in place:
 * the callback layer Aedes talks to calls through it). Returns the index.
 */
export function indexRetained(persistence: { asyncPersistence: unknown }): RetainedIndex {
  const inner = persistence.asyncPersistence as AsyncRetainedPersistence;
  const index = new RetainedIndex();
  const setup = inner.setup.bind(inner);
  const store = inner.storeRetained.bind(inner);
  const readAll = inner.createRetainedStream.bind(inner);
  inner.setup = async (broker) => {
    await setup(broker);
    for await (const packet of readAll("#")) index.set(packet);
  };
  inner.storeRetained = (packet) => {
    // In memory at once, in the order Aedes stores them, so a SUBSCRIBE right after sees the latest message.
    index.set(packet);
    return store(packet);
  };
  inner.createRetainedStream = (pattern) => index.match(pattern);
  inner.createRetainedStreamCombi = (patterns) => (function* () {
    for (const p of patterns) yield* index.match(p);
  })();
  return index;
}
