// Oversize packets refused at the frame, before anything is buffered. Aedes' parser (mqtt-packet) collects a packet's
// whole body before it looks at it, so a CONNECT that declares 64 MiB held 64 MiB of the broker's memory before any
// credential was checked. This stage sits between each socket (TCP or TLS) and `aedes.handle`: it reads every MQTT
// fixed header (packet type, then the remaining-length varint, either of which may arrive split across chunks), skips
// the body without looking at it, and destroys the connection as soon as a declared length is over the limit for that
// packet type and for what the connection is (not yet authenticated, a device, a service). The bytes themselves are
// passed through untouched: the chunks the socket read are the chunks Aedes reads.
import { Duplex } from "node:stream";
import type { Socket } from "node:net";
import type { PrincipalRole } from "./credentials.js";

/** MQTT control packet types (MQTT 3.1.1 section 2.2.1), as the metric's `packet` label names them. */
const PACKET_TYPES = [
  "reserved",
  "connect",
  "connack",
  "publish",
  "puback",
  "pubrec",
  "pubrel",
  "pubcomp",
  "subscribe",
  "suback",
  "unsubscribe",
  "unsuback",
  "pingreq",
  "pingresp",
  "disconnect",
  "auth",
] as const;
export type PacketType = (typeof PACKET_TYPES)[number];

const CONNECT = 1;
const PUBLISH = 3;

/**
 * `too_large`: the declared remaining length is over the limit. `not_connect`: the first packet of a connection is
 * not CONNECT. `second_connect`: a CONNECT after the first one (a protocol violation, MQTT-3.1.0-2). `bad_length`: the
 * remaining-length varint does not end within 4 bytes.
 */
export const FRAME_REFUSALS = ["too_large", "not_connect", "second_connect", "bad_length"] as const;
export type FrameRefusal = (typeof FRAME_REFUSALS)[number];

export interface FrameLimits {
  /** CONNECT: a client id of at most 128 characters, a username, a secret and a will fit in a few hundred bytes. */
  connectBytes: number;
  /** SUBSCRIBE, UNSUBSCRIBE and every other packet that is not a PUBLISH. */
  controlBytes: number;
  /** A device's PUBLISH (and any PUBLISH before the connection is authenticated): payload limit plus topic room. */
  devicePublishBytes: number;
  /** A PUBLISH from a service client (hub, scada). */
  servicePublishBytes: number;
}

export const DEFAULT_CONNECT_BYTES = 4 * 1024;
export const DEFAULT_CONTROL_BYTES = 4 * 1024;
export const DEFAULT_SERVICE_PUBLISH_BYTES = 16 * 1024 * 1024;
/**
 * Room for a PUBLISH's variable header beside its payload: the topic's 2-byte length and the topic (a device's longest,
 * `verge/v1/devices/<64 characters>/up/inventory`, is 94 bytes) and the 2-byte packet id, with margin.
 */
export const PUBLISH_HEADER_ALLOWANCE = 512;

export function frameLimits(maxPayloadBytes: number, servicePublishBytes = DEFAULT_SERVICE_PUBLISH_BYTES): FrameLimits {
  return {
    connectBytes: DEFAULT_CONNECT_BYTES,
    controlBytes: DEFAULT_CONTROL_BYTES,
    devicePublishBytes: maxPayloadBytes + PUBLISH_HEADER_ALLOWANCE,
    servicePublishBytes,
  };
}

export type FrameVerdict =
  | { ok: true }
  | { ok: false; packet: PacketType; reason: FrameRefusal; declaredBytes?: number; limitBytes?: number };

const OK: FrameVerdict = { ok: true };

/** Who is on the connection: nothing read yet, CONNECT read (credentials not checked yet), or authenticated. */
type Phase = "awaiting_connect" | "connecting" | "device" | "service";

/**
 * Reads MQTT fixed headers out of a byte stream, chunk by chunk, and judges each declared length. Pure: no I/O.
 * Bodies are skipped by count; a refused verdict is final (the connection is to be closed).
 */
export class FrameScanner {
  private state: "header" | "length" | "body" = "header";
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private phase: Phase = "awaiting_connect";

  constructor(private readonly limits: FrameLimits) {}

  /** From now on PUBLISH packets are judged by the limit of `role`. */
  authenticated(role: PrincipalRole): void {
    this.phase = role === "device" ? "device" : "service";
  }

