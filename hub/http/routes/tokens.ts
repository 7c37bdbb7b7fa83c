// /api/tokens: operator bearer tokens (admin only). The secret is in the create answer only; lists never show hashes.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { TokensService } from "../../services/tokens.service.js";
import type { HttpDeps } from "../server.js";

export function registerTokensRoutes(api: FastifyInstance, deps: HttpDeps, actor: (request: FastifyRequest) => string): void {
  const tokens = new TokensService(deps.tokens, deps.auditor, deps.now);
  api.post("/tokens", { config: { role: "admin" } }, async (request, reply) => reply.code(201).send(tokens.create(request.body, actor(request))));
  api.get("/tokens", { config: { role: "admin" } }, async () => ({ tokens: tokens.list() }));
  api.post<{ Params: { id: string } }>("/tokens/:id/revoke", { config: { role: "admin" } }, async (request) => ({
    token: tokens.revoke(request.params.id, request.body, actor(request)),
  }));
}
