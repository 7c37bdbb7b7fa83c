// Packets refused at the frame (broker/frame-limit.ts): the fixed-header scanner on its own, table-style, and the stage
// in front of a real broker with raw sockets and mqtt.js clients.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import type { Socket } from "node:net";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import type { PacketRefusedEvent } from "../../broker/broker.js";
import { FrameScanner, frameLimits } from "../../broker/frame-limit.js";
import type { FrameVerdict } from "../../broker/frame-limit.js";
import { topics } from "../../proto/index.js";
import { tempDir, waitFor, waitForEvent } from "../helpers/wait.js";
import { BrokerHarness, clientEvent, collect, principal, secretOf } from "./harness.js";
import { fixedHeader } from "./mqtt-bytes.js";

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([fixedHeader(firstByte, body.length), body]);
}

function utf8(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

/** A CONNECT (MQTT 3.1.1, clean session, username and password). */
function connectPacket(clientId: string, username: string, password: string): Buffer {
  const flags = 0x80 | 0x40 | 0x02;
  const variable = Buffer.concat([utf8("MQTT"), Buffer.from([4, flags, 0, 60])]);
  return packet(0x10, Buffer.concat([variable, utf8(clientId), utf8(username), utf8(password)]));
}

/** A QoS 0 PUBLISH. */
function publishPacket(topic: string, payload: Buffer): Buffer {
  return packet(0x30, Buffer.concat([utf8(topic), payload]));
}

/** A SUBSCRIBE with packet id 1 for one filter at QoS 1. */
function subscribePacket(filter: string): Buffer {
  return packet(0x82, Buffer.concat([Buffer.from([0, 1]), utf8(filter), Buffer.from([1])]));
}

const LIMITS = frameLimits(1024, 64 * 1024);

function scanAll(scanner: FrameScanner, chunks: Buffer[]): FrameVerdict {
  for (const chunk of chunks) {
    const verdict = scanner.scan(chunk);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}

function bytewise(buffer: Buffer): Buffer[] {
  return [...buffer].map((byte) => Buffer.from([byte]));
}

describe("frame scanner", () => {
  const connect = connectPacket("dev-a", "dev-a", "secret");

  it.each<[string, Buffer[], FrameVerdict]>([
    ["a CONNECT, a PUBLISH and a SUBSCRIBE within their limits", [connect, publishPacket("t", Buffer.alloc(1024)), subscribePacket("t")], { ok: true }],
    ["a CONNECT declaring 64 MiB, its header alone", [fixedHeader(0x10, 64 * 1024 * 1024)],
      { ok: false, packet: "connect", reason: "too_large", declaredBytes: 64 * 1024 * 1024, limitBytes: 4096 }],
    ["a CONNECT declaring 4 KiB + 1", [packet(0x10, Buffer.alloc(4097))], { ok: false, packet: "connect", reason: "too_large", declaredBytes: 4097, limitBytes: 4096 }],
    ["a PUBLISH first", [publishPacket("t", Buffer.alloc(1))], { ok: false, packet: "publish", reason: "not_connect" }],
    ["a PINGREQ first", [Buffer.from([0xc0, 0])], { ok: false, packet: "pingreq", reason: "not_connect" }],
    ["a second CONNECT", [connect, connect], { ok: false, packet: "connect", reason: "second_connect" }],
    ["a length varint of 5 bytes", [connect, Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])], { ok: false, packet: "publish", reason: "bad_length" }],
    ["a pre-auth PUBLISH over the device limit (pipelined behind CONNECT)", [connect, publishPacket("t", Buffer.alloc(1024 + 512))],
      { ok: false, packet: "publish", reason: "too_large", declaredBytes: 1024 + 512 + 3, limitBytes: 1024 + 512 }],
    ["a SUBSCRIBE over 4 KiB", [connect, subscribePacket("x".repeat(5000))], { ok: false, packet: "subscribe", reason: "too_large", declaredBytes: 5005, limitBytes: 4096 }],
    ["an UNSUBSCRIBE over 4 KiB", [connect, packet(0xa2, Buffer.alloc(5000))], { ok: false, packet: "unsubscribe", reason: "too_large", declaredBytes: 5000, limitBytes: 4096 }],
  ])("%s", (_name, chunks, expected) => {
    expect(scanAll(new FrameScanner(LIMITS), chunks)).toEqual(expected);
  });

  it("reads headers and skips bodies split byte by byte, the same as whole", () => {
    const stream = Buffer.concat([connect, publishPacket("t", Buffer.alloc(300)), subscribePacket("t"), packet(0x30, Buffer.alloc(200 * 1024))]);
    expect(scanAll(new FrameScanner(LIMITS), [stream])).toMatchObject({ ok: false, packet: "publish", declaredBytes: 200 * 1024 });
    expect(scanAll(new FrameScanner(LIMITS), bytewise(stream))).toMatchObject({ ok: false, packet: "publish", declaredBytes: 200 * 1024 });
    const fine = Buffer.concat([connect, publishPacket("t", Buffer.alloc(300)), subscribePacket("t"), Buffer.from([0xc0, 0])]);
    expect(scanAll(new FrameScanner(LIMITS), bytewise(fine))).toEqual({ ok: true });
  });

  it("judges PUBLISH by the role once authenticated: a device by the payload limit, a service by its own", () => {
    const big = publishPacket("t", Buffer.alloc(32 * 1024));
    const device = new FrameScanner(LIMITS);
    device.scan(connect);
    device.authenticated("device");
    expect(device.scan(big)).toMatchObject({ ok: false, reason: "too_large", limitBytes: 1024 + 512 });
    const hub = new FrameScanner(LIMITS);
    hub.scan(connect);
    hub.authenticated("hub");
    expect(hub.scan(big)).toEqual({ ok: true });
    expect(hub.scan(publishPacket("t", Buffer.alloc(64 * 1024)))).toMatchObject({ ok: false, reason: "too_large", limitBytes: 64 * 1024 });
  });
});