  scan(chunk: Uint8Array): FrameVerdict {
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      switch (this.state) {
        case "body": {
          const take = Math.min(this.bodyLeft, end - i);
          i += take;
          this.bodyLeft -= take;
          if (this.bodyLeft === 0) this.state = "header";
          break;
        }
        case "header":
          this.type = chunk[i]! >> 4;
          i += 1;
          this.length = 0;
          this.multiplier = 1;
          this.lengthBytes = 0;
          this.state = "length";
          break;
        case "length": {
          const byte = chunk[i]!;
          i += 1;
          this.length += (byte & 0x7f) * this.multiplier;
          this.multiplier *= 128;
          this.lengthBytes += 1;
          if ((byte & 0x80) !== 0) {
            if (this.lengthBytes === 4) return { ok: false, packet: this.packetType(), reason: "bad_length" };
            break;
          }
          const verdict = this.admit();
          if (!verdict.ok) return verdict;
          this.bodyLeft = this.length;
          this.state = this.length === 0 ? "header" : "body";
          break;
        }
      }
    }
    return OK;
  }

  private packetType(): PacketType {
    return PACKET_TYPES[this.type] ?? "reserved";
  }

  /** Judges the packet whose fixed header was just read. */
  private admit(): FrameVerdict {
    const packet = this.packetType();
    if (this.phase === "awaiting_connect") {
      if (this.type !== CONNECT) return { ok: false, packet, reason: "not_connect" };
      this.phase = "connecting";
      return this.within(packet, this.limits.connectBytes);
    }
    if (this.type === CONNECT) return { ok: false, packet, reason: "second_connect" };
    if (this.type === PUBLISH) {
      return this.within(packet, this.phase === "service" ? this.limits.servicePublishBytes : this.limits.devicePublishBytes);
    }
    return this.within(packet, this.limits.controlBytes);
  }

  private within(packet: PacketType, limitBytes: number): FrameVerdict {
    return this.length <= limitBytes ? OK : { ok: false, packet, reason: "too_large", declaredBytes: this.length, limitBytes };
  }
}

export type FrameRefusedListener = (verdict: Extract<FrameVerdict, { ok: false }>, stage: FrameLimitStream) => void;

/**
 * The stream Aedes reads and writes instead of the socket. Reading: each chunk the socket delivers is scanned and
 * pushed on as it is (no copy), with the socket paused while this side's buffer is full; a refused header destroys the
 * socket and this stream before the chunk reaches Aedes. Writing: `write`, `cork` and `uncork` go straight to the
 * socket, whose `drain` is this stream's, so a packet's writes (mqtt-packet writes each field on its own) cost what
 * they cost on the bare socket; the Writable side's own buffer is never used.
 */
export class FrameLimitStream extends Duplex {
  private readonly scanner: FrameScanner;
  private refused = false;
  /** The client id once the connection authenticated, for logs. */
  clientId: string | undefined;
  /** Read at accept time: a destroyed socket no longer tells. */
  readonly remoteAddress: string | undefined;

  constructor(
    readonly socket: Socket,
    limits: FrameLimits,
    private readonly onRefused: FrameRefusedListener,
  ) {
    super({ allowHalfOpen: false });
    this.scanner = new FrameScanner(limits);
    this.remoteAddress = socket.remoteAddress;
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.push(null));
    socket.on("drain", () => this.emit("drain"));
    socket.on("error", (err) => this.destroy(err));
    socket.on("close", () => {
      if (!this.destroyed) this.destroy();
    });
  }

  /** Called once the broker accepted the CONNECT's credentials. */
  authenticated(role: PrincipalRole, clientId: string): void {
    this.scanner.authenticated(role);
    this.clientId = clientId;
  }

  private onData(chunk: Buffer): void {
    if (this.refused) return;
    const verdict = this.scanner.scan(chunk);
    if (!verdict.ok) {
      this.refused = true;
      this.socket.destroy();
      this.destroy();
      this.onRefused(verdict, this);
      return;
    }
    if (!this.push(chunk)) this.socket.pause();
  }

  override _read(): void {
    if (this.socket.isPaused()) this.socket.resume();
  }

  override write(chunk: unknown, encoding?: BufferEncoding | ((err?: Error | null) => void), callback?: (err?: Error | null) => void): boolean {
    if (typeof encoding === "function") return this.socket.write(chunk as Buffer, encoding);
    return encoding === undefined ? this.socket.write(chunk as Buffer, callback) : this.socket.write(chunk as Buffer, encoding, callback);
  }

  override cork(): void {
    this.socket.cork();
  }

  override uncork(): void {
    this.socket.uncork();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    // Only reached through Writable.end(chunk): write() above bypasses the Writable buffer.
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.socket.destroy();
    callback(err);
  }
}
