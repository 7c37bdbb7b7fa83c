// Fault-injection harness for tests: a TCP proxy between clients (agents) and a server (the hub's HTTP or MQTT port),
// on an ephemeral port. It behaves like a cellular link that the test drives: it can cut connections, stall them (stop
// forwarding without closing, what a dead radio link looks like to TCP), throttle them, hold or refuse new ones, on
// command or at random from a seed (chaos), and it counts the bytes it forwarded each way.
//
// Forwarding applies backpressure as a link does: a chunk is read from one side only once the previous one was taken
// by the other side's socket, so the proxy never holds more than one chunk in flight per direction.
//
// Directions: "down" is upstream -> client (a download, messages to the device), "up" is client -> upstream.
// Connections are numbered 1, 2, ... in the order the proxy accepted them.
import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";
import { seededRandom } from "./random.js";

export { seededRandom };

export type Direction = "up" | "down";
export type Directions = Direction | "both";

export type FaultKind = "cut" | "stall";

/** A fault the proxy applied, for the test's assertions and for replaying a failure. */
export interface FaultRecord {
  /** Milliseconds since the proxy started. */
  atMs: number;
  /** The connection it struck; null for a stall of the whole link (stall()). */
  connection: number | null;
  kind: FaultKind;
  cause: "command" | "cutEvery" | "chaos";
  /** For faults placed by byte count: the direction counted and the bytes it had carried on that connection. */
  direction?: Direction;
  atByte?: number;
  /** For stalls with an end. */
  stallMs?: number;
}

/**
 * Random faults, reproducible from `seed`: each connection gets its own plan, drawn from the seed and the connection's
 * number, so the same seed and the same traffic give the same fault points whatever the timing. Faults placed by bytes
 * strike at an exact byte offset of one direction; faults placed by time strike that long after the connection opened.
 * Gaps between faults are exponential (a Poisson process) with the given means; an unset mean means none of that kind.
 * A stall stops both directions of its connection for its duration.
 */
export interface ChaosOptions {
  seed: number;
  /** The direction whose bytes place byte-triggered faults (default "down"). */
  direction?: Direction;
  meanBytesBetweenCuts?: number;
  meanBytesBetweenStalls?: number;
  meanMsBetweenCuts?: number;
  meanMsBetweenStalls?: number;
  /** Length of a stall: fixed, or uniform in [min, max] (default [200, 2000]). */
  stallMs?: number | [number, number];
}

/** One planned fault: at byte `at` of the chaos direction ("bytes"), or `at` ms after the connection opened ("ms"). */
export interface PlannedFault {
  kind: FaultKind;
  trigger: "bytes" | "ms";
  at: number;
  stallMs?: number;
}

