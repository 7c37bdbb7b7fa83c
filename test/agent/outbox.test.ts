// The durable telemetry outbox on real files: survives restarts and torn writes, keeps its byte budget by merging KPI
// windows before dropping anything, never drops transitions or acks, and counts what it lost.
import { appendFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergeKpiReports } from "../../device-agent/decisions.js";
import { ENTRY_OVERHEAD, Outbox } from "../../device-agent/outbox.js";
import type { OutboxKind } from "../../device-agent/outbox.js";
import { LAG_BUCKET_BOUNDS_MS, pb } from "../../proto/index.js";
import { capturingLogger, tempDir } from "../helpers/wait.js";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir("verge-outbox-")));
afterEach(() => cleanup());

const mergeKpi = (older: Buffer, newer: Buffer): Buffer | null => {
  const merged = mergeKpiReports(pb.KpiReport.decode(older), pb.KpiReport.decode(newer));
  return merged ? Buffer.from(pb.KpiReport.encode(pb.KpiReport.create(merged)).finish()) : null;
};

function kpi(seq: number, start: number, opts: { releaseId?: string; up?: number; down?: number; processed?: number; dropped?: number } = {}): Buffer {
  const counts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  counts[seq % counts.length] = 10;
  return Buffer.from(
    pb.KpiReport.encode(
      pb.KpiReport.create({
        deviceId: "sc-1",
        seq,
        eventTime: start + 60_000,
        windowStart: start,
        windowEnd: start + 60_000,
        releaseId: opts.releaseId ?? "rel-1",
        secondsUp: opts.up ?? 59,
        secondsDown: opts.down ?? 1,
        eventsProcessed: opts.processed ?? 1000,
        eventsDropped: opts.dropped ?? 2,
        lagBucketBoundsMs: [...LAG_BUCKET_BOUNDS_MS],
        lagBucketCounts: counts,
      }),
    ).finish(),
  );
}

const other = (seq: number, size = 40): Buffer => Buffer.alloc(size, seq % 251);

function open(maxBytes = 1024 * 1024) {
  const { logger, lines } = capturingLogger();
  return { outbox: new Outbox(join(dir, "outbox"), { maxBytes, logger, mergeKpi }), lines };
}

const kinds = (o: Outbox): string[] => o.list().map((e) => `${e.seq}:${e.kind}`);

