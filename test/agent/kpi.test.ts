// KPI reports from the agent, against a real broker with this test playing the hub: windows, the built-in sources
// (agent, file, command) and a source passed in by the caller.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { join } from "node:path";
import { pino } from "pino";
import type { Logger } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS, pb } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import type { AgentConfig } from "../../device-agent/config.js";
import type { KpiCounts, KpiSource, KpiWindow } from "../../device-agent/kpi.js";
import { writeFileAtomic } from "../../device-agent/state-file.js";
import { testLogger, waitFor } from "../helpers/wait.js";
import { appManifest, installDesired, useAgentFixture } from "./harness.js";
import type { ArtifactServer, TestHub } from "./harness.js";

const DEVICE = "sc-0042";
const BUCKETS = LAG_BUCKET_BOUNDS_MS.length + 1;
/** Fast windows for tests; reports are awaited, never slept for. */
const INTERVAL_S = 0.1;

const fixture = useAgentFixture(DEVICE);
let artifacts: ArtifactServer;
let hub: TestHub;
let agents: Agent[];
let workDir: string;
let config: AgentConfig;

beforeEach(() => {
  ({ artifacts, hub, agents, workDir, config } = fixture);
});

/** A started agent and the KPI reports it emitted (in publish order). */
async function start(kpi: AgentConfig["kpi"], opts: { kpiSource?: KpiSource; logger?: Logger } = {}): Promise<{ agent: Agent; reports: verge.v1.KpiReport[] }> {
  const agent = await startAgent({ ...config, kpi }, { logger: opts.logger ?? testLogger("agent"), kpiSource: opts.kpiSource });
  agents.push(agent);
  const reports: verge.v1.KpiReport[] = [];
  agent.events.on("kpi", (r: verge.v1.KpiReport) => reports.push(r));
  return { agent, reports };
}

function counts(c: Partial<KpiCounts> = {}): KpiCounts {
  return { secondsUp: 0, secondsDown: 0, eventsProcessed: 0, eventsDropped: 0, lagBucketCounts: new Array<number>(BUCKETS).fill(0), ...c };
}

function buckets(values: Record<number, number>): number[] {
  const b = new Array<number>(BUCKETS).fill(0);
  for (const [i, n] of Object.entries(values)) b[Number(i)] = n;
  return b;
}

function countsOf(r: verge.v1.KpiReport): KpiCounts {
  return {
    secondsUp: r.secondsUp,
    secondsDown: r.secondsDown,
    eventsProcessed: r.eventsProcessed,
    eventsDropped: r.eventsDropped,
    lagBucketCounts: [...r.lagBucketCounts],
  };
}

function sum(reports: verge.v1.KpiReport[]): KpiCounts {
  const total = counts();
  for (const r of reports) {
    total.secondsUp += r.secondsUp;
    total.secondsDown += r.secondsDown;
    total.eventsProcessed += r.eventsProcessed;
    total.eventsDropped += r.eventsDropped;
    r.lagBucketCounts.forEach((n, i) => (total.lagBucketCounts[i]! += n));
  }
  return total;
}

function expectContiguous(reports: verge.v1.KpiReport[]): void {
  for (let i = 1; i < reports.length; i++) expect(reports[i]!.windowStart).toBe(reports[i - 1]!.windowEnd);
}

/** The application side of the file source: cumulative counters, written atomically as a real application should. */
function writeCounters(file: string, c: KpiCounts | string): void {
  writeFileAtomic(file, typeof c === "string" ? c : JSON.stringify(c));
}

