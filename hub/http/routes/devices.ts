// /api/devices: enroll one device or import many (admin); list with filters and pages, show, transitions and
// diagnostics (viewer); diagnostic bundles: collect (operator), list and download (viewer). Views come from DevicesService; enrollment from RegistryService.
import { createReadStream } from "node:fs";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { availability, droppedRatio, histogramQuantile } from "../../rollout/kpi.js";
import { DevicesService } from "../../services/devices.service.js";
import type { HttpDeps } from "../server.js";
import { pageInfo, pageOf, pageRequest } from "./paging.js";

export function registerDeviceRoutes(api: FastifyInstance, deps: HttpDeps, actor: (request: FastifyRequest) => string): void {
  const devices = new DevicesService(deps.devices, deps.kpi, deps.telemetry, deps.registry, deps.auditor, deps.now);

  api.post("/devices", { config: { role: "admin" } }, async (request, reply) => {
    const enrollment = deps.registry.enroll(request.body, actor(request));
    return reply.code(201).send(enrollment);
  });
  api.post("/devices/import", { config: { role: "admin" } }, async (request, reply) => reply.code(201).send({ results: devices.import(request.body, actor(request)) }));
  api.get("/devices", { config: { role: "viewer" } }, async (request) => devices.list(request.query));
  api.get<{ Params: { id: string } }>("/devices/:id", { config: { role: "viewer" } }, async (request) => devices.show(request.params.id));
  // A device's transitions, oldest first, a page at a time (a chatty device has thousands).
  api.get<{ Params: { id: string }; Querystring: { rollout?: string } }>("/devices/:id/transitions", { config: { role: "viewer" } }, async (request) => {
    const req = pageRequest(request.query);
    deps.registry.get(request.params.id);
    const { transitions, totalCount } = deps.telemetry.transitionsPage(request.params.id, request.query.rollout, req.limit, req.offset);
    return { transitions, ...pageInfo(req, totalCount) };
  });
  api.get<{ Params: { id: string }; Querystring: { window?: string } }>("/devices/:id/diagnostics", { config: { role: "viewer" } }, async (request) => {
    const device = deps.registry.get(request.params.id);
    const now = deps.now();
    const windowMs = Math.min(Math.max(Number(request.query.window ?? 3_600_000) || 3_600_000, 1000), 30 * 86_400_000);
    const k = deps.kpi.deviceSums([device.id], now - windowMs, now).get(device.id);
    return {
      device,
      kpi: k
        ? {
            windowMs,
            availability: availability(k),
            droppedRatio: droppedRatio(k),
            eventLagP50Ms: histogramQuantile(0.5, k.lagBuckets),
            eventLagP95Ms: histogramQuantile(0.95, k.lagBuckets),
            ...k,
          }
        : null,
      transitions: deps.telemetry.lastTransitions(device.id, 50),
      rejections: deps.telemetry.rejections(1000).filter((r) => r.deviceId === device.id).slice(0, 20),
      // Bundles of logs and state uploaded by the device (newest first), each with its download URL.
      bundles: deps.diagnostics.list(device.id),
    };
  });

  // Remote diagnostics: ask the device for a bundle (operator), list them, download one (viewer).
  api.post<{ Params: { id: string } }>("/devices/:id/diagnostics/bundles", { config: { role: "operator" } }, async (request, reply) =>
    reply.code(201).send({ bundle: await deps.diagnostics.collect(request.params.id, request.body, actor(request)) }),
  );
  api.get<{ Params: { id: string } }>("/devices/:id/diagnostics/bundles", { config: { role: "viewer" } }, async (request) => {
    const req = pageRequest(request.query);
    const { items, info } = pageOf(deps.diagnostics.list(request.params.id), req);
    return { bundles: items, ...info };
  });
  api.get<{ Params: { id: string; bundleId: string } }>("/devices/:id/diagnostics/bundles/:bundleId", { config: { role: "viewer" } }, async (request, reply) => {
    const { bundle, file } = deps.diagnostics.open(request.params.id, request.params.bundleId, actor(request));
    reply
      .header("content-type", "application/gzip")
      .header("content-length", bundle.size ?? 0)
      .header("content-disposition", `attachment; filename="${bundle.deviceId}-${bundle.bundleId}.tar.gz"`)
      .header("x-verge-bundle-id", bundle.bundleId)
      .header("x-verge-sha256", bundle.sha256 ?? "");
    return reply.send(createReadStream(file));
  });
}
