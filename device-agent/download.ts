// Downloads one release component into <dataDir>/downloads/<sha256>, resuming a partial download with HTTP Range,
// hashing as it goes, never writing beyond the expected size, and retrying with capped backoff and jitter.
import { createHash } from "node:crypto";
import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat, statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { backoffDelay } from "./decisions.js";
import { fsyncDir } from "./state-file.js";
import { SHA256_HEX, UnsafePathError, insideDir } from "./wire-fields.js";

export interface ComponentRef {
  name: string;
  size: number;
  sha256: string;
  urls: readonly string[];
}

export type DownloadFailure = "checksum" | "size" | "download" | "aborted" | "disk_full";
export type DownloadResult =
  | { ok: true; file: string; bytesFetched: number }
  | { ok: false; reason: DownloadFailure; detail: string };

export interface DownloadOptions {
  downloadsDir: string;
  /** Relative URLs (e.g. /artifacts/<sha256>) resolve against this. */
  baseUrl: string;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  logger: Logger;
  /**
   * Passes over the URL list that fetched no byte, in a row, before giving up; 0 = unlimited (the default: a device on
   * a flaky link keeps trying until stopped or superseded). A pass that fetched bytes resets the count and the backoff.
   */
  maxAttempts?: number;
  /** Backoff between passes: capped exponential with jitter (backoffDelay), from retryMinMs up to retryMaxMs. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Free bytes in a directory; statfs by default (tests inject a fake). */
  freeBytes?: (dir: string) => Promise<number>;
  /** HTTP; global fetch by default (the fleet simulator throttles through it). */
  fetch?: typeof fetch;
  /** `random` for the backoff jitter, in [0, 1); Math.random by default. */
  random?: () => number;
}

/** Kept free on top of what a download still needs, so a full downloads dir does not starve the rest of the device. */
export const DISK_MARGIN_BYTES = 4 * 1024 * 1024;