describe("kpi: the agent's own source", () => {
  it("publishes contiguous windows on up/kpi with the fixed bucket bounds and the release running at window end", async () => {
    const before = Date.now();
    const { reports } = await start({ intervalS: INTERVAL_S, source: { kind: "agent" } });
    const after = Date.now();
    await waitFor("a first KPI report on the broker", () => hub.kpis.length >= 1);

    const app = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
    const activated = await waitFor("rel-2 activated", () => hub.transitions.find((t) => t.releaseId === "rel-2" && t.state === pb.DeploymentState.DEPLOYMENT_STATE_ACTIVATED));
    await waitFor("three reports on the broker after activation", () => hub.kpis.filter((k) => k.windowStart >= activated.eventTime).length >= 3);

    const received = hub.kpis.filter((k) => k.deviceId === DEVICE);
    // What the hub received is what the agent emitted, in order, with rising seqs.
    expect(received.map((k) => k.seq)).toEqual(reports.slice(0, received.length).map((k) => k.seq));
    expect([...received.map((k) => k.seq)].sort((a, b) => a - b)).toEqual(received.map((k) => k.seq));
    const first = received[0]!;
    expect(first.windowStart).toBeGreaterThanOrEqual(before);
    expect(first.windowStart).toBeLessThanOrEqual(after);
    expect(first.releaseId).toBe("");
    expectContiguous(received);
    for (const k of received) {
      expect(k.windowEnd).toBeGreaterThanOrEqual(k.windowStart);
      expect(k.eventTime).toBe(k.windowEnd);
      expect(k.lagBucketBoundsMs).toEqual(LAG_BUCKET_BOUNDS_MS);
      expect(k.lagBucketCounts).toEqual(new Array<number>(BUCKETS).fill(0));
      expect(k.secondsUp).toBe(Math.round((k.windowEnd - k.windowStart) / 1000));
      expect({ secondsDown: k.secondsDown, eventsProcessed: k.eventsProcessed, eventsDropped: k.eventsDropped }).toEqual({
        secondsDown: 0,
        eventsProcessed: 0,
        eventsDropped: 0,
      });
    }
    // Every window that ended after the switch carries the new release.
    for (const k of received.filter((r) => r.windowEnd > activated.eventTime)) expect(k.releaseId).toBe("rel-2");
  });
});

describe("kpi: file source", () => {
  it("reports the differences of cumulative counters, through a counter reset and an agent restart, never twice", async () => {
    const file = join(workDir, "counters.json");
    const c0 = counts({ secondsUp: 1000, secondsDown: 5, eventsProcessed: 50_000, eventsDropped: 7, lagBucketCounts: buckets({ 0: 40_000, 3: 9_000, 15: 1_000 }) });
    writeCounters(file, c0); // months of history before the agent starts: the baseline, never reported
    const kpi: AgentConfig["kpi"] = { intervalS: INTERVAL_S, source: { kind: "file", path: file } };
    const first = await start(kpi);

    const d1 = counts({ secondsUp: 60, secondsDown: 0, eventsProcessed: 1200, eventsDropped: 1, lagBucketCounts: buckets({ 0: 1000, 3: 150, 15: 50 }) });
    const c1 = add(c0, d1);
    writeCounters(file, c1);
    await waitFor("report of the first difference", () => first.reports.find((r) => r.eventsProcessed > 0));
    expect(countsOf(first.reports.find((r) => r.eventsProcessed > 0)!)).toEqual(d1);

    const d2 = counts({ secondsUp: 55, secondsDown: 5, eventsProcessed: 800, eventsDropped: 3, lagBucketCounts: buckets({ 1: 700, 9: 100 }) });
    const c2 = add(c1, d2);
    writeCounters(file, c2);
    await waitFor("report of the second difference", () => first.reports.filter((r) => r.eventsProcessed > 0).length === 2);
    expect(countsOf(first.reports.filter((r) => r.eventsProcessed > 0)[1]!)).toEqual(d2);
    expectContiguous(first.reports);
    await first.agent.stop();
    expect(sum(first.reports)).toEqual(add(d1, d2));

    // While the agent is down the application goes on counting; the restarted agent reports that once.
    const d3 = counts({ secondsUp: 30, eventsProcessed: 300, lagBucketCounts: buckets({ 2: 300 }) });
    const c3 = add(c2, d3);
    writeCounters(file, c3);
    const second = await start(kpi);
    await waitFor("report after the restart", () => second.reports.find((r) => r.eventsProcessed > 0));
    expect(countsOf(second.reports.find((r) => r.eventsProcessed > 0)!)).toEqual(d3);

    // The application restarts: its counters start again from zero. The new values are the window's counts.
    const c4 = counts({ secondsUp: 12, eventsProcessed: 40, eventsDropped: 2, lagBucketCounts: buckets({ 0: 40 }) });
    writeCounters(file, c4);
    await waitFor("report after the counter reset", () => second.reports.filter((r) => r.eventsProcessed > 0).length === 2);
    expect(countsOf(second.reports.filter((r) => r.eventsProcessed > 0)[1]!)).toEqual(c4);
    expectContiguous(second.reports);

    const seen = await waitFor("every report on the broker", () => {
      const all = [...first.reports, ...second.reports];
      return hub.kpis.length >= all.length && all;
    });
    expect(sum(hub.kpis)).toEqual(sum(seen));
    expect(sum(seen)).toEqual(add(add(add(d1, d2), d3), c4));
    expect(first.agent.kpiProblems).toEqual({});
    expect(second.agent.kpiProblems).toEqual({});
  });

  it("skips windows while the file is missing or invalid, warns with the path, and reports the gap once it is valid", async () => {
    const file = join(workDir, "counters.json");
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: "warn" },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const { agent, reports } = await start({ intervalS: INTERVAL_S, source: { kind: "file", path: file } }, { logger });
    await waitFor("missing file counted twice", () => (agent.kpiProblems.file_missing ?? 0) >= 2);
    expect(reports).toEqual([]);
    expect(lines.find((l) => l.reason === "file_missing")).toMatchObject({ path: file, deviceId: DEVICE });

    const c0 = counts({ secondsUp: 100, eventsProcessed: 1000 });
    writeCounters(file, c0);
    await waitFor("a report once the file is there", () => reports.length >= 1);
    expect(countsOf(reports[0]!)).toEqual(counts()); // the first readable counters are the baseline

    writeCounters(file, "{ not json");
    await waitFor("invalid file counted", () => (agent.kpiProblems.file_invalid ?? 0) >= 1);
    const reportedBefore = reports.length;
    const lastReported = reports.at(-1)!;
    writeCounters(file, JSON.stringify({ ...add(c0, counts({ eventsProcessed: 5 })), lagBucketCounts: [1, 2, 3] }));
    await waitFor("wrong histogram length counted", () => (agent.kpiProblems.file_invalid ?? 0) >= 3);
    expect(reports.length).toBe(reportedBefore);
    expect(lines.filter((l) => l.reason === "file_invalid").map((l) => String(l.detail))).toEqual(
      expect.arrayContaining([expect.stringContaining("not JSON"), expect.stringContaining("lagBucketCounts")]),
    );
    expect(lines.find((l) => l.reason === "file_invalid")).toMatchObject({ path: file });

    const d = counts({ secondsUp: 20, eventsProcessed: 250, eventsDropped: 1 });
    writeCounters(file, add(c0, d));
    await waitFor("the next valid write reported", () => reports.find((r) => r.eventsProcessed > 0));
    const next = reports[reportedBefore]!;
    expect(countsOf(next)).toEqual(d);
    // The skipped windows are folded into this one: no gap in the reported windows.
    expect(next.windowStart).toBe(lastReported.windowEnd);
    expectContiguous(reports);
    await waitFor("it arrives at the hub", () => hub.kpis.find((k) => k.seq === next.seq));
  });
});

