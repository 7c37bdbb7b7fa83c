// Rollouts, their stages, devices, pause rules and events, and the signed desired state last issued to each device.
import type { Db } from "../db/database.js";
import type { DeploymentStateName } from "../../proto/index.js";
import type { EvaluationFailure, RolloutStatus, StageCounts, StageKind, StagePatch, StageStatus } from "../rollout/engine.js";
import type { RuleDef, RuleState, RuleVerdict } from "../rollout/rules.js";
import type { CriteriaWait } from "../rollout/criteria.js";

export type { RolloutStatus } from "../rollout/engine.js";

export interface Rollout {
  id: string;
  releaseId: string;
  status: RolloutStatus;
  planName: string | null;
  seed: string | null;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  pausedAt: number | null;
  pausedBy: string | null;
  pauseReason: string | null;
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
  previousReleaseId: string | null;
  issuedAt: number | null;
  deadlineAt: number | null;
  activateIssued: boolean;
  rollbackRequestedAt: number | null;
  rollbackDoneAt: number | null;
  rollbackOverdueAt: number | null;
  /** Since when a brake holds the device (its desired state says: do not activate), and which ("freeze", "cohort:NAME"). */
  heldAt: number | null;
  heldBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface StageRow {
  rolloutId: string;
  idx: number;
  name: string;
  kind: StageKind;
  status: StageStatus;
  spec: Record<string, unknown>;
  startedAt: number | null;
  activationIssuedAt: number | null;
  convergedAt: number | null;
  observeUntil: number | null;
  approvalRequestedAt: number | null;
  approvedAt: number | null;
  approvedBy: string | null;
  completedAt: number | null;
  failedAt: number | null;
  /** The circuit breaker counts failures finished after this (an operator's resume resets it). */
  breakerResetAt: number | null;
  entryApprovedAt: number | null;
  entryApprovedBy: string | null;
  entryForcedAt: number | null;
  criteriaWaiting: CriteriaWait | null;
  /** A rule or criterion that could not be evaluated holds the stage (migration 0011), null when all could. */
  evaluationFailure: EvaluationFailure | null;
}

export interface RuleRow extends RuleDef, RuleState {
  rolloutId: string;
  stage: string;
  lastEvaluatedAt: number | null;
  lastVerdict: RuleVerdict | null;
  lastValue: number | null;
  lastDevices: number | null;
}

export interface RolloutEvent {
  id: number;
  rolloutId: string;
  at: number;
  type: string;
  stage: string | null;
  actor: string;
  rule: string | null;
  metric: string | null;
  op: string | null;
  observed: number | null;
  threshold: number | null;
  windowMs: number | null;
  devices: number | null;
  explanation: string;
  links: Array<{ title: string; url: string }>;
  details: Record<string, unknown> | null;
}

export type NewRolloutEvent = Omit<RolloutEvent, "id" | "links" | "details" | "rule" | "metric" | "op" | "observed" | "threshold" | "windowMs" | "devices" | "stage"> &
  Partial<Pick<RolloutEvent, "stage" | "rule" | "metric" | "op" | "observed" | "threshold" | "windowMs" | "devices" | "links" | "details">>;

export interface DesiredStateRecord {
  deviceId: string;
  seq: number;
  rolloutId: string | null;
  releaseId: string | null;
  action: string;
  envelope: Buffer;
  issuedAt: number;
  expiresAt: number;
  stage: string | null;
  activate: boolean;
  maintenanceWindow: MaintenanceWindowSpec | null;
}

export interface MaintenanceWindowSpec {
  cron: string;
  durationMs: number;
  timezone: string;
}

const IN_PROGRESS_SQL = `(state IN ('pending', 'downloading', 'rolling_back') OR (state = 'verified' AND activate_issued = 1))`;

type Row = Record<string, unknown>;

export class RolloutsRepo {
  constructor(private readonly db: Db) {}

