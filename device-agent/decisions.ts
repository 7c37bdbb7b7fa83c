// Pure decisions of the agent: data in, verdict out, time passed in as `now`. No I/O here.
import type { DeploymentStateName, verge } from "../proto/index.js";

/** Counts of one KPI window. `lagBucketCounts` has LAG_BUCKET_BOUNDS_MS.length + 1 entries; the last is the +Inf bucket. */
export interface KpiCounts {
  secondsUp: number;
  secondsDown: number;
  eventsProcessed: number;
  eventsDropped: number;
  lagBucketCounts: number[];
}

export type DesiredVerdict = { ok: true } | { ok: false; reason: "wrong_device" | "no_expiry" | "expired" | "stale_seq" | "duplicate"; detail: string };

/**
 * Whether to act on a (signature-checked) desired state. A duplicate of the last accepted one is not a rejection.
 * expiresAt 0 is proto3's "not set": the hub always sets an expiry, so a desired state without one is refused
 * (`no_expiry`) rather than taken as valid for ever.
 */
export function acceptDesired(
  desired: Pick<verge.v1.DesiredState, "deviceId" | "seq" | "expiresAt">,
  ctx: { deviceId: string; lastSeq: number; now: number },
): DesiredVerdict {
  if (desired.deviceId !== ctx.deviceId) {
    return { ok: false, reason: "wrong_device", detail: `desired state is for device "${desired.deviceId}"` };
  }
  if (!desired.expiresAt) return { ok: false, reason: "no_expiry", detail: `desired state seq ${desired.seq} carries no expiry (expiresAt 0)` };
  if (desired.seq === ctx.lastSeq) return { ok: false, reason: "duplicate", detail: `seq ${desired.seq} already accepted` };
  if (desired.seq < ctx.lastSeq) {
    return { ok: false, reason: "stale_seq", detail: `seq ${desired.seq} is below the last accepted ${ctx.lastSeq}` };
  }
  if (desired.expiresAt <= ctx.now) {
    return { ok: false, reason: "expired", detail: `expired at ${new Date(desired.expiresAt).toISOString()}` };
  }
  return { ok: true };
}

export type CommandVerdict = { ok: true } | { ok: false; reason: "wrong_device" | "no_expiry" | "expired" | "stale_seq"; detail: string };

/**
 * Commands share the hub's per-device seq space, but are ordered against the last accepted command only. Like a
 * desired state, a command without an expiry (expiresAt 0) is refused (`no_expiry`).
 */
export function acceptCommand(
  command: Pick<verge.v1.Command, "deviceId" | "seq" | "expiresAt">,
  ctx: { deviceId: string; lastCommandSeq: number; now: number },
): CommandVerdict {
  if (command.deviceId !== ctx.deviceId) {
    return { ok: false, reason: "wrong_device", detail: `command is for device "${command.deviceId}"` };
  }
  if (!command.expiresAt) return { ok: false, reason: "no_expiry", detail: `command seq ${command.seq} carries no expiry (expiresAt 0)` };
  if (command.seq <= ctx.lastCommandSeq) {
    return { ok: false, reason: "stale_seq", detail: `seq ${command.seq} is not above the last accepted command ${ctx.lastCommandSeq}` };
  }
  if (command.expiresAt <= ctx.now) {
    return { ok: false, reason: "expired", detail: `expired at ${new Date(command.expiresAt).toISOString()}` };
  }
  return { ok: true };
}

export type ManifestRejection = "release_mismatch" | "expired" | "incompatible_variant" | "counter_rollback";
export type ManifestVerdict = { ok: true } | { ok: false; reason: ManifestRejection; detail: string };

/**
 * Whether a (signature-checked) manifest may be installed. `previousReleaseId` is the release in the inactive slot:
 * going back to it is allowed below the highest counter, since a hub-signed desired state asked for it.
 */
