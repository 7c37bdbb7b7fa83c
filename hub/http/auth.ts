// Bearer-token authentication and role checks for /api. Every refusal is answered 401/403, counted and audited;
// repeats from one source (address or token, reason, route) are folded into one audit row per interval (hub/audit.ts).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Auditor } from "../audit.js";
import { HubError } from "../errors.js";
import type { HubMetrics } from "../metrics.js";
import type { ApiToken, Role, TokensRepo } from "../repos/tokens.repo.js";
import { roleAtLeast } from "../repos/tokens.repo.js";
import type { StorageHealth } from "../storage-health.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: ApiToken;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; every /api route declares one. */
    role?: Role;
    /** false for a POST that only reads (a dry run): served while storage fails (hub/storage-health.ts). */
    writes?: boolean;
  }
}

/** The actor name written to the audit log for a token. */
export function actorOf(token: ApiToken): string {
  return `token:${token.id}(${token.name})`;
}

export function makeAuthHook(tokens: TokensRepo, auditor: Auditor, metrics: HubMetrics, now: () => number, storage?: StorageHealth) {
  // last_used_at is bookkeeping: when the disk is full it is skipped (and counted), so reads keep working.
  const markUsed = (id: string): void => {
    try {
      tokens.markUsed(id, now());
    } catch (err) {
      if (!storage?.failed("auth", err)) throw err;
    }
  };
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const need = request.routeOptions.config.role;
    if (!need) throw new HubError("internal", `route ${request.routeOptions.url} declares no role`);
    const header = request.headers.authorization;
    const what = `${request.method} ${request.routeOptions.url ?? request.url}`;
    // The resource a refused request aimed at (rollout, device, token, cohort...), so `audit list --target` finds it.
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const target = params.id ?? params.name ?? params.sha256;
    const token = header?.startsWith("Bearer ") ? tokens.verify(header.slice(7).trim()) : undefined;
    if (!token) {
      metrics.apiDenied.inc({ reason: "unauthenticated" });
      auditor.denied({ actor: `anonymous@${request.ip}`, action: what, target, reason: header ? "invalid or revoked token" : "no bearer token", source: request.ip });
      throw new HubError("unauthenticated", header ? "the bearer token is invalid or revoked" : "missing Authorization: Bearer <token>");
    }
    if (!roleAtLeast(token.role, need)) {
      metrics.apiDenied.inc({ reason: "forbidden" });
      auditor.denied({ actor: actorOf(token), action: what, target, reason: `role ${token.role} < ${need}`, source: `${actorOf(token)}@${request.ip}` });
      throw new HubError("forbidden", `${what} needs role ${need}; token "${token.name}" has role ${token.role}`);
    }
    markUsed(token.id);
    request.principal = token;
  };
}