  insert(
    rollout: { id: string; releaseId: string; status: RolloutStatus; createdBy: string; planName: string | null; planJson: string | null; seed: string | null },
    stages: Array<{ name: string; kind: StageKind; spec: unknown }>,
    devices: Array<{ deviceId: string; stage: string; previousReleaseId: string | null }>,
    rules: Array<RuleDef & { stage: string }>,
    now: number,
  ): void {
    this.db
      .prepare(
        `INSERT INTO rollouts (id, release_id, status, created_at, created_by, updated_at, plan_name, plan_json, seed, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(rollout.id, rollout.releaseId, rollout.status, now, rollout.createdBy, now, rollout.planName, rollout.planJson, rollout.seed, rollout.status === "active" ? now : null);
    const addStage = this.db.prepare("INSERT INTO rollout_stages (rollout_id, idx, name, kind, status, spec_json) VALUES (?, ?, ?, ?, 'pending', ?)");
    stages.forEach((s, i) => addStage.run(rollout.id, i, s.name, s.kind, JSON.stringify(s.spec)));
    const active = rollout.status === "draft" || rollout.status === "active" || rollout.status === "paused" ? 1 : 0;
    const addDevice = this.db.prepare(
      `INSERT INTO rollout_devices (rollout_id, device_id, stage, release_id, active, previous_release_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const d of devices) addDevice.run(rollout.id, d.deviceId, d.stage, rollout.releaseId, active, d.previousReleaseId, now, now);
    const addRule = this.db.prepare(
      `INSERT INTO rollout_rules (rollout_id, stage, name, metric, op, threshold, for_ms, window_ms, min_devices, scope, action)
       VALUES (@rolloutId, @stage, @name, @metric, @op, @threshold, @forMs, @windowMs, @minDevices, @scope, @action)`,
    );
    for (const r of rules) addRule.run({ rolloutId: rollout.id, ...r });
  }

  get(id: string): Rollout | undefined {
    const row = this.db.prepare("SELECT * FROM rollouts WHERE id = ?").get(id) as Row | undefined;
    return row && toRollout(row);
  }

  planJson(id: string): string | null {
    return (this.db.prepare("SELECT plan_json FROM rollouts WHERE id = ?").get(id) as { plan_json: string | null } | undefined)?.plan_json ?? null;
  }

  list(filter: { status?: RolloutStatus | RolloutStatus[]; releaseId?: string; limit?: number; offset?: number } = {}): Rollout[] {
    const { where, params } = listWhere(filter);
    const page = filter.limit !== undefined ? ` LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset ?? 0)}` : "";
    return (this.db.prepare(`SELECT * FROM rollouts ${where} ORDER BY created_at DESC, id${page}`).all(params) as Row[]).map(toRollout);
  }

  count(filter: { status?: RolloutStatus | RolloutStatus[]; releaseId?: string } = {}): number {
    const { where, params } = listWhere(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM rollouts ${where}`).get(params) as { n: number }).n;
  }

  /** Draft, active or paused rollouts that target `deviceId`. */
  activeRolloutsFor(deviceId: string): Array<{ rolloutId: string; releaseId: string }> {
    return this.db
      .prepare(
        `SELECT r.id AS rolloutId, r.release_id AS releaseId FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id
         WHERE rd.device_id = ? AND r.status IN ('draft', 'active', 'paused')`,
      )
      .all(deviceId) as Array<{ rolloutId: string; releaseId: string }>;
  }

  /** Every device in a draft, active or paused rollout, with the rollout that holds it. */
  busyDevices(): Map<string, { rolloutId: string; releaseId: string }> {
    const rows = this.db
      .prepare(
        `SELECT rd.device_id AS deviceId, r.id AS rolloutId, r.release_id AS releaseId FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id
         WHERE r.status IN ('draft', 'active', 'paused')`,
      )
      .all() as Array<{ deviceId: string; rolloutId: string; releaseId: string }>;
    return new Map(rows.map((r) => [r.deviceId, { rolloutId: r.rolloutId, releaseId: r.releaseId }]));
  }

  setStatus(id: string, status: RolloutStatus, now: number, pause?: { by: string; reason: string }): void {
    const completed = status === "completed" || status === "cancelled" || status === "rolled_back" ? now : null;
    this.db
      .prepare(
        `UPDATE rollouts SET status = @status, updated_at = @now, completed_at = coalesce(@completed, completed_at),
           started_at = coalesce(started_at, CASE WHEN @status = 'active' THEN @now END),
           paused_at = CASE WHEN @status = 'paused' THEN @now ELSE NULL END,
           paused_by = CASE WHEN @status = 'paused' THEN @by ELSE NULL END,
           pause_reason = CASE WHEN @status = 'paused' THEN @reason ELSE NULL END
         WHERE id = @id`,
      )
      .run({ id, status, now, completed, by: pause?.by ?? null, reason: pause?.reason ?? null });
  }

  // ---- stages ----------------------------------------------------------------------------------------------------

  stages(rolloutId: string): StageRow[] {
    return (this.db.prepare("SELECT * FROM rollout_stages WHERE rollout_id = ? ORDER BY idx").all(rolloutId) as Row[]).map(toStage);
  }

  patchStage(rolloutId: string, p: StagePatch & { approvedBy?: string; entryApprovedBy?: string; breakerResetAt?: number }): void {
    const columns: Array<[Exclude<keyof StagePatch, "criteriaWaiting" | "evaluationFailure"> | "approvedBy" | "entryApprovedBy" | "breakerResetAt", string]> = [
      ["status", "status"],
      ["startedAt", "started_at"],
      ["activationIssuedAt", "activation_issued_at"],
      ["convergedAt", "converged_at"],
      ["observeUntil", "observe_until"],
      ["approvalRequestedAt", "approval_requested_at"],
      ["approvedAt", "approved_at"],
      ["approvedBy", "approved_by"],
      ["completedAt", "completed_at"],
      ["failedAt", "failed_at"],
      ["breakerResetAt", "breaker_reset_at"],
      ["entryApprovedAt", "entry_approved_at"],
      ["entryApprovedBy", "entry_approved_by"],
      ["entryForcedAt", "entry_forced_at"],
    ];
    const sets: string[] = [];
    const params: Record<string, unknown> = { rolloutId, name: p.name };
    for (const [key, column] of columns) {
      if (p[key] === undefined) continue;
      sets.push(`${column} = @${key}`);
      params[key] = p[key];
    }
    if (p.criteriaWaiting !== undefined) {
      sets.push("criteria_waiting_json = @criteriaWaiting");
      params.criteriaWaiting = p.criteriaWaiting === null ? null : JSON.stringify(p.criteriaWaiting);
    }
    if (p.evaluationFailure !== undefined) {
      sets.push("evaluation_failure_json = @evaluationFailure");
      params.evaluationFailure = p.evaluationFailure === null ? null : JSON.stringify(p.evaluationFailure);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE rollout_stages SET ${sets.join(", ")} WHERE rollout_id = @rolloutId AND name = @name`).run(params);
  }

  /** Device counts by stage and state (notStarted: no desired state issued yet; safetyBlocked: held by a safety check). */
  stageCounts(rolloutId: string): Map<string, StageCounts> {
    const out = new Map<string, StageCounts>();
    const rows = this.db
      .prepare(
        `SELECT stage, state, (issued_at IS NULL AND state = 'pending') AS not_started, (state = 'verified' AND reason = 'safety_check') AS safety, count(*) AS n
         FROM rollout_devices WHERE rollout_id = ? GROUP BY stage, state, not_started, safety`,
      )
      .all(rolloutId) as Array<{ stage: string; state: DeploymentStateName; not_started: number; safety: number; n: number }>;
    for (const r of rows) {
      const c = out.get(r.stage) ?? emptyCounts();
      c.total += r.n;
      if (r.not_started) c.notStarted += r.n;
      else c[r.state] += r.n;
      if (r.safety) c.safetyBlocked += r.n;
      out.set(r.stage, c);
    }
    return out;
  }

  /**
   * Devices of a stage still in progress past their deadline. A device whose last report is a hold by its failing safety
   * check (`verified`, reason `safety_check`) is not one: it is reporting, and the `safetyChecks` gate shows it.
   */
  overdue(rolloutId: string, stage: string, now: number): string[] {
    return (
      this.db
        .prepare(
          `SELECT device_id FROM rollout_devices WHERE rollout_id = ? AND stage = ? AND deadline_at IS NOT NULL AND deadline_at <= ? AND ${IN_PROGRESS_SQL}
           AND NOT (state = 'verified' AND coalesce(reason, '') = 'safety_check') ORDER BY device_id`,
        )
        .all(rolloutId, stage, now) as Array<{ device_id: string }>
    ).map((r) => r.device_id);
  }

  // ---- devices ---------------------------------------------------------------------------------------------------

  devices(rolloutId: string, filter: { stage?: string; states?: DeploymentStateName[]; limit?: number; offset?: number } = {}): RolloutDevice[] {
    const where = ["rollout_id = @rolloutId"];
    if (filter.stage) where.push("stage = @stage");
    if (filter.states?.length) where.push(`state IN (${filter.states.map((s) => `'${s}'`).join(", ")})`);
    const page = filter.limit !== undefined ? ` LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset ?? 0)}` : "";
    return (
      this.db.prepare(`SELECT * FROM rollout_devices WHERE ${where.join(" AND ")} ORDER BY device_id${page}`).all({ rolloutId, stage: filter.stage ?? null }) as Row[]
    ).map(toRolloutDevice);
  }

  countDevices(rolloutId: string, filter: { stage?: string; states?: DeploymentStateName[] } = {}): number {
    const where = ["rollout_id = @rolloutId"];
    if (filter.stage) where.push("stage = @stage");
    if (filter.states?.length) where.push(`state IN (${filter.states.map((s) => `'${s}'`).join(", ")})`);
    return (this.db.prepare(`SELECT count(*) AS n FROM rollout_devices WHERE ${where.join(" AND ")}`).get({ rolloutId, stage: filter.stage ?? null }) as { n: number }).n;
  }

  device(rolloutId: string, deviceId: string): RolloutDevice | undefined {
    const row = this.db.prepare("SELECT * FROM rollout_devices WHERE rollout_id = ? AND device_id = ?").get(rolloutId, deviceId) as Row | undefined;
    return row && toRolloutDevice(row);
  }

  /** Records a desired state issued to a device for this rollout (first issue starts its deadline). */
  markIssued(rolloutId: string, deviceId: string, seq: number, now: number, deadlineAt: number | null, activate: boolean): void {
    this.db
      .prepare(
        `UPDATE rollout_devices SET desired_seq = @seq, issued_at = coalesce(issued_at, @now),
           deadline_at = coalesce(@deadlineAt, deadline_at), activate_issued = max(activate_issued, @activate), updated_at = @now
         WHERE rollout_id = @rolloutId AND device_id = @deviceId`,
      )
      .run({ rolloutId, deviceId, seq, now, deadlineAt, activate: activate ? 1 : 0 });
  }

  /**
   * A brake holds the device: its desired state (if it had one asking to activate) now says "do not activate", so it
   * has no deadline and its activation is to be issued again when it is let go.
   */
  hold(rolloutId: string, deviceId: string, cause: string, now: number): void {
    this.db
      .prepare("UPDATE rollout_devices SET held_at = coalesce(held_at, ?), held_by = ?, activate_issued = 0, deadline_at = NULL WHERE rollout_id = ? AND device_id = ?")
      .run(now, cause, rolloutId, deviceId);
  }

  unhold(rolloutId: string, deviceId: string): void {
    this.db.prepare("UPDATE rollout_devices SET held_at = NULL, held_by = NULL WHERE rollout_id = ? AND device_id = ?").run(rolloutId, deviceId);
  }

  /** Held devices per stage. */
  heldCounts(rolloutId: string): Map<string, number> {
    const rows = this.db.prepare("SELECT stage, count(*) AS n FROM rollout_devices WHERE rollout_id = ? AND held_at IS NOT NULL GROUP BY stage").all(rolloutId) as Array<{
      stage: string;
      n: number;
    }>;
    return new Map(rows.map((r) => [r.stage, r.n]));
  }

  /**
   * The stage's current run of failures for the circuit breaker: of its devices that finished (activated, failed, or
   * rolled back on their own) after `since`, latest first, how many failed before the first that activated.
   */
  consecutiveFailures(rolloutId: string, stage: string, since: number | null): number {
    const rows = this.db
      .prepare(
        `SELECT state = 'activated' AS ok FROM rollout_devices
         WHERE rollout_id = ? AND stage = ? AND updated_at > ? AND issued_at IS NOT NULL
           AND (state IN ('activated', 'failed') OR (state IN ('rolling_back', 'rolled_back') AND rollback_requested_at IS NULL))
         ORDER BY updated_at DESC, device_id`,
      )
      .all(rolloutId, stage, since ?? -1) as Array<{ ok: number }>;
    const firstOk = rows.findIndex((r) => r.ok === 1);
    return firstOk < 0 ? rows.length : firstOk;
  }

  setDeadline(rolloutId: string, deviceId: string, deadlineAt: number): void {
    this.db.prepare("UPDATE rollout_devices SET deadline_at = ? WHERE rollout_id = ? AND device_id = ?").run(deadlineAt, rolloutId, deviceId);
  }

  setDesiredSeq(rolloutId: string, deviceId: string, seq: number): void {
    this.db.prepare("UPDATE rollout_devices SET desired_seq = ? WHERE rollout_id = ? AND device_id = ?").run(seq, rolloutId, deviceId);
  }

  /** Marks devices failed with reason `timeout` (hub-side: the device's own seq is untouched, so a later report wins). */
  timeOut(rolloutId: string, deviceIds: string[], now: number, detail: string): void {
    const stmt = this.db.prepare(
      `UPDATE rollout_devices SET state = 'failed', reason = 'timeout', detail = @detail, updated_at = @now WHERE rollout_id = @rolloutId AND device_id = @deviceId AND ${IN_PROGRESS_SQL}`,
    );
    for (const deviceId of deviceIds) stmt.run({ rolloutId, deviceId, now, detail });
  }

  /** Devices never sent anything (their stage did not start) become `cancelled` hub-side. */
  cancelNotStarted(rolloutId: string, now: number, detail: string): number {
    return this.db
      .prepare(`UPDATE rollout_devices SET state = 'cancelled', reason = 'not_started', detail = ?, updated_at = ? WHERE rollout_id = ? AND issued_at IS NULL`)
      .run(detail, now, rolloutId).changes;
  }

  /** Failed devices of started stages back to `pending` for another attempt. Returns their ids. */
  resetFailed(rolloutId: string, now: number, deadlineFor: (stage: string) => number): string[] {
    const rows = this.db
      .prepare(`SELECT device_id, stage FROM rollout_devices WHERE rollout_id = ? AND state = 'failed' AND issued_at IS NOT NULL AND rollback_requested_at IS NULL`)
      .all(rolloutId) as Array<{ device_id: string; stage: string }>;
    const stmt = this.db.prepare(
      `UPDATE rollout_devices SET state = 'pending', reason = 'retry', detail = 'retry requested', deadline_at = ?, activate_issued = 0, updated_at = ? WHERE rollout_id = ? AND device_id = ?`,
    );
    for (const r of rows) stmt.run(deadlineFor(r.stage), now, rolloutId, r.device_id);
    return rows.map((r) => r.device_id);
  }

  requestRollback(rolloutId: string, deviceIds: string[], now: number): void {
    const stmt = this.db.prepare(`UPDATE rollout_devices SET rollback_requested_at = coalesce(rollback_requested_at, ?), updated_at = ? WHERE rollout_id = ? AND device_id = ?`);
    for (const d of deviceIds) stmt.run(now, now, rolloutId, d);
  }

  /** Devices asked to roll back that have not reported `rolled_back` by `deadline`, and not yet flagged. */
  rollbacksOverdue(rolloutId: string, deadline: number): RolloutDevice[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM rollout_devices WHERE rollout_id = ? AND rollback_requested_at IS NOT NULL AND rollback_requested_at <= ?
           AND rollback_done_at IS NULL AND rollback_overdue_at IS NULL AND state NOT IN ('rolled_back', 'cancelled')`,
        )
        .all(rolloutId, deadline) as Row[]
    ).map(toRolloutDevice);
  }

  markRollbackOverdue(rolloutId: string, deviceId: string, now: number): void {
    this.db.prepare("UPDATE rollout_devices SET rollback_overdue_at = ? WHERE rollout_id = ? AND device_id = ?").run(now, rolloutId, deviceId);
  }

  /** Pushes timers forward by the time a rollout spent paused: observation windows and device deadlines. */
  extendTimers(rolloutId: string, byMs: number): void {
    this.db.prepare("UPDATE rollout_stages SET observe_until = observe_until + ? WHERE rollout_id = ? AND status = 'converged'").run(byMs, rolloutId);
    this.db.prepare(`UPDATE rollout_devices SET deadline_at = deadline_at + ? WHERE rollout_id = ? AND deadline_at IS NOT NULL AND ${IN_PROGRESS_SQL}`).run(byMs, rolloutId);
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
             bytes_done = coalesce(@bytesDone, bytes_done), bytes_total = coalesce(@bytesTotal, bytes_total), updated_at = @now,
             rollback_done_at = CASE WHEN @state IN ('rolled_back', 'cancelled') AND rollback_requested_at IS NOT NULL THEN coalesce(rollback_done_at, @now) ELSE rollback_done_at END
           WHERE rollout_id = @rolloutId AND device_id = @deviceId AND last_seq < @seq`,
        )
        .run(t).changes === 1
    );
  }

