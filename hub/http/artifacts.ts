// GET/HEAD /artifacts/:sha256 with HTTP Range (RFC 9110), so an interrupted download resumes from its last byte.
// Artifacts are public by content address: devices verify size, sha256 and the signed manifest, not the transport.
import { createReadStream } from "node:fs";
import type { FastifyInstance } from "fastify";
import parseRange from "range-parser";
import type { ArtifactStore } from "../artifact-store.js";
import { SHA256_PATTERN } from "../artifact-store.js";
import type { HubMetrics } from "../metrics.js";

export function registerArtifactRoutes(app: FastifyInstance, store: ArtifactStore, metrics: HubMetrics): void {
  app.route<{ Params: { sha256: string } }>({
    method: ["GET", "HEAD"],
    url: "/artifacts/:sha256",
    handler: async (request, reply) => {
      const { sha256 } = request.params;
      if (!SHA256_PATTERN.test(sha256) || !store.has(sha256)) {
        return reply.code(404).send({ error: { code: "not_found", message: `artifact ${sha256} not found` } });
      }
      const size = store.size(sha256);
      let start = 0;
      let end = size - 1;
      const rangeHeader = request.headers.range;
      const ifRange = request.headers["if-range"];
      if (rangeHeader && (ifRange === undefined || ifRange === `"${sha256}"`)) {
        const ranges = parseRange(size, rangeHeader, { combine: true });
        if (ranges === -1) {
          return reply
            .code(416)
            .header("accept-ranges", "bytes").header("content-range", `bytes */${size}`).send({ error: { code: "range_not_satisfiable", message: `range ${rangeHeader} is outside 0-${size - 1}` } });
        }
        if (ranges !== -2 && ranges.type === "bytes" && ranges.length === 1) {
          start = ranges[0]!.start;
          end = ranges[0]!.end;
          reply.code(206).header("content-range", `bytes ${start}-${end}/${size}`);
        }
      }
      reply.header("accept-ranges", "bytes").header("etag", `"${sha256}"`).header("content-type", "application/octet-stream");
      reply.header("cache-control", "public, max-age=31536000, immutable");
      reply.header("content-length", end - start + 1);
      if (request.method === "HEAD") return reply.send();
      const stream = createReadStream(store.pathOf(sha256), { start, end });
      stream.on("data", (chunk) => metrics.artifactBytesServed.inc(chunk.length));
      return reply.send(stream);
    },
  });
}
