// Agent state, persisted as JSON in <dataDir>/state.json. Written atomically (temp file, fsync, rename, fsync of the
// directory) so a power cut at any point leaves either the old or the new file. Writes are synchronous on purpose:
// the file is small, and one writer at a time means two writes can never interleave.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import type { Logger } from "pino";
import { DEPLOYMENT_STATES } from "../proto/index.js";

const activationSchema = z.object({
  fromSlot: z.string(),
  toSlot: z.string(),
  startedAt: z.number(),
  /**
   * Written just before the switch to `toSlot`: the health-check span runs from it, so a restart mid-span continues
   * the span instead of starting a new one. Absent before the switch (and in state files of older agents, where
   * `startedAt` stands in for it).
   */
  switchedAt: z.number().optional(),
});

const deploymentSchema = z.object({
  rolloutId: z.string(),
  releaseId: z.string(),
  desiredSeq: z.number(),
  state: z.enum(DEPLOYMENT_STATES),
  reason: z.string(),
  detail: z.string(),
  /**
   * Set while install/switch/health check/commit is in progress (state `verified`), and while switching back after a
   * failed health check (state `rolling_back`), so a restart finishes or redoes it.
   */
  activation: activationSchema.nullable(),
});

export const agentStateSchema = z.object({
  version: z.literal(1),
  desired: z
    .object({
      seq: z.number(),
      /** The accepted SignedEnvelope(DesiredState), base64: the agent resumes offline from it after a restart. */
      envelope: z.string(),
    })
    .nullable(),
  /** The verified SignedEnvelope(ReleaseManifest) of the release the current deployment follows, base64. */
  manifest: z.object({ releaseId: z.string(), envelope: z.string() }).nullable(),
  lastCommandSeq: z.number(),
  deployment: deploymentSchema.nullable(),
  installed: z.object({
    currentReleaseId: z.string(),
    currentVersion: z.string(),
    currentCounter: z.number(),
    previousReleaseId: z.string(),
    highestCounter: z.number(),
  }),
  telemetry: z.object({
    /**
     * Every telemetry seq ever used is below this mark (a copy of the seq file's, telemetry-seq; the agent starts above
     * the higher of the two and of the outbox journal's highest seq).
     */
    reservedSeq: z.number(),
    /**
     * The seq of the last state transition this file reflects. A newer one in the outbox journal was announced just
     * before a power cut took the state write: the agent redoes that step without announcing it again. Absent in state
     * files of older agents, which wrote the state first: they reflect everything announced.
     */
    lastTransitionSeq: z.number().optional(),
  }),
});

export type AgentState = z.infer<typeof agentStateSchema>;
export type DeploymentRecord = z.infer<typeof deploymentSchema>;
export type ActivationRecord = z.infer<typeof activationSchema>;

export function freshState(): AgentState {
  return {
    version: 1,
    desired: null,
    manifest: null,
    lastCommandSeq: 0,
    deployment: null,
    installed: { currentReleaseId: "", currentVersion: "", currentCounter: 0, previousReleaseId: "", highestCounter: 0 },
    telemetry: { reservedSeq: 1, lastTransitionSeq: 0 },
  };
}

export function stateFilePath(dataDir: string): string {
  return join(dataDir, "state.json");
}

/** Loads the state; a missing or corrupt file gives a fresh state (logged). */
export function loadState(dataDir: string, logger: Logger): AgentState {
  const file = stateFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      logger.info({ file }, "no state file, starting fresh");
    } else {
      logger.error({ file, err }, "cannot read state file, starting fresh");
    }
    return freshState();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    logger.error({ file, err }, "state file is not valid JSON, starting fresh");
    return freshState();
  }
  const parsed = agentStateSchema.safeParse(raw);
  if (!parsed.success) {
    logger.error({ file, issues: parsed.error.issues.slice(0, 5) }, "state file does not match the schema, starting fresh");
    return freshState();
  }
  return parsed.data;
}

/**
 * <dataDir>/telemetry-seq: the telemetry seq high-water mark, kept apart from state.json so that a corrupt or deleted
 * state file does not send seqs back. `{"reserved": N}`: every seq used so far is below N. Written atomically
 * (fsynced) before the first seq of a new block is used.
 */
export function seqMarkPath(dataDir: string): string {
  return join(dataDir, "telemetry-seq");
}

/** The reserved mark, or undefined when the file is missing or unreadable (logged). */
export function loadSeqMark(dataDir: string, logger: Logger): number | undefined {
  const file = seqMarkPath(dataDir);
  try {
    const parsed = z.object({ reserved: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (parsed.success) return parsed.data.reserved;
    logger.error({ file }, "telemetry seq mark unreadable; starting above the other marks");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") logger.error({ file, err }, "telemetry seq mark unreadable; starting above the other marks");
  }
  return undefined;
}

export function saveSeqMark(dataDir: string, reserved: number, opts: { fsync?: boolean } = {}): void {
  writeFileAtomic(seqMarkPath(dataDir), JSON.stringify({ reserved }) + "\n", opts);
}

/** `fsync: false` (the fleet simulator only) keeps the temp file + rename but skips both fsyncs. */
export function saveState(dataDir: string, state: AgentState, opts: { fsync?: boolean } = {}): void {
  writeFileAtomic(stateFilePath(dataDir), JSON.stringify(state, null, 2) + "\n", opts);
}

/**
 * Writes `data` to `file` so that a crash at any point leaves either the old or the new content. `fsync: false`
 * (the fleet simulator only) still never leaves a half-written file to a crash of the process, but a power cut may.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: { fsync?: boolean } = {}): void {
  const fsync = opts.fsync ?? true;
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    if (fsync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
  if (fsync) fsyncDir(dir);
}

/** fsync of a directory makes a rename or a new entry in it durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
