// The audit trail as a service: every action and every denied attempt goes through here. Repeated denials from one
// source (remote address or token, reason, route) are folded: the first of an interval is written at once, so
// nothing goes unseen, and the repeats within the interval become one row with their count when it ends (or at stop).
// A client hammering the API with a bad token makes a few rows a minute instead of one per request.
import type { Logger } from "pino";
import type { AuditEntry, AuditRecord, AuditRepo } from "./repos/audit.repo.js";

export interface AuditorOptions {
  /** Repeated denials from one source within this long are folded into one row (0: never fold). */
  denialFoldMs: number;
  /** Sources folded at once at most; past it a new source's denials are written one row each. */
  maxFoldedSources: number;
  /** Counts each denial folded into a row instead of written (verge_audit_denials_folded_total). */
  onFolded: () => void;
}

const DEFAULTS: AuditorOptions = { denialFoldMs: 60_000, maxFoldedSources: 10_000, onFolded: () => {} };

/** A refused request and who made it: `source` is what repeats are folded by (with the action and reason). */
export interface Denial {
  actor: string;
  action: string;
  target?: string | undefined;
  reason: string;
  source: string;
}

interface Fold {
  first: Denial;
  firstId: number;
  startedAt: number;
  repeats: number;
  lastAt: number;
  targets: Set<string>;
  timer: NodeJS.Timeout;
}

/** At most this many distinct targets are listed in a folded row's details. */
const FOLD_TARGETS_SHOWN = 10;

export class Auditor {
  private readonly folds = new Map<string, Fold>();
  private readonly listeners: Array<(record: AuditRecord) => void> = [];
  private readonly options: AuditorOptions;

  constructor(
    private readonly repo: AuditRepo,
    private readonly logger: Logger,
    private readonly now: () => number,
    options: Partial<AuditorOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Called after every row written (the checkpoints follow the head). */
  onAppend(listener: (record: AuditRecord) => void): void {
    this.listeners.push(listener);
  }

  record(entry: AuditEntry): AuditRecord {
    const rec = this.repo.append(entry, this.now());
    this.logger.info({ auditId: rec.id, actor: rec.actor, action: rec.action, target: rec.target, result: rec.result, count: rec.count }, "audit");
    for (const l of this.listeners) l(rec);
    return rec;
  }

  /** A refused request: written at once when it is the first of its source in the interval, else counted. */
  denied(d: Denial): void {
    const key = JSON.stringify([d.source, d.action, d.reason]);
    const now = this.now();
    const fold = this.folds.get(key);
    if (fold && now - fold.startedAt < this.options.denialFoldMs) {
      fold.repeats++;
      fold.lastAt = now;
      this.options.onFolded();
      if (d.target !== undefined && fold.targets.size < FOLD_TARGETS_SHOWN) fold.targets.add(d.target);
      return;
    }
    if (fold) this.close(key, fold);
    const rec = this.record({ actor: d.actor, action: d.action, target: d.target, result: "denied", reason: d.reason });
    if (this.options.denialFoldMs <= 0 || this.folds.size >= this.options.maxFoldedSources) return;
    const timer = setTimeout(() => {
      const f = this.folds.get(key);
      if (f) this.close(key, f);
    }, this.options.denialFoldMs);
    timer.unref();
    this.folds.set(key, { first: d, firstId: rec.id, startedAt: now, repeats: 0, lastAt: now, targets: new Set(d.target === undefined ? [] : [d.target]), timer });
  }

  /** Writes every pending folded row (at graceful stop). */
  flush(): void {
    for (const [key, fold] of [...this.folds]) this.close(key, fold);
  }

  private close(key: string, fold: Fold): void {
    clearTimeout(fold.timer);
    this.folds.delete(key);
    if (fold.repeats === 0) return;
    const d = fold.first;
    try {
      this.record({
        actor: d.actor,
        action: d.action,
        target: fold.targets.size === 1 ? [...fold.targets][0] : undefined,
        result: "denied",
        reason: d.reason,
        count: fold.repeats,
        details: { folded: true, afterId: fold.firstId, from: fold.startedAt, to: fold.lastAt, intervalMs: this.options.denialFoldMs, ...(fold.targets.size > 1 ? { targets: [...fold.targets] } : {}) },
      });
    } catch (err) {
      // The count is logged at least; the process goes on (a timer must not throw).
      this.logger.error({ err, actor: d.actor, action: d.action, count: fold.repeats }, "folded denials not written to the audit log");
    }
  }
}
