// Content-addressed artifact files: <dataDir>/artifacts/<sha256[0:2]>/<sha256>. Imports stream to a temp file while
// hashing, then rename into place, so a half-written artifact is never visible and a full disk loses nothing stored.
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HubError } from "./errors.js";

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export class ArtifactStore {
  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return SHA256_PATTERN.test(sha256) && existsSync(this.pathOf(sha256));
  }

  size(sha256: string): number {
    return statSync(this.pathOf(sha256)).size;
  }

  /** Streams `source` into the store; returns its sha256 and size. */
  async import(source: Readable, maxBytes: number): Promise<{ sha256: string; size: number }> {
    const tmpDir = join(this.root, "tmp");
    mkdirSync(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${Date.now()}-${randomBytes(6).toString("hex")}.part`);
    const hash = createHash("sha256");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(new HubError("payload_too_large", `artifact exceeds the limit of ${maxBytes} bytes (http.maxArtifactBytes)`));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: "wx" }));
    } catch (err) {
      rmSync(tmp, { force: true });
      if (err instanceof HubError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") {
        throw new HubError("insufficient_storage", `no space left in ${this.root} while storing the artifact (${size} bytes written); nothing was stored`);
      }
      throw err;
    }
    if (size === 0) {
      rmSync(tmp, { force: true });
      throw new HubError("bad_request", "the artifact is empty");
    }
    const sha256 = hash.digest("hex");
    const dest = this.pathOf(sha256);
    mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true });
    renameSync(tmp, dest);
    return { sha256, size };
  }
}
