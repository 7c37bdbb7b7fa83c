// /api/scada: read-only MQTT credentials for SCADA / traffic management systems (admin only).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ScadaService } from "../../services/scada.service.js";
import { pageOf, pageRequest } from "./paging.js";

export function registerScadaRoutes(api: FastifyInstance, scada: ScadaService, actor: (request: FastifyRequest) => string): void {
  api.post("/scada", { config: { role: "admin" } }, async (request, reply) => reply.code(201).send(scada.create(request.body, actor(request))));
  api.get("/scada", { config: { role: "admin" } }, async (request) => {
    const { items, info } = pageOf(scada.list(), pageRequest(request.query));
    return { principals: items, ...info };
  });
  api.post<{ Params: { name: string } }>("/scada/:name/disable", { config: { role: "admin" } }, async (request) => ({
    principal: scada.disable(request.params.name, request.body, actor(request)),
  }));
}
