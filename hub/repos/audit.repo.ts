// Append-only audit log. Each row's hash = sha256(prev_hash + canonical row content), so editing or deleting a row
// breaks the chain from that row on (`verify` names the first broken one).
import { createHash } from "node:crypto";
import type { Db } from "../db/database.js";

export type AuditResult = "ok" | "denied" | "failed";

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
  result: AuditResult;
  details?: Record<string, unknown> | undefined;
}

export interface AuditRecord {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  reason: string | null;
  result: AuditResult;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  reason: string | null;
  result: AuditResult;
  details_json: string | null;
  prev_hash: string;
  hash: string;
}

/** The most records one list returns. */
export const AUDIT_LIST_MAX = 1000;

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  result?: AuditResult | undefined;
  /** Records at or after this time (epoch ms). */
  since?: number | undefined;
  /** Records at or before this time (epoch ms). */
  until?: number | undefined;
  limit?: number | undefined;
}

const GENESIS = "0".repeat(64);

function rowHash(prevHash: string, r: Omit<AuditRow, "id" | "prev_hash" | "hash">): string {
  const canonical = JSON.stringify([r.at, r.actor, r.action, r.target, r.reason, r.result, r.details_json]);
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

export class AuditRepo {
  constructor(private readonly db: Db) {}

  append(entry: AuditEntry, now: number): AuditRecord {
    return this.db.transaction(() => {
      const last = this.db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as { hash: string } | undefined;
      const prevHash = last?.hash ?? GENESIS;
      const row = {
        at: now,
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        reason: entry.reason ?? null,
        result: entry.result,
        details_json: entry.details ? JSON.stringify(entry.details) : null,
      };
      const hash = rowHash(prevHash, row);
      const info = this.db
        .prepare(
          `INSERT INTO audit_log (at, actor, action, target, reason, result, details_json, prev_hash, hash)
           VALUES (@at, @actor, @action, @target, @reason, @result, @details_json, @prevHash, @hash)`,
        )
        .run({ ...row, prevHash, hash });
      return toRecord({ ...row, id: Number(info.lastInsertRowid), prev_hash: prevHash, hash });
    })();
  }

  /** Newest first. `since`/`until` are inclusive epoch ms; `limit` defaults to 100 and is capped at AUDIT_LIST_MAX. */
  list(filter: AuditFilter = {}): AuditRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: Math.min(Math.max(1, filter.limit ?? 100), AUDIT_LIST_MAX) };
    for (const key of ["actor", "action", "target", "result"] as const) {
      if (filter[key] !== undefined) {
        where.push(`${key} = @${key}`);
        params[key] = filter[key];
      }
    }
    if (filter.since !== undefined) {
      where.push("at >= @since");
      params.since = filter.since;
    }
    if (filter.until !== undefined) {
      where.push("at <= @until");
      params.until = filter.until;
    }
    const sql = `SELECT * FROM audit_log ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as AuditRow[]).map(toRecord);
  }

  /** Walks the chain; returns the first record whose hash or link does not hold. */
  verify(): { ok: true; count: number } | { ok: false; count: number; brokenId: number; problem: string } {
    let prev = GENESIS;
    let count = 0;
    for (const row of this.db.prepare("SELECT * FROM audit_log ORDER BY id").iterate() as IterableIterator<AuditRow>) {
      count++;
      if (row.prev_hash !== prev) return { ok: false, count, brokenId: row.id, problem: "prev_hash does not match the previous record" };
      if (rowHash(prev, row) !== row.hash) return { ok: false, count, brokenId: row.id, problem: "content does not match its hash" };
      prev = row.hash;
    }
    return { ok: true, count };
  }
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    reason: r.reason,
    result: r.result,
    details: r.details_json ? (JSON.parse(r.details_json) as Record<string, unknown>) : null,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
