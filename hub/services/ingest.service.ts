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
  | { result: "rejected"; deviceId: string | null; reason: string; detail: string };

export class TelemetryIngest {
  constructor(
    private readonly devices: DevicesRepo,
    private readonly telemetry: TelemetryRepo,
    private readonly rollouts: RolloutsRepo,
    private readonly metrics: HubMetrics,
    private readonly logger: Logger,
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
      case "rejected":
        this.metrics.telemetryRejected.inc({ reason: outcome.reason });
        this.telemetry.recordRejection({ receivedAt, deviceId: outcome.deviceId, topic, reason: outcome.reason, detail: outcome.detail, payloadSize: payload.length });
        this.logger.warn({ deviceId: outcome.deviceId, topic, reason: outcome.reason, detail: outcome.detail, bytes: payload.length }, "telemetry rejected");
        break;
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
    if (!m.seq || m.seq <= 0) return { result: "rejected", deviceId, reason: "missing_seq", detail: "seq must be a positive integer" };
    if (!m.eventTime || m.eventTime <= 0) return { result: "rejected", deviceId, reason: "missing_event_time", detail: "event_time must be set" };
    // Liveness does not hang on the single retained "online" message: whatever a device sends shows it connected.
    this.devices.markOnline(deviceId, receivedAt);
    return this.store(deviceId, decoded.up, receivedAt);
  }

  private store(deviceId: string, up: UpMessage, receivedAt: number): IngestOutcome {
    const dup: IngestOutcome = { result: "duplicate", deviceId, kind: up.kind };
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
          reason: m.reason || null,
          detail: m.detail || null,
          bytesDone: m.bytesTotal ? m.bytesDone : null,
          bytesTotal: m.bytesTotal || null,
          desiredSeq: m.desiredSeq || null,
        };
        if (!this.telemetry.insertTransition(record)) return dup;
        this.devices.touch(deviceId, m.eventTime, state);
        // The running release follows the device's own report at once (heartbeats and inventory may come later): a
        // rollout created right after this one must know where a rollback would take the device.
        if ((state === "activated" || state === "rolled_back") && record.releaseId) this.devices.setCurrentRelease(deviceId, record.releaseId);
        if (record.rolloutId) {
          this.rollouts.applyTransition({ ...record, rolloutId: record.rolloutId, now: receivedAt });
          return { result: "stored", deviceId, kind: up.kind, rolloutId: record.rolloutId, state, releaseId: m.releaseId, reason: m.reason };
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
        this.devices.recordHeartbeat(deviceId, { at: m.eventTime, currentReleaseId: m.currentReleaseId || null, deploymentState: state, agentVersion: m.agentVersion || null, rejected, outbox });
        return { result: "stored", deviceId, kind: up.kind, currentReleaseId: m.currentReleaseId };
      }
      case "inventory": {
        const m = up.message;
        const json = JSON.stringify(pb.Inventory.toObject(m, { longs: Number, enums: String, defaults: true }));
        if (!this.telemetry.insertInventory({ deviceId, seq: m.seq, eventTime: m.eventTime, receivedAt, json })) return dup;
        const version = (name: string) => m.components.find((c) => c.name === name)?.version || null;
        this.devices.recordInventory(deviceId, {
          at: m.eventTime,
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
        if (m.windowEnd < m.windowStart) {
          return { result: "rejected", deviceId, reason: "bad_window", detail: `window_end ${m.windowEnd} is before window_start ${m.windowStart}` };
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
        const stored = this.telemetry.insertAck({
          deviceId,
          seq: m.seq,
          eventTime: m.eventTime,
          receivedAt,
          commandId: m.commandId,
          commandSeq: m.commandSeq,
          status,
          reason: m.reason || null,
          detail: m.detail || null,
        });
        return stored ? { result: "stored", deviceId, kind: up.kind, ack: { commandId: m.commandId, status, reason: m.reason, detail: m.detail } } : dup;
      }
    }
  }
}
