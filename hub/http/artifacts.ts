// GET/HEAD /artifacts/:sha256 with HTTP Range (RFC 9110), so an interrupted download resumes from its last byte.
// Artifacts are public by content address: devices verify size, sha256 and the signed manifest, not the transport.
//
// Bytes served (verge_artifact_bytes_served_total) are the body bytes the operating system took from the hub for the
// client: the body goes out in small slices, one at a time, each counted in its write callback once the socket handed
// it to the kernel. A slice still queued in the hub when the link drops is never counted, and the hub never queues
// more than one slice ahead of the socket, so a link that keeps dropping costs little more than the bytes that crossed
// it. What the kernel had accepted but not yet delivered when the connection broke is counted: no portable API says
// how much of it reached the device. reply.send(stream) cannot do this (it pipes, without write callbacks), so the
// route takes the response over (reply.hijack()) once the headers are known.
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import parseRange from "range-parser";
import type { ArtifactStore } from "../artifact-store.js";
import { SHA256_PATTERN } from "../artifact-store.js";
import type { HubMetrics } from "../metrics.js";

/** One read from the artifact file. */
export const ARTIFACT_READ_BYTES = 64 * 1024;
/** One socket write: small, so little is queued ahead of a dying link. */
export const ARTIFACT_CHUNK_BYTES = 8 * 1024;

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
      let status = 200;
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
          status = 206;
          reply.header("content-range", `bytes ${start}-${end}/${size}`);
        }
      }
      reply.code(status);
      reply.header("accept-ranges", "bytes").header("etag", `"${sha256}"`).header("content-type", "application/octet-stream");
      reply.header("cache-control", "public, max-age=31536000, immutable");
      reply.header("content-length", end - start + 1);
      if (request.method === "HEAD" || size === 0) return reply.send();
      // Open before answering, so a file gone since the check is still a proper error response.
      const file = await open(store.pathOf(sha256), "r");
      reply.hijack();
      const res = reply.raw;
      res.writeHead(status, reply.getHeaders() as Record<string, string | number | string[]>);
      try {
        await writeRange(res, file, start, end, (n) => metrics.artifactBytesServed.inc(n));
      } catch (err) {
        request.log.warn({ err, sha256 }, "artifact body write failed");
        res.destroy();
      } finally {
        await file.close().catch((err: unknown) => request.log.warn({ err, sha256 }, "artifact file close failed"));
      }
    },
  });
}

/**
 * Writes bytes start..end (inclusive) of `file` to `res`: the file is read in blocks, each block written in slices, one
 * slice at a time: the next goes once the kernel has taken the previous one (its write callback) and the event loop
 * had a turn (other connections, the broker). `flushed` gets each slice's size at its callback. Resolves when all was
 * written or the connection closed.
 */
async function writeRange(res: ServerResponse, file: FileHandle, start: number, end: number, flushed: (bytes: number) => void): Promise<void> {
  let closed = res.destroyed;
  let wake: (() => void) | null = null;
  const onClose = () => {
    closed = true;
    const w = wake;
    wake = null;
    w?.();
  };
  res.on("close", onClose);
  try {
    let position = start;
    while (position <= end && !closed) {
      const length = Math.min(ARTIFACT_READ_BYTES, end - position + 1);
      const { bytesRead, buffer } = await file.read(Buffer.allocUnsafe(length), 0, length, position);
      if (bytesRead === 0) throw new Error(`artifact file ended at ${position}, before byte ${end}`);
      position += bytesRead;
      for (let offset = 0; offset < bytesRead && !closed; offset += ARTIFACT_CHUNK_BYTES) {
        const slice = buffer.subarray(offset, Math.min(bytesRead, offset + ARTIFACT_CHUNK_BYTES));
        await new Promise<void>((resolve) => {
          wake = resolve;
          res.write(slice, (err) => {
            if (!err) flushed(slice.length);
            wake = null;
            setImmediate(resolve);
          });
        });
      }
    }
    if (!closed) res.end();
  } finally {
    res.off("close", onClose);
  }
}
