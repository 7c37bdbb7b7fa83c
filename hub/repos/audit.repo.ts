// Append-only audit log, hash-chained. A row's hash covers the previous row's hash and the row's content, so editing
// or deleting a row breaks the chain from that row on (`verify` names the first broken one). From migration 0010 on
// the chain is keyed: hash = HMAC-SHA256(chain key, prev_hash + canonical row), the key in <dataDir>/keys (not in the
// database), so whoever can write the table but not read the key cannot recompute a valid chain. What the key cannot
// catch (rows deleted from the end, a chain recomputed by someone who has the key too) the signed checkpoints of the
// chain head catch (hub/audit-checkpoints.ts): `verify` checks the rows against one.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/database.js";

export type AuditResult = "ok" | "denied" | "failed";

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
  result: AuditResult;
  details?: Record<string, unknown> | undefined;
  /** How many occurrences the row stands for (folded denials, hub/audit.ts); 1 when left out. */
  count?: number | undefined;
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
  count: number;
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
  count: number;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  result?: AuditResult | undefined;
  /** Records at or after this time (epoch ms). */
  since?: number | undefined;
  /** Records at or before this time (epoch ms). */
  until?: number | undefined;
}

/** The last row of the chain: what a checkpoint signs. id 0 and the genesis hash for an empty log. */
export interface ChainHead {
  id: number;
  hash: string;
  /** The first row whose link is keyed (audit_chain.keyed_from). */
  keyedFrom: number;
}

/** A checkpoint whose signature was already checked (hub/audit-checkpoints.ts): the head it vouches for. */
export interface TrustedHead {
  id: number;
  hash: string;
  keyedFrom: number;
  /** When it was signed (epoch ms). */
  at: number;
  /** Where it came from: the checkpoint file, the retained MQTT topic, or a file the operator kept. */
  source: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Records walked. */
  count: number;
  /** The last record in the table now. */
  head: { id: number; hash: string };
  /** The first record whose hash or link does not hold (absent when the chain holds). */
  brokenId?: number;
  problem?: string;
  /** The checkpoint the rows were checked against; null when there is none yet. */
  checkpoint: (TrustedHead & { matches: boolean }) | null;
  /** Rows the checkpoint vouches for that are gone from the end of the log. */
  missing?: { fromId: number; toId: number };
  /** Every problem found, as sentences (the first also in `problem`). */
  problems: string[];
}

export const GENESIS = "0".repeat(64);

type Content = Omit<AuditRow, "id" | "prev_hash" | "hash">;