export interface TcpProxy {
  readonly port: number;
  readonly url: (scheme: string) => string;
  /** Bytes forwarded from upstream to clients (e.g. artifact bytes that crossed the link). */
  readonly bytesDown: () => number;
  /** Bytes forwarded from clients to upstream (e.g. an upload). */
  readonly bytesUp: () => number;
  /** Connections accepted so far (including refused ones). */
  readonly connections: () => number;
  /** Connections open now. */
  readonly openConnections: () => number;
  /** When each connection was accepted (Date.now()), in order; refused ones too. */
  readonly acceptedAt: () => number[];
  /** New connections wait (accepted, nothing forwarded, no upstream connection) until open(). */
  hold(): void;
  /** New connections are closed at once, as by a server that is down, until open(). */
  refuse(): void;
  /** Ends hold() and refuse(); held connections go through. */
  open(): void;
  /** Limits the bytes per second forwarded in a direction ("down" by default), per connection; 0 = unlimited. */
  throttle(bytesPerSecond: number, direction?: Directions): void;
  /** Destroys every open connection (both sides). */
  cutAll(): void;
  /**
   * Cuts each connection (both sides) once it has carried this many bytes in `direction` ("down" by default: a
   * download; "up": an upload); bytes past the limit are never forwarded (nor counted). 0 = off. The two directions
   * have separate limits.
   */
  cutEvery(bytes: number, direction?: Direction): void;
  /** Connections cut by a fault: cutEvery, chaos (not cutAll). */
  readonly cuts: () => number;
  /**
   * Stops forwarding in `direction` ("both" by default) on every connection, open or new, without closing anything:
   * the bytes wait in the proxy and the sockets' buffers. Ends after `ms` if given, else at resume().
   */
  stall(opts?: { direction?: Directions; ms?: number }): void;
  /** Ends a stall() in `direction` ("both" by default); waiting bytes flow again. */
  resume(direction?: Directions): void;
  /** Random faults on connections accepted from now on (null: none). */
  chaos(options: ChaosOptions | null): void;
  /** Every fault applied so far, in order (cutAll, stall, cutEvery, chaos). */
  readonly faults: () => FaultRecord[];
  /** Points the proxy at another upstream port (a restarted server). */
  retarget(port: number): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------------
// Chaos plans (pure)
// ---------------------------------------------------------------------------------------------------------------------


/** A 32-bit seed for one stream of one connection, mixed from the test's seed (murmur3's finalizer). */
function streamSeed(seed: number, connection: number, stream: number): number {
  let h = (seed ^ Math.imul(connection, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

type Faults = Generator<PlannedFault, void, undefined>;

function nextOf(faults: Faults | null): PlannedFault | null {
  const r = faults?.next();
  return r && !r.done ? r.value : null;
}

const STREAMS = { bytesCut: 0, bytesStall: 1, msCut: 2, msStall: 3 } as const;

function stallLength(options: ChaosOptions, random: () => number): number {
  const s = options.stallMs ?? [200, 2000];
  if (typeof s === "number") return s;
  return Math.round(s[0] + (s[1] - s[0]) * random());
}

/** An endless sequence of faults of one kind and trigger: exponential gaps with the given mean, from `seed`. */
function* faultStream(kind: FaultKind, trigger: "bytes" | "ms", mean: number | undefined, options: ChaosOptions, seed: number): Faults {
  if (mean === undefined || !(mean > 0)) return;
  const random = seededRandom(seed);
  let at = 0;
  for (;;) {
    at += Math.max(1, Math.round(-mean * Math.log(1 - random())));
    yield kind === "stall" ? { kind, trigger, at, stallMs: stallLength(options, random) } : { kind, trigger, at };
  }
}

/** Merges two ascending fault sequences by `at` (ties: the cut first). */
function* merge(a: Faults, b: Faults): Faults {
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && x.value.at <= y.value.at)) {
      yield x.value as PlannedFault;
      x = a.next();
    } else {
      yield y.value;
      y = b.next();
    }
  }
}

/** The byte-triggered and the time-triggered faults chaos plans for one connection, each in ascending order. */
export function chaosFaults(options: ChaosOptions, connection: number): { bytes: Faults; ms: Faults } {
  const seed = (s: number) => streamSeed(options.seed, connection, s);
  return {
    bytes: merge(
      faultStream("cut", "bytes", options.meanBytesBetweenCuts, options, seed(STREAMS.bytesCut)),
      faultStream("stall", "bytes", options.meanBytesBetweenStalls, options, seed(STREAMS.bytesStall)),
    ),
    ms: merge(
      faultStream("cut", "ms", options.meanMsBetweenCuts, options, seed(STREAMS.msCut)),
      faultStream("stall", "ms", options.meanMsBetweenStalls, options, seed(STREAMS.msStall)),
    ),
  };
}

/**
 * The first faults chaos plans for a connection: those placed by bytes up to `maxBytes`, and those placed by time up
 * to `maxMs` (a cut ends the connection, so nothing after the first cut of either kind can strike). For logging a
 * seed's plan and for tests of the harness; the proxy draws from the same sequences.
 */
export function chaosPlan(options: ChaosOptions, connection: number, limits: { maxBytes?: number; maxMs?: number }): PlannedFault[] {
  const { bytes, ms } = chaosFaults(options, connection);
  const take = (faults: Faults, max: number) => {
    const out: PlannedFault[] = [];
    for (const f of faults) {
      if (f.at > max) break;
      out.push(f);
      if (f.kind === "cut") break;
    }
    return out;
  };
  return [...take(bytes, limits.maxBytes ?? 0), ...take(ms, limits.maxMs ?? 0)];
}

/** The seed for a chaos test: VERGE_CHAOS_SEED when set (to replay a failure), else a random one. Log it. */
export function chaosSeed(): number {
  const fromEnv = process.env.VERGE_CHAOS_SEED;
  if (fromEnv !== undefined && fromEnv !== "") return Number(fromEnv) >>> 0;
  return Math.floor(Math.random() * 2 ** 32);
}

// ---------------------------------------------------------------------------------------------------------------------
// The proxy
// ---------------------------------------------------------------------------------------------------------------------

interface LinkState {
  rate: Record<Direction, number>;
  /** stall(): the directions stopped for every connection. */
  stalled: Record<Direction, boolean>;
  cutLimit: Record<Direction, number>;
  bytes: Record<Direction, number>;
  cuts: number;
  faults: FaultRecord[];
  startedAt: number;
}

/** One accepted connection: the client socket, its upstream socket, the two directions and its local stall. */
class Connection {
  upstream: Socket | null = null;
  closed = false;
  /** Chaos stalls of this connection (both directions) under way. */
  private localStalls = 0;
  private readonly wakers = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly byteFaults: Faults | null;
  private nextByteFault: PlannedFault | null = null;
  readonly carried: Record<Direction, number> = { up: 0, down: 0 };

