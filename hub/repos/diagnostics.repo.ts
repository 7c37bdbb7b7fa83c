// Diagnostic bundles asked of devices: who asked, why, and how far the upload got. The files live on disk
// (DiagnosticsService); this table holds their metadata.
import type { Db } from "../db/database.js";
import type { BundleStatus } from "../diagnostics/decisions.js";

export interface DiagnosticBundle {
  id: string;
  deviceId: string;
  trigger: "operator" | "auto";
  requestedAt: number;
  requestedBy: string;
  reason: string | null;
  rolloutId: string | null;
  releaseId: string | null;
  commandId: string;
  commandSeq: number;
  status: BundleStatus;
  statusReason: string | null;
  statusDetail: string | null;
  size: number | null;
  sha256: string | null;
  received: number;
  updatedAt: number;
  completedAt: number | null;
}

interface Row {
  id: string;
  device_id: string;
  trigger: "operator" | "auto";
  requested_at: number;
  requested_by: string;
  reason: string | null;
  rollout_id: string | null;
  release_id: string | null;
  command_id: string;
  command_seq: number;
  status: BundleStatus;
  status_reason: string | null;
  status_detail: string | null;
  size: number | null;
  sha256: string | null;
  received: number;
  updated_at: number;
  completed_at: number | null;
}

function toBundle(r: Row): DiagnosticBundle {
  return {
    id: r.id,
    deviceId: r.device_id,
    trigger: r.trigger,
    requestedAt: r.requested_at,
    requestedBy: r.requested_by,
    reason: r.reason,
    rolloutId: r.rollout_id,
    releaseId: r.release_id,
    commandId: r.command_id,
    commandSeq: r.command_seq,
    status: r.status,
    statusReason: r.status_reason,
    statusDetail: r.status_detail,
    size: r.size,
    sha256: r.sha256,
    received: r.received,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
  };
}

export class DiagnosticsRepo {
  constructor(private readonly db: Db) {}

  insert(b: Omit<DiagnosticBundle, "status" | "statusReason" | "statusDetail" | "size" | "sha256" | "received" | "updatedAt" | "completedAt">): DiagnosticBundle {
    this.db
      .prepare(
        `INSERT INTO diagnostic_bundles (id, device_id, trigger, requested_at, requested_by, reason, rollout_id, release_id, command_id, command_seq, status, updated_at)
         VALUES (@id, @deviceId, @trigger, @requestedAt, @requestedBy, @reason, @rolloutId, @releaseId, @commandId, @commandSeq, 'requested', @requestedAt)`,
      )
      .run(b);
    return this.get(b.id)!;
  }

  get(id: string): DiagnosticBundle | undefined {
    const row = this.db.prepare("SELECT * FROM diagnostic_bundles WHERE id = ?").get(id) as Row | undefined;
    return row && toBundle(row);
  }

  byCommand(deviceId: string, commandId: string): DiagnosticBundle | undefined {
    const row = this.db.prepare("SELECT * FROM diagnostic_bundles WHERE device_id = ? AND command_id = ?").get(deviceId, commandId) as Row | undefined;
    return row && toBundle(row);
  }

  /** A device's bundles, newest first. */
  list(deviceId: string): DiagnosticBundle[] {
    return (this.db.prepare("SELECT * FROM diagnostic_bundles WHERE device_id = ? ORDER BY requested_at DESC, id DESC").all(deviceId) as Row[]).map(toBundle);
  }

  /** For each device of a rollout with a bundle asked during it: the newest one. */
  latestByRollout(rolloutId: string): Map<string, DiagnosticBundle> {
    const rows = this.db
      .prepare(
        `SELECT * FROM diagnostic_bundles b WHERE rollout_id = ? AND NOT EXISTS (
           SELECT 1 FROM diagnostic_bundles n WHERE n.rollout_id = b.rollout_id AND n.device_id = b.device_id
             AND (n.requested_at > b.requested_at OR (n.requested_at = b.requested_at AND n.id > b.id)))`,
      )
      .all(rolloutId) as Row[];
    return new Map(rows.map((r) => [r.device_id, toBundle(r)]));
  }

  /** The rollout the device took part in last (running or finished) and its release: what a bundle asked now documents. */
  lastRollout(deviceId: string): { rolloutId: string; releaseId: string | null } | undefined {
    return this.db
      .prepare("SELECT rollout_id AS rolloutId, release_id AS releaseId FROM rollout_devices WHERE device_id = ? AND issued_at IS NOT NULL ORDER BY updated_at DESC, created_at DESC LIMIT 1")
      .get(deviceId) as { rolloutId: string; releaseId: string | null } | undefined;
  }

  autoRequestsInRollout(rolloutId: string): number {
    return (this.db.prepare("SELECT count(*) AS n FROM diagnostic_bundles WHERE rollout_id = ? AND trigger = 'auto'").get(rolloutId) as { n: number }).n;
  }

  lastAutoRequestAt(deviceId: string): number | null {
    const row = this.db.prepare("SELECT max(requested_at) AS at FROM diagnostic_bundles WHERE device_id = ? AND trigger = 'auto'").get(deviceId) as { at: number | null };
    return row.at;
  }

  setStatus(id: string, status: BundleStatus, now: number, why: { reason?: string | null; detail?: string | null } = {}): void {
    this.db
      .prepare(
        `UPDATE diagnostic_bundles SET status = @status, status_reason = @reason, status_detail = @detail, updated_at = @now,
           completed_at = CASE WHEN @status = 'complete' THEN @now ELSE completed_at END
         WHERE id = @id`,
      )
      .run({ id, status, now, reason: why.reason ?? null, detail: why.detail ?? null });
  }

  /** The size and sha256 the device declared with its first chunk. */
  declare(id: string, size: number, sha256: string, now: number): void {
    this.db.prepare("UPDATE diagnostic_bundles SET size = ?, sha256 = ?, status = 'uploading', updated_at = ? WHERE id = ? AND size IS NULL").run(size, sha256, now, id);
  }

  setReceived(id: string, received: number, now: number): void {
    this.db.prepare("UPDATE diagnostic_bundles SET received = ?, updated_at = ? WHERE id = ?").run(received, now, id);
  }

  delete(ids: string[]): void {
    const del = this.db.prepare("DELETE FROM diagnostic_bundles WHERE id = ?");
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }
}
