// The component download against a real HTTP server: resume, restart on 200, size cap, checksum, URL fallback.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo, Server } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backoffDelay } from "../../device-agent/decisions.js";
import { DISK_MARGIN_BYTES, checkDiskSpace, downloadComponent, partPath, remainingBytes } from "../../device-agent/download.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, testLogger, waitFor } from "../helpers/wait.js";
import { sha256 } from "./harness.js";

let dir: string;
let cleanup: () => void;
let server: Server;
let baseUrl: string;
/** What the server does per path: the body, and whether it honours Range. */
let routes: Map<string, { body: Buffer; range: boolean; status?: number }>;
let requests: { url: string; range: string | undefined }[];

beforeEach(async () => {
  ({ dir, cleanup } = tempDir("verge-dl-"));
  routes = new Map();
  requests = [];
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", range: req.headers.range });
    const route = routes.get(req.url ?? "");
    if (!route) return void res.writeHead(404).end();
    if (route.status !== undefined) return void res.writeHead(route.status).end();
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (m && route.range) {
      const start = Number(m[1]);
      res.writeHead(206, { "content-range": `bytes ${start}-${route.body.length - 1}/${route.body.length}` });
      return void res.end(route.body.subarray(start));
    }
    res.writeHead(200).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  cleanup();
});

function options() {
  return { downloadsDir: join(dir, "downloads"), baseUrl, logger: testLogger(), maxAttempts: 2, retryMinMs: 1, retryMaxMs: 5 };
}

function seedPart(sha: string, bytes: Buffer): void {
  mkdirSync(join(dir, "downloads"), { recursive: true });
  writeFileSync(partPath(join(dir, "downloads"), sha), bytes);
}

describe("downloadComponent", () => {
  it("resumes a part file with Range and verifies the whole", async () => {
    const body = randomBytes(10_000);
    const sha = sha256(body);
    routes.set(`/artifacts/${sha}`, { body, range: true });
    seedPart(sha, body.subarray(0, 4000));
    const progress: number[] = [];
    const result = await downloadComponent({ name: "app", size: body.length, sha256: sha, urls: [`/artifacts/${sha}`] }, {
      ...options(),
      onProgress: (done) => progress.push(done),
    });
    expect(result).toMatchObject({ ok: true, bytesFetched: 6000 });
    expect(requests).toEqual([{ url: `/artifacts/${sha}`, range: "bytes=4000-" }]);
    expect(readFileSync(join(dir, "downloads", sha)).equals(body)).toBe(true);
    expect(progress[0]).toBe(4000);
    expect(progress.at(-1)).toBe(10_000);
  });

  it("starts over when the server ignores Range (200)", async () => {
    const body = randomBytes(5000);
    const sha = sha256(body);
    routes.set(`/a/${sha}`, { body, range: false });
    seedPart(sha, Buffer.alloc(3000, 7)); // garbage: must not survive
    const result = await downloadComponent({ name: "app", size: body.length, sha256: sha, urls: [`/a/${sha}`] }, options());
    expect(result).toMatchObject({ ok: true, bytesFetched: 5000 });
    expect(readFileSync(join(dir, "downloads", sha)).equals(body)).toBe(true);
  });

  it("tries the next URL when one fails", async () => {
    const body = randomBytes(2000);
    const sha = sha256(body);
    routes.set("/mirror", { body, range: true });
    const result = await downloadComponent({ name: "app", size: body.length, sha256: sha, urls: ["/gone", `${baseUrl}/mirror`] }, options());
    expect(result.ok).toBe(true);
    expect(requests.map((r) => r.url)).toEqual(["/gone", "/mirror"]);
  });

  it("never writes beyond the expected size", async () => {
    const body = randomBytes(8000);
    routes.set("/big", { body, range: true });
    const sha = sha256(body.subarray(0, 4000));
    const result = await downloadComponent({ name: "app", size: 4000, sha256: sha, urls: ["/big"] }, options());
    expect(result).toMatchObject({ ok: false, reason: "size" });
    expect(existsSync(partPath(join(dir, "downloads"), sha))).toBe(false);
    expect(existsSync(join(dir, "downloads", sha))).toBe(false);
  });

  it("fails with checksum and deletes the part file when the bytes differ", async () => {
    const body = randomBytes(3000);
    const claimed = sha256(randomBytes(3000));
    routes.set("/x", { body, range: true });
    const result = await downloadComponent({ name: "app", size: 3000, sha256: claimed, urls: ["/x"] }, options());
    expect(result).toMatchObject({ ok: false, reason: "checksum" });
    expect(existsSync(partPath(join(dir, "downloads"), claimed))).toBe(false);
  });

  it("gives up with reason download after its attempts", async () => {
    const sha = sha256(Buffer.from("x"));
    const result = await downloadComponent({ name: "app", size: 1, sha256: sha, urls: ["/missing"] }, options());
    expect(result).toMatchObject({ ok: false, reason: "download" });
    expect(requests.length).toBe(1); // a 404 is not worth retrying
  });

  it("keeps an aborted part file", async () => {
    const body = randomBytes(4000);
    const sha = sha256(body);
    seedPart(sha, body.subarray(0, 1000));
    const abort = new AbortController();
    abort.abort();
    const result = await downloadComponent({ name: "app", size: 4000, sha256: sha, urls: ["/x"] }, { ...options(), signal: abort.signal });
    expect(result).toMatchObject({ ok: false, reason: "aborted" });
    expect(statSync(partPath(join(dir, "downloads"), sha)).size).toBe(1000);
  });
});