  constructor(
    readonly index: number,
    readonly client: Socket,
    private readonly link: LinkState,
    private readonly chaos: ChaosOptions | null,
    private readonly onClose: (c: Connection) => void,
  ) {
    const plan = chaos ? chaosFaults(chaos, index) : null;
    this.byteFaults = plan?.bytes ?? null;
    this.nextByteFault = nextOf(this.byteFaults);
    if (plan) this.scheduleTimed(plan.ms);
    client.on("error", () => undefined);
    client.on("close", () => this.close());
  }

  /** Connects upstream and starts forwarding both ways. */
  start(port: number, host: string): void {
    if (this.closed) return;
    const upstream = connect(port, host);
    this.upstream = upstream;
    upstream.on("error", () => this.close());
    upstream.on("close", () => this.close());
    this.pump(this.client, upstream, "up");
    this.pump(upstream, this.client, "down");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.client.destroy();
    this.upstream?.destroy();
    this.wake();
    this.onClose(this);
  }

  cut(record: Omit<FaultRecord, "atMs" | "connection" | "kind">): void {
    if (this.closed) return;
    if (record.cause !== "command") this.link.cuts++;
    this.log({ kind: "cut", ...record });
    this.close();
  }

  /** Wakes forwarding that waits on a stall (the link's or this connection's state changed). */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  private log(record: Omit<FaultRecord, "atMs" | "connection">): void {
    this.link.faults.push({ atMs: Date.now() - this.link.startedAt, connection: this.index, ...record });
  }

