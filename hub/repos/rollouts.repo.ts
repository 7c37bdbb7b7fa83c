// Rollouts, their devices' deployment states, and the signed desired state last issued to each device.
import type { Db } from "../db/database.js";
import type { DeploymentStateName } from "../../proto/index.js";

export type RolloutStatus = "draft" | "active" | "paused" | "completed" | "cancelled" | "rolled_back";

export interface Rollout {
  id: string;
  releaseId: string;
  status: RolloutStatus;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  completedAt: number | null;
}

export interface RolloutDevice {
  rolloutId: string;
  deviceId: string;
  stage: string;
  state: DeploymentStateName;
  reason: string | null;
  detail: string | null;
  desiredSeq: number | null;
  lastSeq: number;
  bytesDone: number | null;
  bytesTotal: number | null;
  createdAt: number;
  updatedAt: number;
}

interface RolloutRow {
  id: string;
  release_id: string;
  status: RolloutStatus;
  created_at: number;
  created_by: string;
  updated_at: number;
  completed_at: number | null;
}

interface RolloutDeviceRow {
  rollout_id: string;
  device_id: string;
  stage: string;
  state: DeploymentStateName;
  reason: string | null;
  detail: string | null;
  desired_seq: number | null;
  last_seq: number;
  bytes_done: number | null;
  bytes_total: number | null;
  created_at: number;
  updated_at: number;
}

export interface DesiredStateRecord {
  deviceId: string;
  seq: number;
  rolloutId: string | null;
  releaseId: string | null;
  action: string;
  envelope: Buffer;
  issuedAt: number;
  expiresAt: number;
}

export class RolloutsRepo {
  constructor(private readonly db: Db) {}

  insert(rollout: { id: string; releaseId: string; status: RolloutStatus; createdBy: string }, deviceIds: string[], now: number): void {
    this.db
      .prepare("INSERT INTO rollouts (id, release_id, status, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(rollout.id, rollout.releaseId, rollout.status, now, rollout.createdBy, now);
    const add = this.db.prepare("INSERT INTO rollout_devices (rollout_id, device_id, created_at, updated_at) VALUES (?, ?, ?, ?)");
    for (const d of deviceIds) add.run(rollout.id, d, now, now);
  }

  get(id: string): Rollout | undefined {
    const row = this.db.prepare("SELECT * FROM rollouts WHERE id = ?").get(id) as RolloutRow | undefined;
    return row && toRollout(row);
  }

  list(filter: { status?: RolloutStatus; releaseId?: string } = {}): Rollout[] {
    const where: string[] = [];
    if (filter.status) where.push("status = @status");
    if (filter.releaseId) where.push("release_id = @releaseId");
    const sql = `SELECT * FROM rollouts ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, id`;
    return (this.db.prepare(sql).all(filter) as RolloutRow[]).map(toRollout);
  }

  /** Active or paused rollouts that already target `deviceId` with `releaseId`. */
  activeRolloutsFor(deviceId: string): Array<{ rolloutId: string; releaseId: string }> {
    return this.db
      .prepare(
        `SELECT r.id AS rolloutId, r.release_id AS releaseId FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id
         WHERE rd.device_id = ? AND r.status IN ('active', 'paused')`,
      )
      .all(deviceId) as Array<{ rolloutId: string; releaseId: string }>;
  }

  setStatus(id: string, status: RolloutStatus, now: number): void {
    const completed = status === "completed" || status === "cancelled" || status === "rolled_back" ? now : null;
    this.db.prepare("UPDATE rollouts SET status = ?, updated_at = ?, completed_at = coalesce(?, completed_at) WHERE id = ?").run(status, now, completed, id);
  }

  devices(rolloutId: string): RolloutDevice[] {
    return (this.db.prepare("SELECT * FROM rollout_devices WHERE rollout_id = ? ORDER BY device_id").all(rolloutId) as RolloutDeviceRow[]).map(toRolloutDevice);
  }

  setDesiredSeq(rolloutId: string, deviceId: string, seq: number): void {
    this.db.prepare("UPDATE rollout_devices SET desired_seq = ? WHERE rollout_id = ? AND device_id = ?").run(seq, rolloutId, deviceId);
  }

  /**
   * Applies a device's reported state when it is newer (by the device's own seq) than what is recorded.
   * Returns true when the row changed.
   */
  applyTransition(t: {
    rolloutId: string;
    deviceId: string;
    seq: number;
    state: DeploymentStateName;
    reason: string | null;
    detail: string | null;
    bytesDone: number | null;
    bytesTotal: number | null;
    now: number;
  }): boolean {
    return (
      this.db
        .prepare(
          `UPDATE rollout_devices SET state = @state, reason = @reason, detail = @detail, last_seq = @seq,
             bytes_done = coalesce(@bytesDone, bytes_done), bytes_total = coalesce(@bytesTotal, bytes_total), updated_at = @now
           WHERE rollout_id = @rolloutId AND device_id = @deviceId AND last_seq < @seq`,
        )
        .run(t).changes === 1
    );
  }

  /** Device counts by deployment state. */
  progress(rolloutId: string): Record<DeploymentStateName, number> & { total: number } {
    const counts = {
      total: 0,
      pending: 0,
      downloading: 0,
      verified: 0,
      activated: 0,
      failed: 0,
      cancelled: 0,
      rolling_back: 0,
      rolled_back: 0,
    };
    for (const row of this.db.prepare("SELECT state, count(*) AS n FROM rollout_devices WHERE rollout_id = ? GROUP BY state").all(rolloutId) as Array<{
      state: DeploymentStateName;
      n: number;
    }>) {
      counts[row.state] = row.n;
      counts.total += row.n;
    }
    return counts;
  }

  saveDesiredState(d: DesiredStateRecord): void {
    this.db
      .prepare(
        `INSERT INTO desired_states (device_id, seq, rollout_id, release_id, action, envelope, issued_at, expires_at)
         VALUES (@deviceId, @seq, @rolloutId, @releaseId, @action, @envelope, @issuedAt, @expiresAt)
         ON CONFLICT(device_id) DO UPDATE SET seq = excluded.seq, rollout_id = excluded.rollout_id, release_id = excluded.release_id,
           action = excluded.action, envelope = excluded.envelope, issued_at = excluded.issued_at, expires_at = excluded.expires_at`,
      )
      .run(d);
  }

  desiredStates(): DesiredStateRecord[] {
    return (
      this.db.prepare("SELECT * FROM desired_states ORDER BY device_id").all() as Array<{
        device_id: string;
        seq: number;
        rollout_id: string | null;
        release_id: string | null;
        action: string;
        envelope: Buffer;
        issued_at: number;
        expires_at: number;
      }>
    ).map((r) => ({
      deviceId: r.device_id,
      seq: r.seq,
      rolloutId: r.rollout_id,
      releaseId: r.release_id,
      action: r.action,
      envelope: r.envelope,
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
    }));
  }
}

function toRollout(r: RolloutRow): Rollout {
  return { id: r.id, releaseId: r.release_id, status: r.status, createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at, completedAt: r.completed_at };
}

function toRolloutDevice(r: RolloutDeviceRow): RolloutDevice {
  return {
    rolloutId: r.rollout_id,
    deviceId: r.device_id,
    stage: r.stage,
    state: r.state,
    reason: r.reason,
    detail: r.detail,
    desiredSeq: r.desired_seq,
    lastSeq: r.last_seq,
    bytesDone: r.bytes_done,
    bytesTotal: r.bytes_total,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