  /** Device counts by deployment state; devices whose stage has not started are counted apart (`notStarted`). */
  progress(rolloutId: string, stage?: string): Record<DeploymentStateName, number> & { total: number; notStarted: number } {
    const counts = { total: 0, notStarted: 0, pending: 0, downloading: 0, verified: 0, activated: 0, failed: 0, cancelled: 0, rolling_back: 0, rolled_back: 0 };
    const rows = this.db
      .prepare(
        `SELECT state, (issued_at IS NULL AND state = 'pending') AS not_started, count(*) AS n FROM rollout_devices WHERE rollout_id = ? ${stage ? "AND stage = ?" : ""} GROUP BY state, not_started`,
      )
      .all(...(stage ? [rolloutId, stage] : [rolloutId])) as Array<{ state: DeploymentStateName; not_started: number; n: number }>;
    // As in stageCounts: a device whose stage has not started is `notStarted`, not `pending`.
    for (const row of rows) {
      if (row.not_started) counts.notStarted += row.n;
      else counts[row.state] += row.n;
      counts.total += row.n;
    }
    return counts;
  }

  /** For a scope (one stage, or every started device): started, failed, and rolled back on their own. */
  scopeCounts(rolloutId: string, stage: string | null): { started: number; failed: number; selfRolledBack: number } {
    return this.db
      .prepare(
        `SELECT count(*) AS started,
                coalesce(sum(state = 'failed'), 0) AS failed,
                coalesce(sum(state IN ('rolling_back', 'rolled_back') AND rollback_requested_at IS NULL), 0) AS selfRolledBack
         FROM rollout_devices WHERE rollout_id = @rolloutId AND issued_at IS NOT NULL AND (@stage IS NULL OR stage = @stage)`,
      )
      .get({ rolloutId, stage }) as { started: number; failed: number; selfRolledBack: number };
  }