export function checkManifest(
  manifest: Pick<verge.v1.ReleaseManifest, "releaseId" | "counter" | "expiresAt" | "compatibleVariants">,
  ctx: { releaseId: string; variant: string; highestCounter: number; now: number; previousReleaseId?: string },
): ManifestVerdict {
  if (manifest.releaseId !== ctx.releaseId) {
    return { ok: false, reason: "release_mismatch", detail: `manifest is for release "${manifest.releaseId}", expected "${ctx.releaseId}"` };
  }
  if (manifest.expiresAt > 0 && manifest.expiresAt <= ctx.now) {
    return { ok: false, reason: "expired", detail: `manifest expired at ${new Date(manifest.expiresAt).toISOString()}` };
  }
  if (!manifest.compatibleVariants.includes(ctx.variant)) {
    return {
      ok: false,
      reason: "incompatible_variant",
      detail: `variant "${ctx.variant}" is not among [${manifest.compatibleVariants.join(", ")}]`,
    };
  }
  const isRollbackTarget = ctx.previousReleaseId !== undefined && ctx.previousReleaseId !== "" && ctx.previousReleaseId === manifest.releaseId;
  if (manifest.counter < ctx.highestCounter && !isRollbackTarget) {
    return {
      ok: false,
      reason: "counter_rollback",
      detail: `release counter ${manifest.counter} is below the highest installed ${ctx.highestCounter}`,
    };
  }
  return { ok: true };
}

/**
 * The deployment state machine of one deployment (one accepted desired state) on one device. `null` is "no
 * deployment yet". downloading -> downloading is a progress report; verified -> verified says why activation waits.
 * failed -> downloading|verified lets a deployment proceed when a valid manifest arrives after a bad one. pending ->
 * verified is allowed when every artifact is already on the device (a download-only stage followed by activation).
 */
const ALLOWED: Record<DeploymentStateName | "none", readonly DeploymentStateName[]> = {
  // none -> activated: a desired state names the release already running; the device says so at once.
  none: ["pending", "activated", "rolling_back"],
  pending: ["downloading", "verified", "failed", "cancelled", "rolling_back"],
  downloading: ["downloading", "verified", "failed", "cancelled", "rolling_back"],
  // verified -> verified: still not activating, and why (maintenance window closed, safety check failing).
  verified: ["verified", "activated", "failed", "cancelled", "rolling_back"],
  activated: ["rolling_back"],
  failed: ["downloading", "verified", "rolling_back"],
  cancelled: ["rolling_back"],
  rolling_back: ["rolled_back", "failed"],
  rolled_back: ["rolling_back"],
};

export function canTransition(from: DeploymentStateName | null, to: DeploymentStateName): boolean {
  return ALLOWED[from ?? "none"].includes(to);
}

/** Whether a deployment still has work to do on the device. */
export function isInProgress(state: DeploymentStateName): boolean {
  return state === "pending" || state === "downloading" || state === "verified" || state === "rolling_back";
}

export type HealthRetry = { retry: true; delayMs: number } | { retry: false; elapsedMs: number };

/**
 * After a failed health check at `now`: check again after `delayMs`, or give up once `spanMs` has passed since the
 * switch (`switchedAt`, persisted: a restart continues the span). The last check falls on the end of the span. A clock
 * that went back (now before the switch) never stretches the wait beyond one span from now.
 */
export function nextHealthCheck(ctx: { switchedAt: number; now: number; spanMs: number; intervalMs: number }): HealthRetry {
  const elapsedMs = ctx.now - ctx.switchedAt;
  const remainingMs = Math.min(ctx.spanMs, ctx.spanMs - elapsedMs);
  if (remainingMs <= 0) return { retry: false, elapsedMs };
  return { retry: true, delayMs: Math.min(ctx.intervalMs, remainingMs) };
}

/**
 * Throttle for `downloading` progress reports: the first one, then at most every `minIntervalMs` or every
 * `stepFraction` of the total, whichever comes first.
 */
export function shouldReportProgress(
  last: { at: number; bytes: number } | undefined,
  current: { at: number; bytes: number; total: number },
  opts: { minIntervalMs: number; stepFraction: number } = { minIntervalMs: 2000, stepFraction: 0.25 },
): boolean {
  if (last === undefined) return true;
  if (current.bytes >= current.total && last.bytes < current.total) return false; // `verified` follows at once
  if (current.at - last.at >= opts.minIntervalMs) return current.bytes > last.bytes;
  return current.total > 0 && current.bytes - last.bytes >= current.total * opts.stepFraction;
}

