// The durable telemetry outbox: every device->hub message (state transition, command ack, KPI window, heartbeat,
// inventory) is appended to an on-disk journal before it is sent, and leaves it only when the broker acknowledged it
// (QoS 1 PUBACK). After a reconnect or a restart the rest is sent in seq order; the hub stores by (device, seq), so a
// message sent twice (acked just before a power cut) is stored once.
//
// Journal: <dir>/journal, a sequence of records `u32 length | u32 crc32(body) | body`. Bodies:
//   ADD   1 | u8 kind | u64 seq | payload     appended and fsynced before the message may be sent
//   SENT  2 | u64 seq                         every entry at or below seq may have reached the hub (fsynced before
//                                             the publish): such entries are never merged or dropped again
//   ACK   3 | u64 seq                         acknowledged by the broker (not fsynced: losing one only means a resend)
//   META  4 | json {dropped, merged, highSeq, lastState}   what survives restarts and compaction: the counters, the
//                                             highest seq ever added (a seq high-water mark beside the seq file) and
//                                             the newest state transition ever added (seq + payload, base64), so the
//                                             agent knows after a power cut what it announced even once acknowledged
// A torn tail (a power cut mid-append) fails its length or crc check and is cut off at load, with a warning.
// Compaction rewrites the live entries to a temp file and renames it over the journal (atomic), when dead records
// outweigh live ones, and after every merge or drop so that a merged KPI window can never be resent beside its parts.
//
// Byte budget (`maxBytes`, over the live entries): when an add goes over it the outbox makes room down to 3/4 of the
// budget, losing as little as it can, in this order: older unsent inventories are superseded by the newest (only the
// latest matters: it is retained on the broker); adjacent unsent KPI windows of the same release are merged (their
// counts add up, the window widens) pass after pass; then the oldest unsent heartbeats are dropped (the newest is
// kept); then the oldest unsent KPI windows. State transitions and command acks are never dropped: if they alone
// exceed the budget the outbox grows past it and says so. Drops are counted by kind and reported in heartbeats.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Logger } from "pino";
import { writeFileAtomic } from "./state-file.js";

