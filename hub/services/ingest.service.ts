// Telemetry ingest: turns one device->hub MQTT message into stored rows, or a rejection with a reason.
// Synchronous on purpose: the MQTT adapter calls it inside one SQLite transaction per batch and acknowledges the
// messages (PUBACK) only after that transaction commits, so nothing acknowledged is ever lost.
import type { Logger } from "pino";
import { LAG_BUCKET_BOUNDS_MS, decodeUp, isStandardLagBounds, parseTopic, pb, stateFromWire } from "../../proto/index.js";
import type { DeploymentStateName, UpMessage } from "../../proto/index.js";
import type { DevicesRepo } from "../repos/devices.repo.js";
import type { RolloutsRepo } from "../repos/rollouts.repo.js";
import type { TelemetryRepo } from "../repos/telemetry.repo.js";
import type { HubMetrics } from "../metrics.js";
import { INGEST_DEFAULTS } from "../config.js";
import type { HubConfig } from "../config.js";
import { cutOptional, cutText } from "../stored-text.js";

/** The bounds of hub config `ingest` (hub/config.ts). */
export type IngestLimits = HubConfig["ingest"];

export const DEFAULT_INGEST_LIMITS: IngestLimits = INGEST_DEFAULTS;

/** Why a device->hub message was refused: the `reason` of verge_telemetry_rejected_total and of stored rejections. */
export const REJECTION_REASONS = [
  "unknown_topic",
  "unknown_device",
  "bad_status",
  "decode",
  "device_mismatch",
  "missing_seq",
  "seq_out_of_range",
  "seq_not_increasing",
  "missing_event_time",
  "event_time_future",
  "event_time_too_old",
  "number_out_of_range",
  "bad_state",
  "bad_histogram",
  "bad_window",
  "window_too_long",
  "kpi_seconds_beyond_window",
  "kpi_events_beyond_ceiling",
  "kpi_lag_beyond_events",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

type Rejection = { reason: RejectionReason; detail: string };

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** The 64-bit fields of a message other than seq, by name, as decoded (numbers; 2^64-1 for a negative one sent). */
function numberFields(up: UpMessage): Array<[string, number]> {
  switch (up.kind) {
    case "state": {
      const m = up.message;
      return [["event_time", m.eventTime], ["bytes_done", m.bytesDone], ["bytes_total", m.bytesTotal], ["desired_seq", m.desiredSeq]];
    }
    case "heartbeat": {
      const m = up.message;
      return [
        ["event_time", m.eventTime],
        ["uptime_s", m.uptimeS],
        ["outbox_depth", m.outboxDepth],
        ["outbox_bytes", m.outboxBytes],
        ["outbox_merged", m.outboxMerged],
        ...Object.entries(m.rejected ?? {}).map(([k, v]): [string, number] => [`rejected[${k}]`, Number(v)]),
        ...Object.entries(m.outboxDropped ?? {}).map(([k, v]): [string, number] => [`outbox_dropped[${k}]`, Number(v)]),
      ];
    }
    case "kpi": {
      const m = up.message;
      return [
        ["event_time", m.eventTime],
        ["window_start", m.windowStart],
        ["window_end", m.windowEnd],
        ["seconds_up", m.secondsUp],
        ["seconds_down", m.secondsDown],
        ["events_processed", m.eventsProcessed],
        ["events_dropped", m.eventsDropped],
        ...m.lagBucketCounts.map((v, i): [string, number] => [`lag_bucket_counts[${i}]`, Number(v)]),
      ];
    }
    case "ack":
      return [["event_time", up.message.eventTime], ["command_seq", up.message.commandSeq]];
    case "inventory":
      return [["event_time", up.message.eventTime], ["highest_counter", up.message.highestCounter]];
  }
}

/**
 * What cannot be true of a decoded message, judged against the limits and the hub's clock (`receivedAt`): a 64-bit
 * field beyond 2^53-1 (it could not even be read exactly), an event time outside the skew, a KPI window that is
 * backwards or too long, or counts one window cannot hold. Null when the message is believable. Pure.
 */
export function implausible(up: UpMessage, limits: IngestLimits, receivedAt: number): Rejection | null {
  for (const [field, value] of numberFields(up)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      return { reason: "number_out_of_range", detail: `${field} ${value} is beyond 2^53-1 (a negative number sent as uint64 reads as about 2^64)` };
    }
  }
  const eventTime = up.message.eventTime;
  if (eventTime > receivedAt + limits.maxFutureSkewMs) {
    return { reason: "event_time_future", detail: `event_time ${iso(eventTime)} is ${eventTime - receivedAt} ms ahead of the hub's clock (${iso(receivedAt)}; at most ${limits.maxFutureSkewMs} ms allowed: ingest.maxFutureSkewMs)` };
  }
  if (eventTime < receivedAt - limits.maxPastAgeMs) {
    return { reason: "event_time_too_old", detail: `event_time ${iso(eventTime)} is older than ingest.maxPastAgeMs (${limits.maxPastAgeMs} ms) before the hub's clock (${iso(receivedAt)})` };
  }
  if (up.kind !== "kpi") return null;
  const m = up.message;
  if (m.windowEnd < m.windowStart) return { reason: "bad_window", detail: `window_end ${m.windowEnd} is before window_start ${m.windowStart}` };
  if (m.windowEnd > receivedAt + limits.maxFutureSkewMs) {
    return { reason: "event_time_future", detail: `window_end ${iso(m.windowEnd)} is ${m.windowEnd - receivedAt} ms ahead of the hub's clock (at most ${limits.maxFutureSkewMs} ms: ingest.maxFutureSkewMs)` };
  }
  const windowMs = m.windowEnd - m.windowStart;
  if (windowMs > limits.maxKpiWindowMs) return { reason: "window_too_long", detail: `the window spans ${windowMs} ms, more than ingest.maxKpiWindowMs (${limits.maxKpiWindowMs} ms)` };
  const windowS = windowMs / 1000;
  const maxSeconds = Math.ceil(windowS * 1.02) + limits.kpiSecondsSlackS;
  const seconds = m.secondsUp + m.secondsDown;
  if (seconds > maxSeconds) {
    return { reason: "kpi_seconds_beyond_window", detail: `seconds_up + seconds_down = ${seconds} in a window of ${windowS} s (at most ${maxSeconds}: the window + 2% + ingest.kpiSecondsSlackS)` };
  }
  const events = m.eventsProcessed + m.eventsDropped;
  const maxEvents = limits.maxEventsPerSecond * (Math.ceil(windowS) + limits.kpiSecondsSlackS);
  if (events > maxEvents) {
    return { reason: "kpi_events_beyond_ceiling", detail: `events_processed + events_dropped = ${events} in a window of ${windowS} s (at most ${maxEvents}: ingest.maxEventsPerSecond ${limits.maxEventsPerSecond} per second)` };
  }
  const lagged = m.lagBucketCounts.reduce((a, b) => a + Number(b), 0);
  if (lagged > events) return { reason: "kpi_lag_beyond_events", detail: `the lag histogram counts ${lagged} events, more than the ${events} the window processed and dropped` };
  return null;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export type IngestOutcome =
  | {
      result: "stored";
      deviceId: string;
      kind: string;
      rolloutId?: string;
      state?: DeploymentStateName;
      /** State transitions: the release and the device's reason (e.g. health_check), for automatic diagnostics. */
      releaseId?: string;
      reason?: string;
      currentReleaseId?: string;
      /** Command acks: which command, and how the device answered (AckStatus name, e.g. ACK_STATUS_FAILED). */
      ack?: { commandId: string; status: string; reason: string; detail: string };
    }
  | { result: "duplicate"; deviceId: string; kind: string }
  | { result: "status"; deviceId: string; online: boolean }
  | { result: "rejected"; deviceId: string | null; reason: RejectionReason; detail: string };

export class TelemetryIngest {
  constructor(
    private readonly devices: DevicesRepo,
    private readonly telemetry: TelemetryRepo,
    private readonly rollouts: RolloutsRepo,
    private readonly metrics: HubMetrics,
    private readonly logger: Logger,
    private readonly limits: IngestLimits = DEFAULT_INGEST_LIMITS,
  ) {}

  handle(topic: string, payload: Uint8Array, receivedAt: number): IngestOutcome {
    const outcome = this.classify(topic, payload, receivedAt);
    switch (outcome.result) {
      case "stored":
        this.metrics.telemetryAccepted.inc({ kind: outcome.kind });
        break;
      case "duplicate":
        this.metrics.telemetryDuplicates.inc({ kind: outcome.kind });
        this.logger.debug({ deviceId: outcome.deviceId, kind: outcome.kind, topic }, "duplicate telemetry ignored");
        break;
      case "status":
        break;
      case "rejected": {
        // The detail quotes what the device sent (a device id, a number): stored cut like every free text.
        const detail = cutText(outcome.detail);
        this.metrics.telemetryRejected.inc({ reason: outcome.reason });
        this.telemetry.recordRejection({ receivedAt, deviceId: outcome.deviceId, topic: cutText(topic), reason: outcome.reason, detail, payloadSize: payload.length });
        this.logger.warn({ deviceId: outcome.deviceId, topic, reason: outcome.reason, detail, bytes: payload.length }, "telemetry rejected");
        return { ...outcome, detail };
      }
    }
    return outcome;
  }

  private classify(topic: string, payload: Uint8Array, receivedAt: number): IngestOutcome {
    const parsed = parseTopic(topic);
    if (!parsed || (parsed.kind !== "up" && parsed.kind !== "status")) {
      return { result: "rejected", deviceId: null, reason: "unknown_topic", detail: `not a device->hub topic: ${topic}` };
    }
    const deviceId = parsed.deviceId;
    if (!this.devices.get(deviceId)) {
      return { result: "rejected", deviceId, reason: "unknown_device", detail: `device ${deviceId} is not enrolled` };
    }
    if (parsed.kind === "status") {
      const text = Buffer.from(payload).toString("utf8");
      if (text !== "online" && text !== "offline") {
        return { result: "rejected", deviceId, reason: "bad_status", detail: `status must be "online" or "offline"` };
      }
      this.devices.setOnline(deviceId, text === "online", receivedAt);
      return { result: "status", deviceId, online: text === "online" };
    }
    const decoded = decodeUp(parsed.up, payload);
    if (!decoded.ok) {
      return { result: "rejected", deviceId, reason: "decode", detail: `${parsed.up} payload is not a valid protobuf message: ${decoded.detail}` };
    }
    const m = decoded.up.message;
    if (m.deviceId !== deviceId) {
      return { result: "rejected", deviceId, reason: "device_mismatch", detail: `payload names device "${m.deviceId}" on ${deviceId}'s topic` };
    }
    if (!m.seq) return { result: "rejected", deviceId, reason: "missing_seq", detail: "seq must be a positive integer" };
    // protobufjs reads uint64 as a JS number (proto/README.md): 2^53 and above cannot be read exactly, and a negative
    // seq sent as uint64 reads as about 2^64, so both land here, never rounded into range.
    if (!Number.isSafeInteger(m.seq) || m.seq < 1 || m.seq > MAX_SEQ) {
      return { result: "rejected", deviceId, reason: "seq_out_of_range", detail: `seq ${m.seq} is outside 1..2^53-1 (a negative seq sent as uint64 reads as about 2^64)` };
    }
    if (!m.eventTime) return { result: "rejected", deviceId, reason: "missing_event_time", detail: "event_time must be set" };
    const up = decoded.up;
    // A message stored already is a duplicate whatever else is wrong with it now (a retained inventory delivered again
    // after a hub restart may be older than the skew allows). One below the device's last stored seq is late: the
    // broker may hand a device's messages over out of order under load (README "Decisions": dedupe), and the agent
    // never has more than a few dozen in flight; far below, the device's seq went backwards (state lost) and it is
    // refused, so the device shows up by reason instead of its messages vanishing as duplicates.
    const lastSeq = this.telemetry.lastSeq(deviceId);
    if (m.seq <= lastSeq) {
      if (this.telemetry.hasSeq(up.kind, deviceId, m.seq)) return { result: "duplicate", deviceId, kind: up.kind };
      if (lastSeq - m.seq >= this.limits.seqReorderWindow) {
        return {
          result: "rejected",
          deviceId,
          reason: "seq_not_increasing",
          detail: `seq ${m.seq} is ${lastSeq - m.seq} below the device's last stored seq ${lastSeq}, more than ingest.seqReorderWindow (${this.limits.seqReorderWindow}) allows for late delivery: the agent's seq went backwards`,
        };
      }
    }
    const bad = implausible(up, this.limits, receivedAt);
    if (bad) return { result: "rejected", deviceId, ...bad };
    // Liveness does not hang on the single retained "online" message: whatever a device sends shows it connected.
    this.devices.markOnline(deviceId, receivedAt);
    return this.store(deviceId, up, receivedAt);
  }

  private store(deviceId: string, up: UpMessage, receivedAt: number): IngestOutcome {
    const dup: IngestOutcome = { result: "duplicate", deviceId, kind: up.kind };
    // When the device was last seen, from its event time but never ahead of the hub's clock (within the skew allowed).
    const seenAt = Math.min(up.message.eventTime, receivedAt);
    switch (up.kind) {
      case "state": {
        const m = up.message;
        const state = stateFromWire(m.state);
        if (!state) return { result: "rejected", deviceId, reason: "bad_state", detail: `unknown deployment state ${m.state}` };
        const record = {
          deviceId,
          seq: m.seq,
          eventTime: m.eventTime,
          receivedAt,
          rolloutId: m.rolloutId || null,
          releaseId: m.releaseId || null,
          fromState: stateFromWire(m.fromState) ?? null,
          state,
          reason: cutOptional(m.reason || null),
          detail: cutOptional(m.detail || null),
          bytesDone: m.bytesTotal ? m.bytesDone : null,
          bytesTotal: m.bytesTotal || null,
          desiredSeq: m.desiredSeq || null,
        };
        if (!this.telemetry.insertTransition(record)) return dup;
        this.devices.touch(deviceId, seenAt, state);
        // The running release follows the device's own report at once (heartbeats and inventory may come later): a
        // rollout created right after this one must know where a rollback would take the device.
        if ((state === "activated" || state === "rolled_back") && record.releaseId) this.devices.setCurrentRelease(deviceId, record.releaseId);
        if (record.rolloutId) {
          this.rollouts.applyTransition({ ...record, rolloutId: record.rolloutId, now: receivedAt });
          return { result: "stored", deviceId, kind: up.kind, rolloutId: record.rolloutId, state, releaseId: m.releaseId, reason: record.reason ?? "" };
        }
        return { result: "stored", deviceId, kind: up.kind };
      }
      case "heartbeat": {
        const m = up.message;
        const rejected: Record<string, number> = {};
        for (const [k, v] of Object.entries(m.rejected ?? {})) rejected[k] = Number(v);
        const state = stateFromWire(m.deploymentState) ?? null;
        const dropped: Record<string, number> = {};
        for (const [k, v] of Object.entries(m.outboxDropped ?? {})) dropped[k] = Number(v);
        const outbox = { depth: Number(m.outboxDepth), bytes: Number(m.outboxBytes), dropped, merged: Number(m.outboxMerged) };
        const stored = this.telemetry.insertHeartbeat({
          deviceId,
          seq: m.seq,
          eventTime: m.eventTime,
          receivedAt,
          uptimeS: m.uptimeS,
          currentReleaseId: m.currentReleaseId || null,
          deploymentState: state,
          agentVersion: m.agentVersion || null,
          rejectedJson: JSON.stringify(rejected),
          outboxJson: JSON.stringify(outbox),
        });
        if (!stored) return dup;
        this.devices.recordHeartbeat(deviceId, { at: seenAt, currentReleaseId: m.currentReleaseId || null, deploymentState: state, agentVersion: m.agentVersion || null, rejected, outbox });
        return { result: "stored", deviceId, kind: up.kind, currentReleaseId: m.currentReleaseId };
      }
      case "inventory": {
        const m = up.message;
        const json = JSON.stringify(pb.Inventory.toObject(m, { longs: Number, enums: String, defaults: true }));
        if (!this.telemetry.insertInventory({ deviceId, seq: m.seq, eventTime: m.eventTime, receivedAt, json })) return dup;
        const version = (name: string) => m.components.find((c) => c.name === name)?.version || null;
        this.devices.recordInventory(deviceId, {
          at: seenAt,
          currentReleaseId: m.currentReleaseId || null,
          agentVersion: m.agentVersion || version("agent"),
          baseImageVersion: version("base_image"),
          appVersion: version("app"),
          json,
        });
        return { result: "stored", deviceId, kind: up.kind };
      }
      case "kpi": {
        const m = up.message;
        if (m.lagBucketCounts.length !== m.lagBucketBoundsMs.length + 1) {
          return { result: "rejected", deviceId, reason: "bad_histogram", detail: `${m.lagBucketCounts.length} counts for ${m.lagBucketBoundsMs.length} bounds (expected bounds + 1)` };
        }
        if (!isStandardLagBounds(m.lagBucketBoundsMs)) {
          return {
            result: "rejected",
            deviceId,
            reason: "bad_histogram",
            detail: `lag bucket bounds [${m.lagBucketBoundsMs.join(", ")}] differ from the fixed set [${LAG_BUCKET_BOUNDS_MS.join(", ")}] (proto/kpi.ts)`,
          };
        }
        const stored = this.telemetry.insertKpi({
          deviceId,
          seq: m.seq,
          eventTime: m.eventTime,
          receivedAt,
          windowStart: m.windowStart,
          windowEnd: m.windowEnd,
          releaseId: m.releaseId || null,
          secondsUp: m.secondsUp,
          secondsDown: m.secondsDown,
          eventsProcessed: m.eventsProcessed,
          eventsDropped: m.eventsDropped,
          lagBounds: m.lagBucketBoundsMs,
          lagCounts: m.lagBucketCounts,
        });
        return stored ? { result: "stored", deviceId, kind: up.kind } : dup;
      }
      case "ack": {
        const m = up.message;
        const status = pb.AckStatus[m.status] ?? String(m.status);
        const reason = cutText(m.reason);
        const detail = cutText(m.detail);
        const stored = this.telemetry.insertAck({
          deviceId,
          seq: m.seq,
          eventTime: m.eventTime,
          receivedAt,
          commandId: m.commandId,
          commandSeq: m.commandSeq,
          status,
          reason: reason || null,
          detail: detail || null,
        });
        return stored ? { result: "stored", deviceId, kind: up.kind, ack: { commandId: m.commandId, status, reason, detail } } : dup;
      }
    }
  }
}