describe("downloads over a flaky link", () => {
  it("resumes through a cut every 256 KB of an 8 MB artifact and fetches each byte about once", async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const sha = sha256(body);
    routes.set(`/artifacts/${sha}`, { body, range: true });
    const proxy = await startTcpProxy((server.address() as AddressInfo).port);
    proxy.cutEvery(256 * 1024);
    const progress: number[] = [];
    try {
      const result = await downloadComponent({ name: "app", size: body.length, sha256: sha, urls: [`/artifacts/${sha}`] }, {
        ...options(),
        baseUrl: proxy.url("http"),
        maxAttempts: 0,
        retryMinMs: 1,
        retryMaxMs: 20,
        onProgress: (done) => progress.push(done),
      });
      expect(result).toMatchObject({ ok: true, bytesFetched: body.length });
      expect(readFileSync(join(dir, "downloads", sha)).equals(body)).toBe(true);
      expect(proxy.cuts()).toBeGreaterThanOrEqual(31);
      expect(proxy.bytesDown()).toBeLessThanOrEqual(body.length * 1.05);
      // Every attempt after the first asked for the bytes past what the part file held.
      const ranged = requests.filter((r) => r.range !== undefined);
      expect(ranged.length).toBeGreaterThanOrEqual(31);
      expect(progress.at(-1)).toBe(body.length);
      expect(progress.every((v, i) => i === 0 || v >= (progress[i - 1] ?? 0))).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it("backs off exponentially up to the cap, jitter within [ceiling/2, ceiling]", () => {
    const low = Array.from({ length: 12 }, (_, i) => backoffDelay(i, 1000, 300_000, 0));
    const high = Array.from({ length: 12 }, (_, i) => backoffDelay(i, 1000, 300_000, 0.999999));
    expect(low.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 8000]);
    for (let i = 1; i < low.length; i++) {
      expect(low[i]).toBeGreaterThanOrEqual(low[i - 1] ?? 0);
      expect(high[i]).toBeGreaterThanOrEqual(high[i - 1] ?? 0);
    }
    expect(Math.max(...high)).toBe(300_000);
    expect(high.at(-1)).toBe(300_000);
    expect(low.at(-1)).toBe(150_000);
    expect(backoffDelay(1000, 1000, 300_000, 0.5)).toBe(225_000); // no overflow far out
  });

  it("gives up after maxAttempts passes that fetch nothing", async () => {
    const sha = sha256(Buffer.from("x"));
    routes.set("/busy", { body: Buffer.alloc(0), range: true, status: 503 });
    const result = await downloadComponent({ name: "app", size: 1, sha256: sha, urls: ["/busy"] }, { ...options(), maxAttempts: 3 });
    expect(result).toMatchObject({ ok: false, reason: "download" });
    expect(requests.length).toBe(3);
  });

  it("aborts promptly during a backoff wait", async () => {
    const sha = sha256(Buffer.from("x"));
    routes.set("/busy", { body: Buffer.alloc(0), range: true, status: 503 });
    const abort = new AbortController();
    const started = Date.now();
    const pending = downloadComponent({ name: "app", size: 1, sha256: sha, urls: ["/busy"] }, {
      ...options(),
      maxAttempts: 0,
      retryMinMs: 60_000,
      retryMaxMs: 300_000,
      signal: abort.signal,
    });
    // abort once the first attempt has been answered and the agent is in its backoff wait
    await waitFor("first attempt made", () => requests.length === 1);
    abort.abort();
    expect(await pending).toMatchObject({ ok: false, reason: "aborted" });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(requests.length).toBe(1);
  });

  it("refuses with disk_full, without a request, when the remaining bytes do not fit", async () => {
    const body = randomBytes(10_000);
    const sha = sha256(body);
    routes.set("/x", { body, range: true });
    const free = DISK_MARGIN_BYTES + 5000;
    const result = await downloadComponent({ name: "app", size: body.length, sha256: sha, urls: ["/x"] }, {
      ...options(),
      freeBytes: () => Promise.resolve(free),
    });
    expect(result).toMatchObject({ ok: false, reason: "disk_full" });
    expect(!result.ok && result.detail).toContain(`need 10000 bytes`);
    expect(!result.ok && result.detail).toContain(`${free} bytes free`);
    expect(requests).toEqual([]);
  });

  it("counts only the bytes a part file still lacks against the free space", async () => {
    const body = randomBytes(10_000);
    const sha = sha256(body);
    routes.set("/x", { body, range: true });
    seedPart(sha, body.subarray(0, 6000));
    const downloads = join(dir, "downloads");
    expect(await remainingBytes(downloads, [{ name: "app", size: 10_000, sha256: sha, urls: [] }])).toBe(4000);
    expect(await checkDiskSpace(downloads, 4000, () => Promise.resolve(DISK_MARGIN_BYTES + 4000))).toEqual({ ok: true });
    const result = await downloadComponent({ name: "app", size: body.length, sha256: sha, urls: ["/x"] }, {
      ...options(),
      freeBytes: () => Promise.resolve(DISK_MARGIN_BYTES + 4000),
    });
    expect(result).toMatchObject({ ok: true, bytesFetched: 4000 });
  });
});
