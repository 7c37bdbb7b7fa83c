// /api/audit: the audit log newest first, filtered by actor, action, target, result and time; /api/audit/verify walks
// the hash chain and names the first broken record.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badRequest } from "../../errors.js";
import { AUDIT_LIST_MAX } from "../../repos/audit.repo.js";
import type { AuditFilter } from "../../repos/audit.repo.js";
import type { HttpDeps } from "../server.js";

/** Epoch milliseconds or an ISO 8601 time (`2025-06-01`, `2025-06-01T12:00:00Z`). */
const instant = z.string().transform((text, ctx) => {
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms)) {
    ctx.addIssue({ code: "custom", message: `epoch milliseconds or an ISO 8601 time like 2025-06-01T12:00:00Z, got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

const auditQuery = z
  .object({
    actor: z.string().min(1).optional(),
    action: z.string().min(1).optional(),
    target: z.string().min(1).optional(),
    result: z.enum(["ok", "denied", "failed"], { error: (issue) => `ok, denied or failed, got "${String(issue.input)}"` }).optional(),
    since: instant.optional(),
    until: instant.optional(),
    limit: z
      .string()
      .regex(/^\d+$/, `a whole number from 1 to ${AUDIT_LIST_MAX}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= AUDIT_LIST_MAX, `a whole number from 1 to ${AUDIT_LIST_MAX}`)
      .optional(),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, { message: "since is after until", path: ["since"] });

export function registerAuditRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get("/audit", { config: { role: "viewer" } }, async (request) => ({ records: deps.audit.list(parseQuery(request.query)) }));
  api.get("/audit/verify", { config: { role: "viewer" } }, async () => deps.audit.verify());
}

function parseQuery(query: unknown): AuditFilter {
  const parsed = auditQuery.safeParse(query ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
  return parsed.data;
}