/**
 * Capped exponential backoff with equal jitter: with ceiling = min(maxMs, minMs * 2^attempt), a delay in
 * [ceiling/2, ceiling]. `random` in [0, 1).
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** The agent's MQTT reconnect policy (config `mqtt`). */
export interface ReconnectPolicy {
  /** The first attempt after a lost connection (and the first connection at start) waits uniformly in [0, jitterMs]. */
  jitterMs: number;
  /** Further attempts back off from minMs to maxMs (backoffDelay). */
  minMs: number;
  maxMs: number;
}

/**
 * Delay before connection attempt `attempt` of a series; a series starts when the connection is lost (or the agent
 * starts) and ends with a successful connect. Attempt 0 is spread uniformly over the jitter window, so devices that
 * lost the broker at the same moment (broker restart, a region's link or power coming back) return spread over it
 * instead of at once; attempts 1, 2, ... back off with capped exponential delays and equal jitter
 * ([min/2, min], [min, 2 min], ... up to [max/2, max]), each device from its own random start. `random` in [0, 1).
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy, random: number): number {
  if (attempt <= 0) return Math.floor(policy.jitterMs * random);
  return backoffDelay(attempt - 1, policy.minMs, policy.maxMs, random);
}

/** Telemetry seq reservation: the mark to persist so that no seq below it is ever reused after a restart. */
export const TELEMETRY_SEQ_RESERVE = 1000;
export function needsReservation(nextSeq: number, reservedSeq: number): boolean {
  return nextSeq >= reservedSeq;
}

/**
 * Seqs a clock floor gives per millisecond of wall-clock time: the floor at time t is t(ms) x 1000, above every seq a
 * run that started earlier used, as long as the device never sends more than 1000 messages per millisecond on average
 * and its clock does not go back between runs. At 2026's clock that is about 1.8e15, below 2^53 until about 2255.
 */
export const SEQ_PER_CLOCK_MS = 1000;
/** A clock floor above this is not believed (a clock far in the future): it would eat the safe-integer range. */
const CLOCK_FLOOR_MAX = 2 ** 52;

/**
 * The first telemetry seq of a run: above every mark that survived (the seq file, state.json's reserved mark, the
 * highest seq the outbox journal ever held). Only when none survived (state.json corrupt or deleted and the seq file
 * and journal gone too, a wiped data dir) does it start at the clock floor, which is above what any earlier run used.
 * The floor is not used while a mark survives: a seq near 1.8e15 costs eight bytes on the wire in every message, a
 * device's own count two or three. The hub drops or refuses a seq not above the last one it stored, so going back
 * would lose every message until the old seq is passed.
 */
export function firstTelemetrySeq(marks: { fileMark?: number; stateMark?: number; outboxHighSeq?: number; nowMs: number }): number {
  // A mark of 1 (a fresh state.json, an empty journal's 0 + 1) says nothing was used before.
  const survived = [marks.fileMark, marks.stateMark, marks.outboxHighSeq === undefined ? undefined : marks.outboxHighSeq + 1]
    .filter((n): n is number => n !== undefined && Number.isSafeInteger(n) && n > 1);
  if (survived.length > 0) return Math.max(...survived);
  const clockFloor = marks.nowMs * SEQ_PER_CLOCK_MS;
  return Number.isSafeInteger(clockFloor) && clockFloor > 0 && clockFloor <= CLOCK_FLOOR_MAX ? clockFloor : 1;
}

/** The fields that make two state transitions the same report (detail and event time may differ on a redo). */
export type TransitionIdentity = Pick<
  verge.v1.StateTransition,
  "rolloutId" | "releaseId" | "desiredSeq" | "fromState" | "state" | "reason" | "bytesDone" | "bytesTotal"
>;

/**
 * Whether `candidate`, about to be reported, is the transition `announced` that already went into the outbox before a
 * power cut took the state write that followed it: the agent redoes the step and must not report it a second time
 * under a new seq (the hub dedupes by seq only, so it would be a second row).
 */
