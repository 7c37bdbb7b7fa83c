// The fault-injection harness itself (test/helpers/tcp-proxy.ts): cuts, stalls and throttling on command, random
// faults reproducible from a seed, and what they do to a real mqtt.js client and a real agent.
import { randomBytes } from "node:crypto";
import { Socket, createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startAgent } from "../../device-agent/agent.js";
import { TestHub, startBroker } from "../agent/harness.js";
import { chaosPlan, seededRandom, startTcpProxy } from "../helpers/tcp-proxy.js";
import type { ChaosOptions, TcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, testLogger, waitFor, waitForEvent } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/**
 * A server that sends `size` bytes to each connection (a download) and ends it, or keeps it open (`end: false`);
 * records what each connection uploaded.
 */
async function startSource(size: number, opts: { end?: boolean } = {}): Promise<{ port: number; payload: Buffer; uploads: number[] }> {
  const payload = randomBytes(size);
  const uploads: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const i = uploads.push(0) - 1;
    socket.on("data", (chunk: Buffer) => (uploads[i]! += chunk.length));
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    if (opts.end === false) socket.write(payload);
    else if (size > 0) socket.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, payload, uploads };
}

/** An echo server: what a connection sends comes back. */
async function startEcho(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function proxyTo(port: number): Promise<TcpProxy> {
  const proxy = await startTcpProxy(port);
  cleanups.push(() => proxy.close());
  return proxy;
}

/** Connects through the proxy and reads until the connection ends; returns the bytes received. */
function download(proxy: TcpProxy): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = new Socket();
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
    socket.connect(proxy.port, "127.0.0.1");
  });
}

describe("chaos plans", () => {
  const options: ChaosOptions = { seed: 42, meanBytesBetweenCuts: 100_000, meanBytesBetweenStalls: 30_000, stallMs: [100, 300], meanMsBetweenStalls: 500 };

  it("the same seed and connection give the same plan; another seed or connection another one", () => {
    const plan = chaosPlan(options, 1, { maxBytes: 10_000_000, maxMs: 10_000 });
    expect(plan.length).toBeGreaterThan(3);
    expect(chaosPlan(options, 1, { maxBytes: 10_000_000, maxMs: 10_000 })).toEqual(plan);
    expect(chaosPlan({ ...options, seed: 43 }, 1, { maxBytes: 10_000_000, maxMs: 10_000 })).not.toEqual(plan);
    expect(chaosPlan(options, 2, { maxBytes: 10_000_000, maxMs: 10_000 })).not.toEqual(plan);
  });

  it("places faults in order, ends a connection's byte plan at its first cut, keeps stalls within their bounds", () => {
    for (let connection = 1; connection <= 50; connection++) {
      const plan = chaosPlan(options, connection, { maxBytes: 10_000_000 });
      const at = plan.map((f) => f.at);
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect(plan.filter((f) => f.kind === "cut").length).toBeLessThanOrEqual(1);
      if (plan.some((f) => f.kind === "cut")) expect(plan.at(-1)?.kind).toBe("cut");
      for (const f of plan.filter((p) => p.kind === "stall")) {
        expect(f.stallMs).toBeGreaterThanOrEqual(100);
        expect(f.stallMs).toBeLessThanOrEqual(300);
      }
    }
  });

  it("gaps between faults average the configured mean", () => {
    // the first cut of 2000 connections: exponential with mean 100 000 bytes
    const firstCuts = Array.from({ length: 2000 }, (_, i) => chaosPlan({ seed: 7, meanBytesBetweenCuts: 100_000 }, i + 1, { maxBytes: Infinity })[0]!.at);
    const mean = firstCuts.reduce((a, b) => a + b, 0) / firstCuts.length;
    expect(mean).toBeGreaterThan(90_000);
    expect(mean).toBeLessThan(110_000);
  });

  it("the PRNG is reproducible and spreads over [0, 1)", () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const tenths = Array.from({ length: 10 }, (_, k) => xs.filter((x) => x >= k / 10 && x < (k + 1) / 10).length);
    for (const n of tenths) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1200);
    }
  });
});

