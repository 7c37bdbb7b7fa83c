// The brakes: the fleet-wide freeze, per-cohort switches, and which devices of a rollout they hold.
import type { Db } from "../db/database.js";

export interface FreezeState {
  frozen: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: number | null;
}

export interface DisabledCohort {
  name: string;
  disabledAt: number;
  disabledBy: string | null;
  reason: string | null;
  members: number;
}

/** What holds a device: the freeze, or the first disabled cohort it is in ("cohort:NAME"). */
export type HoldCause = "freeze" | `cohort:${string}`;

export class BrakesRepo {
  constructor(private readonly db: Db) {}

  freeze(): FreezeState {
    const r = this.db.prepare("SELECT frozen, reason, changed_by, changed_at FROM fleet_freeze WHERE id = 1").get() as
      | { frozen: number; reason: string | null; changed_by: string | null; changed_at: number | null }
      | undefined;
    return { frozen: r?.frozen === 1, reason: r?.reason ?? null, changedBy: r?.changed_by ?? null, changedAt: r?.changed_at ?? null };
  }

  setFreeze(frozen: boolean, reason: string | null, by: string, now: number): void {
    this.db.prepare("UPDATE fleet_freeze SET frozen = ?, reason = ?, changed_by = ?, changed_at = ? WHERE id = 1").run(frozen ? 1 : 0, reason, by, now);
  }

  /** Disabled cohorts that are not retired (a retired cohort holds nobody). */
  disabledCohorts(): DisabledCohort[] {
    return (
      this.db
        .prepare(
          `SELECT c.name, c.disabled_at, c.disabled_by, c.disabled_reason, (SELECT count(*) FROM cohort_members m WHERE m.cohort = c.name) AS members
           FROM cohorts c WHERE c.disabled_at IS NOT NULL AND c.active = 1 ORDER BY c.name`,
        )
        .all() as Array<{ name: string; disabled_at: number; disabled_by: string | null; disabled_reason: string | null; members: number }>
    ).map((r) => ({ name: r.name, disabledAt: r.disabled_at, disabledBy: r.disabled_by, reason: r.disabled_reason, members: r.members }));
  }

  setCohortDisabled(name: string, disabled: boolean, reason: string | null, by: string, now: number): void {
    this.db
      .prepare("UPDATE cohorts SET disabled_at = ?, disabled_by = ?, disabled_reason = ? WHERE name = ?")
      .run(disabled ? now : null, disabled ? by : null, disabled ? reason : null, name);
  }

  /** Devices of a rollout in a disabled (not retired) cohort, with the first such cohort. */
  cohortHolds(rolloutId: string): Map<string, HoldCause> {
    const rows = this.db
      .prepare(
        `SELECT rd.device_id, min(c.name) AS cohort FROM rollout_devices rd
         JOIN cohort_members m ON m.device_id = rd.device_id
         JOIN cohorts c ON c.name = m.cohort AND c.disabled_at IS NOT NULL AND c.active = 1
         WHERE rd.rollout_id = ? GROUP BY rd.device_id`,
      )
      .all(rolloutId) as Array<{ device_id: string; cohort: string }>;
    return new Map(rows.map((r) => [r.device_id, `cohort:${r.cohort}` as const]));
  }
}
