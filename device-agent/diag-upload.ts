// Uploads a diagnostics bundle to the hub, resuming after any drop: HEAD tells the offset the hub holds, PUT with
// Content-Range sends the rest from there (the hub appends it and checks size and sha256 at the end). Failed passes
// back off, capped exponential with jitter; a pass that got bytes stored resets the backoff. The device proves itself
// with HTTP Basic: its id and its MQTT secret. Modelled on download.ts.
import type { Logger } from "pino";
import { backoffDelay } from "./decisions.js";
import { classifyUploadStatus } from "./diag-plan.js";
import type { UploadAnswer } from "./diag-plan.js";
import { sleep } from "./download.js";

export interface UploadOptions {
  url: string;
  deviceId: string;
  secret: string;
  bytes: Buffer;
  sha256: string;
  signal?: AbortSignal;
  logger: Logger;
  retryMinMs: number;
  retryMaxMs: number;
  /** Passes in a row that got no byte stored before giving up; 0 = unlimited. */
  maxAttempts: number;
  /** For the backoff jitter, in [0, 1); Math.random by default. */
  random?: () => number;
}

export type UploadFailure = Extract<UploadAnswer, { kind: "fail" }>["reason"] | "upload" | "aborted";
export type UploadResult = { ok: true; requests: number } | { ok: false; reason: UploadFailure; detail: string };

class UploadError extends Error {
  constructor(readonly answer: Exclude<UploadAnswer, { kind: "ok" }>) {
    super(answer.detail);
    this.name = "UploadError";
  }
}

export async function uploadBundle(opts: UploadOptions): Promise<UploadResult> {
  const log = opts.logger.child({ url: opts.url, bytes: opts.bytes.length });
  const auth = `Basic ${Buffer.from(`${opts.deviceId}:${opts.secret}`).toString("base64")}`;
  const random = opts.random ?? Math.random;
  const total = opts.bytes.length;
  let requests = 0;
  let barren = 0;
  let best = -1;
  let lastError = "";

  const send = async (method: "HEAD" | "PUT", init: RequestInit): Promise<Response> => {
    requests++;
    const res = await fetch(opts.url, { ...init, method, signal: opts.signal });
    const answer = classifyUploadStatus(res.status, method, method === "HEAD" ? "" : await errorMessage(res));
    if (answer.kind !== "ok") {
      await res.body?.cancel().catch(() => undefined);
      throw new UploadError(answer);
    }
    return res;
  };

  for (;;) {
    if (opts.signal?.aborted) return aborted();
    let offset = -1;
    try {
      const head = await send("HEAD", { headers: { authorization: auth } });
      offset = Number(head.headers.get("upload-offset"));
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > total) throw new UploadError({ kind: "retry", detail: `HEAD gave no usable Upload-Offset (${head.headers.get("upload-offset")})` });
      if (head.headers.get("upload-complete") === "?1") return { ok: true, requests };
      if (offset > best) {
        if (best >= 0) barren = 0;
        best = offset;
      }
      const put = await send("PUT", {
        headers: {
          authorization: auth,
          "content-type": "application/octet-stream",
          "content-range": `bytes ${offset}-${total - 1}/${total}`,
          "x-verge-sha256": opts.sha256,
        },
        body: opts.bytes.subarray(offset),
      });
      const state = (await put.json().catch(() => ({}))) as { complete?: boolean; offset?: number };
      if (state.complete) {
        log.info({ requests }, "diagnostics bundle uploaded");
        return { ok: true, requests };
      }
      lastError = `PUT stored up to ${state.offset ?? "?"} of ${total} bytes`;
    } catch (err) {
      if (opts.signal?.aborted) return aborted();
      if (err instanceof UploadError && err.answer.kind === "fail") return { ok: false, reason: err.answer.reason, detail: err.answer.detail };
      lastError = (err as Error).message;
      log.warn({ offset, barren, err: lastError }, "diagnostics upload attempt failed");
    }
    barren++;
    if (opts.maxAttempts > 0 && barren >= opts.maxAttempts) break;
    try {
      await sleep(backoffDelay(barren - 1, opts.retryMinMs, opts.retryMaxMs, random()), opts.signal);
    } catch {
      return aborted();
    }
  }
  return { ok: false, reason: "upload", detail: `gave up after ${barren} attempts storing nothing more: ${lastError}` };
}

function aborted(): UploadResult {
  return { ok: false, reason: "aborted", detail: "upload aborted (the agent is stopping)" };
}

async function errorMessage(res: Response): Promise<string> {
  if (res.ok) return "";
  try {
    const body = (await res.clone().json()) as { error?: { message?: string } };
    return body.error?.message ?? "";
  } catch {
    return "";
  }
}