export const OUTBOX_KINDS = ["state", "ack", "kpi", "heartbeat", "inventory"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxEntry {
  seq: number;
  kind: OutboxKind;
  payload: Buffer;
}

export interface OutboxStats {
  /** Entries waiting to be sent or acknowledged. */
  depth: number;
  /** Their bytes, as counted against the budget (payload + record overhead). */
  bytes: number;
  /** Entries lost to the byte budget since the device was installed, by kind ("kpi", "heartbeat"). */
  dropped: Record<string, number>;
  /** KPI windows merged into a neighbour to make room (no counts lost). */
  merged: number;
  /** Appends that failed (e.g. a full disk): those entries live in memory only until sent. */
  writeErrors: number;
}

export interface OutboxOptions {
  maxBytes: number;
  logger: Logger;
  /** fsync each append (default true). Only the fleet simulator, running thousands of agents, turns it off. */
  fsync?: boolean;
  /** Merges two adjacent KPI reports (older first) into one carrying both windows' counts; null when they cannot be. */
  mergeKpi?: (older: Buffer, newer: Buffer) => Buffer | null;
}

const HEADER = 8; // u32 length + u32 crc
const T_ADD = 1;
const T_SENT = 2;
const T_ACK = 3;
const T_META = 4;
/** Bytes an entry costs against the budget beyond its payload: the record header, type, kind and seq. */
export const ENTRY_OVERHEAD = HEADER + 1 + 1 + 8;

interface Live extends OutboxEntry {
  /** Handed to the MQTT client in this process and not yet acknowledged. */
  inFlight: boolean;
}

export class Outbox {
  private readonly file: string;
  private readonly log: Logger;
  private readonly fsync: boolean;
  private readonly maxBytes: number;
  private readonly mergeKpi: ((older: Buffer, newer: Buffer) => Buffer | null) | undefined;
  /** Live entries by seq; iteration order is kept sorted by seq (entries are added in seq order). */
  private entries = new Map<number, Live>();
  private liveBytes = 0;
  private journalBytes = 0;
  private sentMark = -1;
  private dropped: Record<string, number> = {};
  private merged = 0;
  private writeErrors = 0;
  /** The highest seq ever added (0: none), kept across acknowledgements and compaction. */
  private highSeq = 0;
  /** The newest state transition ever added, kept across acknowledgements and compaction. */
  private lastState: OutboxEntry | undefined;

  constructor(dir: string, opts: OutboxOptions) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "journal");
    this.log = opts.logger.child({ module: "outbox" });
    this.fsync = opts.fsync ?? true;
    this.maxBytes = opts.maxBytes;
    this.mergeKpi = opts.mergeKpi;
    this.load();
  }

  stats(): OutboxStats {
    return { depth: this.entries.size, bytes: this.liveBytes, dropped: { ...this.dropped }, merged: this.merged, writeErrors: this.writeErrors };
  }

  /** The highest seq this journal ever held (0: none): no seq at or below it may be used again. */
  highestSeq(): number {
    return this.highSeq;
  }

  /**
   * The newest state transition ever appended (durable: fsynced before add() returned), whether or not the broker has
   * acknowledged it since: what the hub has or will have as this device's last transition.
   */
  lastStateEntry(): OutboxEntry | undefined {
    return this.lastState && { ...this.lastState };
  }

  /** The live entries in seq order (copies of the list, not of the payloads). */
  list(): OutboxEntry[] {
    return [...this.entries.values()].map(({ seq, kind, payload }) => ({ seq, kind, payload }));
  }

  /**
   * Appends an entry (durably, before it may be sent), then keeps the budget. Seqs must increase. A failed append
   * (full disk, I/O error) is counted and logged; the entry is still kept in memory and sent when the link allows.
   */
  add(entry: OutboxEntry): void {
    const last = Math.max(this.lastSeq() ?? 0, this.highSeq);
    if (entry.seq <= last) throw new Error(`outbox seq ${entry.seq} is not above ${last}`);
    const body = Buffer.alloc(1 + 1 + 8 + entry.payload.length);
    body.writeUInt8(T_ADD, 0);
    body.writeUInt8(OUTBOX_KINDS.indexOf(entry.kind), 1);
    body.writeBigUInt64BE(BigInt(entry.seq), 2);
    entry.payload.copy(body, 10);
    this.append(body, this.fsync);
    this.entries.set(entry.seq, { ...entry, inFlight: false });
    this.noteAdded(entry);
    this.liveBytes += ENTRY_OVERHEAD + entry.payload.length;
    if (entry.kind === "inventory") this.supersedeInventories(entry.seq);
    if (this.liveBytes > this.maxBytes) this.makeRoom();
  }

  /**
   * Up to `limit` entries to send now, oldest first, skipping those already in flight. Persists (fsync) the mark that
   * they may have been sent before returning them, so none of them is merged or dropped after it left.
   */
  takeForSending(limit: number): OutboxEntry[] {
    const out: Live[] = [];
    for (const e of this.entries.values()) {
      if (out.length >= limit) break;
      if (!e.inFlight) out.push(e);
    }
    if (out.length === 0) return [];
    const top = out[out.length - 1]!.seq;
    if (top > this.sentMark) {
      const body = Buffer.alloc(9);
      body.writeUInt8(T_SENT, 0);
      body.writeBigUInt64BE(BigInt(top), 1);
      this.append(body, this.fsync);
      this.sentMark = top;
    }
    for (const e of out) e.inFlight = true;
    return out.map(({ seq, kind, payload }) => ({ seq, kind, payload }));
  }

  /** The broker acknowledged `seq`: it leaves the outbox. */
  acked(seq: number): void {
    const e = this.entries.get(seq);
    if (!e) return;
    this.entries.delete(seq);
    this.liveBytes -= ENTRY_OVERHEAD + e.payload.length;
    const body = Buffer.alloc(9);
    body.writeUInt8(T_ACK, 0);
    body.writeBigUInt64BE(BigInt(seq), 1);
    this.append(body, false);
    if (this.journalBytes > 64 * 1024 + 2 * this.liveBytes) this.compact();
  }

  /** A send failed without an acknowledgement (the client gave up on it): it is sent again later. */
  unsent(seq: number): void {
    const e = this.entries.get(seq);
    if (e) e.inFlight = false;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private noteAdded(entry: OutboxEntry): void {
    this.highSeq = Math.max(this.highSeq, entry.seq);
    if (entry.kind === "state" && (this.lastState === undefined || entry.seq > this.lastState.seq)) this.lastState = { ...entry };
  }

  private lastSeq(): number | undefined {
    let last: number | undefined;
    for (const seq of this.entries.keys()) last = seq;
    return last;
  }

  /** May this entry still be changed (merged, dropped, superseded)? Only if it can never have reached the hub. */
  private mutable(e: Live): boolean {
    return !e.inFlight && e.seq > this.sentMark;
  }

  private remove(e: Live): void {
    this.entries.delete(e.seq);
    this.liveBytes -= ENTRY_OVERHEAD + e.payload.length;
  }

  /** Only the newest inventory matters (retained on the broker); older unsent ones are not sent at all. */
  private supersedeInventories(newest: number): void {
    let changed = false;
    for (const e of this.entries.values()) {
      if (e.kind === "inventory" && e.seq !== newest && this.mutable(e)) {
        this.remove(e);
        changed = true;
      }
    }
    if (changed && this.journalBytes > 64 * 1024 + 2 * this.liveBytes) this.compact();
  }

  private makeRoom(): void {
    const target = Math.floor(this.maxBytes * 0.75);
    const before = { bytes: this.liveBytes, depth: this.entries.size };
    const droppedNow: Record<string, number> = {};
    let mergedNow = 0;

    // 1. KPI windows merged with their neighbour, oldest pairs first, pass after pass: counts are kept.
    if (this.mergeKpi) {
      for (let progress = true; progress && this.liveBytes > target; ) {
        progress = false;
        const kpis = [...this.entries.values()].filter((e) => e.kind === "kpi" && this.mutable(e));
        for (let i = 0; i + 1 < kpis.length && this.liveBytes > target; i += 2) {
          const older = kpis[i]!;
          const newer = kpis[i + 1]!;
          const payload = this.mergeKpi(older.payload, newer.payload);
          if (!payload) {
            i -= 1; // cannot pair these two (e.g. different releases): try the newer with the one after it
            continue;
          }
          this.liveBytes += payload.length - older.payload.length;
          older.payload = payload;
          this.remove(newer);
          mergedNow++;
          progress = true;
        }
      }
    }
    // 2. then the oldest heartbeats (the newest one stays), 3. then the oldest KPI windows.
    for (const kind of ["heartbeat", "kpi"] as const) {
      const candidates = [...this.entries.values()].filter((e) => e.kind === kind && this.mutable(e));
      if (kind === "heartbeat") candidates.pop();
      for (const e of candidates) {
        if (this.liveBytes <= target) break;
        this.remove(e);
        droppedNow[kind] = (droppedNow[kind] ?? 0) + 1;
      }
    }
    for (const [kind, n] of Object.entries(droppedNow)) this.dropped[kind] = (this.dropped[kind] ?? 0) + n;
    this.merged += mergedNow;
    if (mergedNow > 0 || Object.keys(droppedNow).length > 0) this.compact();
    const after = { bytes: this.liveBytes, depth: this.entries.size };
    if (Object.keys(droppedNow).length > 0) {
      this.log.warn({ before, after, dropped: droppedNow, merged: mergedNow, maxBytes: this.maxBytes }, "outbox over its byte budget: telemetry dropped");
    } else if (mergedNow > 0) {
      this.log.info({ before, after, merged: mergedNow, maxBytes: this.maxBytes }, "outbox over its byte budget: KPI windows merged");
    }
    if (this.liveBytes > this.maxBytes) {
      this.log.warn(
        { bytes: this.liveBytes, maxBytes: this.maxBytes, depth: this.entries.size },
        "outbox over its byte budget with only state transitions, acks and in-flight messages left: kept anyway",
      );
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The journal
  // ---------------------------------------------------------------------------------------------------------------

  private record(body: Buffer): Buffer {
    const header = Buffer.alloc(HEADER);
    header.writeUInt32BE(body.length, 0);
    header.writeUInt32BE(crc32(body), 4);
    return Buffer.concat([header, body]);
  }

  private append(body: Buffer, sync: boolean): void {
    const rec = this.record(body);
    try {
      if (sync) {
        const fd = openSync(this.file, "a");
        try {
          writeSync(fd, rec);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } else {
        appendFileSync(this.file, rec);
      }
      this.journalBytes += rec.length;
    } catch (err) {
      this.writeErrors++;
      this.log.error({ err, file: this.file, bytes: rec.length }, "outbox journal append failed: the entry is kept in memory only");
    }
  }

  /** Rewrites the journal with the live entries only (atomic: temp file, fsync, rename). */
  compact(): void {
    const records: Buffer[] = [];
    const lastState = this.lastState && { seq: this.lastState.seq, payload: this.lastState.payload.toString("base64") };
    const meta = Buffer.from(JSON.stringify({ dropped: this.dropped, merged: this.merged, highSeq: this.highSeq, lastState }));
    records.push(this.record(Buffer.concat([Buffer.from([T_META]), meta])));
    for (const e of this.entries.values()) {
      const body = Buffer.alloc(10 + e.payload.length);
      body.writeUInt8(T_ADD, 0);
      body.writeUInt8(OUTBOX_KINDS.indexOf(e.kind), 1);
      body.writeBigUInt64BE(BigInt(e.seq), 2);
      e.payload.copy(body, 10);
      records.push(this.record(body));
    }
    if (this.sentMark >= 0) {
      const body = Buffer.alloc(9);
      body.writeUInt8(T_SENT, 0);
      body.writeBigUInt64BE(BigInt(this.sentMark), 1);
      records.push(this.record(body));
    }
    const data = Buffer.concat(records);
    try {
      writeFileAtomic(this.file, data);
      this.journalBytes = data.length;
    } catch (err) {
      this.writeErrors++;
      this.log.error({ err, file: this.file }, "outbox compaction failed; the journal keeps growing until it succeeds");
    }
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    const data = readFileSync(this.file);
    let at = 0;
    while (at < data.length) {
      if (at + HEADER > data.length) break;
      const length = data.readUInt32BE(at);
      const crc = data.readUInt32BE(at + 4);
      if (length < 1 || at + HEADER + length > data.length) break;
      const body = data.subarray(at + HEADER, at + HEADER + length);
      if (crc32(body) !== crc) break;
      this.apply(body);
      at += HEADER + length;
    }
    if (at < data.length) {
      this.log.warn({ file: this.file, validBytes: at, cutBytes: data.length - at }, "outbox journal ends in a torn record (power cut mid-write): cut off");
      try {
        truncateSync(this.file, at);
      } catch (err) {
        this.log.error({ err, file: this.file }, "could not cut the torn tail off the outbox journal");
      }
    }
    this.journalBytes = at;
    this.liveBytes = 0;
    for (const e of this.entries.values()) this.liveBytes += ENTRY_OVERHEAD + e.payload.length;
    if (this.entries.size > 0) this.log.info({ depth: this.entries.size, bytes: this.liveBytes }, "outbox loaded: telemetry waiting to be sent");
    if (this.journalBytes > 64 * 1024 + 2 * this.liveBytes) this.compact();
  }

  private apply(body: Buffer): void {
    const type = body.readUInt8(0);
    switch (type) {
      case T_ADD: {
        if (body.length < 10) return;
        const kind = OUTBOX_KINDS[body.readUInt8(1)];
        if (!kind) return;
        const seq = Number(body.readBigUInt64BE(2));
        const entry = { seq, kind, payload: Buffer.from(body.subarray(10)) };
        this.entries.set(seq, { ...entry, inFlight: false });
        this.noteAdded(entry);
        return;
      }
      case T_SENT:
        if (body.length >= 9) this.sentMark = Math.max(this.sentMark, Number(body.readBigUInt64BE(1)));
        return;
      case T_ACK:
        if (body.length >= 9) this.entries.delete(Number(body.readBigUInt64BE(1)));
        return;
      case T_META: {
        try {
          const meta = JSON.parse(body.subarray(1).toString("utf8")) as {
            dropped?: Record<string, number>;
            merged?: number;
            highSeq?: number;
            lastState?: { seq?: number; payload?: string };
          };
          this.dropped = { ...(meta.dropped ?? {}) };
          this.merged = meta.merged ?? 0;
          if (Number.isSafeInteger(meta.highSeq) && meta.highSeq! > 0) this.highSeq = Math.max(this.highSeq, meta.highSeq!);
          const last = meta.lastState;
          if (last && Number.isSafeInteger(last.seq) && typeof last.payload === "string") {
            this.noteAdded({ seq: last.seq!, kind: "state", payload: Buffer.from(last.payload, "base64") });
          }
        } catch {
          this.log.warn({ file: this.file }, "outbox journal counters unreadable; counting again from zero");
        }
        return;
      }
      default:
        return;
    }
  }
}
