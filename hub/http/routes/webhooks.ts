// /api/webhooks: the configured webhooks with their delivery figures, the outbox, a test notification and the retry of
// a delivery given up. Reading needs viewer; sending (test, retry) release-manager, and both are audited.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebhooksService } from "../../services/webhooks.service.js";
import { pageInfo, pageOf, pageRequest } from "./paging.js";

export function registerWebhookRoutes(api: FastifyInstance, webhooks: WebhooksService, actor: (request: FastifyRequest) => string): void {
  api.get("/webhooks", { config: { role: "viewer" } }, async (request) => {
    const { items, info } = pageOf(webhooks.list(), pageRequest(request.query));
    return { webhooks: items, ...info };
  });
  // Newest first, a page at a time.
  api.get<{ Querystring: { webhook?: string; status?: string } }>("/webhooks/deliveries", { config: { role: "viewer" } }, async (request) => {
    const req = pageRequest(request.query);
    const { deliveries, totalCount } = webhooks.deliveries(request.query, req);
    return { deliveries, ...pageInfo(req, totalCount) };
  });
  api.post<{ Params: { name: string } }>("/webhooks/:name/test", { config: { role: "release-manager" } }, async (request, reply) =>
    reply.code(202).send({ delivery: webhooks.test(request.params.name, request.body, actor(request)) }),
  );
  api.post<{ Params: { id: string } }>("/webhooks/deliveries/:id/retry", { config: { role: "release-manager" } }, async (request, reply) =>
    reply.code(202).send({ delivery: webhooks.retry(request.params.id, request.body, actor(request)) }),
  );
}
