// The audit trail as a service: every action and every denied attempt goes through here.
import type { Logger } from "pino";
import type { AuditEntry, AuditRepo } from "./repos/audit.repo.js";

export class Auditor {
  constructor(
    private readonly repo: AuditRepo,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  record(entry: AuditEntry): void {
    const rec = this.repo.append(entry, this.now());
    this.logger.info({ auditId: rec.id, actor: rec.actor, action: rec.action, target: rec.target, result: rec.result }, "audit");
  }
}