/** The link of a row written before 0010: sha256, unkeyed, over the content without the count. */
function legacyHash(prevHash: string, r: Content): string {
  const canonical = JSON.stringify([r.at, r.actor, r.action, r.target, r.reason, r.result, r.details_json]);
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

function keyedHash(key: Buffer, prevHash: string, r: Content): string {
  const canonical = JSON.stringify([r.at, r.actor, r.action, r.target, r.reason, r.result, r.details_json, r.count]);
  return createHmac("sha256", key).update(prevHash).update(canonical).digest("hex");
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export class AuditRepo {
  /** @param chainKey the HMAC key of the chain (<dataDir>/keys/audit-chain.key), never stored in the database */
  constructor(
    private readonly db: Db,
    private readonly chainKey: Buffer,
  ) {}

  append(entry: AuditEntry, now: number): AuditRecord {
    return this.db.transaction(() => {
      const last = this.db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as { hash: string } | undefined;
      const prevHash = last?.hash ?? GENESIS;
      const row: Content = {
        at: now,
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        reason: entry.reason ?? null,
        result: entry.result,
        details_json: entry.details ? JSON.stringify(entry.details) : null,
        count: entry.count ?? 1,
      };
      const hash = keyedHash(this.chainKey, prevHash, row);
      const info = this.db
        .prepare(
          `INSERT INTO audit_log (at, actor, action, target, reason, result, details_json, count, prev_hash, hash)
           VALUES (@at, @actor, @action, @target, @reason, @result, @details_json, @count, @prevHash, @hash)`,
        )
        .run({ ...row, prevHash, hash });
      return toRecord({ ...row, id: Number(info.lastInsertRowid), prev_hash: prevHash, hash });
    })();
  }

  head(): ChainHead {
    const last = this.db.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as { id: number; hash: string } | undefined;
    return { id: last?.id ?? 0, hash: last?.hash ?? GENESIS, keyedFrom: this.keyedFrom() };
  }

  private keyedFrom(): number {
    return (this.db.prepare("SELECT keyed_from FROM audit_chain WHERE id = 1").get() as { keyed_from: number } | undefined)?.keyed_from ?? 1;
  }

  private where(filter: AuditFilter): { sql: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
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
    return { sql: where.length ? "WHERE " + where.join(" AND ") : "", params };
  }

  /** Newest first; `since`/`until` are inclusive epoch ms. One page: `limit` records from `offset` (the newest 100). */
  list(filter: AuditFilter = {}, page: { limit: number; offset: number } = { limit: 100, offset: 0 }): AuditRecord[] {
    const w = this.where(filter);
    const sql = `SELECT * FROM audit_log ${w.sql} ORDER BY id DESC LIMIT @limit OFFSET @offset`;
    return (this.db.prepare(sql).all({ ...w.params, ...page }) as AuditRow[]).map(toRecord);
  }

  count(filter: AuditFilter = {}): number {
    const w = this.where(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM audit_log ${w.sql}`).get(w.params) as { n: number }).n;
  }

  /**
   * Whether the table still extends `from` (the head of the last checkpoint): its row is there with that hash and
   * every row after it links and hashes right. A checkpoint is signed only over a chain that passes this, so a log
   * cut back or rewritten under the hub is never vouched for.
   */
  extendsHead(from: { id: number; hash: string } | null): { ok: true } | { ok: false; problem: string } {
    const keyedFrom = this.keyedFrom();
    let prev = GENESIS;
    let startId = 0;
    if (from && from.id > 0) {
      const row = this.db.prepare("SELECT hash FROM audit_log WHERE id = ?").get(from.id) as { hash: string } | undefined;
      if (!row) return { ok: false, problem: `record #${from.id} of the last checkpoint is gone` };
      if (!sameHex(row.hash, from.hash)) return { ok: false, problem: `record #${from.id} no longer has the hash of the last checkpoint` };
      prev = row.hash;
      startId = from.id;
    }
    for (const row of this.db.prepare("SELECT * FROM audit_log WHERE id > ? ORDER BY id").iterate(startId) as IterableIterator<AuditRow>) {
      const expected = row.id >= keyedFrom ? keyedHash(this.chainKey, prev, row) : legacyHash(prev, row);
      if (row.prev_hash !== prev || !sameHex(expected, row.hash)) return { ok: false, problem: `record #${row.id} does not hold` };
      prev = row.hash;
    }
    return { ok: true };
  }

  /**
   * Walks the chain from the first row (keyed links from `keyedFrom` on) and checks it against `checkpoint`, a head
   * whose signature the caller verified: the row it names must still be there with that hash. A checkpoint's
   * `keyedFrom` is trusted over the table's (which the table's writer could lower to recompute rows unkeyed).
   */
  verify(checkpoint: TrustedHead | null = null): AuditVerification {
    const problems: string[] = [];
    let brokenId: number | undefined;
    const keyedFrom = checkpoint?.keyedFrom ?? this.keyedFrom();
    if (checkpoint && checkpoint.keyedFrom !== this.keyedFrom()) {
      problems.push(`audit_chain.keyed_from is ${this.keyedFrom()}, the signed checkpoint says ${checkpoint.keyedFrom}: the table was altered`);
    }
    let prev = GENESIS;
    let count = 0;
    let last = { id: 0, hash: GENESIS };
    let atCheckpoint: string | undefined;
    for (const row of this.db.prepare("SELECT * FROM audit_log ORDER BY id").iterate() as IterableIterator<AuditRow>) {
      count++;
      if (brokenId === undefined) {
        const expected = row.id >= keyedFrom ? keyedHash(this.chainKey, prev, row) : legacyHash(prev, row);
        const problem = row.prev_hash !== prev ? "prev_hash does not match the previous record" : !sameHex(expected, row.hash) ? "content does not match its hash" : undefined;
        if (problem) {
          brokenId = row.id;
          problems.unshift(`record #${row.id}: ${problem}`);
        }
      }
      if (checkpoint && row.id === checkpoint.id) atCheckpoint = row.hash;
      prev = row.hash;
      last = { id: row.id, hash: row.hash };
    }
    let missing: AuditVerification["missing"];
    let matches = true;
    if (checkpoint && checkpoint.id > 0) {
      const when = new Date(checkpoint.at).toISOString();
      if (last.id < checkpoint.id) {
        matches = false;
        missing = { fromId: last.id + 1, toId: checkpoint.id };
        problems.push(
          `records #${missing.fromId}..#${missing.toId} are missing: the checkpoint signed ${when} (${checkpoint.source}) vouches for the log up to #${checkpoint.id}, the table ends at #${last.id}`,
        );
      } else if (atCheckpoint === undefined || !sameHex(atCheckpoint, checkpoint.hash)) {
        matches = false;
        problems.push(
          atCheckpoint === undefined
            ? `record #${checkpoint.id} named by the checkpoint signed ${when} (${checkpoint.source}) is gone`
            : `record #${checkpoint.id} does not have the hash the checkpoint signed ${when} (${checkpoint.source}) vouches for: the chain up to it was rewritten`,
        );
      }
    }
    const result: AuditVerification = {
      ok: problems.length === 0,
      count,
      head: last,
      checkpoint: checkpoint ? { ...checkpoint, matches } : null,
      problems,
    };
    if (problems.length) {
      result.problem = problems[0]!;
      result.brokenId = brokenId ?? missing?.fromId ?? checkpoint?.id ?? last.id;
    }
    if (missing) result.missing = missing;
    return result;
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
    count: r.count,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