describe("kpi: command source", () => {
  /** A device application's reporter: behaves as the mode file says. */
  const SCRIPT = `
    const fs = require("node:fs");
    const mode = fs.readFileSync(process.argv[1], "utf8").trim();
    const start = Number(process.env.VERGE_WINDOW_START), end = Number(process.env.VERGE_WINDOW_END);
    if (mode === "fail") { process.stderr.write("sensor bus down"); process.exit(3); }
    if (mode === "garbage") { process.stdout.write("not json"); process.exit(0); }
    if (mode === "hang") { setInterval(() => {}, 1000); }
    else process.stdout.write(JSON.stringify({
      secondsUp: 1, secondsDown: 0, eventsProcessed: end - start, eventsDropped: process.env.VERGE_RELEASE_ID === "" ? 0 : 1,
      device: process.env.VERGE_DEVICE_ID,
    }));
  `;

  it("reports what the command prints for the window it is given, and survives failures, bad output and timeouts", async () => {
    const modeFile = join(workDir, "mode");
    writeCounters(modeFile, "ok");
    const { agent, reports } = await start({
      intervalS: INTERVAL_S,
      source: { kind: "command", command: process.execPath, args: ["-e", SCRIPT, modeFile], timeoutMs: 1500 },
    });
    await waitFor("two reports from the command", () => reports.length >= 2);
    for (const r of reports) {
      // The command saw the window through its environment: it reported the window's length as events.
      expect(r.eventsProcessed).toBe(r.windowEnd - r.windowStart);
      expect(r).toMatchObject({ secondsUp: 1, eventsDropped: 0, releaseId: "" });
      expect(r.lagBucketCounts).toEqual(new Array<number>(BUCKETS).fill(0));
    }

    writeCounters(modeFile, "fail");
    await waitFor("failing command counted", () => (agent.kpiProblems.command_failed ?? 0) >= 1);
    const lastGood = reports.at(-1)!;
    const reportedBefore = reports.length;
    writeCounters(modeFile, "garbage");
    await waitFor("bad output counted", () => (agent.kpiProblems.command_invalid ?? 0) >= 1);
    writeCounters(modeFile, "hang");
    await waitFor("hanging command killed", () => (agent.kpiProblems.command_timeout ?? 0) >= 1, 20_000);
    // While it hung, ticks were skipped rather than starting a second command for an overlapping window.
    expect(agent.kpiProblems.busy ?? 0).toBeGreaterThan(0);
    expect(reports.length).toBe(reportedBefore);

    writeCounters(modeFile, "ok");
    await waitFor("reporting again", () => reports.length > reportedBefore);
    const next = reports[reportedBefore]!;
    expect(next.windowStart).toBe(lastGood.windowEnd);
    expect(next.eventsProcessed).toBe(next.windowEnd - next.windowStart);
    expectContiguous(reports);
  });
});

