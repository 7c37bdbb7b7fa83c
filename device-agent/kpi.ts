// KPI sources: where the counts of one report window come from. The agent asks its source once per window and
// publishes a KpiReport (DESIGN.md "KPIs and pause rules": counts, not ratios). The built-in sources are adapters
// (file, child process); the delta arithmetic is pure and lives in decisions.ts.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import { LAG_BUCKET_BOUNDS_MS } from "../proto/index.js";
import type { KpiSourceConfig } from "./config.js";
import { kpiCountsDelta } from "./decisions.js";
import type { KpiCounts } from "./decisions.js";
import { writeFileAtomic } from "./state-file.js";

export { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../proto/index.js";

// The counts of one window are a type of the pure decisions (decisions.ts), which this module uses, not the other way.
export type { KpiCounts } from "./decisions.js";

/** One report window, ms since epoch. `releaseId` is the release running at the window end ("" if none). */
export interface KpiWindow {
  start: number;
  end: number;
  releaseId: string;
}

/**
 * Gives the counts of one window, or null when there is nothing to report for it: the agent then reports nothing and
 * folds the window into the next one, so the next report covers both. `signal` is aborted when the agent stops; a
 * source may ignore it.
 */
export interface KpiSource {
  collect(window: KpiWindow, signal?: AbortSignal): Promise<KpiCounts | null> | KpiCounts | null;
}

/** What the built-in sources need from the agent. `problems` counts failed reads/runs by reason. */
export interface KpiSourceContext {
  deviceId: string;
  dataDir: string;
  logger: Logger;
  problems: Record<string, number>;
}

export const LAG_BUCKET_COUNT = LAG_BUCKET_BOUNDS_MS.length + 1;

export function emptyLagBuckets(): number[] {
  return new Array<number>(LAG_BUCKET_COUNT).fill(0);
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const lagBucketCounts = z.array(count).length(LAG_BUCKET_COUNT, {
  message: `must have ${LAG_BUCKET_COUNT} entries (${LAG_BUCKET_BOUNDS_MS.length} bounds + the +Inf bucket)`,
});

/** What an application writes (file) or prints (command). Unknown keys are ignored; a missing histogram is all zeros. */
const reportedCountsSchema = z.object({
  secondsUp: count,
  secondsDown: count,
  eventsProcessed: count,
  eventsDropped: count,
  lagBucketCounts: lagBucketCounts.optional(),
});

/** What a KpiSource returns: every field, the histogram with its exact length. */
const kpiCountsSchema = reportedCountsSchema.required();

export type ParsedCounts = { ok: true; counts: KpiCounts } | { ok: false; detail: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** Validates counts written by an application (histogram optional). */
export function parseReportedCounts(raw: unknown): ParsedCounts {
  const parsed = reportedCountsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, detail: describeIssues(parsed.error) };
  const { lagBucketCounts: buckets, ...rest } = parsed.data;
  return { ok: true, counts: { ...rest, lagBucketCounts: buckets ?? emptyLagBuckets() } };
}

/** Validates what a KpiSource returned (every field required). */
export function parseKpiCounts(raw: unknown): ParsedCounts {
  const parsed = kpiCountsSchema.safeParse(raw);
  return parsed.success ? { ok: true, counts: parsed.data } : { ok: false, detail: describeIssues(parsed.error) };
}

function countProblem(ctx: KpiSourceContext, reason: string): void {
  ctx.problems[reason] = (ctx.problems[reason] ?? 0) + 1;
}

/** The source the config names. */
export function createKpiSource(config: KpiSourceConfig, ctx: KpiSourceContext): KpiSource {
  switch (config.kind) {
    case "agent":
      return new AgentKpiSource();
    case "file": {
      const source = new FileKpiSource(config.path, join(ctx.dataDir, FILE_SOURCE_STATE), ctx);
      source.prime();
      return source;
    }
    case "command":
      return new CommandKpiSource(config.command, config.args, config.timeoutMs, ctx);
  }
}

// -------------------------------------------------------------------------------------------------------------------
// agent: the agent process was up for the whole window
// -------------------------------------------------------------------------------------------------------------------

export class AgentKpiSource implements KpiSource {
  collect(window: KpiWindow): KpiCounts {
    return {
      secondsUp: Math.max(0, Math.round((window.end - window.start) / 1000)),
      secondsDown: 0,
      eventsProcessed: 0,
      eventsDropped: 0,
      lagBucketCounts: emptyLagBuckets(),
    };
  }
}

// -------------------------------------------------------------------------------------------------------------------
// file: cumulative counters written by the application; the window's counts are the difference since the last read
// -------------------------------------------------------------------------------------------------------------------

export const FILE_SOURCE_STATE = "kpi-file-source.json";

const baselineSchema = z.object({
  version: z.literal(1),
  /** The counters file the baseline was read from: a baseline of another file does not apply. */
  path: z.string(),
  readAt: z.number(),
  counts: kpiCountsSchema,
});
type Baseline = z.infer<typeof baselineSchema>;

export class FileKpiSource implements KpiSource {
  private readonly log: Logger;
  /** undefined: not loaded from disk yet; null: none. */
  private baseline: Baseline | null | undefined;

  constructor(
    private readonly path: string,
    private readonly stateFile: string,
    private readonly ctx: KpiSourceContext,
  ) {
    this.log = ctx.logger.child({ module: "kpi-file", path });
  }

  /**
   * At agent start: without a stored baseline, the counters as they are now become the baseline, so the first window
   * reports what happened after the agent started and not the application's whole history.
   */
  prime(): void {
    if (this.loadBaseline()) return;
    const current = this.read();
    if (!current) return;
    try {
      this.saveBaseline(current);
    } catch (err) {
      // Not fatal: the first collection tries again and takes its read as the baseline.
      this.log.warn({ file: this.stateFile, err: (err as Error).message }, "cannot write the KPI baseline");
    }
  }

  collect(_window: KpiWindow, signal?: AbortSignal): KpiCounts | null {
    const current = this.read();
    if (!current) return null;
    const previous = this.loadBaseline();
    if (signal?.aborted) return null; // stopping: leave the baseline, the next run reports these counts
    // Persist before reporting: after a crash a window may be lost, but never counted twice.
    this.saveBaseline(current);
    if (!previous) {
      this.log.info("first readable counters: taken as the baseline, reported from the next window on");
      return null;
    }
    const { counts, reset } = kpiCountsDelta(previous.counts, current);
    if (reset) this.log.info({ previous: previous.counts, current }, "a counter went down: application restarted, new values taken as the window's counts");
    return counts;
  }

  /** The counters in the file now, or null (warned and counted) when missing, unreadable or invalid. */
  private read(): KpiCounts | null {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "file_missing" : "file_unreadable";
      return this.problem(reason, (err as Error).message);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return this.problem("file_invalid", `not JSON: ${(err as Error).message}`);
    }
    const parsed = parseReportedCounts(raw);
    if (!parsed.ok) return this.problem("file_invalid", parsed.detail);
    return parsed.counts;
  }

  private problem(reason: string, detail: string): null {
    countProblem(this.ctx, reason);
    this.log.warn({ reason, detail }, "KPI counters file not usable, no report for this window");
    return null;
  }

  private loadBaseline(): Baseline | null {
    if (this.baseline !== undefined) return this.baseline;
    this.baseline = null;
    let text: string;
    try {
      text = readFileSync(this.stateFile, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.log.warn({ file: this.stateFile, err: (err as Error).message }, "cannot read the KPI baseline");
      return null;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = baselineSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({ file: this.stateFile }, "KPI baseline is corrupt, starting a new one");
      return null;
    }
    if (parsed.data.path !== this.path) {
      this.log.info({ file: this.stateFile, previousPath: parsed.data.path }, "KPI baseline is for another counters file, starting a new one");
      return null;
    }
    this.baseline = parsed.data;
    return this.baseline;
  }

  private saveBaseline(counts: KpiCounts): void {
    const baseline: Baseline = { version: 1, path: this.path, readAt: Date.now(), counts };
    writeFileAtomic(this.stateFile, JSON.stringify(baseline) + "\n");
    this.baseline = baseline;
  }
}

// -------------------------------------------------------------------------------------------------------------------
// command: a program prints the window's counts as JSON
// -------------------------------------------------------------------------------------------------------------------

/** Enough for the JSON of one window; more is a misbehaving command. */
const COMMAND_MAX_OUTPUT = 64 * 1024;

export class CommandKpiSource implements KpiSource {
  private readonly log: Logger;

  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly timeoutMs: number,
    private readonly ctx: KpiSourceContext,
  ) {
    this.log = ctx.logger.child({ module: "kpi-command", command });
  }

  collect(window: KpiWindow, signal?: AbortSignal): Promise<KpiCounts | null> {
    const env = {
      ...process.env,
      VERGE_DEVICE_ID: this.ctx.deviceId,
      VERGE_WINDOW_START: String(window.start),
      VERGE_WINDOW_END: String(window.end),
      VERGE_RELEASE_ID: window.releaseId,
    };
    return new Promise((resolve) => {
      execFile(
        this.command,
        [...this.args],
        { env, timeout: this.timeoutMs, killSignal: "SIGKILL", maxBuffer: COMMAND_MAX_OUTPUT, signal, encoding: "utf8", windowsHide: true },
        (err, stdout, stderr) => {
          const context = { windowStart: window.start, windowEnd: window.end, stderr: stderr.slice(0, 500) };
          if (err) {
            if (signal?.aborted) return resolve(null);
            if (err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
              return resolve(this.problem("command_invalid", `printed more than ${COMMAND_MAX_OUTPUT} bytes`, context));
            }
            if (err.killed) return resolve(this.problem("command_timeout", `no answer within ${this.timeoutMs} ms, killed`, context));
            const why = typeof err.code === "number" ? `exited with code ${err.code}` : err.signal ? `killed by ${err.signal}` : err.message;
            return resolve(this.problem("command_failed", why, context));
          }
          let raw: unknown;
          try {
            raw = JSON.parse(stdout);
          } catch (parseErr) {
            return resolve(this.problem("command_invalid", `stdout is not JSON: ${(parseErr as Error).message}`, { ...context, stdout: stdout.slice(0, 200) }));
          }
          const parsed = parseReportedCounts(raw);
          if (!parsed.ok) return resolve(this.problem("command_invalid", parsed.detail, context));
          resolve(parsed.counts);
        },
      );
    });
  }

  private problem(reason: string, detail: string, context: Record<string, unknown>): null {
    countProblem(this.ctx, reason);
    this.log.warn({ reason, detail, ...context }, "KPI command failed, no report for this window");
    return null;
  }
}
