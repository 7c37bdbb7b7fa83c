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
import type { AuditCheckpoints } from "../audit-checkpoints.js";
import type { RegistryService } from "../services/registry.service.js";
import type { ReleasesService } from "../services/releases.service.js";
import type { RolloutsService } from "../services/rollouts.service.js";
import type { BrakesService } from "../services/brakes.service.js";
import type { CohortsService } from "../services/cohorts.service.js";
import type { IncidentsService } from "../services/incidents.service.js";
import type { KpiRepo } from "../repos/kpi.repo.js";
import { ROLLOUT_STATUSES, isRolloutStatus } from "../rollout/engine.js";
import type { DeploymentStateName } from "../../proto/index.js";
import { DEPLOYMENT_STATES } from "../../proto/index.js";
import type { DiagnosticsService } from "../services/diagnostics.service.js";
import { registerArtifactRoutes } from "./artifacts.js";
import { registerDiagnosticsUploadRoutes } from "./diagnostics-upload.js";
import { registerDeviceRoutes } from "./routes/devices.js";
import { registerScadaRoutes } from "./routes/scada.js";
import type { ScadaService } from "../services/scada.service.js";
import { registerTokensRoutes } from "./routes/tokens.js";
import { registerAuditRoutes } from "./routes/audit.js";
import { registerWebhookRoutes } from "./routes/webhooks.js";
import type { WebhooksService } from "../services/webhooks.service.js";
import { registerCriteriaRoutes } from "./routes/criteria.js";
import type { CriteriaService } from "../services/criteria.service.js";
import { actorOf, makeAuthHook } from "./auth.js";
import { PAGE_SIZE_MAX, pageInfo, pageRequest } from "./routes/paging.js";
import type { StorageHealth } from "../storage-health.js";
import { storageErrorCode } from "../storage-health.js";

export interface HttpDeps {
  logger: Logger;
  metrics: HubMetrics;
  auditor: Auditor;
  audit: AuditRepo;
  checkpoints: AuditCheckpoints;
  tokens: TokensRepo;
  devices: DevicesRepo;
  telemetry: TelemetryRepo;
  store: ArtifactStore;
  registry: RegistryService;
  releases: ReleasesService;
  rollouts: RolloutsService;
  cohorts: CohortsService;
  brakes: BrakesService;
  incidents: IncidentsService;
  scada: ScadaService;
  kpi: KpiRepo;
  diagnostics: DiagnosticsService;
  webhooks: WebhooksService;
  criteria: CriteriaService;
  maxArtifactBytes: number;
  health: () => { mqttConnected: boolean };
  /** Storage health: /healthz answers 503 and API writes 507 while the data dir cannot be written. */
  storage: StorageHealth;
  now: () => number;
}

function actor(request: FastifyRequest): string {
  if (!request.principal) throw new HubError("internal", "no principal on an authenticated route");
  return actorOf(request.principal);
}


function storageMessage(storage: StorageHealth): string {
  const s = storage.status();
  return `the hub cannot write to its data dir (${s.reason ?? "storage failing"}); reads still work, retry once space is freed`;
}

