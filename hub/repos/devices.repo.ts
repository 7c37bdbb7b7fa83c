// Device registry and MQTT principals (the broker reads mqtt_principals to authenticate).
import { cachedStatement } from "../db/database.js";
import type { Db } from "../db/database.js";

export interface Device {
  id: string;
  variant: string;
  site: string | null;
  region: string | null;
  corridor: string | null;
  createdAt: number;
  createdBy: string;
  hubSeq: number;
  online: boolean;
  statusChangedAt: number | null;
  lastHeartbeatAt: number | null;
  lastSeenAt: number | null;
  currentReleaseId: string | null;
  deploymentState: string | null;
  agentVersion: string | null;
  baseImageVersion: string | null;
  appVersion: string | null;
  rejected: Record<string, number> | null;
  /** The device's telemetry outbox, from its latest heartbeat. */
  outbox: DeviceOutbox | null;
  /** `investigate` when a rollback missed its time target; `healthy` once healthy again after a rollback. */
  health: "healthy" | "investigate" | null;
  healthReason: string | null;
  healthChangedAt: number | null;
}

interface DeviceRow {
  id: string;
  variant: string;
  site: string | null;
  region: string | null;
  corridor: string | null;
  created_at: number;
  created_by: string;
  hub_seq: number;
  online: number;
  status_changed_at: number | null;
  last_heartbeat_at: number | null;
  last_seen_at: number | null;
  current_release_id: string | null;
  deployment_state: string | null;
  agent_version: string | null;
  base_image_version: string | null;
  app_version: string | null;
  rejected_json: string | null;
  outbox_json: string | null;
  health: "healthy" | "investigate" | null;
  health_reason: string | null;
  health_changed_at: number | null;
}

/** What a device's heartbeat says of its telemetry outbox. */
export interface DeviceOutbox {
  /** Messages waiting to be sent, and their bytes. */
  depth: number;
  bytes: number;
  /** Telemetry lost to the device's outbox byte budget since install, by kind. */
  dropped: Record<string, number>;
  /** KPI windows merged into a neighbour to make room (counts kept). */
  merged: number;
}

export interface NewDevice {
  id: string;
  variant: string;
  site?: string | undefined;
  region?: string | undefined;
  corridor?: string | undefined;
}

export type PrincipalRole = "device" | "hub" | "scada";

/** A row of mqtt_principals without its secret hash. */
export interface PrincipalRecord {
  username: string;
  role: PrincipalRole;
  createdAt: number;
  disabledAt: number | null;
}

export interface DeviceFilter {
  variant?: string | undefined;
  site?: string | undefined;
  region?: string | undefined;
  corridor?: string | undefined;
  online?: boolean | undefined;
}

/** A device's place in its active or paused rollout. */
export interface DeviceRolloutMembership {
  rolloutId: string;
  releaseId: string;
  /** The rollout's status: active or paused. */
  status: "active" | "paused";
  pauseReason: string | null;
  stage: string;
  /** The device's deployment state in that rollout, and why it is there. */
  state: string;
  reason: string | null;
  updatedAt: number;
}

export class DevicesRepo {
  constructor(private readonly db: Db) {}

  /** Fixed SQL on the telemetry path (every device message reads and updates its device row): prepared once. */
  private statement(sql: string) {
    return cachedStatement(this.db, sql);
  }

  principalExists(username: string): boolean {
    return this.db.prepare("SELECT 1 FROM mqtt_principals WHERE username = ?").get(username) !== undefined;
  }

