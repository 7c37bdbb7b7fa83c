// Retention on a real hub database: old heartbeats go, old raw KPI windows become one row per device, release and hour
// with the same sums and lag histogram, recent history is untouched, and a late copy of a rolled-up window is not
// counted twice.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS } from "../../proto/index.js";
import { LAG_COLUMNS } from "../../hub/repos/kpi.repo.js";
import { startTestHub, enroll } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { seededRandom } from "../helpers/random.js";
import { tempDir } from "../helpers/wait.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
let h: TestHub;
let cleanup: () => void;
beforeEach(async () => {
  const t = tempDir("verge-retention-");
  cleanup = t.cleanup;
  h = await startTestHub(join(t.dir, "hub"));
  await enroll(h, "sc-1");
});
afterEach(async () => {
  await h.stop();
  cleanup();
});

function kpiWindow(seq: number, end: number, releaseId: string, rand: () => number) {
  const lagCounts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  for (let i = 0; i < 20; i++) lagCounts[Math.floor(rand() * 6)]! += 1;
  return {
    deviceId: "sc-1",
    seq,
    eventTime: end,
    receivedAt: end + 1000,
    windowStart: end - 60_000,
    windowEnd: end,
    releaseId,
    secondsUp: 55 + Math.floor(rand() * 6),
    secondsDown: Math.floor(rand() * 5),
    eventsProcessed: 1000 + Math.floor(rand() * 100),
    eventsDropped: Math.floor(rand() * 3),
    lagBounds: [...LAG_BUCKET_BOUNDS_MS],
    lagCounts,
  };
}

const lagHistogram = (from: number, to: number) =>
  h.hub.db
    .prepare(`SELECT b.bucket, sum(b.count) AS n FROM kpi_lag_buckets b JOIN kpi_reports k ON k.device_id = b.device_id AND k.seq = b.seq
              WHERE k.window_end > ? AND k.window_end <= ? GROUP BY b.bucket ORDER BY b.bucket`)
    .all(from, to);
/** The histogram columns cohort sums read (migration 0006). */
const lagColumns = (from: number, to: number) =>
  h.hub.db.prepare(`SELECT ${LAG_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(", ")} FROM kpi_reports WHERE window_end > ? AND window_end <= ?`).get(from, to);
const rowsBetween = (from: number, to: number) =>
  h.hub.db.prepare("SELECT seq, seq_last AS seqLast, release_id AS releaseId FROM kpi_reports WHERE window_end > ? AND window_end <= ? ORDER BY seq").all(from, to) as Array<{ seq: number; seqLast: number | null; releaseId: string }>;

describe("retention", () => {
  it("rolls raw KPI windows older than kpiRawMs up by device, release and hour: sums and lag histogram unchanged; recent windows untouched", async () => {
    const now = Date.now();
    const rand = seededRandom(7);
    const oldStart = Math.floor((now - 40 * DAY) / HOUR) * HOUR;
    let seq = 0;
    // three old hours of 1-minute windows; the release changes in the middle of the second hour
    for (let m = 1; m <= 180; m++) h.hub.repos.telemetry.insertKpi(kpiWindow(++seq, oldStart + m * 60_000, m <= 90 ? "rel-1" : "rel-2", rand));
    // an hour of recent windows
    const recentStart = now - 2 * HOUR;
    for (let m = 1; m <= 60; m++) h.hub.repos.telemetry.insertKpi(kpiWindow(++seq, recentStart + m * 60_000, "rel-2", rand));

    const oldSpan = [oldStart, oldStart + 3 * HOUR] as const;
    const recentSpan = [recentStart, recentStart + HOUR] as const;
    const sumsBefore = h.hub.repos.kpi.deviceSums(["sc-1"], ...oldSpan).get("sc-1");
    const lagBefore = lagHistogram(...oldSpan);
    const lagColumnsBefore = lagColumns(...oldSpan);
    const recentBefore = h.hub.repos.kpi.deviceSums(["sc-1"], ...recentSpan).get("sc-1");

    const run = await h.hub.services.retention.run();
    expect(run).toMatchObject({ kpiWindowsRolledUp: 180, kpiRowsWritten: 4 });

    // hour 1: rel-1; hour 2: rel-1 then rel-2; hour 3: rel-2
    expect(rowsBetween(...oldSpan).map((r) => [r.releaseId, r.seqLast! - r.seq + 1])).toEqual([
      ["rel-1", 60],
      ["rel-1", 30],
      ["rel-2", 30],
      ["rel-2", 60],
    ]);
    expect(h.hub.repos.kpi.deviceSums(["sc-1"], ...oldSpan).get("sc-1")).toEqual({ ...sumsBefore, reports: 4 });
    expect(lagHistogram(...oldSpan)).toEqual(lagBefore);
    expect(lagColumns(...oldSpan)).toEqual(lagColumnsBefore);
    // the recent hour is raw as before
    expect(rowsBetween(...recentSpan).every((r) => r.seqLast === null)).toBe(true);
    expect(h.hub.repos.kpi.deviceSums(["sc-1"], ...recentSpan).get("sc-1")).toEqual(recentBefore);

    // a late copy of a window inside a rolled-up hour is a duplicate, as the raw window was
    expect(h.hub.repos.telemetry.insertKpi(kpiWindow(45, oldStart + 45 * 60_000, "rel-1", rand))).toBe(false);
    expect(h.hub.repos.kpi.deviceSums(["sc-1"], ...oldSpan).get("sc-1")).toEqual({ ...sumsBefore, reports: 4 });
    // a new window is stored as ever
    expect(h.hub.repos.telemetry.insertKpi(kpiWindow(++seq, now, "rel-2", rand))).toBe(true);

    // a second pass has nothing left to do
    expect(await h.hub.services.retention.run()).toMatchObject({ kpiWindowsRolledUp: 0, heartbeatsDeleted: 0 });
  });

  it("deletes heartbeats older than heartbeatsMs and keeps newer ones", async () => {
    const now = Date.now();
    const beat = (seq: number, at: number) =>
      h.hub.repos.telemetry.insertHeartbeat({
        deviceId: "sc-1",
        seq,
        eventTime: at,
        receivedAt: at,
        uptimeS: 1,
        currentReleaseId: null,
        deploymentState: null,
        agentVersion: null,
        rejectedJson: "{}",
        outboxJson: "{}",
      });
    for (let i = 0; i < 12_000; i++) beat(i + 1, now - 10 * DAY + i * 1000);
    for (let i = 0; i < 50; i++) beat(20_000 + i, now - DAY + i * 1000);

    const run = await h.hub.services.retention.run();
    expect(run.heartbeatsDeleted).toBe(12_000);
    expect(h.hub.db.prepare("SELECT count(*) FROM heartbeats").pluck().get()).toBe(50);
  });
});