  private stallFor(ms: number, record: Omit<FaultRecord, "atMs" | "connection" | "kind" | "stallMs">): void {
    this.log({ kind: "stall", stallMs: ms, ...record });
    this.localStalls++;
    this.later(ms, () => {
      this.localStalls--;
      this.wake();
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private scheduleTimed(faults: Faults): void {
    const opened = Date.now();
    const next = () => {
      const f = faults.next();
      if (f.done || this.closed) return;
      const fault = f.value;
      this.later(Math.max(0, opened + fault.at - Date.now()), () => {
        if (fault.kind === "cut") {
          this.cut({ cause: "chaos" });
          return;
        }
        this.stallFor(fault.stallMs ?? 0, { cause: "chaos" });
        next();
      });
    };
    next();
  }

  private isStalled(direction: Direction): boolean {
    return this.link.stalled[direction] || this.localStalls > 0;
  }

  /** Resolves once `direction` may forward (no stall) or the connection closed. */
  private async flowing(direction: Direction): Promise<void> {
    while (!this.closed && this.isStalled(direction)) {
      await new Promise<void>((resolve) => {
        const w = () => {
          this.wakers.delete(w);
          resolve();
        };
        this.wakers.add(w);
      });
    }
  }

  /** The first pending fault placed by bytes in `direction`: cutEvery's limit or the chaos plan's next point. */
  private pendingFault(direction: Direction): { atByte: number; planned: PlannedFault | null } | null {
    const limit = this.link.cutLimit[direction];
    const planned = this.chaos && (this.chaos.direction ?? "down") === direction ? this.nextByteFault : null;
    if (limit > 0 && (!planned || limit <= planned.at)) return { atByte: limit, planned: null };
    if (planned) return { atByte: planned.at, planned };
    return null;
  }

  private pump(from: Socket, to: Socket, direction: Direction): void {
    let queue = Promise.resolve();
    from.on("data", (chunk: Buffer) => {
      from.pause();
      queue = queue.then(() => this.forward(chunk, to, direction)).then(() => {
        if (!this.closed) from.resume();
      });
    });
    from.on("end", () => {
      void queue.then(() => {
        if (!this.closed) to.end();
      });
    });
  }

  /** Forwards one chunk, applying stalls, throttling and the byte-placed faults it crosses. */
  private async forward(chunk: Buffer, to: Socket, direction: Direction): Promise<void> {
    let rest = chunk;
    while (rest.length > 0 && !this.closed) {
      await this.flowing(direction);
      if (this.closed) return;
      const fault = this.pendingFault(direction);
      const room = fault ? Math.max(0, fault.atByte - this.carried[direction]) : rest.length;
      const rate = this.link.rate[direction];
      // Throttled: slices of at most a tenth of a second, so the rate holds over short spans too.
      const size = Math.min(rest.length, room, rate > 0 ? Math.max(1, Math.ceil(rate / 10)) : rest.length);
      const piece = rest.subarray(0, size);
      rest = rest.subarray(size);
      if (piece.length > 0) await this.write(piece, to, direction);
      if (this.closed) return;
      if (fault && this.carried[direction] >= fault.atByte) {
        const where = { direction, atByte: this.carried[direction] };
        if (!fault.planned) {
          this.cut({ cause: "cutEvery", ...where });
          return;
        }
        this.nextByteFault = nextOf(this.byteFaults);
        if (fault.planned.kind === "cut") {
          this.cut({ cause: "chaos", ...where });
          return;
        }
        this.stallFor(fault.planned.stallMs ?? 0, { cause: "chaos", ...where });
      }
    }
  }

  /** Writes and waits until the socket took the bytes (or the connection closed); then the throttle's pause. */
  private async write(piece: Buffer, to: Socket, direction: Direction): Promise<void> {
    this.carried[direction] += piece.length;
    this.link.bytes[direction] += piece.length;
    await new Promise<void>((resolve) => {
      const w = () => {
        this.wakers.delete(w);
        resolve();
      };
      this.wakers.add(w);
      to.write(piece, w);
    });
    const rate = this.link.rate[direction];
    if (rate > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const w = () => {
          this.wakers.delete(w);
          resolve();
        };
        this.wakers.add(w);
        this.later(Math.ceil((piece.length / rate) * 1000), w);
      });
    }
  }
}

function directionsOf(d: Directions): Direction[] {
  return d === "both" ? ["up", "down"] : [d];
}

export async function startTcpProxy(upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<TcpProxy> {
  let target = upstreamPort;
  let held = false;
  let refusing = false;
  let chaos: ChaosOptions | null = null;
  let accepted = 0;
  const acceptedAt: number[] = [];
  const link: LinkState = {
    rate: { up: 0, down: 0 },
    stalled: { up: false, down: false },
    cutLimit: { up: 0, down: 0 },
    bytes: { up: 0, down: 0 },
    cuts: 0,
    faults: [],
    startedAt: Date.now(),
  };
  const open = new Set<Connection>();
  const waiting: Connection[] = [];
  const stallTimers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((client) => {
    accepted++;
    acceptedAt.push(Date.now());
    if (refusing) {
      client.on("error", () => undefined);
      client.destroy();
      return;
    }
    const connection = new Connection(accepted, client, link, chaos, (c) => open.delete(c));
    open.add(connection);
    if (held) waiting.push(connection);
    else connection.start(target, upstreamHost);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const wakeAll = () => {
    for (const c of open) c.wake();
  };
  const resume = (direction: Directions = "both") => {
    for (const d of directionsOf(direction)) link.stalled[d] = false;
    wakeAll();
  };

  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    bytesDown: () => link.bytes.down,
    bytesUp: () => link.bytes.up,
    connections: () => accepted,
    openConnections: () => open.size,
    acceptedAt: () => [...acceptedAt],
    hold: () => {
      held = true;
    },
    refuse: () => {
      refusing = true;
    },
    open: () => {
      held = false;
      refusing = false;
      for (const c of waiting.splice(0)) c.start(target, upstreamHost);
    },
    throttle: (bps, direction = "down") => {
      for (const d of directionsOf(direction)) link.rate[d] = bps;
      wakeAll();
    },
    cutAll: () => {
      for (const c of [...open]) c.cut({ cause: "command" });
    },
    cutEvery: (bytes, direction = "down") => {
      link.cutLimit[direction] = bytes;
    },
    cuts: () => link.cuts,
    stall: (opts = {}) => {
      const direction = opts.direction ?? "both";
      for (const d of directionsOf(direction)) link.stalled[d] = true;
      link.faults.push({ atMs: Date.now() - link.startedAt, connection: null, kind: "stall", cause: "command", ...(opts.ms === undefined ? {} : { stallMs: opts.ms }) });
      if (opts.ms !== undefined) {
        const t = setTimeout(() => {
          stallTimers.delete(t);
          resume(direction);
        }, opts.ms);
        stallTimers.add(t);
      }
    },
    resume,
    chaos: (options) => {
      chaos = options;
    },
    faults: () => link.faults.map((f) => ({ ...f })),
    retarget: (p) => {
      target = p;
    },
    close: async () => {
      for (const t of stallTimers) clearTimeout(t);
      for (const c of [...open]) c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
