// Device->hub telemetry. Every table is keyed by (device_id, seq): INSERT OR IGNORE stores a message once however
// many times MQTT delivers it; the boolean result tells the caller whether this delivery was the first.
import { cachedStatement } from "../db/database.js";
import type { Db } from "../db/database.js";
import type { DeploymentStateName } from "../../proto/index.js";
import { LAG_COLUMNS } from "./kpi.repo.js";

export interface TransitionRecord {
  deviceId: string;
  seq: number;
  eventTime: number;
  receivedAt: number;
  rolloutId: string | null;
  releaseId: string | null;
  fromState: DeploymentStateName | null;
  state: DeploymentStateName;
  reason: string | null;
  detail: string | null;
  bytesDone: number | null;
  bytesTotal: number | null;
  desiredSeq: number | null;
}

export interface TelemetryRejection {
  receivedAt: number;
  deviceId: string | null;
  topic: string;
  reason: string;
  detail: string;
  payloadSize: number;
}

export class TelemetryRepo {
  constructor(private readonly db: Db) {}

  /** Every statement here is fixed text on the telemetry path: prepared once (db/database.ts). */
  private statement(sql: string) {
    return cachedStatement(this.db, sql);
  }

  insertTransition(t: TransitionRecord): boolean {
    return (
      this.statement(
          `INSERT OR IGNORE INTO state_transitions (device_id, seq, event_time, received_at, rollout_id, release_id, from_state, state, reason, detail, bytes_done, bytes_total, desired_seq)
           VALUES (@deviceId, @seq, @eventTime, @receivedAt, @rolloutId, @releaseId, @fromState, @state, @reason, @detail, @bytesDone, @bytesTotal, @desiredSeq)`,
        )
        .run(t).changes === 1
    );
  }

  insertHeartbeat(h: {
    deviceId: string;
    seq: number;
    eventTime: number;
    receivedAt: number;
    uptimeS: number;
    currentReleaseId: string | null;
    deploymentState: string | null;
    agentVersion: string | null;
    rejectedJson: string;
    outboxJson: string;
  }): boolean {
    return (
      this.statement(
          `INSERT OR IGNORE INTO heartbeats (device_id, seq, event_time, received_at, uptime_s, current_release_id, deployment_state, agent_version, rejected_json, outbox_json)
           VALUES (@deviceId, @seq, @eventTime, @receivedAt, @uptimeS, @currentReleaseId, @deploymentState, @agentVersion, @rejectedJson, @outboxJson)`,
        )
        .run(h).changes === 1
    );
  }

  insertInventory(i: { deviceId: string; seq: number; eventTime: number; receivedAt: number; json: string }): boolean {
    return (
      this.statement("INSERT OR IGNORE INTO inventories (device_id, seq, event_time, received_at, inventory_json) VALUES (@deviceId, @seq, @eventTime, @receivedAt, @json)")
        .run(i).changes === 1
    );
  }

  insertKpi(k: {
    deviceId: string;
    seq: number;
    eventTime: number;
    receivedAt: number;
    windowStart: number;
    windowEnd: number;
    releaseId: string | null;
    secondsUp: number;
    secondsDown: number;
    eventsProcessed: number;
    eventsDropped: number;
    lagBounds: number[];
    lagCounts: number[];
  }): boolean {
    const { lagBounds, lagCounts, ...row } = k;
    // A late copy of a window the retention job already rolled up into an hourly row: stored already.
    if (this.rolledUpSeq(k.deviceId, k.seq)) return false;
    // The histogram also goes into the report's lag_0..lag_15 columns (migration 0006), which cohort sums read.
    const lag = Object.fromEntries(LAG_COLUMNS.map((c, i) => [c, lagCounts[i] ?? 0]));
    const stored =
      this.statement(
          `INSERT OR IGNORE INTO kpi_reports (device_id, seq, event_time, received_at, window_start, window_end, release_id, seconds_up, seconds_down, events_processed, events_dropped, lag_bounds_json, lag_counts_json, ${LAG_COLUMNS.join(", ")})
           VALUES (@deviceId, @seq, @eventTime, @receivedAt, @windowStart, @windowEnd, @releaseId, @secondsUp, @secondsDown, @eventsProcessed, @eventsDropped, @lagBoundsJson, @lagCountsJson, ${LAG_COLUMNS.map((c) => `@${c}`).join(", ")})`,
        )
        .run({ ...row, ...lag, lagBoundsJson: JSON.stringify(lagBounds), lagCountsJson: JSON.stringify(lagCounts) }).changes === 1;
    if (stored) {
      const bucket = this.statement("INSERT INTO kpi_lag_buckets (device_id, seq, bucket, count) VALUES (?, ?, ?, ?)");
      lagCounts.forEach((count, i) => {
        if (count > 0) bucket.run(k.deviceId, k.seq, i, count);
      });
    }
    return stored;
  }

  insertAck(a: {
    deviceId: string;
    seq: number;
    eventTime: number;
    receivedAt: number;
    commandId: string;
    commandSeq: number;
    status: string;
    reason: string | null;
    detail: string | null;
  }): boolean {
    return (
      this.statement(
          `INSERT OR IGNORE INTO command_acks (device_id, seq, event_time, received_at, command_id, command_seq, status, reason, detail)
           VALUES (@deviceId, @seq, @eventTime, @receivedAt, @commandId, @commandSeq, @status, @reason, @detail)`,
        )
        .run(a).changes === 1
    );
  }