  // ---- rules -----------------------------------------------------------------------------------------------------

  rules(rolloutId: string, stage?: string): RuleRow[] {
    return (
      this.db.prepare(`SELECT * FROM rollout_rules WHERE rollout_id = ? ${stage ? "AND stage = ?" : ""} ORDER BY stage, name`).all(...(stage ? [rolloutId, stage] : [rolloutId])) as Row[]
    ).map(toRule);
  }

  saveRuleState(r: { rolloutId: string; stage: string; name: string; state: RuleState; verdict: RuleVerdict; value: number | null; devices: number; now: number }): void {
    this.db
      .prepare(
        `UPDATE rollout_rules SET breach_since = @breachSince, firing_since = @firingSince, last_evaluated_at = @now, last_verdict = @verdict,
           last_value = @value, last_devices = @devices WHERE rollout_id = @rolloutId AND stage = @stage AND name = @name`,
      )
      .run({ rolloutId: r.rolloutId, stage: r.stage, name: r.name, breachSince: r.state.breachSince, firingSince: r.state.firingSince, now: r.now, verdict: r.verdict, value: r.value, devices: r.devices });
  }

  /** After a resume: every rule starts a fresh `for` span. */
  resetRuleStates(rolloutId: string): void {
    this.db.prepare("UPDATE rollout_rules SET breach_since = NULL, firing_since = NULL WHERE rollout_id = ?").run(rolloutId);
  }

