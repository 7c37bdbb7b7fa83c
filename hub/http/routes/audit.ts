// /api/audit: the audit log newest first, filtered by actor, action, target, result and time, a page at a time;
// /api/audit/verify walks the hash chain and checks it against the newest signed checkpoint (GET) or against one the
// caller kept (POST {checkpoint}); /api/audit/checkpoint signs the head now and answers the newest checkpoint with
// the hub's public key, for an operator to keep elsewhere.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { trustedHead } from "../../audit-checkpoints.js";
import { badRequest } from "../../errors.js";
import type { AuditFilter } from "../../repos/audit.repo.js";
import type { HttpDeps } from "../server.js";
import { pageInfo, pageRequest } from "./paging.js";

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
    page: z.unknown().optional(),
    pageSize: z.unknown().optional(),
  })
  .strict()
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, { message: "since is after until", path: ["since"] });

const verifyBody = z.object({ checkpoint: z.unknown() }).strict();

export function registerAuditRoutes(api: FastifyInstance, deps: HttpDeps): void {
  api.get("/audit", { config: { role: "viewer" } }, async (request) => {
    const req = pageRequest(request.query);
    const filter = parseQuery(request.query);
    return { records: deps.audit.list(filter, req), ...pageInfo(req, deps.audit.count(filter)) };
  });
  api.get("/audit/verify", { config: { role: "viewer" } }, async () => {
    // Pending checkpoint first, so rows written in the last second are vouched for too.
    deps.checkpoints.checkpointNow();
    const newest = await deps.checkpoints.newest();
    const result = deps.audit.verify(newest.checkpoint && trustedHead(newest.checkpoint, newest.source ?? "?"));
    const problems = [...result.problems, ...newest.invalid.map((x) => `a checkpoint that does not verify: ${x}`)];
    return { ...result, ok: problems.length === 0, problems, ...(problems.length && !result.problem ? { problem: problems[0] } : {}) };
  });
  api.post("/audit/verify", { config: { role: "viewer" } }, async (request) => {
    const parsed = verifyBody.safeParse(request.body ?? {});
    if (!parsed.success) throw badRequest('send {"checkpoint": <the checkpoint JSON from verge audit checkpoint export>}');
    const check = deps.checkpoints.check(parsed.data.checkpoint);
    if (!check.ok) return { ok: false, checkpointRefused: check.reason, problems: [`checkpoint refused: ${check.reason}`] };
    return deps.audit.verify(trustedHead(check.checkpoint, "the checkpoint given"));
  });
  api.get("/audit/checkpoint", { config: { role: "viewer" } }, async () => {
    deps.checkpoints.checkpointNow();
    const newest = await deps.checkpoints.newest();
    return { checkpoint: newest.checkpoint, source: newest.source, ...deps.checkpoints.publicKey() };
  });
}

function parseQuery(query: unknown): AuditFilter {
  const parsed = auditQuery.safeParse(query ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
  const { page: _page, pageSize: _pageSize, ...filter } = parsed.data;
  return filter;
}
