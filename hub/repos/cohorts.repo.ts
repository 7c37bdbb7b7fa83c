// Operator-defined cohorts: plain groups used by plan selectors, or canary/pilot cohorts bound to a release. The
// database refuses a device in two active cohorts bound to the same release (cohort_members_one_active_per_release).
import type { Db } from "../db/database.js";

export type CohortKind = "group" | "canary" | "pilot";

export interface Cohort {
  name: string;
  kind: CohortKind;
  releaseId: string | null;
  description: string | null;
  active: boolean;
  createdAt: number;
  createdBy: string;
  retiredAt: number | null;
  /** Switched off (`verge cohort disable`): its devices are held. Null when enabled. */
  disabled: { at: number; by: string | null; reason: string | null } | null;
  members: string[];
}

type Row = Record<string, unknown>;

export class CohortsRepo {
  constructor(private readonly db: Db) {}

  insert(c: { name: string; kind: CohortKind; releaseId: string | null; description: string | null; createdBy: string }, now: number): void {
    this.db
      .prepare("INSERT INTO cohorts (name, kind, release_id, description, active, created_at, created_by) VALUES (?, ?, ?, ?, 1, ?, ?)")
      .run(c.name, c.kind, c.releaseId, c.description, now, c.createdBy);
  }

  get(name: string): Cohort | undefined {
    const row = this.db.prepare("SELECT * FROM cohorts WHERE name = ?").get(name) as Row | undefined;
    return row && this.toCohort(row);
  }

  list(): Cohort[] {
    return (this.db.prepare("SELECT * FROM cohorts ORDER BY name").all() as Row[]).map((r) => this.toCohort(r));
  }

  /** Adds a member; throws the SQLite constraint error when the device is in another active cohort for the release. */
  addMember(cohort: string, deviceId: string, by: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO cohort_members (cohort, device_id, release_id, active, added_at, added_by)
           SELECT name, ?, release_id, active, ?, ? FROM cohorts WHERE name = ?
           ON CONFLICT (cohort, device_id) DO NOTHING`,
        )
        .run(deviceId, now, by, cohort).changes === 1
    );
  }

  removeMember(cohort: string, deviceId: string): boolean {
    return this.db.prepare("DELETE FROM cohort_members WHERE cohort = ? AND device_id = ?").run(cohort, deviceId).changes === 1;
  }

  /** The active cohort bound to `releaseId` that holds `deviceId`, if any. */
  activeCohortFor(deviceId: string, releaseId: string): string | undefined {
    return (
      this.db.prepare("SELECT cohort FROM cohort_members WHERE device_id = ? AND release_id = ? AND active = 1").get(deviceId, releaseId) as { cohort: string } | undefined
    )?.cohort;
  }

  setActive(name: string, active: boolean, now: number): void {
    this.db.prepare("UPDATE cohorts SET active = ?, retired_at = ? WHERE name = ?").run(active ? 1 : 0, active ? null : now, name);
  }

  /** Member lists by cohort name (for plan selectors). */
  membership(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of this.db.prepare("SELECT cohort, device_id FROM cohort_members ORDER BY cohort, device_id").all() as Array<{ cohort: string; device_id: string }>) {
      (out[r.cohort] ??= []).push(r.device_id);
    }
    return out;
  }

  private toCohort(r: Row): Cohort {
    const members = (this.db.prepare("SELECT device_id FROM cohort_members WHERE cohort = ? ORDER BY device_id").all(r.name) as Array<{ device_id: string }>).map((m) => m.device_id);
    return {
      name: r.name as string,
      kind: r.kind as CohortKind,
      releaseId: r.release_id as string | null,
      description: r.description as string | null,
      active: r.active === 1,
      createdAt: r.created_at as number,
      createdBy: r.created_by as string,
      retiredAt: r.retired_at as number | null,
      disabled: r.disabled_at == null ? null : { at: r.disabled_at as number, by: r.disabled_by as string | null, reason: r.disabled_reason as string | null },
      members,
    };
  }
}
