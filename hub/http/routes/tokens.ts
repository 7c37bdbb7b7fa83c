// /api/tokens: operator bearer tokens (admin only). The secret is in the create answer only; lists never show hashes.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { TokensService } from "../../services/tokens.service.js";
import type { HttpDeps } from "../server.js";
import { pageOf, pageRequest } from "./paging.js";

export function registerTokensRoutes(api: FastifyInstance, deps: HttpDeps, actor: (request: FastifyRequest) => string): void {
  const tokens = new TokensService(deps.tokens, deps.auditor, deps.now);
  api.post("/tokens", { config: { role: "admin" } }, async (request, reply) => reply.code(201).send(tokens.create(request.body, actor(request))));
  api.get("/tokens", { config: { role: "admin" } }, async (request) => {
    const { items, info } = pageOf(tokens.list(), pageRequest(request.query));
    return { tokens: items, ...info };
  });
  api.post<{ Params: { id: string } }>("/tokens/:id/revoke", { config: { role: "admin" } }, async (request) => ({
    token: tokens.revoke(request.params.id, request.body, actor(request)),
  }));
}