/** Bytes available to an unprivileged writer in `dir` (statfs bavail * bsize). */
export async function statfsFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Bytes still to fetch for these components: size minus what their verified file or part file already holds. */
export async function remainingBytes(downloadsDir: string, components: readonly ComponentRef[]): Promise<number> {
  let need = 0;
  for (const c of components) {
    const final = await sizeOf(artifactPath(downloadsDir, c.sha256));
    if (final === c.size) continue;
    const part = (await sizeOf(partPath(downloadsDir, c.sha256))) ?? 0;
    need += Math.max(0, c.size - (part <= c.size ? part : 0));
  }
  return need;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/**
 * Whether `needed` bytes plus the margin fit in the free space of `dir` (created if missing). A statfs that fails
 * (an exotic filesystem) does not block the download: the size cap and the write errors still hold.
 */
export async function checkDiskSpace(
  dir: string,
  needed: number,
  freeBytes: (dir: string) => Promise<number> = statfsFreeBytes,
  marginBytes = DISK_MARGIN_BYTES,
): Promise<{ ok: true } | { ok: false; reason: "disk_full"; detail: string }> {
  if (needed <= 0) return { ok: true };
  await mkdir(dir, { recursive: true });
  let free: number;
  try {
    free = await freeBytes(dir);
  } catch {
    return { ok: true };
  }
  if (needed + marginBytes <= free) return { ok: true };
  return {
    ok: false,
    reason: "disk_full",
    detail: `need ${needed} bytes (+${marginBytes} margin) in ${dir}, ${free} bytes free`,
  };
}

/**
 * `downloads/<sha256>`. The sha256 comes from a signed manifest whose fields were checked (wire-fields.ts); anything
 * but 64 lowercase hex, or a path that would leave the downloads dir, throws UnsafePathError instead.
 */
export function artifactPath(downloadsDir: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new UnsafePathError(downloadsDir, sha256);
  return insideDir(downloadsDir, sha256);
}

export function partPath(downloadsDir: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new UnsafePathError(downloadsDir, `${sha256}.part`);
  return insideDir(downloadsDir, `${sha256}.part`);
}

/** Size and sha256 of a file, or undefined when it does not exist. */
export async function hashFile(file: string, signal?: AbortSignal): Promise<{ size: number; sha256: string } | undefined> {
  const hash = createHash("sha256");
  const size = await hashInto(hash, file, signal);
  return size === undefined ? undefined : { size, sha256: hash.digest("hex") };
}

async function hashInto(hash: Hash, file: string, signal?: AbortSignal): Promise<number | undefined> {
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  let size = 0;
  for await (const chunk of createReadStream(file, { signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return size;
}

class TransferError extends Error {
  constructor(
    readonly reason: DownloadFailure,
    message: string,
    /** Worth another attempt (a cut link, a 5xx), as opposed to a verdict on the bytes. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "TransferError";
  }
}

/** Downloads a component unless the verified file is already there. Never throws for expected failures. */
export async function downloadComponent(component: ComponentRef, opts: DownloadOptions): Promise<DownloadResult> {
  const log = opts.logger.child({ component: component.name, sha256: component.sha256 });
  const final = artifactPath(opts.downloadsDir, component.sha256);
  const part = partPath(opts.downloadsDir, component.sha256);
  await mkdir(opts.downloadsDir, { recursive: true });

  const existing = await hashFile(final, opts.signal).catch(() => undefined);
  if (existing && existing.size === component.size && existing.sha256 === component.sha256) {
    opts.onProgress?.(component.size, component.size);
    return { ok: true, file: final, bytesFetched: 0 };
  }
  if (existing) await rm(final, { force: true });

  const urls = component.urls.map((u) => new URL(u, opts.baseUrl).toString());
  if (urls.length === 0) return { ok: false, reason: "download", detail: `component ${component.name} lists no URL` };
  const space = await checkDiskSpace(opts.downloadsDir, await remainingBytes(opts.downloadsDir, [component]), opts.freeBytes);
  if (!space.ok) return space;

  const maxAttempts = opts.maxAttempts ?? 0;
  const random = opts.random ?? Math.random;
  const progress = { fetched: 0 };
  let lastError = "";
  /** URLs that answered with a client error (404, 403, ...): not worth another attempt in this call. */
  const dead = new Set<string>();
  /** Passes in a row that fetched nothing: the backoff exponent and the give-up count. */
  let barren = 0;
  for (;;) {
    const before = progress.fetched;
    for (const url of urls) {
      if (dead.has(url)) continue;
      if (opts.signal?.aborted) return aborted();
      try {
        const done = await transfer(url, component, part, opts, progress);
        const verdict = await finish(component, done, part, final);
        if (!verdict.ok) return verdict;
        return { ok: true, file: final, bytesFetched: progress.fetched };
      } catch (err) {
        if (opts.signal?.aborted) return aborted();
        lastError = `${url}: ${(err as Error).message}`;
        if (err instanceof TransferError && !err.retryable) {
          if (err.reason !== "download") {
            await rm(part, { force: true });
            return { ok: false, reason: err.reason, detail: err.message };
          }
          dead.add(url);
        }
        log.warn({ url, barren, fetched: progress.fetched, err: (err as Error).message }, "download attempt failed");
      }
    }
    if (dead.size === urls.length) break;
    barren = progress.fetched > before ? 0 : barren + 1;
    if (maxAttempts > 0 && barren >= maxAttempts) break;
    // A pass that made progress retries at the minimum delay; one that did not backs off further, up to the cap.
    const delay = backoffDelay(barren, opts.retryMinMs ?? 1000, opts.retryMaxMs ?? 300_000, random());
    try {
      await sleep(delay, opts.signal);
    } catch {
      return aborted();
    }
  }
  return { ok: false, reason: "download", detail: `gave up on ${urls.length} URL(s): ${lastError}` };
}

function aborted(): DownloadResult {
  return { ok: false, reason: "aborted", detail: "download aborted; part file kept" };
}

interface Transferred {
  fetched: number;
  size: number;
  sha256: string;
}

/** One HTTP transfer into the part file, resuming from its size; hashes the existing part bytes, then the new ones. */
async function transfer(
  url: string,
  component: ComponentRef,
  part: string,
  opts: DownloadOptions,
  progress: { fetched: number },
): Promise<Transferred> {
  const hash = createHash("sha256");
  let have = (await hashInto(hash, part, opts.signal)) ?? 0;
  if (have > component.size) {
    await rm(part, { force: true });
    throw new TransferError("size", `part file holds ${have} bytes, more than the expected ${component.size}`, false);
  }
  if (have === component.size) return { fetched: 0, size: have, sha256: hash.digest("hex") };

  const headers: Record<string, string> = {};
  if (have > 0) headers.Range = `bytes=${have}-`;
  const res = await (opts.fetch ?? fetch)(url, { headers, signal: opts.signal });
  let append: boolean;
  if (res.status === 206 && have > 0) {
    const start = /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "")?.[1];
    if (start !== undefined && Number(start) !== have) {
      await res.body?.cancel();
      throw new TransferError("download", `server resumed at byte ${start}, asked for ${have}`, true);
    }
    append = true;
  } else if (res.status === 200) {
    append = false;
  } else if (res.status === 416 && have > 0) {
    // The server says there is nothing past what we hold; start over rather than guess.
    await res.body?.cancel();
    await rm(part, { force: true });
    throw new TransferError("download", "range not satisfiable; restarting from zero", true);
  } else {
    await res.body?.cancel();
    throw new TransferError("download", `HTTP ${res.status}`, res.status >= 500 || res.status === 408 || res.status === 429);
  }
  if (!append) have = 0;
  const runningHash = append ? hash : createHash("sha256");
  const fh = await open(part, append ? "a" : "w");
  let fetched = 0;
  try {
    opts.onProgress?.(have, component.size);
    if (!res.body) throw new TransferError("download", "response has no body", true);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (have + chunk.length > component.size) {
        const room = component.size - have;
        if (room > 0) {
          await fh.write(chunk.subarray(0, room));
          runningHash.update(chunk.subarray(0, room));
          have += room;
        }
        throw new TransferError("size", `server sent more than the expected ${component.size} bytes`, false);
      }
      await fh.write(chunk);
      runningHash.update(chunk);
      have += chunk.length;
      fetched += chunk.length;
      progress.fetched += chunk.length;
      opts.onProgress?.(have, component.size);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (have < component.size) throw new TransferError("download", `transfer ended at ${have} of ${component.size} bytes`, true);
  return { fetched, size: have, sha256: runningHash.digest("hex") };
}

/** Checks the complete part file and moves it into place; deletes it on a mismatch. */
async function finish(component: ComponentRef, got: Transferred, part: string, final: string): Promise<DownloadResult> {
  if (got.size !== component.size) {
    await rm(part, { force: true });
    return { ok: false, reason: "size", detail: `got ${got.size} bytes, manifest says ${component.size}` };
  }
  if (got.sha256 !== component.sha256) {
    await rm(part, { force: true });
    return { ok: false, reason: "checksum", detail: `sha256 of ${component.name} is ${got.sha256}, manifest says ${component.sha256}` };
  }
  await rename(part, final);
  fsyncDir(join(final, ".."));
  return { ok: true, file: final, bytesFetched: 0 };
}

/** Waits `ms`, or rejects at once when `signal` aborts (a stop or a new desired state during a backoff wait). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