  // ---- events ----------------------------------------------------------------------------------------------------

  addEvent(e: NewRolloutEvent): RolloutEvent {
    const info = this.db
      .prepare(
        `INSERT INTO rollout_events (rollout_id, at, type, stage, actor, rule, metric, op, observed, threshold, window_ms, devices, explanation, links_json, details_json)
         VALUES (@rolloutId, @at, @type, @stage, @actor, @rule, @metric, @op, @observed, @threshold, @windowMs, @devices, @explanation, @links, @details)`,
      )
      .run({
        rolloutId: e.rolloutId,
        at: e.at,
        type: e.type,
        stage: e.stage ?? null,
        actor: e.actor,
        rule: e.rule ?? null,
        metric: e.metric ?? null,
        op: e.op ?? null,
        observed: e.observed ?? null,
        threshold: e.threshold ?? null,
        windowMs: e.windowMs ?? null,
        devices: e.devices ?? null,
        explanation: e.explanation,
        links: e.links ? JSON.stringify(e.links) : null,
        details: e.details ? JSON.stringify(e.details) : null,
      });
    return this.events(e.rolloutId, { afterId: Number(info.lastInsertRowid) - 1, limit: 1 })[0]!;
  }

  events(rolloutId: string, opts: { afterId?: number; types?: string[]; limit?: number; offset?: number } = {}): RolloutEvent[] {
    return (
      this.db
        .prepare(`SELECT * FROM rollout_events WHERE ${eventWhere(opts.types)} ORDER BY id LIMIT @limit OFFSET @offset`)
        .all({ rolloutId, afterId: opts.afterId ?? 0, limit: opts.limit ?? 1000, offset: opts.offset ?? 0 }) as Row[]
    ).map(toEvent);
  }