describe("outbox", () => {
  it("keeps what was not acknowledged across a restart, in seq order; acknowledged entries are gone", () => {
    const { outbox } = open();
    const added: Array<[number, OutboxKind]> = [
      [1, "state"],
      [2, "heartbeat"],
      [3, "kpi"],
      [4, "ack"],
      [5, "inventory"],
    ];
    for (const [seq, kind] of added) outbox.add({ seq, kind, payload: kind === "kpi" ? kpi(seq, 0) : other(seq) });
    const sent = outbox.takeForSending(3);
    expect(sent.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(outbox.takeForSending(10).map((e) => e.seq)).toEqual([4, 5]); // not the ones in flight
    outbox.acked(1);
    outbox.acked(3);

    const again = open().outbox; // a restart: the journal is read back
    expect(kinds(again)).toEqual(["2:heartbeat", "4:ack", "5:inventory"]);
    expect(again.list()[0]!.payload.equals(other(2))).toBe(true);
    // nothing is in flight in a new process: everything goes out again, oldest first
    expect(again.takeForSending(10).map((e) => e.seq)).toEqual([2, 4, 5]);
    expect(() => again.add({ seq: 5, kind: "state", payload: other(5) })).toThrow(/not above 5/);
  });

  it("cuts off a torn record at the end of the journal (a power cut mid-write), keeping every whole one", () => {
    const { outbox } = open();
    outbox.add({ seq: 1, kind: "state", payload: other(1) });
    outbox.add({ seq: 2, kind: "state", payload: other(2) });
    const file = join(dir, "outbox", "journal");
    const whole = statSync(file).size;
    appendFileSync(file, Buffer.from([0, 0, 0, 60, 1, 2, 3, 4, 1, 0])); // a header promising 60 bytes, then 2
    const { outbox: reopened, lines } = open();
    expect(kinds(reopened)).toEqual(["1:state", "2:state"]);
    expect(statSync(file).size).toBe(whole);
    expect(lines.find((l) => l.msg === "outbox journal ends in a torn record (power cut mid-write): cut off")).toMatchObject({ cutBytes: 10 });
    reopened.add({ seq: 3, kind: "state", payload: other(3) });
    expect(kinds(open().outbox)).toEqual(["1:state", "2:state", "3:state"]);
  });

  it("over its budget merges KPI windows first: the counts add up and the windows join", () => {
    const size = ENTRY_OVERHEAD + kpi(1, 0).length;
    const { outbox, lines } = open(size * 8);
    const start = 1_700_000_000_000;
    for (let seq = 1; seq <= 9; seq++) outbox.add({ seq, kind: "kpi", payload: kpi(seq, start + (seq - 1) * 60_000) });

    const stats = outbox.stats();
    expect(stats.bytes).toBeLessThanOrEqual(size * 8);
    expect(stats.dropped).toEqual({});
    expect(stats.merged).toBeGreaterThan(0);
    const reports = outbox.list().map((e) => pb.KpiReport.decode(e.payload));
    expect(reports.length).toBe(9 - stats.merged);
    // nothing lost: the sums are those of the nine windows, the windows still cover the whole span without overlap
    expect(reports.reduce((s, r) => s + Number(r.secondsUp), 0)).toBe(9 * 59);
    expect(reports.reduce((s, r) => s + Number(r.eventsProcessed), 0)).toBe(9000);
    expect(reports.reduce((s, r) => s + Number(r.eventsDropped), 0)).toBe(18);
    expect(reports.map((r) => r.lagBucketCounts.reduce((a, b) => a + Number(b), 0)).reduce((a, b) => a + b, 0)).toBe(90);
    expect(Number(reports[0]!.windowStart)).toBe(start);
    expect(Number(reports.at(-1)!.windowEnd)).toBe(start + 9 * 60_000);
    for (let i = 1; i < reports.length; i++) expect(Number(reports[i]!.windowStart)).toBe(Number(reports[i - 1]!.windowEnd));
    // each report still carries the seq of its entry (the hub stores by it)
    expect(reports.map((r) => Number(r.seq))).toEqual(outbox.list().map((e) => e.seq));
    expect(lines.some((l) => l.msg === "outbox over its byte budget: KPI windows merged")).toBe(true);
    // the merge is on disk: a restart sees the merged windows, not their parts
    expect(kinds(open(size * 8).outbox)).toEqual(kinds(outbox));
  });

  it("then drops the oldest heartbeats, then the oldest KPI windows; transitions and acks are never dropped; drops are counted across restarts", () => {
    const maxBytes = 2000;
    const { outbox, lines } = open(maxBytes);
    let seq = 0;
    for (let i = 0; i < 10; i++) outbox.add({ seq: ++seq, kind: "state", payload: other(seq, 60) });
    for (let i = 0; i < 4; i++) outbox.add({ seq: ++seq, kind: "ack", payload: other(seq, 60) });
    // KPI windows of two releases alternate, so they cannot be merged with each other
    for (let i = 0; i < 6; i++) outbox.add({ seq: ++seq, kind: "kpi", payload: kpi(seq, i * 60_000, { releaseId: i % 2 ? "rel-a" : "rel-b" }) });
    for (let i = 0; i < 20; i++) outbox.add({ seq: ++seq, kind: "heartbeat", payload: other(seq, 50) });

    const stats = outbox.stats();
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
    const left = outbox.list();
    expect(left.filter((e) => e.kind === "state")).toHaveLength(10);
    expect(left.filter((e) => e.kind === "ack")).toHaveLength(4);
    expect(stats.dropped.heartbeat).toBeGreaterThan(0);
    // the newest heartbeat is kept
    expect(left.filter((e) => e.kind === "heartbeat").map((e) => e.seq)).toContain(seq);
    expect(lines.find((l) => l.msg === "outbox over its byte budget: telemetry dropped")).toMatchObject({ maxBytes });

    // keep adding transitions: KPI windows go next, oldest first; transitions stay even past the budget
    for (let i = 0; i < 30; i++) outbox.add({ seq: ++seq, kind: "state", payload: other(seq, 60) });
    const after = outbox.stats();
    expect(after.dropped.kpi).toBe(6);
    expect(outbox.list().filter((e) => e.kind === "state")).toHaveLength(40);
    expect(after.bytes).toBeGreaterThan(maxBytes);
    expect(lines.some((l) => String(l.msg).startsWith("outbox over its byte budget with only state transitions"))).toBe(true);

    const reopened = open(maxBytes).outbox;
    expect(reopened.stats().dropped).toEqual(after.dropped);
    expect(kinds(reopened)).toEqual(kinds(outbox));
  });

  it("never merges or drops an entry that may already have reached the hub", () => {
    const size = ENTRY_OVERHEAD + kpi(1, 0).length;
    const { outbox } = open(size * 4);
    outbox.add({ seq: 1, kind: "kpi", payload: kpi(1, 0) });
    outbox.add({ seq: 2, kind: "kpi", payload: kpi(2, 60_000) });
    const sent = outbox.takeForSending(2).map((e) => e.payload);
    // the process dies before the PUBACKs: after a restart 1 and 2 are not in flight, but they may have been stored
    const reopened = open(size * 4).outbox;
    for (let seq = 3; seq <= 12; seq++) reopened.add({ seq, kind: "kpi", payload: kpi(seq, (seq - 1) * 60_000) });
    const list = reopened.list();
    expect(list[0]!.payload.equals(sent[0]!)).toBe(true);
    expect(list[1]!.payload.equals(sent[1]!)).toBe(true);
    expect(reopened.stats().merged).toBeGreaterThan(0);
  });

  it("a newer inventory supersedes older unsent ones (only the latest is retained on the broker)", () => {
    const { outbox } = open();
    outbox.add({ seq: 1, kind: "inventory", payload: other(1) });
    outbox.add({ seq: 2, kind: "state", payload: other(2) });
    outbox.add({ seq: 3, kind: "inventory", payload: other(3) });
    expect(kinds(outbox)).toEqual(["2:state", "3:inventory"]);
    expect(outbox.stats().dropped).toEqual({});
  });

  it("the journal stays small while messages flow: acknowledged entries are compacted away", () => {
    const { outbox } = open();
    for (let seq = 1; seq <= 5000; seq++) {
      outbox.add({ seq, kind: "heartbeat", payload: other(seq, 100) });
      for (const e of outbox.takeForSending(10)) outbox.acked(e.seq);
    }
    expect(outbox.stats().depth).toBe(0);
    expect(statSync(join(dir, "outbox", "journal")).size).toBeLessThan(200 * 1024);
  });

  it("a failed append (the journal cannot be written) is counted and logged; the entry is still sent", () => {
    const { outbox, lines } = open();
    outbox.add({ seq: 1, kind: "state", payload: other(1) });
    const file = join(dir, "outbox", "journal");
    rmSync(file);
    mkdirSync(file); // appends now fail with EISDIR
    outbox.add({ seq: 2, kind: "state", payload: other(2) });
    expect(outbox.stats().writeErrors).toBeGreaterThanOrEqual(1);
    expect(lines.find((l) => l.msg === "outbox journal append failed: the entry is kept in memory only")).toMatchObject({ file });
    expect(outbox.takeForSending(10).map((e) => e.seq)).toEqual([1, 2]);
  });

  it("remembers its highest seq and its newest state transition after they were acknowledged, compacted away and the agent restarted", () => {
    const { outbox } = open();
    outbox.add({ seq: 10, kind: "state", payload: other(10) });
    outbox.add({ seq: 11, kind: "heartbeat", payload: other(11) });
    for (let seq = 12; seq <= 3000; seq++) outbox.add({ seq, kind: "heartbeat", payload: other(seq, 100) });
    for (const e of outbox.takeForSending(5000)) outbox.acked(e.seq);
    expect(outbox.stats().depth).toBe(0);
    outbox.compact();
    expect(statSync(join(dir, "outbox", "journal")).size).toBeLessThan(1024); // compacted: no ADD record is left
    const reopened = open().outbox;
    expect(reopened.highestSeq()).toBe(3000);
    expect(reopened.lastStateEntry()).toEqual({ seq: 10, kind: "state", payload: other(10) });
    expect(() => reopened.add({ seq: 2999, kind: "heartbeat", payload: other(1) })).toThrow(/not above 3000/);
    reopened.add({ seq: 3001, kind: "state", payload: other(3001) });
    expect(open().outbox.lastStateEntry()?.seq).toBe(3001);
  });
});