describe("faults on command", () => {
  it("forwards both ways and counts the bytes", async () => {
    const source = await startSource(300_000);
    const proxy = await proxyTo(source.port);
    const got = await download(proxy);
    expect(got.equals(source.payload)).toBe(true);
    expect(proxy.bytesDown()).toBe(300_000);
    expect(proxy.connections()).toBe(1);
  });

  it("cutEvery: each connection ends after exactly that many bytes in the direction, counted once", async () => {
    const source = await startSource(1_000_000);
    const proxy = await proxyTo(source.port);
    proxy.cutEvery(256 * 1024);
    const got = await download(proxy);
    expect(got.equals(source.payload.subarray(0, 256 * 1024))).toBe(true);
    expect(await download(proxy)).toHaveLength(256 * 1024);
    expect(proxy.cuts()).toBe(2);
    expect(proxy.bytesDown()).toBe(2 * 256 * 1024);
    expect(proxy.faults()).toEqual([
      expect.objectContaining({ connection: 1, kind: "cut", cause: "cutEvery", direction: "down", atByte: 256 * 1024 }),
      expect.objectContaining({ connection: 2, kind: "cut", cause: "cutEvery", direction: "down", atByte: 256 * 1024 }),
    ]);
  });

  it("cutEvery up: an upload is cut after that many bytes", async () => {
    const source = await startSource(0);
    const proxy = await proxyTo(source.port);
    proxy.cutEvery(48 * 1024, "up");
    const socket = new Socket();
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => undefined);
    socket.connect(proxy.port, "127.0.0.1", () => socket.write(randomBytes(200_000)));
    await closed;
    await waitFor("the source to see the upload end", () => source.uploads[0] === 48 * 1024);
    expect(proxy.bytesUp()).toBe(48 * 1024);
    expect(proxy.cuts()).toBe(1);
  });

  it("stall: nothing flows for its duration, the connection stays open, then the waiting bytes arrive", async () => {
    const proxy = await proxyTo(await startEcho());
    const socket = new Socket();
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.connect(proxy.port, "127.0.0.1", resolve));
    cleanups.push(() => void socket.destroy());
    const echoed = () => waitForEvent<[Buffer]>(socket, "data");
    socket.write("before");
    expect(String((await echoed())[0])).toBe("before");

    proxy.stall({ ms: 400 });
    const stalledAt = Date.now();
    const reply = echoed();
    socket.write("during");
    expect(String((await reply)[0])).toBe("during");
    // a lower bound only: on a loaded machine the stall may last longer, never shorter
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(390);
    expect(socket.destroyed).toBe(false);
    expect(proxy.faults()).toEqual([expect.objectContaining({ kind: "stall", cause: "command", connection: null, stallMs: 400 })]);
  });

  it("stall one direction until resume(): the other keeps flowing", async () => {
    const source = await startSource(1000, { end: false });
    const proxy = await proxyTo(source.port);
    proxy.stall({ direction: "up" });
    const socket = new Socket();
    socket.on("error", () => undefined);
    cleanups.push(() => void socket.destroy());
    const downloaded = waitForEvent<[Buffer]>(socket, "data");
    socket.connect(proxy.port, "127.0.0.1", () => socket.write(randomBytes(10_000)));
    // down flows: the source's bytes arrive; up waits in the proxy: nothing forwarded, nothing counted
    expect((await downloaded)[0].length).toBeGreaterThan(0);
    expect(proxy.bytesUp()).toBe(0);
    expect(source.uploads[0]).toBe(0);
    proxy.resume("up");
    await waitFor("the upload to arrive after resume", () => source.uploads[0] === 10_000);
    expect(proxy.bytesUp()).toBe(10_000);
  });

  it("throttle: a download takes at least size / rate", async () => {
    const source = await startSource(200_000);
    const proxy = await proxyTo(source.port);
    proxy.throttle(400_000); // 0.5 s for 200 KB
    const started = Date.now();
    expect(await download(proxy)).toHaveLength(200_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it("refuse: new connections are closed at once until open()", async () => {
    const source = await startSource(1000);
    const proxy = await proxyTo(source.port);
    proxy.refuse();
    expect(await download(proxy)).toHaveLength(0);
    proxy.open();
    expect(await download(proxy)).toHaveLength(1000);
    expect(proxy.connections()).toBe(2);
    expect(proxy.acceptedAt()).toHaveLength(2);
  });

  it("hold: connections wait, then go through on open()", async () => {
    const source = await startSource(1000);
    const proxy = await proxyTo(source.port);
    proxy.hold();
    const pending = download(proxy);
    await waitFor("the connection to be accepted", () => proxy.connections() === 1);
    expect(proxy.bytesDown()).toBe(0);
    proxy.open();
    expect(await pending).toHaveLength(1000);
  });
});

describe("random faults from a seed", () => {
  it("cuts at the planned byte points; the same seed cuts at the same points again", async () => {
    const source = await startSource(2_000_000);
    const options: ChaosOptions = { seed: 1234, meanBytesBetweenCuts: 300_000, meanBytesBetweenStalls: 200_000, stallMs: 20 };
    const run = async () => {
      const proxy = await proxyTo(source.port);
      proxy.chaos(options);
      const lengths = [];
      for (let i = 0; i < 4; i++) lengths.push((await download(proxy)).length);
      return { lengths, faults: proxy.faults().map(({ atMs: _atMs, ...f }) => f) };
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    // and they are the points chaosPlan names, so a failing seed can be looked at without running anything
    for (let connection = 1; connection <= 4; connection++) {
      const plan = chaosPlan(options, connection, { maxBytes: 2_000_000 });
      const applied = first.faults.filter((f) => f.connection === connection);
      expect(applied.map((f) => ({ kind: f.kind, at: f.atByte }))).toEqual(plan.map((p) => ({ kind: p.kind, at: p.at })));
      const cut = plan.find((p) => p.kind === "cut");
      expect(first.lengths[connection - 1]).toBe(cut ? cut.at : 2_000_000);
    }
  });

  it("time-placed cuts end connections that carry no bytes (an idle MQTT session)", async () => {
    const proxy = await proxyTo(await startEcho());
    proxy.chaos({ seed: 99, meanMsBetweenCuts: 200 });
    const socket = new Socket();
    socket.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.connect(proxy.port, "127.0.0.1");
    await closed;
    const planned = chaosPlan({ seed: 99, meanMsBetweenCuts: 200 }, 1, { maxMs: Infinity })[0]!;
    expect(proxy.faults()).toEqual([expect.objectContaining({ connection: 1, kind: "cut", cause: "chaos" })]);
    expect(proxy.faults()[0]!.atMs).toBeGreaterThanOrEqual(planned.at - 5);
  });
});

describe("a stalled link, as MQTT sees it", () => {
  it("an mqtt.js client times out on keepalive while the link is stalled, and reconnects once it flows again", async () => {
    const broker = await startBroker();
    cleanups.push(() => broker.close());
    const proxy = await proxyTo(Number(new URL(broker.url).port));
    const client = mqtt.connect(proxy.url("mqtt"), { keepalive: 1, reconnectPeriod: 50, connectTimeout: 30_000 });
    cleanups.push(() => client.endAsync(true));
    const seen = { connects: 0, offline: 0 };
    client.on("connect", () => seen.connects++);
    client.on("offline", () => seen.offline++);
    await waitFor("connected", () => seen.connects === 1);

    proxy.stall();
    const stalledAt = Date.now();
    await waitFor("the client to give the connection up", () => seen.offline === 1, 10_000);
    // on its keepalive: no answer to its ping within 1.5x keepalive
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(1000);
    // the proxy closed nothing: the client did
    expect(proxy.faults().filter((f) => f.kind === "cut")).toEqual([]);

    proxy.resume();
    await waitFor("connected again", () => seen.connects === 2, 10_000);
    expect(client.connected).toBe(true);
    expect(proxy.connections()).toBeGreaterThanOrEqual(2);
  });

  it("an agent notices a stalled link on keepalive and reconnects after it", async () => {
    const broker = await startBroker();
    cleanups.push(() => broker.close());
    const hub = await new TestHub(broker.url).start();
    cleanups.push(() => hub.close());
    const proxy = await proxyTo(Number(new URL(broker.url).port));
    const data = tempDir("verge-stall-agent-");
    cleanups.push(data.cleanup);
    const base = hub.agentConfig({ deviceId: "sc-stall", dataDir: data.dir, mqttUrl: proxy.url("mqtt"), httpUrl: "http://127.0.0.1:9" });
    const connected = { count: 0 };
    const agent = await startAgent({ ...base, mqtt: { ...base.mqtt, keepaliveS: 1 } }, { logger: testLogger("agent") });
    cleanups.push(() => agent.stop({ abrupt: true }));
    agent.events.on("connected", () => connected.count++);
    await waitFor("the agent connected", () => connected.count === 1);

    proxy.stall();
    // the broker, too, sees the device go silent: its keepalive ends the session and the will says offline
    await waitFor("the will published by the broker", () => hub.status.at(-1) === "offline", 10_000);
    proxy.resume();
    await waitFor("the agent connected again", () => connected.count === 2, 10_000);
    await waitFor("online again", () => hub.status.at(-1) === "online");
    expect(proxy.connections()).toBeGreaterThanOrEqual(2);
  });
});
