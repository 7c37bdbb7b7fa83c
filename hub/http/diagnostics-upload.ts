// Device-facing diagnostics uploads, beside /artifacts and outside /api (no bearer tokens: a device proves itself
// with HTTP Basic, its id and MQTT secret). HEAD (or GET) /diagnostics/:bundleId tells the offset the hub holds
// (Upload-Offset); PUT /diagnostics/:bundleId appends one chunk (Content-Range, X-Verge-Sha256). Errors are
// {error:{code,message}} with the matching status (HEAD: the status alone).
import type { FastifyInstance, FastifyReply } from "fastify";
import { Readable } from "node:stream";
import { HubError } from "../errors.js";
import type { DiagnosticsService, UploadState } from "../services/diagnostics.service.js";

function answer(reply: FastifyReply, state: UploadState): UploadState {
  reply.header("upload-offset", state.offset).header("upload-complete", state.complete ? "?1" : "?0").header("x-verge-max-bytes", state.maxBytes);
  if (state.size !== null) reply.header("upload-length", state.size);
  reply.header("cache-control", "no-store");
  return state;
}

export function registerDiagnosticsUploadRoutes(app: FastifyInstance, diagnostics: DiagnosticsService): void {
  void app.register(async (scope) => {
    // The chunk arrives as a raw stream: the service writes it as it comes, so a cut keeps what arrived.
    scope.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));
    scope.addHook("onRequest", async (_request, reply) => {
      reply.header("www-authenticate", 'Basic realm="verge-device", charset="UTF-8"');
    });

    scope.get<{ Params: { bundleId: string } }>("/diagnostics/:bundleId", async (request, reply) => {
      const deviceId = diagnostics.authenticateDevice(request.headers.authorization, request.ip);
      return answer(reply, await diagnostics.uploadState(deviceId, request.params.bundleId));
    });

    scope.put<{ Params: { bundleId: string } }>("/diagnostics/:bundleId", async (request, reply) => {
      const deviceId = diagnostics.authenticateDevice(request.headers.authorization, request.ip);
      if (request.headers["content-type"] !== "application/octet-stream") {
        throw new HubError("bad_request", "send the bundle bytes as Content-Type: application/octet-stream");
      }
      const sha = request.headers["x-verge-sha256"];
      const state = await diagnostics.append(
        deviceId,
        request.params.bundleId,
        { contentRange: request.headers["content-range"], sha256: typeof sha === "string" ? sha : undefined },
        (request.body as Readable | undefined) ?? Readable.from([]),
        () => request.raw.destroy(),
      );
      return answer(reply, state);
    });
  });
}
