// Checks of the hub->device fields that reach a file path, an MQTT topic or a command's environment, run after the
// signature check and before anything is done with them: a signature proves who signed, not that the bytes are sane
// (a leaked release key signed `sha256: ../../x`, which the agent joined into a path). Pure: data in, verdict out.
// `insideDir` is the defence in depth behind it: every path built from such a field is resolved and must stay in
// its directory.
import { resolve, sep } from "node:path";
import { RESOURCE_ID_PATTERN, pb } from "../proto/index.js";
import type { verge } from "../proto/index.js";

/** An artifact's name on disk (`downloads/<sha256>`): exactly 64 lowercase hex characters, as the hub writes it. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** A component's file name in a slot: no leading dot (so never `.` or `..`), no separator. */
export const COMPONENT_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;
/** Release and rollout ids (the hub's own pattern): they go into MQTT topics and check commands' environment. */
export const RESOURCE_ID = RESOURCE_ID_PATTERN;
/** A version string goes into a check command's environment and release.json: 1-64 characters, no control ones. */
// eslint-disable-next-line no-control-regex
const VERSION = /^[^\u0000-\u001f\u007f]{1,64}$/u;
/** A component the slot module keeps for itself. */
const RESERVED_NAMES = new Set(["release.json"]);

export type FieldVerdict = { ok: true } | { ok: false; field: string; detail: string };

const bad = (field: string, value: unknown, rule: string): FieldVerdict => ({
  ok: false,
  field,
  detail: `${field} ${JSON.stringify(String(value)).slice(0, 120)} ${rule}`,
});

/** A download URL: a path on the hub (`/artifacts/...`) or an absolute http(s) URL. */
function urlProblem(url: string): string | undefined {
  if (url.startsWith("/") && !url.startsWith("//")) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? undefined : "is not an http(s) URL or a path on the hub";
  } catch {
    return "is not an http(s) URL or a path on the hub";
  }
}

/** The manifest fields the agent builds paths, topics and check environments from. */
export function checkManifestFields(m: Pick<verge.v1.ReleaseManifest, "releaseId" | "version" | "components">): FieldVerdict {
  if (!RESOURCE_ID.test(m.releaseId)) return bad("releaseId", m.releaseId, "is not 1-128 characters of A-Z a-z 0-9 . _ -");
  if (!VERSION.test(m.version)) return bad("version", m.version, "is not 1-64 characters without control characters");
  if (m.components.length === 0) return { ok: false, field: "components", detail: "components is empty" };
  const names = new Set<string>();
  for (const [i, c] of m.components.entries()) {
    const at = `components[${i}]`;
    const name = c.name ?? "";
    if (!COMPONENT_NAME.test(name) || RESERVED_NAMES.has(name)) return bad(`${at}.name`, name, "is not a file name: 1-64 of A-Z a-z 0-9 . _ -, not starting with a dot");
    if (names.has(name)) return bad(`${at}.name`, name, "appears twice");
    names.add(name);
    if (!SHA256_HEX.test(c.sha256 ?? "")) return bad(`${at}.sha256`, c.sha256, "is not 64 lowercase hex characters");
    const version = c.version ?? "";
    if (version !== "" && !VERSION.test(version)) return bad(`${at}.version`, version, "is not 1-64 characters without control characters");
    const size = Number(c.size ?? 0);
    if (!Number.isSafeInteger(size) || size < 0) return bad(`${at}.size`, c.size, "is not a byte count");
    const urls = c.urls ?? [];
    for (const [j, url] of urls.entries()) {
      const problem = urlProblem(url);
      if (problem) return bad(`${at}.urls[${j}]`, url, problem);
    }
  }
  return { ok: true };
}

/** Desired-state fields: the release and rollout ids (topics, check environments). */
export function checkDesiredFields(d: Pick<verge.v1.DesiredState, "action" | "releaseId" | "rolloutId">): FieldVerdict {
  const needsRelease = d.action === pb.DesiredAction.DESIRED_ACTION_INSTALL || d.action === pb.DesiredAction.DESIRED_ACTION_ROLLBACK;
  if ((needsRelease || d.releaseId !== "") && !RESOURCE_ID.test(d.releaseId)) return bad("releaseId", d.releaseId, "is not 1-128 characters of A-Z a-z 0-9 . _ -");
  if (d.rolloutId !== "" && !RESOURCE_ID.test(d.rolloutId)) return bad("rolloutId", d.rolloutId, "is not 1-128 characters of A-Z a-z 0-9 . _ -");
  return { ok: true };
}

/** Command fields: the release and rollout ids a rollback names (the diagnostics arguments have their own check). */
export function checkCommandFields(c: Pick<verge.v1.Command, "releaseId" | "rolloutId">): FieldVerdict {
  if (c.releaseId !== "" && !RESOURCE_ID.test(c.releaseId)) return bad("releaseId", c.releaseId, "is not 1-128 characters of A-Z a-z 0-9 . _ -");
  if (c.rolloutId !== "" && !RESOURCE_ID.test(c.rolloutId)) return bad("rolloutId", c.rolloutId, "is not 1-128 characters of A-Z a-z 0-9 . _ -");
  return { ok: true };
}

/** A path built from a field escaped its directory: a bug or an unchecked field, never done. */
export class UnsafePathError extends Error {
  readonly code = "unsafe_path";
  constructor(
    readonly dir: string,
    readonly path: string,
  ) {
    super(`path ${path} is outside ${dir}`);
  }
}

/** `path` resolved, if it lies strictly inside `dir` (resolved); otherwise UnsafePathError. */
export function insideDir(dir: string, path: string): string {
  const root = resolve(dir);
  const full = resolve(root, path);
  if (!full.startsWith(root + sep)) throw new UnsafePathError(root, full);
  return full;
}
