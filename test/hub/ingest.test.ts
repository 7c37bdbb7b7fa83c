// Telemetry ingest bounds (hub/services/ingest.service.ts): what cannot be true is refused with its own reason,
// counted and stored as a rejection; what is believable is stored; free text is stored cut. A real hub (SQLite file in
// a temp dir), the ingest called the way the MQTT adapter calls it, with the hub's clock passed in.
import Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS, pb, stateToWire, topics } from "../../proto/index.js";
import { loadMigrations, migrate } from "../../hub/db/database.js";
import { DEFAULT_INGEST_LIMITS, TelemetryIngest, implausible } from "../../hub/services/ingest.service.js";
import type { IngestOutcome } from "../../hub/services/ingest.service.js";
import { MAX_STORED_TEXT_BYTES, cutText } from "../../hub/stored-text.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { tempDir } from "../helpers/wait.js";

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** A uint64 as protobufjs writes it exactly (a JS number cannot hold 2^53 + 1); negatives as their two's complement. */
function u64(v: bigint): number {
  const bits = BigInt.asUintN(64, v);
  return { low: Number(bits & 0xffffffffn), high: Number(bits >> 32n), unsigned: true } as unknown as number;
}

const lag = (n: number) => {
  const counts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  counts[0] = n;
  return counts;
};

/** A believable KPI window of one minute ending at `end`, with fields to override. */
function kpi(seq: number | bigint, over: Record<string, unknown> = {}, end = NOW - 1000): Uint8Array {
  return pb.KpiReport.encode({
    deviceId: "sc-1",
    seq: typeof seq === "bigint" ? u64(seq) : seq,
    eventTime: end,
    windowStart: end - MIN,
    windowEnd: end,
    releaseId: "rel-1",
    secondsUp: 58,
    secondsDown: 2,
    eventsProcessed: 1000,
    eventsDropped: 1,
    lagBucketBoundsMs: [...LAG_BUCKET_BOUNDS_MS],
    lagBucketCounts: lag(1000),
    ...over,
  }).finish();
}

function transition(seq: number, over: Record<string, unknown> = {}): Uint8Array {
  return pb.StateTransition.encode({ deviceId: "sc-1", seq, eventTime: NOW - 1000, state: stateToWire("pending"), ...over }).finish();
}

let h: TestHub;
let cleanup: () => void;
let ingest: TelemetryIngest;

beforeEach(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  h = await startTestHub(t.dir);
  await enroll(h, "sc-1");
  ingest = new TelemetryIngest(h.hub.repos.devices, h.hub.repos.telemetry, h.hub.repos.rollouts, h.hub.metrics, pino({ level: "silent" }), DEFAULT_INGEST_LIMITS);
});
afterEach(async () => {
  await h.stop();
  cleanup();
});

const handle = (kind: "kpi" | "state" | "heartbeat" | "ack" | "inventory", payload: Uint8Array, at = NOW): IngestOutcome =>
  h.hub.db.transaction(() => ingest.handle(topics.up("sc-1", kind), payload, at))();