export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  // Per-request access logs at info would drown the log at fleet scale: the HTTP logger starts at warn.
  const httpLogger: FastifyBaseLogger = deps.logger.child({ module: "http" }, { level: deps.logger.isLevelEnabled("warn") ? "warn" : "silent" });
  const app = Fastify({ loggerInstance: httpLogger, bodyLimit: 1024 * 1024 });

  app.setErrorHandler((err, request, reply) => {
    // Bad input is counted by route (the route's pattern, so the label set stays small) and logged with its context.
    const badRequest = (message: string) => {
      deps.metrics.apiBadRequests.inc({ route: request.routeOptions.url ?? "unknown" });
      request.log.warn({ url: request.url, problem: message }, "bad request");
    };
    // A write that met a full or failing disk (SQLite, an artifact or bundle file): 507, and storage is unhealthy
    // until the probe sees it recover.
    if (storageErrorCode(err) !== undefined) {
      deps.storage.failed("api", err);
      request.log.warn({ err, url: request.url }, "request failed: storage");
      return reply.code(507).send({ error: { code: "insufficient_storage", message: storageMessage(deps.storage) } });
    }
    if (err instanceof HubError) {
      if (err.code === "bad_request") badRequest(err.message);
      if (err.code === "internal") request.log.error({ err }, "internal error");
      return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
      if (e.statusCode === 400) badRequest(e.message);
      return reply.code(e.statusCode).send({ error: { code: "bad_request", message: e.message } });
    }
    request.log.error({ err, url: request.url }, "unhandled error");
    return reply.code(500).send({ error: { code: "internal", message: "internal error; see the hub log" } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } }),
  );

  app.get("/healthz", async (_request, reply) => {
    const mqtt = deps.health().mqttConnected ? "connected" : "disconnected";
    const storage = deps.storage.status();
    if (!storage.ok) return reply.code(503).send({ status: "unavailable", reason: `storage: ${storage.reason ?? "failing"}`, mqtt, storage });
    return { status: "ok", mqtt, storage };
  });
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  registerArtifactRoutes(app, deps.store, deps.metrics);
  registerDiagnosticsUploadRoutes(app, deps.diagnostics);

  void app.register(
    async (api) => {
      api.addHook("onRequest", makeAuthHook(deps.tokens, deps.auditor, deps.metrics, deps.now, deps.storage));
      // While storage fails, writes are refused up front (nothing half done); reads and dry runs are served.
      api.addHook("onRequest", async (request) => {
        if (deps.storage.ok || request.method === "GET" || request.method === "HEAD" || request.routeOptions.config.writes === false) return;
        deps.storage.refused("api");
        throw new HubError("insufficient_storage", storageMessage(deps.storage));
      });
      // Artifact uploads arrive as a raw stream; the store hashes while writing and enforces the size limit.
      api.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

      registerDeviceRoutes(api, deps, actor);
      registerScadaRoutes(api, deps.scada, actor);

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
      api.get("/releases", { config: { role: "viewer" } }, async (request) => {
        const req = pageRequest(request.query);
        const { releases, totalCount } = deps.releases.page(req);
        return { releases, ...pageInfo(req, totalCount) };
      });
      api.get<{ Params: { id: string } }>("/releases/:id", { config: { role: "viewer" } }, async (request) => ({ release: deps.releases.get(request.params.id) }));

      api.post("/rollouts", { config: { role: "release-manager" } }, async (request, reply) =>
        reply.code(201).send(await deps.rollouts.create(request.body, actor(request))),
      );
      api.post("/rollouts/plan", { config: { role: "viewer", writes: false } }, async (request) => ({ preview: deps.rollouts.preview(request.body) }));
      api.get<{ Querystring: { status?: string; releaseId?: string; page?: string; pageSize?: string } }>("/rollouts", { config: { role: "viewer" } }, async (request) => {
        const q = request.query;
        if (q.status !== undefined && q.status !== "" && !isRolloutStatus(q.status)) {
          throw new HubError("bad_request", `status must be one of ${ROLLOUT_STATUSES.join(", ")}`);
        }
        const req = pageRequest(q);
        const filter = { ...(q.status ? { status: q.status } : {}), ...(q.releaseId ? { releaseId: q.releaseId } : {}) };
        const totalCount = deps.rollouts.count(filter);
        const rollouts = deps.rollouts.page(filter, req.limit, req.offset).map((r) => {
          const v = deps.rollouts.status(r.id, { devices: false });
          return { ...r, activeStage: v.activeStage, gates: v.gates, brakes: v.brakes, progress: v.counts };
        });
        return { rollouts, freeze: deps.brakes.status(), ...pageInfo(req, totalCount) };
      });
      // A rollout's device view links each device's diagnostics bundle asked during the rollout (e.g. after its failure).
      const withDiagnostics = <T extends { deviceId: string }>(rolloutId: string, devices: T[]) => {
        const links = deps.diagnostics.linksForRollout(rolloutId);
        return devices.map((x) => ({ ...x, diagnostics: links.get(x.deviceId) ?? null }));
      };
      // The summary, progress counts and stages, with the first page of devices (?devices=N, 0 for none: what
      // `rollout status --watch` polls); every device page by page from /rollouts/:id/devices.
      api.get<{ Params: { id: string }; Querystring: { devices?: string } }>("/rollouts/:id", { config: { role: "viewer" } }, async (request) => {
        const n = request.query.devices;
        if (n !== undefined && !(/^\d+$/.test(n) && Number(n) <= PAGE_SIZE_MAX)) throw new HubError("bad_request", `devices must be a whole number from 0 to ${PAGE_SIZE_MAX}, got "${n}"`);
        const view = deps.rollouts.status(request.params.id, n === undefined ? {} : { devices: Number(n) });
        return { ...view, devices: withDiagnostics(request.params.id, view.devices) };
      });
      api.get<{ Params: { id: string }; Querystring: { stage?: string; state?: string; page?: string; pageSize?: string } }>(
        "/rollouts/:id/devices",
        { config: { role: "viewer" } },
        async (request) => {
          const q = request.query;
          const states = q.state ? q.state.split(",") : [];
          const bad = states.filter((x) => !(DEPLOYMENT_STATES as readonly string[]).includes(x));
          if (bad.length) throw new HubError("bad_request", `unknown state ${bad.join(", ")}: use ${DEPLOYMENT_STATES.join(", ")}`);
          const req = pageRequest(q);
          const filter = { ...(q.stage ? { stage: q.stage } : {}), ...(states.length ? { states: states as DeploymentStateName[] } : {}) };
          const { devices, totalCount } = deps.rollouts.devicesPage(request.params.id, filter, req.limit, req.offset);
          return { devices: withDiagnostics(request.params.id, devices), ...pageInfo(req, totalCount) };
        },
      );
      // Oldest first, a page at a time; ?after=ID reads on from an event already seen.
      api.get<{ Params: { id: string }; Querystring: { after?: string } }>("/rollouts/:id/events", { config: { role: "viewer" } }, async (request) => {
        const req = pageRequest(request.query);
        const after = request.query.after;
        if (after !== undefined && !/^\d+$/.test(after)) throw new HubError("bad_request", `after must be an event id (a whole number), got "${after}"`);
        const { events, totalCount } = deps.rollouts.events(request.params.id, Number(after ?? 0), req);
        return { events, ...pageInfo(req, totalCount) };
      });
      const verbs: Array<[string, "operator" | "release-manager", (id: string, body: unknown, actor: string) => Promise<unknown>]> = [
        ["pause", "operator", (id, body, who) => deps.rollouts.pause(id, body, who)],
        ["resume", "operator", (id, body, who) => deps.rollouts.resume(id, body, who)],
        ["promote", "release-manager", (id, body, who) => deps.rollouts.promote(id, body, who)],
        ["abort", "release-manager", (id, body, who) => deps.rollouts.abort(id, body, who)],
        ["cancel", "release-manager", (id, body, who) => deps.rollouts.abort(id, body, who)],
        ["retry", "release-manager", (id, body, who) => deps.rollouts.retry(id, body, who)],
        ["rollback", "release-manager", (id, body, who) => deps.rollouts.rollback(id, body, who)],
      ];
      for (const [verb, role, run] of verbs) {
        api.post<{ Params: { id: string } }>(`/rollouts/:id/${verb}`, { config: { role } }, async (request) => run(request.params.id, request.body ?? {}, actor(request)));
      }
      api.post<{ Params: { id: string } }>("/rollouts/:id/evaluate", { config: { role: "operator" } }, async (request) => {
        await deps.rollouts.evaluate(request.params.id);
        return deps.rollouts.status(request.params.id, { devices: false });
      });

      // The brakes: the fleet-wide freeze and per-cohort switches. Operators may pull them, as they may pause.
      api.get("/freeze", { config: { role: "viewer" } }, async () => deps.brakes.status());
      api.post("/freeze/on", { config: { role: "operator" } }, async (request) => deps.brakes.freeze(true, request.body, actor(request)));
      api.post("/freeze/off", { config: { role: "operator" } }, async (request) => deps.brakes.freeze(false, request.body, actor(request)));
      api.post<{ Params: { name: string } }>("/cohorts/:name/disable", { config: { role: "operator" } }, async (request) => ({
        ...(await deps.brakes.setCohort(request.params.name, false, request.body, actor(request))),
        cohort: deps.cohorts.get(request.params.name),
      }));
      api.post<{ Params: { name: string } }>("/cohorts/:name/enable", { config: { role: "operator" } }, async (request) => ({
        ...(await deps.brakes.setCohort(request.params.name, true, request.body, actor(request))),
        cohort: deps.cohorts.get(request.params.name),
      }));
      api.get("/cohorts", { config: { role: "viewer" } }, async (request) => {
        const req = pageRequest(request.query);
        const cohorts = deps.cohorts.list();
        return { cohorts: cohorts.slice(req.offset, req.offset + req.limit), ...pageInfo(req, cohorts.length) };
      });
      api.get<{ Params: { name: string } }>("/cohorts/:name", { config: { role: "viewer" } }, async (request) => ({ cohort: deps.cohorts.get(request.params.name) }));
      api.post("/cohorts", { config: { role: "release-manager" } }, async (request, reply) => reply.code(201).send({ cohort: deps.cohorts.create(request.body, actor(request)) }));
      api.post<{ Params: { name: string } }>("/cohorts/:name/members", { config: { role: "release-manager" } }, async (request) => ({
        cohort: deps.cohorts.add(request.params.name, request.body, actor(request)),
      }));
      api.post<{ Params: { name: string } }>("/cohorts/:name/members/remove", { config: { role: "release-manager" } }, async (request) => ({
        cohort: deps.cohorts.remove(request.params.name, request.body, actor(request)),
      }));
      api.post<{ Params: { name: string } }>("/cohorts/:name/retire", { config: { role: "release-manager" } }, async (request) => ({
        cohort: deps.cohorts.setActive(request.params.name, false, actor(request)),
      }));
      api.post<{ Params: { name: string } }>("/cohorts/:name/activate", { config: { role: "release-manager" } }, async (request) => ({
        cohort: deps.cohorts.setActive(request.params.name, true, actor(request)),
      }));

      api.get<{ Querystring: { status?: "open" | "closed"; releaseId?: string } }>("/incidents", { config: { role: "viewer" } }, async (request) => {
        if (request.query.status && !["open", "closed"].includes(request.query.status)) throw new HubError("bad_request", "status must be open or closed");
        const req = pageRequest(request.query);
        const filter = { ...(request.query.status ? { status: request.query.status } : {}), ...(request.query.releaseId ? { releaseId: request.query.releaseId } : {}) };
        const { incidents, totalCount } = deps.incidents.page(filter, req);
        return { incidents, ...pageInfo(req, totalCount) };
      });
      api.post("/incidents", { config: { role: "operator" } }, async (request, reply) => reply.code(201).send({ incident: await deps.incidents.open(request.body, actor(request)) }));
      api.post<{ Params: { id: string } }>("/incidents/:id/close", { config: { role: "operator" } }, async (request) => ({
        incident: await deps.incidents.close(request.params.id, request.body, actor(request)),
      }));

      // Newest first, a page at a time.
      api.get("/telemetry/rejections", { config: { role: "viewer" } }, async (request) => {
        const req = pageRequest(request.query);
        return { rejections: deps.telemetry.rejections(req.limit, req.offset), ...pageInfo(req, deps.telemetry.countRejections()) };
      });
      registerTokensRoutes(api, deps, actor);
      registerAuditRoutes(api, deps);
      registerWebhookRoutes(api, deps.webhooks, actor);
      registerCriteriaRoutes(api, deps.criteria);
    },
    { prefix: "/api" },
  );
  return app;
}
