// Pure decisions of remote diagnostics: parsing what a device sends with an upload, whether a chunk may be appended,
// when the hub asks for a bundle on its own, which bundles retention drops, how a bundle's status reads now.
// Data in, verdict out, time passed in as `now`. No I/O here.
import type { DeploymentStateName } from "../../proto/index.js";

export type BundleStatus = "requested" | "accepted" | "uploading" | "complete" | "failed";
/** As shown: a bundle still on its way with no sign of life for `staleAfterMs` reads `expired`. */
export type BundleDisplayStatus = BundleStatus | "expired";

export const BUNDLE_ID_PATTERN = /^dg-[A-Za-z0-9-]{1,80}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isFinished(status: BundleStatus): boolean {
  return status === "complete" || status === "failed";
}

export function displayStatus(b: { status: BundleStatus; updatedAt: number }, now: number, staleAfterMs: number): BundleDisplayStatus {
  if (!isFinished(b.status) && now - b.updatedAt > staleAfterMs) return "expired";
  return b.status;
}

export interface ContentRange {
  start: number;
  end: number;
  total: number;
}

/** `Content-Range: bytes START-END/TOTAL` of an upload (END inclusive); undefined when malformed or inconsistent. */
export function parseContentRange(header: string | undefined): ContentRange | undefined {
  const m = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/.exec((header ?? "").trim());
  if (!m) return undefined;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (end < start || end >= total) return undefined;
  return { start, end, total };
}

/** `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export type UploadVerdict =
  | { ok: true; complete: boolean }
  | { ok: false; code: "bad_request" | "conflict" | "payload_too_large"; message: string; offset?: number };

/**
 * Whether a PUT carrying `range` may be appended to a bundle holding `stored` bytes. The first PUT declares the
 * size (`range.total`) and sha256; later ones must declare the same. A chunk must start exactly where the stored
 * bytes end (the device asks with HEAD first); otherwise `conflict` with the offset to resume from.
 */
export function assessUpload(ctx: {
  range: ContentRange | undefined;
  sha256: string | undefined;
  stored: number;
  declared: { size: number | null; sha256: string | null };
  maxBytes: number;
}): UploadVerdict {
  const { range, sha256, stored, declared, maxBytes } = ctx;
  if (!range) return { ok: false, code: "bad_request", message: "send Content-Range: bytes START-END/TOTAL (END inclusive, below TOTAL)" };
  if (!sha256 || !SHA256_HEX.test(sha256)) return { ok: false, code: "bad_request", message: "send X-Verge-Sha256: the sha256 (hex) of the whole bundle" };
  if (range.total > maxBytes) {
    return { ok: false, code: "payload_too_large", message: `the bundle is ${range.total} bytes, more than the hub accepts (${maxBytes} bytes, diagnostics.maxBundleBytes)` };
  }
  if (declared.size !== null && (declared.size !== range.total || declared.sha256 !== sha256)) {
    return {
      ok: false,
      code: "conflict",
      message: `this upload was started for ${declared.size} bytes with sha256 ${declared.sha256}; it cannot change to ${range.total} bytes with sha256 ${sha256}`,
    };
  }
  if (range.start !== stored) {
    return { ok: false, code: "conflict", message: `the hub holds ${stored} bytes of this bundle: resume at byte ${stored}, not ${range.start}`, offset: stored };
  }
  return { ok: true, complete: range.end + 1 === range.total };
}

export interface AutoCollectPolicy {
  enabled: boolean;
  /** At most one automatic request per device in this span. */
  minIntervalMs: number;
  /** At most this many automatic requests per rollout: a wave failing everywhere does not pull a bundle per device. */
  maxPerRollout: number;
}

export type AutoCollectVerdict = { collect: true; why: string } | { collect: false; why: string };

/**
 * Whether a transition a device reported should make the hub ask for its diagnostics on its own: a deployment that
 * failed on the device, or that the device rolled back itself after its health check failed; at most once per device
 * per `minIntervalMs` (a flapping device does not fill the hub's disk, nor its cellular plan), and at most
 * `maxPerRollout` per rollout (the first failures tell the story; the rest can be asked for by hand).
 */
export function shouldAutoCollect(
  t: { state: DeploymentStateName; reason: string | null; rolloutId: string | null; releaseId: string | null },
  ctx: { policy: AutoCollectPolicy; lastAutoAt: number | null; rolloutAutoCount: number; now: number },
): AutoCollectVerdict {
  if (!ctx.policy.enabled) return { collect: false, why: "automatic diagnostics are off (diagnostics.autoCollect.enabled)" };
  if (!t.rolloutId) return { collect: false, why: "not part of a rollout" };
  const failed = t.state === "failed";
  const selfRolledBack = t.state === "rolled_back" && t.reason === "health_check";
  if (!failed && !selfRolledBack) return { collect: false, why: `state ${t.state}${t.reason ? ` (${t.reason})` : ""} is not a failure` };
  if (ctx.lastAutoAt !== null && ctx.now - ctx.lastAutoAt < ctx.policy.minIntervalMs) {
    return { collect: false, why: `an automatic bundle was asked ${Math.round((ctx.now - ctx.lastAutoAt) / 1000)} s ago (at most one per ${Math.round(ctx.policy.minIntervalMs / 1000)} s)` };
  }
  if (ctx.rolloutAutoCount >= ctx.policy.maxPerRollout) {
    return { collect: false, why: `rollout ${t.rolloutId} already has ${ctx.rolloutAutoCount} automatic bundles (diagnostics.autoCollect.maxPerRollout)` };
  }
  return { collect: true, why: `${t.state}${t.reason ? ` (${t.reason})` : ""} in rollout ${t.rolloutId}${t.releaseId ? ` of ${t.releaseId}` : ""}` };
}

/**
 * Retention: of a device's finished bundles (complete, failed, or expired: silent past the stale span, with perhaps a
 * part file), the newest `keep` stay; the ids of the rest are returned. Bundles still on their way are never dropped.
 */
export function bundlesToPrune(bundles: ReadonlyArray<{ id: string; status: BundleDisplayStatus; requestedAt: number }>, keep: number): string[] {
  return bundles
    .filter((b) => b.status === "expired" || isFinished(b.status))
    .sort((a, b) => b.requestedAt - a.requestedAt || b.id.localeCompare(a.id))
    .slice(keep)
    .map((b) => b.id);
}
