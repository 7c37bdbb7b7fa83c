// Pure decisions of remote diagnostics on the device: what a COLLECT_DIAGNOSTICS command asks, how much of each log
// fits in a bundle, what of the config may leave the device, and what an upload answer means. No I/O here.

export interface DiagnosticsArgs {
  bundleId: string;
  /** Resolved against the agent's own hub.httpUrl, as artifact URLs are. */
  uploadPath: string;
  /** The most the hub accepts; the agent builds within the smaller of this and its own cap. */
  maxBytes: number | undefined;
}

export type ArgsVerdict = { ok: true; args: DiagnosticsArgs } | { ok: false; detail: string };

const BUNDLE_ID = /^[A-Za-z0-9._-]{1,100}$/;

export function parseDiagnosticsArgs(args: Record<string, string> | null | undefined): ArgsVerdict {
  const bundleId = args?.bundleId ?? "";
  const uploadPath = args?.uploadPath ?? "";
  if (!BUNDLE_ID.test(bundleId)) return { ok: false, detail: `args.bundleId "${bundleId}" is missing or not 1-100 of A-Z a-z 0-9 . _ -` };
  if (!uploadPath.startsWith("/") || uploadPath.startsWith("//")) return { ok: false, detail: `args.uploadPath "${uploadPath}" must be a path on the hub (/...)` };
  const max = args?.maxBytes === undefined ? undefined : Number(args.maxBytes);
  if (max !== undefined && (!Number.isSafeInteger(max) || max <= 0)) return { ok: false, detail: `args.maxBytes "${args?.maxBytes}" is not a positive whole number` };
  return { ok: true, args: { bundleId, uploadPath, maxBytes: max } };
}

/** Bytes of a tar entry beyond its content: a 512-byte header and up to 511 bytes of padding. */
export const TAR_ENTRY_OVERHEAD = 1024;

/**
 * How many content bytes fit in a gzip'd tar of `entries` entries capped at `capBytes`, whatever the content:
 * tar headers and padding, the two end blocks, and deflate's worst case on incompressible data (stored blocks of
 * 64 KiB, 5 bytes each, plus the gzip header and trailer).
 */
export function contentBudget(capBytes: number, entries: number): number {
  return Math.max(0, capBytes - (entries + 2) * TAR_ENTRY_OVERHEAD - Math.ceil(capBytes / 8192) - 64);
}

export interface LogCandidate {
  name: string;
  size: number;
}

export interface LogPlan {
  name: string;
  size: number;
  /** The newest bytes kept (the tail of the file); 0 = left out. */
  keep: number;
}

/**
 * Shares the room left after the fixed entries (state, config, listings) among log files. The primary ones (the
 * agent's current log and the files the config includes) share it fairly: each gets an equal part, and what a small
 * file does not use goes to the others. Older rotations (secondary, newest first) get what is left after that. Each
 * file keeps its newest bytes; what does not fit is cut from its oldest end, and a file with no room is left out.
 */
export function planLogs(primary: readonly LogCandidate[], secondary: readonly LogCandidate[], budget: number): LogPlan[] {
  let left = Math.max(0, budget);
  const keep = new Map<LogCandidate, number>();
  // water-filling: the smallest files first, each taking at most an equal part of what is left
  const bySize = [...primary].sort((a, b) => a.size - b.size);
  bySize.forEach((c, i) => {
    const share = Math.floor(left / (bySize.length - i));
    const k = Math.min(c.size, share);
    keep.set(c, k);
    left -= k;
  });
  const plans: LogPlan[] = primary.map((c) => ({ name: c.name, size: c.size, keep: keep.get(c) ?? 0 }));
  for (const c of secondary) {
    const k = Math.min(c.size, left);
    left -= k;
    plans.push({ name: c.name, size: c.size, keep: k });
  }
  return plans;
}

/** The config as it may leave the device: the secret replaced. Everything else helps whoever reads the bundle. */
export function redactConfig<T extends { secret: string }>(config: T): Omit<T, "secret"> & { secret: string } {
  return { ...config, secret: "[redacted]" };
}

export type UploadAnswer =
  | { kind: "ok" }
  /** A cut link, a busy or failing hub, or an offset that moved: ask HEAD and go on after a backoff. */
  | { kind: "retry"; detail: string }
  /** A verdict no retry changes: the upload ends failed with this reason. */
  | { kind: "fail"; reason: "unauthorized" | "forbidden" | "unknown_bundle" | "too_large" | "hub_storage" | "refused"; detail: string };

/** What an HTTP status from the hub's upload endpoint means for the device. */
export function classifyUploadStatus(status: number, method: "HEAD" | "PUT", message: string): UploadAnswer {
  if (status >= 200 && status < 300) return { kind: "ok" };
  const detail = `${method} answered ${status}${message ? `: ${message}` : ""}`;
  if (status === 401) return { kind: "fail", reason: "unauthorized", detail };
  if (status === 403) return { kind: "fail", reason: "forbidden", detail };
  if (status === 404) return { kind: "fail", reason: "unknown_bundle", detail };
  if (status === 413) return { kind: "fail", reason: "too_large", detail };
  if (status === 507) return { kind: "fail", reason: "hub_storage", detail };
  // PUT: the hub holds another offset than the one sent (a cut it noticed late); HEAD: the bundle failed on the hub.
  if (status === 409) return method === "PUT" ? { kind: "retry", detail } : { kind: "fail", reason: "refused", detail };
  if (status >= 500 || status === 408 || status === 429) return { kind: "retry", detail };
  return { kind: "fail", reason: "refused", detail };
}