/** A self-signed certificate for 127.0.0.1 in `dir` (openssl, Debian package `openssl`). */
function selfSignedCertificate(dir: string): { keyFile: string; certFile: string } {
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile,
    ], { stdio: "ignore" });
  } catch (err) {
    throw new Error(`this test needs openssl (apt-get install openssl): ${(err as Error).message}`);
  }
  return { keyFile, certFile };
}

describe("broker frame limit", () => {
  const harness = new BrokerHarness();
  const sockets: Socket[] = [];
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await harness.cleanup();
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  function rawSocket(port: number): Socket {
    const socket = tcpConnect(port, "127.0.0.1");
    socket.on("error", () => undefined); // the broker resets it; asserted through "close"
    sockets.push(socket);
    return socket;
  }

  async function start(maxPayloadBytes = 1024) {
    for (const p of [principal("dev-a", "device"), principal("hub", "hub")]) harness.credentials.add(p);
    return harness.start({ maxPayloadBytes });
  }

  it("lets a device connect, subscribe and publish, and the hub receive, through the stage", async () => {
    const broker = await start();
    const hub = await harness.connect(broker, "hub");
    const atHub = collect(hub);
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    const device = await harness.connect(broker, "dev-a");
    const atDevice = collect(device);
    await device.subscribeAsync(topics.desired("dev-a"), { qos: 1 });
    await device.publishAsync(topics.up("dev-a", "kpi"), Buffer.alloc(1024, 7), { qos: 1 });
    await hub.publishAsync(topics.desired("dev-a"), Buffer.alloc(40 * 1024, 1), { qos: 1 });
    await waitFor("the device's report at the hub", () => atHub.length === 1);
    await waitFor("the hub's 40 KiB desired state at the device", () => atDevice.length === 1);
    expect(atHub[0]!.payload).toBe(Buffer.alloc(1024, 7).toString());
    expect(atDevice[0]!.payload.length).toBe(40 * 1024);
    expect(broker.stats().packetsRefused).toEqual({});
  });

  it("closes a connection whose CONNECT declares 64 MiB as soon as its header arrived, counts and logs it with the address", async () => {
    const broker = await start();
    const refused = waitForEvent<[PacketRefusedEvent]>(broker, "packetRefused");
    const socket = rawSocket(broker.port);
    const closed = waitForEvent(socket, "close");
    await waitForEvent(socket, "connect");
    socket.write(Buffer.concat([fixedHeader(0x10, 64 * 1024 * 1024), Buffer.alloc(64 * 1024)]));
    const [event] = await refused;
    await closed;
    expect(event).toEqual({ packet: "connect", reason: "too_large", declaredBytes: 64 * 1024 * 1024, limitBytes: 4096, remoteAddress: "127.0.0.1" });
    expect(broker.stats().packetsRefused).toEqual({ connect: { too_large: 1 } });
    expect(await harness.registry.metrics()).toContain('verge_mqtt_packets_refused_total{packet="connect",reason="too_large"} 1');
  });

  it("parses a CONNECT and a PUBLISH header that arrive one byte per write, and refuses the PUBLISH over the device's limit", async () => {
    const broker = await start();
    const hub = await harness.connect(broker, "hub");
    const atHub = collect(hub);
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    const socket = rawSocket(broker.port);
    const closed = waitForEvent(socket, "close");
    await waitForEvent(socket, "connect");
    const connack = waitForEvent<[Buffer]>(socket, "data");
    const writeBytewise = async (bytes: Buffer) => {
      for (const byte of bytes) await new Promise<void>((resolve, reject) => socket.write(Buffer.from([byte]), (err) => (err ? reject(err) : resolve())));
    };
    socket.setNoDelay(true);
    await writeBytewise(connectPacket("dev-a", "dev-a", secretOf("dev-a")));
    const [ack] = await connack;
    expect([...ack]).toEqual([0x20, 2, 0, 0]);
    await writeBytewise(publishPacket(topics.up("dev-a", "kpi"), Buffer.from("small")));
    await waitFor("the byte-by-byte publish at the hub", () => atHub.length === 1);
    expect(atHub[0]).toMatchObject({ topic: topics.up("dev-a", "kpi"), payload: "small" });

    const refused = waitForEvent<[PacketRefusedEvent]>(broker, "packetRefused");
    const oversize = publishPacket(topics.up("dev-a", "kpi"), Buffer.alloc(4096));
    await writeBytewise(oversize.subarray(0, 4));
    const [event] = await refused;
    await closed;
    expect(event).toMatchObject({ packet: "publish", reason: "too_large", limitBytes: 1024 + 512, clientId: "dev-a", remoteAddress: "127.0.0.1" });
    expect(broker.stats().packetsRefused).toEqual({ publish: { too_large: 1 } });
  });

  it("refuses an mqtt.js device's PUBLISH far over maxPayloadBytes at the frame, and nothing of it reaches a subscriber", async () => {
    const broker = await start();
    const hub = await harness.connect(broker, "hub");
    const atHub = collect(hub);
    await hub.subscribeAsync(topics.allUp, { qos: 1 });
    const device = await harness.connect(broker, "dev-a");
    const closed = clientEvent(device, "close");
    device.publish(topics.up("dev-a", "kpi"), Buffer.alloc(1024 * 1024), { qos: 1 });
    await closed;
    expect(broker.stats().packetsRefused).toEqual({ publish: { too_large: 1 } });
    expect(broker.stats().aclDenied.publish).toEqual({});
    expect(await harness.registry.metrics()).toContain('verge_mqtt_packets_refused_total{packet="publish",reason="too_large"} 1');
    // The broker still serves the device when it comes back.
    const back = await harness.connect(broker, "dev-a");
    await back.publishAsync(topics.up("dev-a", "kpi"), "after", { qos: 1 });
    await waitFor("the report after reconnecting", () => atHub.some((m) => m.payload === "after"));
    expect(atHub.map((m) => m.payload)).toEqual(["after"]);
  });

  it("closes a connection whose first packet is not CONNECT, and one that sends a SUBSCRIBE over 4 KiB", async () => {
    const broker = await start();
    const first = rawSocket(broker.port);
    const firstClosed = waitForEvent(first, "close");
    await waitForEvent(first, "connect");
    first.write(publishPacket("verge/v1/devices/dev-a/up/kpi", Buffer.alloc(10)));
    await firstClosed;

    const device = await harness.connect(broker, "dev-a");
    const closed = clientEvent(device, "close");
    device.subscribe(`verge/v1/releases/${"r".repeat(5000)}/manifest`, { qos: 1 });
    await closed;
    expect(broker.stats().packetsRefused).toEqual({ publish: { not_connect: 1 }, subscribe: { too_large: 1 } });
  });

  it("refuses an oversize CONNECT on the TLS listener too, and lets a device in there", async () => {
    const { dir, cleanup } = tempDir("verge-frame-tls-");
    dirs.push(cleanup);
    const { keyFile, certFile } = selfSignedCertificate(dir);
    for (const p of [principal("dev-a", "device")]) harness.credentials.add(p);
    const broker = await harness.start({ tls: { port: 0, keyFile, certFile } });
    const ca = readFileSync(certFile);
    const device = await harness.connect(broker, "dev-a", { protocol: "mqtts", host: "127.0.0.1", port: broker.tlsPort!, ca, rejectUnauthorized: true });
    expect(device.connected).toBe(true);

    const refused = waitForEvent<[PacketRefusedEvent]>(broker, "packetRefused");
    const socket = tlsConnect({ host: "127.0.0.1", port: broker.tlsPort!, ca });
    socket.on("error", () => undefined);
    sockets.push(socket);
    const closed = waitForEvent(socket, "close");
    await waitForEvent(socket, "secureConnect");
    socket.write(Buffer.concat([fixedHeader(0x10, 64 * 1024 * 1024), Buffer.alloc(64 * 1024)]));
    const [event] = await refused;
    await closed;
    expect(event).toMatchObject({ packet: "connect", reason: "too_large", declaredBytes: 64 * 1024 * 1024, remoteAddress: "127.0.0.1" });
    expect(device.connected).toBe(true);
  });
});
