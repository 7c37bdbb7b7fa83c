// Incidents linked to a release. An open Sev1 pauses every active rollout of that release (rule metric sev1_incidents).
import type { Db } from "../db/database.js";

export type Severity = "sev1" | "sev2" | "sev3" | "sev4";

export interface Incident {
  id: string;
  releaseId: string | null;
  severity: Severity;
  title: string;
  status: "open" | "closed";
  openedAt: number;
  openedBy: string;
  closedAt: number | null;
  closedBy: string | null;
  closeReason: string | null;
}

type Row = Record<string, unknown>;

export class IncidentsRepo {
  constructor(private readonly db: Db) {}

  insert(i: { id: string; releaseId: string | null; severity: Severity; title: string; openedBy: string }, now: number): void {
    this.db
      .prepare("INSERT INTO incidents (id, release_id, severity, title, status, opened_at, opened_by) VALUES (?, ?, ?, ?, 'open', ?, ?)")
      .run(i.id, i.releaseId, i.severity, i.title, now, i.openedBy);
  }

  close(id: string, by: string, reason: string | null, now: number): boolean {
    return this.db.prepare("UPDATE incidents SET status = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ? AND status = 'open'").run(now, by, reason, id).changes === 1;
  }

  get(id: string): Incident | undefined {
    const row = this.db.prepare("SELECT * FROM incidents WHERE id = ?").get(id) as Row | undefined;
    return row && toIncident(row);
  }

  /** Newest first; a page of them when `page` is given. */
  list(filter: { status?: "open" | "closed"; releaseId?: string } = {}, page?: { limit: number; offset: number }): Incident[] {
    const sql = `SELECT * FROM incidents ${incidentWhere(filter)} ORDER BY opened_at DESC, id${page ? " LIMIT @limit OFFSET @offset" : ""}`;
    return (this.db.prepare(sql).all({ ...filter, ...page }) as Row[]).map(toIncident);
  }

  count(filter: { status?: "open" | "closed"; releaseId?: string } = {}): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM incidents ${incidentWhere(filter)}`).get(filter) as { n: number }).n;
  }

  /** Open incidents that hold a rollout of `releaseId`: those linked to it, and fleet-wide ones (no release). */
  openBlocking(releaseId: string, severities: readonly Severity[]): Incident[] {
    if (severities.length === 0) return [];
    return (
      this.db
        .prepare(
          `SELECT * FROM incidents WHERE status = 'open' AND (release_id = ? OR release_id IS NULL)
           AND severity IN (SELECT value FROM json_each(?)) ORDER BY severity, opened_at, id`,
        )
        .all(releaseId, JSON.stringify(severities)) as Row[]
    ).map(toIncident);
  }

  openCount(releaseId: string, severity: Severity): number {
    return (this.db.prepare("SELECT count(*) AS n FROM incidents WHERE release_id = ? AND severity = ? AND status = 'open'").get(releaseId, severity) as { n: number }).n;
  }
}

function toIncident(r: Row): Incident {
  return {
    id: r.id as string,
    releaseId: r.release_id as string | null,
    severity: r.severity as Severity,
    title: r.title as string,
    status: r.status as "open" | "closed",
    openedAt: r.opened_at as number,
    openedBy: r.opened_by as string,
    closedAt: r.closed_at as number | null,
    closedBy: r.closed_by as string | null,
    closeReason: r.close_reason as string | null,
  };
}

function incidentWhere(filter: { status?: "open" | "closed"; releaseId?: string }): string {
  const where: string[] = [];
  if (filter.status) where.push("status = @status");
  if (filter.releaseId) where.push("release_id = @releaseId");
  return where.length ? "WHERE " + where.join(" AND ") : "";
}
