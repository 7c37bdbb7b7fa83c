// The hub's HTTP server: /healthz, /metrics, /artifacts/{sha256}, and the JSON API under /api (bearer tokens, roles).
// Errors are answered as {error:{code,message}} with the matching status.
import Fastify from "fastify";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { Readable } from "node:stream";
import { HubError } from "../errors.js";
import type { Auditor } from "../audit.js";
import type { ArtifactStore } from "../artifact-store.js";
import type { HubMetrics } from "../metrics.js";
import type { TokensRepo } from "../repos/tokens.repo.js";
import type { TelemetryRepo } from "../repos/telemetry.repo.js";
import type { DevicesRepo } from "../repos/devices.repo.js";
import type { AuditRepo } from "../repos/audit.repo.js";
import type { RegistryService } from "../services/registry.service.js";
import type { ReleasesService } from "../services/releases.service.js";
import type { RolloutsService } from "../services/rollouts.service.js";
import { registerArtifactRoutes } from "./artifacts.js";
import { actorOf, makeAuthHook } from "./auth.js";

export interface HttpDeps {
  logger: Logger;
  metrics: HubMetrics;
  auditor: Auditor;
  audit: AuditRepo;
  tokens: TokensRepo;
  devices: DevicesRepo;
  telemetry: TelemetryRepo;
  store: ArtifactStore;
  registry: RegistryService;
  releases: ReleasesService;
  rollouts: RolloutsService;
  maxArtifactBytes: number;
  health: () => { mqttConnected: boolean };
  now: () => number;
}

function actor(request: FastifyRequest): string {
  if (!request.principal) throw new HubError("internal", "no principal on an authenticated route");
  return actorOf(request.principal);
}

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  // Per-request access logs at info would drown the log at fleet scale: the HTTP logger starts at warn.
  const httpLogger: FastifyBaseLogger = deps.logger.child({ module: "http" }, { level: deps.logger.isLevelEnabled("warn") ? "warn" : "silent" });
  const app = Fastify({ loggerInstance: httpLogger, bodyLimit: 1024 * 1024 });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof HubError) {
      if (err.code === "internal") request.log.error({ err }, "internal error");
      return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ error: { code: "bad_request", message: e.message } });
    }
    request.log.error({ err, url: request.url }, "unhandled error");
    return reply.code(500).send({ error: { code: "internal", message: "internal error; see the hub log" } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } }),
  );

  app.get("/healthz", async () => ({ status: "ok", mqtt: deps.health().mqttConnected ? "connected" : "disconnected" }));
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  registerArtifactRoutes(app, deps.store, deps.metrics);

  void app.register(
    async (api) => {
      api.addHook("onRequest", makeAuthHook(deps.tokens, deps.auditor, deps.metrics, deps.now));
      // Artifact uploads arrive as a raw stream; the store hashes while writing and enforces the size limit.
      api.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

      api.post("/devices", { config: { role: "admin" } }, async (request, reply) => {
        const enrollment = deps.registry.enroll(request.body, actor(request));
        return reply.code(201).send(enrollment);
      });
      api.get("/devices", { config: { role: "viewer" } }, async () => ({ devices: deps.devices.list() }));
      api.get<{ Params: { id: string } }>("/devices/:id", { config: { role: "viewer" } }, async (request) => ({ device: deps.registry.get(request.params.id) }));
      api.get<{ Params: { id: string }; Querystring: { rollout?: string } }>("/devices/:id/transitions", { config: { role: "viewer" } }, async (request) => {
        deps.registry.get(request.params.id);
        return { transitions: deps.telemetry.transitions(request.params.id, request.query.rollout) };
      });

      api.put("/artifacts", { config: { role: "release-manager" } }, async (request, reply) => {
        if (request.headers["content-type"] !== "application/octet-stream") {
          throw new HubError("bad_request", "upload the artifact as Content-Type: application/octet-stream");
        }
        const result = await deps.releases.importArtifact(request.body as Readable, deps.maxArtifactBytes, actor(request));
        return reply.code(result.existed ? 200 : 201).send(result);
      });

      api.post("/releases", { config: { role: "release-manager" } }, async (request, reply) =>
        reply.code(201).send({ release: deps.releases.create(request.body, actor(request)) }),
      );
      api.get("/releases", { config: { role: "viewer" } }, async () => ({ releases: deps.releases.list() }));
      api.get<{ Params: { id: string } }>("/releases/:id", { config: { role: "viewer" } }, async (request) => ({ release: deps.releases.get(request.params.id) }));

      api.post("/rollouts", { config: { role: "release-manager" } }, async (request, reply) =>
        reply.code(201).send(await deps.rollouts.create(request.body, actor(request))),
      );
      api.get("/rollouts", { config: { role: "viewer" } }, async () => ({ rollouts: deps.rollouts.list() }));
      api.get<{ Params: { id: string } }>("/rollouts/:id", { config: { role: "viewer" } }, async (request) => deps.rollouts.status(request.params.id));
      api.get<{ Params: { id: string } }>("/rollouts/:id/devices", { config: { role: "viewer" } }, async (request) => ({
        devices: deps.rollouts.status(request.params.id).devices,
      }));

      api.get<{ Querystring: { limit?: string } }>("/telemetry/rejections", { config: { role: "viewer" } }, async (request) => ({
        rejections: deps.telemetry.rejections(Math.min(Number(request.query.limit ?? 100) || 100, 1000)),
      }));
      api.get("/audit", { config: { role: "viewer" } }, async () => ({ records: deps.audit.list() }));
      api.get("/audit/verify", { config: { role: "viewer" } }, async () => deps.audit.verify());
    },
    { prefix: "/api" },
  );
  return app;
}