  /**
   * The highest seq stored for the device over every kind (one counter across message types), 0 without any. Rows
   * outside 1..2^53-1 (stored before ingest checked seq) are ignored, so an old absurd seq cannot bar a device's
   * telemetry for good. Each part is one seek at the end of its (device_id, seq) primary key.
   */
  lastSeq(deviceId: string): number {
    return this.statement(
      `SELECT max(
         coalesce((SELECT max(seq) FROM state_transitions WHERE device_id = @d AND seq BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}), 0),
         coalesce((SELECT max(seq) FROM heartbeats WHERE device_id = @d AND seq BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}), 0),
         coalesce((SELECT max(seq) FROM inventories WHERE device_id = @d AND seq BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}), 0),
         coalesce((SELECT max(coalesce(seq_last, seq)) FROM kpi_reports WHERE device_id = @d AND seq BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}), 0),
         coalesce((SELECT max(seq) FROM command_acks WHERE device_id = @d AND seq BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}), 0))`,
    )
      .pluck()
      .get({ d: deviceId }) as number;
  }

  /** Whether a message of this kind with this (device, seq) is stored already (a KPI window also when rolled up). */
  hasSeq(kind: "state" | "heartbeat" | "inventory" | "kpi" | "ack", deviceId: string, seq: number): boolean {
    const sql = {
      state: "SELECT 1 FROM state_transitions WHERE device_id = @d AND seq = @s",
      heartbeat: "SELECT 1 FROM heartbeats WHERE device_id = @d AND seq = @s",
      inventory: "SELECT 1 FROM inventories WHERE device_id = @d AND seq = @s",
      kpi: "SELECT 1 FROM kpi_reports WHERE device_id = @d AND seq = @s",
      ack: "SELECT 1 FROM command_acks WHERE device_id = @d AND seq = @s",
    }[kind];
    if (this.statement(sql).get({ d: deviceId, s: seq }) !== undefined) return true;
    return kind === "kpi" && this.rolledUpSeq(deviceId, seq);
  }

  /** Whether the seq falls in a KPI row the retention job rolled up (its first window's seq..its last one's). */
  private rolledUpSeq(deviceId: string, seq: number): boolean {
    const first = this.statement("SELECT seq FROM kpi_reports WHERE device_id = ? AND seq_last IS NOT NULL AND seq_last >= ? ORDER BY seq_last LIMIT 1")
      .pluck()
      .get(deviceId, seq) as number | undefined;
    return first !== undefined && first <= seq;
  }

  recordRejection(r: TelemetryRejection): void {
    this.statement("INSERT INTO telemetry_rejections (received_at, device_id, topic, reason, detail, payload_size) VALUES (@receivedAt, @deviceId, @topic, @reason, @detail, @payloadSize)")
      .run(r);
  }

  /** Newest first: `limit` of them from `offset`. */
  rejections(limit = 100, offset = 0): TelemetryRejection[] {
    return this.statement(
        "SELECT received_at AS receivedAt, device_id AS deviceId, topic, reason, detail, payload_size AS payloadSize FROM telemetry_rejections ORDER BY id DESC LIMIT ? OFFSET ?",
      )
      .all(limit, offset) as TelemetryRejection[];
  }

  countRejections(): number {
    return (this.statement("SELECT count(*) AS n FROM telemetry_rejections").get() as { n: number }).n;
  }

  /** One page of a device's transitions in the order the device made them (its seq), and how many there are. */
  transitionsPage(deviceId: string, rolloutId: string | undefined, limit: number, offset: number): { transitions: TransitionRecord[]; totalCount: number } {
    const params = { deviceId, rolloutId: rolloutId ?? null, limit, offset };
    const where = "device_id = @deviceId AND (@rolloutId IS NULL OR rollout_id = @rolloutId)";
    const rows = this.statement(
      `SELECT device_id AS deviceId, seq, event_time AS eventTime, received_at AS receivedAt, rollout_id AS rolloutId, release_id AS releaseId,
              from_state AS fromState, state, reason, detail, bytes_done AS bytesDone, bytes_total AS bytesTotal, desired_seq AS desiredSeq
       FROM state_transitions WHERE ${where} ORDER BY seq LIMIT @limit OFFSET @offset`,
    ).all(params);
    const { n } = this.statement(`SELECT count(*) AS n FROM state_transitions WHERE ${where}`).get(params) as { n: number };
    return { transitions: rows as TransitionRecord[], totalCount: n };
  }

  /** A device's latest `n` transitions, oldest first (a device view shows these, not its whole history). */
  lastTransitions(deviceId: string, n: number): TransitionRecord[] {
    const { n: total } = this.statement("SELECT count(*) AS n FROM state_transitions WHERE device_id = ?").get(deviceId) as { n: number };
    return this.transitionsPage(deviceId, undefined, n, Math.max(0, total - n)).transitions;
  }

  /** A device's transitions in the order the device made them (its seq). */
  transitions(deviceId: string, rolloutId?: string): TransitionRecord[] {
    const rows = this.statement(
        `SELECT device_id AS deviceId, seq, event_time AS eventTime, received_at AS receivedAt, rollout_id AS rolloutId, release_id AS releaseId,
                from_state AS fromState, state, reason, detail, bytes_done AS bytesDone, bytes_total AS bytesTotal, desired_seq AS desiredSeq
         FROM state_transitions WHERE device_id = @deviceId AND (@rolloutId IS NULL OR rollout_id = @rolloutId) ORDER BY seq`,
      )
      .all({ deviceId, rolloutId: rolloutId ?? null });
    return rows as TransitionRecord[];
  }
}