  countEvents(rolloutId: string, opts: { afterId?: number; types?: string[] } = {}): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM rollout_events WHERE ${eventWhere(opts.types)}`).get({ rolloutId, afterId: opts.afterId ?? 0 }) as { n: number }).n;
  }

  /** The most recent `n` events, oldest first. */
  lastEvents(rolloutId: string, n: number): RolloutEvent[] {
    return (this.db.prepare("SELECT * FROM rollout_events WHERE rollout_id = ? ORDER BY id DESC LIMIT ?").all(rolloutId, n) as Row[]).map(toEvent).reverse();
  }

  // ---- desired states --------------------------------------------------------------------------------------------

  saveDesiredState(d: DesiredStateRecord): void {
    this.db
      .prepare(
        `INSERT INTO desired_states (device_id, seq, rollout_id, release_id, action, envelope, issued_at, expires_at, stage, activate, maintenance_json)
         VALUES (@deviceId, @seq, @rolloutId, @releaseId, @action, @envelope, @issuedAt, @expiresAt, @stage, @activate, @maintenance)
         ON CONFLICT(device_id) DO UPDATE SET seq = excluded.seq, rollout_id = excluded.rollout_id, release_id = excluded.release_id,
           action = excluded.action, envelope = excluded.envelope, issued_at = excluded.issued_at, expires_at = excluded.expires_at,
           stage = excluded.stage, activate = excluded.activate, maintenance_json = excluded.maintenance_json`,
      )
      .run({ ...d, activate: d.activate ? 1 : 0, maintenance: d.maintenanceWindow ? JSON.stringify(d.maintenanceWindow) : null, maintenanceWindow: undefined });
  }

  desiredStates(filter: { rolloutId?: string } = {}): DesiredStateRecord[] {
    const rows = (
      filter.rolloutId
        ? this.db.prepare("SELECT * FROM desired_states WHERE rollout_id = ? ORDER BY device_id").all(filter.rolloutId)
        : this.db.prepare("SELECT * FROM desired_states ORDER BY device_id").all()
    ) as Row[];
    return rows.map(toDesiredState);
  }

  desiredState(deviceId: string): DesiredStateRecord | undefined {
    const row = this.db.prepare("SELECT * FROM desired_states WHERE device_id = ?").get(deviceId) as Row | undefined;
    return row && toDesiredState(row);
  }

  /**
   * Desired states worth publishing again at start: those of draft, active and paused rollouts, and rollbacks a
   * device has not confirmed yet.
   */
  liveDesiredStates(): DesiredStateRecord[] {
    return (
      this.db
        .prepare(
          `SELECT ds.* FROM desired_states ds LEFT JOIN rollouts r ON r.id = ds.rollout_id
           LEFT JOIN rollout_devices rd ON rd.rollout_id = ds.rollout_id AND rd.device_id = ds.device_id
           WHERE r.status IN ('draft', 'active', 'paused') OR (ds.action = 'rollback' AND rd.rollback_done_at IS NULL)
           ORDER BY ds.device_id`,
        )
        .all() as Row[]
    ).map(toDesiredState);
  }

  /** Devices asked to roll back, those that confirmed, and those past the time target without confirming. */
  rollbackCounts(rolloutId: string): { requested: number; confirmed: number; overdue: number } {
    return this.db
      .prepare(
        `SELECT coalesce(sum(rollback_requested_at IS NOT NULL), 0) AS requested, coalesce(sum(rollback_done_at IS NOT NULL), 0) AS confirmed,
                coalesce(sum(rollback_overdue_at IS NOT NULL AND rollback_done_at IS NULL), 0) AS overdue
         FROM rollout_devices WHERE rollout_id = ?`,
      )
      .get(rolloutId) as { requested: number; confirmed: number; overdue: number };
  }

  /** Rollouts with rollbacks requested and neither confirmed nor flagged overdue yet. */
  rolloutsWithPendingRollbacks(): string[] {
    return (
      this.db
        .prepare(`SELECT DISTINCT rollout_id FROM rollout_devices WHERE rollback_requested_at IS NOT NULL AND rollback_done_at IS NULL AND rollback_overdue_at IS NULL`)
        .all() as Array<{ rollout_id: string }>
    ).map((r) => r.rollout_id);
  }

  /** The latest hub-requested rollback the device confirmed, if any. */
  lastConfirmedRollback(deviceId: string): { rolloutId: string; previousReleaseId: string | null; doneAt: number } | undefined {
    return this.db
      .prepare(
        `SELECT rollout_id AS rolloutId, previous_release_id AS previousReleaseId, rollback_done_at AS doneAt FROM rollout_devices
         WHERE device_id = ? AND rollback_done_at IS NOT NULL ORDER BY rollback_done_at DESC LIMIT 1`,
      )
      .get(deviceId) as { rolloutId: string; previousReleaseId: string | null; doneAt: number } | undefined;
  }

}

export function emptyCounts(): StageCounts {
  return { total: 0, notStarted: 0, pending: 0, downloading: 0, verified: 0, activated: 0, failed: 0, cancelled: 0, rolling_back: 0, rolled_back: 0, safetyBlocked: 0 };
}

function listWhere(filter: { status?: RolloutStatus | RolloutStatus[]; releaseId?: string }): { where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const statuses = filter.status === undefined ? [] : Array.isArray(filter.status) ? filter.status : [filter.status];
  if (statuses.length > 0) {
    where.push(`status IN (${statuses.map((_, i) => `@s${i}`).join(", ")})`);
    statuses.forEach((s, i) => (params[`s${i}`] = s));
  }
  if (filter.releaseId) {
    where.push("release_id = @releaseId");
    params.releaseId = filter.releaseId;
  }
  return { where: where.length ? `WHERE ${where.join(" AND ")}` : "", params };
}

function toDesiredState(r: Row): DesiredStateRecord {
  return {
    deviceId: r.device_id as string,
    seq: r.seq as number,
    rolloutId: r.rollout_id as string | null,
    releaseId: r.release_id as string | null,
    action: r.action as string,
    envelope: r.envelope as Buffer,
    issuedAt: r.issued_at as number,
    expiresAt: r.expires_at as number,
    stage: r.stage as string | null,
    activate: r.activate === 1,
    maintenanceWindow: r.maintenance_json ? (JSON.parse(r.maintenance_json as string) as MaintenanceWindowSpec) : null,
  };
}

function toRollout(r: Row): Rollout {
  return {
    id: r.id as string,
    releaseId: r.release_id as string,
    status: r.status as RolloutStatus,
    planName: r.plan_name as string | null,
    seed: r.seed as string | null,
    createdAt: r.created_at as number,
    createdBy: r.created_by as string,
    updatedAt: r.updated_at as number,
    startedAt: r.started_at as number | null,
    completedAt: r.completed_at as number | null,
    pausedAt: r.paused_at as number | null,
    pausedBy: r.paused_by as string | null,
    pauseReason: r.pause_reason as string | null,
  };
}

function toStage(r: Row): StageRow {
  return {
    rolloutId: r.rollout_id as string,
    idx: r.idx as number,
    name: r.name as string,
    kind: r.kind as StageKind,
    status: r.status as StageStatus,
    spec: JSON.parse(r.spec_json as string) as Record<string, unknown>,
    startedAt: r.started_at as number | null,
    activationIssuedAt: r.activation_issued_at as number | null,
    convergedAt: r.converged_at as number | null,
    observeUntil: r.observe_until as number | null,
    approvalRequestedAt: r.approval_requested_at as number | null,
    approvedAt: r.approved_at as number | null,
    approvedBy: r.approved_by as string | null,
    completedAt: r.completed_at as number | null,
    failedAt: r.failed_at as number | null,
    breakerResetAt: (r.breaker_reset_at as number | null | undefined) ?? null,
    entryApprovedAt: (r.entry_approved_at ?? null) as number | null,
    entryApprovedBy: (r.entry_approved_by ?? null) as string | null,
    entryForcedAt: (r.entry_forced_at ?? null) as number | null,
    criteriaWaiting: r.criteria_waiting_json ? (JSON.parse(r.criteria_waiting_json as string) as CriteriaWait) : null,
    evaluationFailure: parseEvaluationFailure(r.evaluation_failure_json),
  };
}

/** evaluation_failure_json read back: {since, errors}; anything else reads as a failure with what could be kept. */
function parseEvaluationFailure(json: unknown): EvaluationFailure | null {
  if (typeof json !== "string" || json === "") return null;
  const v = JSON.parse(json) as { since?: unknown; errors?: unknown };
  const since = typeof v.since === "number" ? v.since : 0;
  const errors = Array.isArray(v.errors) ? v.errors.filter((e): e is string => typeof e === "string") : [];
  return { since, errors };
}

function toRolloutDevice(r: Row): RolloutDevice {
  return {
    rolloutId: r.rollout_id as string,
    deviceId: r.device_id as string,
    stage: r.stage as string,
    state: r.state as DeploymentStateName,
    reason: r.reason as string | null,
    detail: r.detail as string | null,
    desiredSeq: r.desired_seq as number | null,
    lastSeq: r.last_seq as number,
    bytesDone: r.bytes_done as number | null,
    bytesTotal: r.bytes_total as number | null,
    previousReleaseId: r.previous_release_id as string | null,
    issuedAt: r.issued_at as number | null,
    deadlineAt: r.deadline_at as number | null,
    activateIssued: r.activate_issued === 1,
    rollbackRequestedAt: r.rollback_requested_at as number | null,
    rollbackDoneAt: r.rollback_done_at as number | null,
    rollbackOverdueAt: r.rollback_overdue_at as number | null,
    heldAt: (r.held_at as number | null | undefined) ?? null,
    heldBy: (r.held_by as string | null | undefined) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

function toRule(r: Row): RuleRow {
  return {
    rolloutId: r.rollout_id as string,
    stage: r.stage as string,
    name: r.name as string,
    metric: r.metric as RuleDef["metric"],
    op: r.op as RuleDef["op"],
    threshold: r.threshold as number,
    forMs: r.for_ms as number,
    windowMs: r.window_ms as number,
    minDevices: r.min_devices as number,
    scope: r.scope as RuleDef["scope"],
    action: r.action as RuleDef["action"],
    breachSince: r.breach_since as number | null,
    firingSince: r.firing_since as number | null,
    lastEvaluatedAt: r.last_evaluated_at as number | null,
    lastVerdict: r.last_verdict as RuleVerdict | null,
    lastValue: r.last_value as number | null,
    lastDevices: r.last_devices as number | null,
  };
}

function toEvent(r: Row): RolloutEvent {
  return {
    id: r.id as number,
    rolloutId: r.rollout_id as string,
    at: r.at as number,
    type: r.type as string,
    stage: r.stage as string | null,
    actor: r.actor as string,
    rule: r.rule as string | null,
    metric: r.metric as string | null,
    op: r.op as string | null,
    observed: r.observed as number | null,
    threshold: r.threshold as number | null,
    windowMs: r.window_ms as number | null,
    devices: r.devices as number | null,
    explanation: r.explanation as string,
    links: r.links_json ? (JSON.parse(r.links_json as string) as RolloutEvent["links"]) : [],
    details: r.details_json ? (JSON.parse(r.details_json as string) as Record<string, unknown>) : null,
  };
}

function eventWhere(types: string[] | undefined): string {
  const where = ["rollout_id = @rolloutId", "id > @afterId"];
  if (types?.length) where.push(`type IN (${types.map((t) => `'${t.replace(/'/g, "")}'`).join(", ")})`);
  return where.join(" AND ");
}