describe("kpi: a source passed by the caller", () => {
  it("is never asked for overlapping windows, and an error or bad counts skip the window without stopping the agent", async () => {
    const windows: KpiWindow[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let behaviour: "ok" | "throw" | "bad" | "hold" = "hold";
    let release: ((c: KpiCounts | null) => void) | undefined;
    let lastSignal: AbortSignal | undefined;
    const source: KpiSource = {
      async collect(window, signal) {
        windows.push(window);
        lastSignal = signal;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          if (behaviour === "throw") throw new Error("counter service unreachable");
          if (behaviour === "bad") return counts({ lagBucketCounts: [1] });
          if (behaviour === "hold") {
            return await new Promise<KpiCounts | null>((resolve) => {
              release = resolve;
              signal?.addEventListener("abort", () => resolve(null));
            });
          }
          return counts({ secondsUp: 1, eventsProcessed: 10 });
        } finally {
          inFlight--;
        }
      },
    };
    const { agent, reports } = await start({ intervalS: INTERVAL_S, source: { kind: "agent" } }, { kpiSource: source });

    await waitFor("first collection held", () => release);
    await waitFor("ticks skipped while it is held", () => (agent.kpiProblems.busy ?? 0) >= 2);
    expect(windows).toHaveLength(1);
    behaviour = "throw";
    release!(counts({ secondsUp: 7, eventsProcessed: 3, lagBucketCounts: buckets({ 4: 3 }) }));
    await waitFor("held window reported", () => reports.length === 1);
    expect(countsOf(reports[0]!)).toEqual(counts({ secondsUp: 7, eventsProcessed: 3, lagBucketCounts: buckets({ 4: 3 }) }));
    expect(reports[0]).toMatchObject({ windowStart: windows[0]!.start, windowEnd: windows[0]!.end });

    await waitFor("source error counted", () => (agent.kpiProblems.source_error ?? 0) >= 2);
    behaviour = "bad";
    await waitFor("bad counts counted", () => (agent.kpiProblems.invalid_counts ?? 0) >= 1);
    expect(reports).toHaveLength(1);
    behaviour = "ok";
    await waitFor("reporting again", () => reports.length >= 2);
    expect(reports[1]).toMatchObject({ windowStart: reports[0]!.windowEnd, eventsProcessed: 10 });
    // Every window asked for between the two reports started where the first report ended.
    const second = windows.findIndex((w) => w.end === reports[1]!.windowEnd);
    expect(second).toBeGreaterThan(3);
    for (const w of windows.slice(1, second + 1)) expect(w.start).toBe(reports[0]!.windowEnd);
    expect(maxInFlight).toBe(1);
    await waitFor("on the broker", () => hub.kpis.find((k) => k.seq === reports[1]!.seq));

    // Stopping aborts a collection in flight and waits for it.
    behaviour = "hold";
    release = undefined;
    await waitFor("a collection held again", () => release);
    await agent.stop();
    expect(lastSignal?.aborted).toBe(true);
    expect(inFlight).toBe(0);
  });
});

function add(a: KpiCounts, b: KpiCounts): KpiCounts {
  return {
    secondsUp: a.secondsUp + b.secondsUp,
    secondsDown: a.secondsDown + b.secondsDown,
    eventsProcessed: a.eventsProcessed + b.eventsProcessed,
    eventsDropped: a.eventsDropped + b.eventsDropped,
    lagBucketCounts: a.lagBucketCounts.map((n, i) => n + (b.lagBucketCounts[i] ?? 0)),
  };
}
