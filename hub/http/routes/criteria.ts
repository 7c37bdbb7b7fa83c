// /api/rollouts/:id/validate (entry and exit criteria judged now) and /api/rollouts/:id/health (a stage's KPIs over a
// span against its thresholds, with a trend): reads, for any token.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badRequest } from "../../errors.js";
import type { CriteriaService } from "../../services/criteria.service.js";

const validateQuery = z.object({ stage: z.string().min(1, "stage is empty: name a stage or leave it out").optional() }).strict();

export function registerCriteriaRoutes(api: FastifyInstance, criteria: CriteriaService): void {
  api.get<{ Params: { id: string } }>("/rollouts/:id/validate", { config: { role: "viewer" } }, async (request) => {
    const parsed = validateQuery.safeParse(request.query ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
    return criteria.validate(request.params.id, parsed.data.stage);
  });
  api.get<{ Params: { id: string } }>("/rollouts/:id/health", { config: { role: "viewer" } }, async (request) => criteria.health(request.params.id, request.query));
}
