// /api/webhooks: the configured webhooks with their delivery figures, the outbox, a test notification and the retry of
// a delivery given up. Reading needs viewer; sending (test, retry) release-manager, and both are audited.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebhooksService } from "../../services/webhooks.service.js";

export function registerWebhookRoutes(api: FastifyInstance, webhooks: WebhooksService, actor: (request: FastifyRequest) => string): void {
  api.get("/webhooks", { config: { role: "viewer" } }, async () => ({ webhooks: webhooks.list() }));
  api.get<{ Querystring: { webhook?: string; status?: string; limit?: string } }>("/webhooks/deliveries", { config: { role: "viewer" } }, async (request) => ({
    deliveries: webhooks.deliveries(request.query),
  }));
  api.post<{ Params: { name: string } }>("/webhooks/:name/test", { config: { role: "release-manager" } }, async (request, reply) =>
    reply.code(202).send({ delivery: webhooks.test(request.params.name, request.body, actor(request)) }),
  );
  api.post<{ Params: { id: string } }>("/webhooks/deliveries/:id/retry", { config: { role: "release-manager" } }, async (request, reply) =>
    reply.code(202).send({ delivery: webhooks.retry(request.params.id, request.body, actor(request)) }),
  );
}