async function rejectedCount(reason: string): Promise<number> {
  const text = await (await fetch(h.hub.addresses.httpUrl + "/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(`verge_telemetry_rejected_total{reason="${reason}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("ingest refuses what cannot be true, each with its own reason", () => {
  it.each([
    ["seq 2^62", () => kpi(2n ** 62n), "seq_out_of_range", /seq 4611686018427388000 is outside 1\.\.2\^53-1/],
    ["seq 2^53 (the first a double cannot tell from 2^53 + 1)", () => kpi(2n ** 53n), "seq_out_of_range", /outside 1\.\.2\^53-1/],
    ["seq 2^53 + 1 (read as 2^53, not rounded into range)", () => kpi(2n ** 53n + 1n), "seq_out_of_range", /outside/],
    ["seq -1 (reads as about 2^64)", () => kpi(-1n), "seq_out_of_range", /negative seq sent as uint64/],
    ["seconds up 2^62", () => kpi(1, { secondsUp: u64(2n ** 62n) }), "number_out_of_range", /seconds_up 4611686018427388000 is beyond 2\^53-1/],
    ["events 2^52 in a minute", () => kpi(1, { eventsProcessed: 2 ** 52, lagBucketCounts: lag(0) }), "kpi_events_beyond_ceiling", /at most 65000000/],
    ["up + down 3,600 s in a 60 s window", () => kpi(1, { secondsUp: 3000, secondsDown: 600 }), "kpi_seconds_beyond_window", /= 3600 in a window of 60 s \(at most 67/],
    ["more lag samples than events", () => kpi(1, { lagBucketCounts: lag(5000) }), "kpi_lag_beyond_events", /counts 5000 events, more than the 1001/],
    ["window end before start", () => kpi(1, { windowStart: NOW - 1000, windowEnd: NOW - 2000 }), "bad_window", /before window_start/],
    ["a window of 40 days", () => kpi(1, { windowStart: NOW - 40 * DAY, secondsUp: 0, secondsDown: 0 }), "window_too_long", /ingest\.maxKpiWindowMs/],
    ["event time 1 h ahead", () => kpi(1, { eventTime: NOW + 60 * MIN }), "event_time_future", /3600000 ms ahead of the hub's clock/],
    ["window end 1 h ahead", () => kpi(1, { windowEnd: NOW + 60 * MIN, windowStart: NOW + 59 * MIN }), "event_time_future", /window_end .* ahead/],
    ["event time 31 days old", () => kpi(1, { eventTime: NOW - 31 * DAY }), "event_time_too_old", /older than ingest\.maxPastAgeMs/],
  ])("%s -> %s", async (_what, payload, reason, detail) => {
    const outcome = handle("kpi", payload());
    expect(outcome).toMatchObject({ result: "rejected", reason });
    expect(outcome.result === "rejected" && outcome.detail).toMatch(detail);
    expect(await rejectedCount(reason)).toBe(1);
    expect(h.hub.repos.telemetry.rejections(10)[0]).toMatchObject({ deviceId: "sc-1", reason, topic: "verge/v1/devices/sc-1/up/kpi" });
    expect(h.hub.db.prepare("SELECT count(*) FROM kpi_reports").pluck().get()).toBe(0);
  });

  it("a heartbeat with a counter past 2^53 is refused and does not reach the device row", () => {
    const hb = pb.Heartbeat.encode({ deviceId: "sc-1", seq: 1, eventTime: NOW - 1000, uptimeS: 5, outboxDepth: u64(2n ** 62n) }).finish();
    expect(handle("heartbeat", hb)).toMatchObject({ result: "rejected", reason: "number_out_of_range" });
    expect(h.hub.repos.devices.get("sc-1")?.lastSeenAt ?? null).toBeNull();
  });

  it("a believable window just inside every bound is stored (one minute: 60 s + 2% + 5 s of slack)", () => {
    expect(handle("kpi", kpi(1, { secondsUp: 60, secondsDown: 7 }))).toMatchObject({ result: "stored" });
    expect(handle("kpi", kpi(2, { eventTime: NOW + 5 * MIN }, NOW + 4 * MIN))).toMatchObject({ result: "stored" });
    // what an agent's outbox sends after a long outage: 29 days old
    expect(handle("kpi", kpi(3, {}, NOW - 29 * DAY + MIN))).toMatchObject({ result: "stored" });
  });

  it("a seq far below the device's last stored one is refused; an exact repeat stays a duplicate; a little below is stored late", () => {
    ingest = new TelemetryIngest(h.hub.repos.devices, h.hub.repos.telemetry, h.hub.repos.rollouts, h.hub.metrics, pino({ level: "silent" }), { ...DEFAULT_INGEST_LIMITS, seqReorderWindow: 5 });
    expect(handle("state", transition(10))).toMatchObject({ result: "stored" });
    expect(handle("kpi", kpi(11))).toMatchObject({ result: "stored" });
    expect(handle("state", transition(10))).toMatchObject({ result: "duplicate" });
    expect(handle("kpi", kpi(11))).toMatchObject({ result: "duplicate" });
    // overtaken in the broker: 9 arrives after 11, within the reorder window
    expect(handle("kpi", kpi(9))).toMatchObject({ result: "stored" });
    const back = handle("state", transition(6, { state: stateToWire("activated") }));
    expect(back).toMatchObject({ result: "rejected", reason: "seq_not_increasing" });
    expect(back.result === "rejected" && back.detail).toBe(
      "seq 6 is 5 below the device's last stored seq 11, more than ingest.seqReorderWindow (5) allows for late delivery: the agent's seq went backwards",
    );
    expect(h.hub.repos.telemetry.transitions("sc-1").map((t) => t.seq)).toEqual([10]);
    expect(h.hub.db.prepare("SELECT seq FROM kpi_reports ORDER BY seq").pluck().all()).toEqual([9, 11]);
  });

  it("a seq stored before ingest checked it (a REAL 2^62 row) does not bar the device's later telemetry", () => {
    h.hub.db.prepare("INSERT INTO heartbeats (device_id, seq, event_time, received_at, uptime_s) VALUES ('sc-1', 4611686018427387904.0, ?, ?, 1)").run(NOW, NOW);
    expect(h.hub.repos.telemetry.lastSeq("sc-1")).toBe(0);
    expect(handle("state", transition(3))).toMatchObject({ result: "stored" });
  });

  it("last_seen_at follows the event time but never goes ahead of the hub's clock", () => {
    expect(handle("state", transition(1, { eventTime: NOW + 4 * MIN }))).toMatchObject({ result: "stored" });
    expect(h.hub.repos.devices.get("sc-1")?.lastSeenAt).toBe(NOW);
  });
});

describe("free text is stored cut to MAX_STORED_TEXT_BYTES", () => {
  it("a transition's 164 KB detail and reason, an ack's detail: cut on a character boundary, with the marker", () => {
    const detail = "ß".repeat(82 * 1024); // 164 KiB of 2-byte characters
    expect(handle("state", transition(1, { state: stateToWire("failed"), reason: "x".repeat(5000), detail }))).toMatchObject({ result: "stored" });
    const [t] = h.hub.repos.telemetry.transitions("sc-1");
    expect(Buffer.byteLength(t!.detail!)).toBeLessThanOrEqual(MAX_STORED_TEXT_BYTES);
    expect(t!.detail).toMatch(/^ß+… \[cut \d+ bytes\]$/);
    expect(Buffer.byteLength(t!.reason!)).toBeLessThanOrEqual(MAX_STORED_TEXT_BYTES);
    const ack = pb.CommandAck.encode({ deviceId: "sc-1", seq: 2, eventTime: NOW - 1000, commandId: "c-1", commandSeq: 1, status: 4, reason: "r", detail: "€".repeat(10_000) }).finish();
    expect(handle("ack", ack)).toMatchObject({ result: "stored" });
    const stored = h.hub.db.prepare("SELECT detail FROM command_acks WHERE device_id = 'sc-1'").pluck().get() as string;
    expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(MAX_STORED_TEXT_BYTES);
    expect(stored).toMatch(/^€+… \[cut \d+ bytes\]$/);
  });

  it("a rejection's detail quoting what the device sent is cut too", () => {
    const forged = pb.StateTransition.encode({ deviceId: "x".repeat(100_000), seq: 1, eventTime: NOW, state: stateToWire("pending") }).finish();
    expect(handle("state", forged)).toMatchObject({ result: "rejected", reason: "device_mismatch" });
    expect(Buffer.byteLength(h.hub.repos.telemetry.rejections(1)[0]!.detail)).toBeLessThanOrEqual(MAX_STORED_TEXT_BYTES);
  });

  it.each([
    ["short text stays", "ok", 2048, "ok"],
    ["cut on a boundary of a 3-byte character", "€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€", 40, "€€€€€€€… [cut 69 bytes]"],
    ["4-byte characters are never split", "😀😀😀😀😀😀😀😀😀😀", 30, "😀😀😀… [cut 28 bytes]"],
  ])("cutText: %s", (_what, text, max, expected) => {
    const out = cutText(text, max);
    expect(out).toBe(expected);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(max);
  });
});

describe("implausible (pure)", () => {
  it("a transition with bytes_done past 2^53 is refused by field name", () => {
    const m = pb.StateTransition.decode(transition(1, { bytesDone: u64(2n ** 60n), bytesTotal: 10 }));
    const bad = implausible({ kind: "state", message: m }, DEFAULT_INGEST_LIMITS, NOW);
    expect(bad?.reason).toBe("number_out_of_range");
    expect(bad?.detail).toMatch(/^bytes_done /);
  });
});

describe("migration 0011 repairs what unbounded ingest stored", () => {
  it("a rollout device's last_seq of 2^62 (REAL) or -1 goes back to its highest believable transition; a far-future last_seen_at to its last receipt", () => {
    const t = tempDir("verge-ingest-migration-");
    const db = new Database(`${t.dir}/verge.db`);
    try {
      migrate(db, loadMigrations().filter((m) => m.version <= 9));
      // only the rows the repair reads: no releases or rollouts behind them
      db.pragma("foreign_keys = OFF");
      db.prepare("INSERT INTO devices (id, variant, created_at, created_by, last_seen_at) VALUES ('sc-1', 'sc-x1', 0, 'test', ?), ('sc-2', 'sc-x1', 0, 'test', ?)").run(NOW + 300 * DAY, NOW - MIN);
      const transition = db.prepare("INSERT INTO state_transitions (device_id, seq, event_time, received_at, rollout_id, state) VALUES ('sc-1', ?, 0, ?, 'ro-1', 'pending')");
      transition.run(4, NOW - 2 * MIN);
      transition.run(4611686018427387904.0, NOW - MIN);
      const member = db.prepare("INSERT INTO rollout_devices (rollout_id, device_id, last_seq, created_at, updated_at) VALUES (?, ?, ?, 0, 0)");
      member.run("ro-1", "sc-1", 4611686018427387904.0);
      member.run("ro-2", "sc-1", -1);
      member.run("ro-3", "sc-2", 17);
      expect(migrate(db)).toContain("0011_evaluation_failure.sql");
      expect(db.prepare("SELECT rollout_id, last_seq FROM rollout_devices ORDER BY rollout_id").raw().all()).toEqual([["ro-1", 4], ["ro-2", 0], ["ro-3", 17]]);
      expect(db.prepare("SELECT id, last_seen_at FROM devices ORDER BY id").raw().all()).toEqual([["sc-1", NOW - MIN], ["sc-2", NOW - MIN]]);
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