  upsertPrincipal(username: string, role: PrincipalRole, secretHash: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO mqtt_principals (username, role, secret_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET role = excluded.role, secret_hash = excluded.secret_hash, disabled_at = NULL`,
      )
      .run(username, role, secretHash, now);
  }

  /** Adds a principal; throws (UNIQUE constraint) when the username exists, whatever its role. */
  insertPrincipal(username: string, role: PrincipalRole, secretHash: string, now: number): PrincipalRecord {
    this.db.prepare("INSERT INTO mqtt_principals (username, role, secret_hash, created_at) VALUES (?, ?, ?, ?)").run(username, role, secretHash, now);
    return this.principal(username)!;
  }

  principal(username: string): PrincipalRecord | undefined {
    const row = this.db.prepare("SELECT username, role, created_at, disabled_at FROM mqtt_principals WHERE username = ?").get(username) as PrincipalRow | undefined;
    return row && toPrincipal(row);
  }

  /** The stored secret hash of an enabled principal (HTTP Basic for device uploads); undefined if absent or disabled. */
  enabledSecretHash(username: string): { role: PrincipalRole; secretHash: string } | undefined {
    const row = this.db.prepare("SELECT role, secret_hash FROM mqtt_principals WHERE username = ? AND disabled_at IS NULL").get(username) as
      | { role: PrincipalRole; secret_hash: string }
      | undefined;
    return row && { role: row.role, secretHash: row.secret_hash };
  }

  principals(role: PrincipalRole): PrincipalRecord[] {
    const rows = this.db.prepare("SELECT username, role, created_at, disabled_at FROM mqtt_principals WHERE role = ? ORDER BY username").all(role) as PrincipalRow[];
    return rows.map(toPrincipal);
  }

  /** Marks a principal disabled (the broker refuses it at its next CONNECT); false when it was not enabled. */
  disablePrincipal(username: string, now: number): boolean {
    return this.db.prepare("UPDATE mqtt_principals SET disabled_at = ? WHERE username = ? AND disabled_at IS NULL").run(now, username).changes === 1;
  }

  insert(device: NewDevice, secretHash: string, createdBy: string, now: number): Device {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO devices (id, variant, site, region, corridor, created_at, created_by)
           VALUES (@id, @variant, @site, @region, @corridor, @now, @createdBy)`,
        )
        .run({ site: null, region: null, corridor: null, ...device, now, createdBy });
      this.db
        .prepare("INSERT INTO mqtt_principals (username, role, secret_hash, created_at) VALUES (?, 'device', ?, ?)")
        .run(device.id, secretHash, now);
    })();
    return this.get(device.id)!;
  }

  get(id: string): Device | undefined {
    const row = this.statement("SELECT * FROM devices WHERE id = ?").get(id) as DeviceRow | undefined;
    return row && toDevice(row);
  }

  /** Devices matching every given filter, by id; a page of them with `limit` and `offset`. */
  list(filter: DeviceFilter = {}, page?: { limit: number; offset: number }): Device[] {
    const { where, params } = deviceWhere(filter);
    const sql = `SELECT * FROM devices ${where} ORDER BY id${page ? " LIMIT @limit OFFSET @offset" : ""}`;
    return (this.db.prepare(sql).all({ ...params, ...page }) as DeviceRow[]).map(toDevice);
  }

  count(filter: DeviceFilter = {}): number {
    const { where, params } = deviceWhere(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM devices ${where}`).get(params) as { n: number }).n;
  }

  /** For each given device in an active or paused rollout: that rollout and the device's state in it. */
  activeRollouts(ids: string[]): Map<string, DeviceRolloutMembership> {
    const rows = this.db
      .prepare(
        `SELECT rd.device_id AS deviceId, r.id AS rolloutId, r.release_id AS releaseId, r.status AS status, r.pause_reason AS pauseReason,
                rd.stage AS stage, rd.state AS state, rd.reason AS reason, rd.updated_at AS updatedAt
         FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id
         WHERE rd.device_id IN (SELECT value FROM json_each(?)) AND r.status IN ('active', 'paused')
         ORDER BY r.created_at`,
      )
      .all(JSON.stringify(ids)) as Array<DeviceRolloutMembership & { deviceId: string }>;
    return new Map(rows.map(({ deviceId, ...m }) => [deviceId, m]));
  }

  /** Reserves the next hub->device sequence number for a device. */
  nextHubSeq(id: string): number {
    const row = this.db.prepare("UPDATE devices SET hub_seq = hub_seq + 1 WHERE id = ? RETURNING hub_seq").get(id) as { hub_seq: number } | undefined;
    if (!row) throw new Error(`device ${id} not found`);
    return row.hub_seq;
  }

  setOnline(id: string, online: boolean, now: number): void {
    this.statement("UPDATE devices SET online = ?, status_changed_at = ?, last_seen_at = ? WHERE id = ?").run(online ? 1 : 0, now, now, id);
  }

  /**
   * A heartbeat updates what the device last said of itself, unless it is older than one already applied (telemetry
   * buffered during an outage arrives after the link is back, oldest first; a late copy must not undo a newer one).
   */
  recordHeartbeat(
    id: string,
    h: { at: number; currentReleaseId: string | null; deploymentState: string | null; agentVersion: string | null; rejected: Record<string, number>; outbox: DeviceOutbox },
  ): void {
    this.statement(
        `UPDATE devices SET last_heartbeat_at = @at, last_seen_at = max(coalesce(last_seen_at, 0), @at),
           current_release_id = coalesce(@currentReleaseId, current_release_id), deployment_state = coalesce(@deploymentState, deployment_state),
           agent_version = coalesce(@agentVersion, agent_version), rejected_json = @rejected, outbox_json = @outbox
         WHERE id = @id AND coalesce(last_heartbeat_at, 0) <= @at`,
      )
      .run({ id, ...h, rejected: JSON.stringify(h.rejected), outbox: JSON.stringify(h.outbox) });
    this.statement("UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), @at) WHERE id = @id").run({ id, at: h.at });
  }

  recordInventory(id: string, inv: { at: number; currentReleaseId: string | null; agentVersion: string | null; baseImageVersion: string | null; appVersion: string | null; json: string }): void {
    this.statement(
        `UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), @at), current_release_id = coalesce(@currentReleaseId, current_release_id),
           agent_version = coalesce(@agentVersion, agent_version), base_image_version = coalesce(@baseImageVersion, base_image_version),
           app_version = coalesce(@appVersion, app_version), inventory_json = @json
         WHERE id = @id`,
      )
      .run({ id, ...inv });
  }

  /** A device that sends anything is connected now: mark it online if it was not (its will marks it offline). */
  markOnline(id: string, now: number): void {
    this.statement("UPDATE devices SET online = 1, status_changed_at = ? WHERE id = ? AND online = 0").run(now, id);
  }

  setCurrentRelease(id: string, releaseId: string): void {
    this.statement("UPDATE devices SET current_release_id = ? WHERE id = ?").run(releaseId, id);
  }

  setHealth(id: string, health: "healthy" | "investigate", reason: string, now: number): void {
    this.statement("UPDATE devices SET health = ?, health_reason = ?, health_changed_at = ? WHERE id = ?").run(health, reason, now, id);
  }

  touch(id: string, at: number, deploymentState?: string): void {
    this.statement("UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), ?), deployment_state = coalesce(?, deployment_state) WHERE id = ?")
      .run(at, deploymentState ?? null, id);
  }
}

interface PrincipalRow {
  username: string;
  role: PrincipalRole;
  created_at: number;
  disabled_at: number | null;
}

function toPrincipal(r: PrincipalRow): PrincipalRecord {
  return { username: r.username, role: r.role, createdAt: r.created_at, disabledAt: r.disabled_at };
}

function deviceWhere(filter: DeviceFilter): { where: string; params: Record<string, string | number> } {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  for (const key of ["variant", "site", "region", "corridor"] as const) {
    const value = filter[key];
    if (value === undefined) continue;
    clauses.push(`${key} = @${key}`);
    params[key] = value;
  }
  if (filter.online !== undefined) {
    clauses.push("online = @online");
    params.online = filter.online ? 1 : 0;
  }
  return { where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

function toDevice(r: DeviceRow): Device {
  return {
    id: r.id,
    variant: r.variant,
    site: r.site,
    region: r.region,
    corridor: r.corridor,
    createdAt: r.created_at,
    createdBy: r.created_by,
    hubSeq: r.hub_seq,
    online: r.online === 1,
    statusChangedAt: r.status_changed_at,
    lastHeartbeatAt: r.last_heartbeat_at,
    lastSeenAt: r.last_seen_at,
    currentReleaseId: r.current_release_id,
    deploymentState: r.deployment_state,
    agentVersion: r.agent_version,
    baseImageVersion: r.base_image_version,
    appVersion: r.app_version,
    rejected: r.rejected_json ? (JSON.parse(r.rejected_json) as Record<string, number>) : null,
    outbox: r.outbox_json ? (JSON.parse(r.outbox_json) as DeviceOutbox) : null,
    health: r.health,
    healthReason: r.health_reason,
    healthChangedAt: r.health_changed_at,
  };
}