export function isSameTransition(announced: TransitionIdentity, candidate: TransitionIdentity): boolean {
  return (
    announced.rolloutId === candidate.rolloutId &&
    announced.releaseId === candidate.releaseId &&
    Number(announced.desiredSeq) === Number(candidate.desiredSeq) &&
    announced.fromState === candidate.fromState &&
    announced.state === candidate.state &&
    announced.reason === candidate.reason &&
    Number(announced.bytesDone) === Number(candidate.bytesDone) &&
    Number(announced.bytesTotal) === Number(candidate.bytesTotal)
  );
}

/**
 * The counts of one window from two reads of an application's cumulative counters. Any counter below its previous
 * value means the application restarted (all its counters start again from zero): the new values are then the
 * window's counts, as with a Prometheus counter reset.
 */
export function kpiCountsDelta(previous: KpiCounts, current: KpiCounts): { counts: KpiCounts; reset: boolean } {
  const scalars = ["secondsUp", "secondsDown", "eventsProcessed", "eventsDropped"] as const;
  const reset =
    scalars.some((k) => current[k] < previous[k]) ||
    current.lagBucketCounts.length !== previous.lagBucketCounts.length ||
    current.lagBucketCounts.some((n, i) => n < (previous.lagBucketCounts[i] ?? 0));
  if (reset) return { counts: { ...current, lagBucketCounts: [...current.lagBucketCounts] }, reset };
  return {
    counts: {
      secondsUp: current.secondsUp - previous.secondsUp,
      secondsDown: current.secondsDown - previous.secondsDown,
      eventsProcessed: current.eventsProcessed - previous.eventsProcessed,
      eventsDropped: current.eventsDropped - previous.eventsDropped,
      lagBucketCounts: current.lagBucketCounts.map((n, i) => n - (previous.lagBucketCounts[i] ?? 0)),
    },
    reset,
  };
}

type KpiReportFields = Pick<
  verge.v1.KpiReport,
  | "deviceId"
  | "seq"
  | "eventTime"
  | "windowStart"
  | "windowEnd"
  | "releaseId"
  | "secondsUp"
  | "secondsDown"
  | "eventsProcessed"
  | "eventsDropped"
  | "lagBucketBoundsMs"
  | "lagBucketCounts"
>;

/**
 * Two KPI reports (older first) as one, to make room in the outbox: the window runs from the older's start to the
 * newer's end, every count is the sum (the hub's ratios of sums come out the same), the seq is the older's (neither
 * was sent). null when they cannot be merged without losing meaning: another device or release, other bucket bounds.
 */
export function mergeKpiReports(older: KpiReportFields, newer: KpiReportFields): KpiReportFields | null {
  if (older.deviceId !== newer.deviceId || older.releaseId !== newer.releaseId) return null;
  const bounds = older.lagBucketBoundsMs;
  if (bounds.length !== newer.lagBucketBoundsMs.length || bounds.some((b, i) => Number(b) !== Number(newer.lagBucketBoundsMs[i]))) return null;
  if (older.lagBucketCounts.length !== newer.lagBucketCounts.length) return null;
  return {
    deviceId: older.deviceId,
    seq: older.seq,
    eventTime: Math.max(Number(older.eventTime), Number(newer.eventTime)),
    windowStart: Math.min(Number(older.windowStart), Number(newer.windowStart)),
    windowEnd: Math.max(Number(older.windowEnd), Number(newer.windowEnd)),
    releaseId: older.releaseId,
    secondsUp: Number(older.secondsUp) + Number(newer.secondsUp),
    secondsDown: Number(older.secondsDown) + Number(newer.secondsDown),
    eventsProcessed: Number(older.eventsProcessed) + Number(newer.eventsProcessed),
    eventsDropped: Number(older.eventsDropped) + Number(newer.eventsDropped),
    lagBucketBoundsMs: [...bounds],
    lagBucketCounts: older.lagBucketCounts.map((c, i) => Number(c) + Number(newer.lagBucketCounts[i])),
  };
}
