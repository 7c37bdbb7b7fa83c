// Pure decisions of remote diagnostics on the hub, table by table.
import { describe, expect, it } from "vitest";
import { assessUpload, bundlesToPrune, displayStatus, parseBasicAuth, parseContentRange, shouldAutoCollect } from "../../hub/diagnostics/decisions.js";
import type { BundleDisplayStatus } from "../../hub/diagnostics/decisions.js";
import type { DeploymentStateName } from "../../proto/index.js";

const SHA = "a".repeat(64);

describe("parseContentRange", () => {
  it.each([
    ["bytes 0-99/100", { start: 0, end: 99, total: 100 }],
    ["bytes 100-199/1000", { start: 100, end: 199, total: 1000 }],
    ["  bytes 5-5/6 ", { start: 5, end: 5, total: 6 }],
    ["bytes 10-5/100", undefined], // end before start
    ["bytes 0-100/100", undefined], // end past the last byte
    ["bytes */100", undefined],
    ["items 0-1/2", undefined],
    ["bytes 0-1", undefined],
    [undefined, undefined],
  ])("%s", (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });
});

describe("parseBasicAuth", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  it.each([
    [`Basic ${b64("sc-0001:s3cret")}`, { username: "sc-0001", password: "s3cret" }],
    [`basic ${b64("sc-0001:with:colons")}`, { username: "sc-0001", password: "with:colons" }],
    [`Basic ${b64(":nouser")}`, undefined],
    [`Basic ${b64("nocolon")}`, undefined],
    ["Bearer vrg_abc", undefined],
    [undefined, undefined],
  ])("%s", (header, expected) => {
    expect(parseBasicAuth(header)).toEqual(expected);
  });
});

describe("assessUpload: whether a chunk may be appended", () => {
  const fresh = { size: null, sha256: null };
  const started = { size: 1000, sha256: SHA };
  it.each([
    ["the first chunk of a fresh upload", { range: { start: 0, end: 499, total: 1000 }, sha256: SHA, stored: 0, declared: fresh }, { ok: true, complete: false }],
    ["the whole bundle at once", { range: { start: 0, end: 999, total: 1000 }, sha256: SHA, stored: 0, declared: fresh }, { ok: true, complete: true }],
    ["the rest, where the stored bytes end", { range: { start: 500, end: 999, total: 1000 }, sha256: SHA, stored: 500, declared: started }, { ok: true, complete: true }],
    ["a resume at the wrong offset", { range: { start: 400, end: 999, total: 1000 }, sha256: SHA, stored: 500, declared: started }, { ok: false, code: "conflict", offset: 500 }],
    ["another size than declared", { range: { start: 500, end: 1099, total: 1100 }, sha256: SHA, stored: 500, declared: started }, { ok: false, code: "conflict" }],
    ["another sha256 than declared", { range: { start: 500, end: 999, total: 1000 }, sha256: "b".repeat(64), stored: 500, declared: started }, { ok: false, code: "conflict" }],
    ["over the hub's limit", { range: { start: 0, end: 0, total: 5000 }, sha256: SHA, stored: 0, declared: fresh }, { ok: false, code: "payload_too_large" }],
    ["no Content-Range", { range: undefined, sha256: SHA, stored: 0, declared: fresh }, { ok: false, code: "bad_request" }],
    ["no sha256", { range: { start: 0, end: 9, total: 10 }, sha256: undefined, stored: 0, declared: fresh }, { ok: false, code: "bad_request" }],
    ["a sha256 that is not hex", { range: { start: 0, end: 9, total: 10 }, sha256: "xyz", stored: 0, declared: fresh }, { ok: false, code: "bad_request" }],
  ] as const)("%s", (_what, ctx, expected) => {
    expect(assessUpload({ ...ctx, maxBytes: 4096 })).toMatchObject(expected);
  });
});

describe("shouldAutoCollect: the hub asks on its own after a failed deployment, at most once per device per interval and a few per rollout", () => {
  const policy = { enabled: true, minIntervalMs: 3_600_000, maxPerRollout: 3 };
  const t = (state: DeploymentStateName, reason: string | null, rolloutId: string | null = "ro-1") => ({ state, reason, rolloutId, releaseId: "rel-2" });
  it.each([
    ["failed (install)", t("failed", "install"), null, policy, true],
    ["failed (checksum)", t("failed", "checksum"), null, policy, true],
    ["rolled back on its own after its health check", t("rolled_back", "health_check"), null, policy, true],
    ["rolled back because the hub asked", t("rolled_back", "rollback"), null, policy, false],
    ["activated", t("activated", null), null, policy, false],
    ["cancelled", t("cancelled", "superseded"), null, policy, false],
    ["a failure outside any rollout", t("failed", "install", null), null, policy, false],
    ["a second failure within the interval", t("failed", "install"), 1_000_000 - 60_000, policy, false],
    ["a failure after the interval", t("failed", "install"), 1_000_000 - 3_600_000, policy, true],
    ["automatic diagnostics off", t("failed", "install"), null, { ...policy, enabled: false }, false],
    ["the rollout has had its share", t("failed", "install"), null, { ...policy, maxPerRollout: 2 }, false],
  ] as const)("%s", (_what, transition, lastAutoAt, p, collect) => {
    const verdict = shouldAutoCollect(transition, { policy: p, lastAutoAt, rolloutAutoCount: 2, now: 1_000_000 });
    expect(verdict.collect).toBe(collect);
    if (verdict.collect) expect(verdict.why).toContain("in rollout ro-1 of rel-2");
  });
});

describe("bundlesToPrune: retention keeps the newest finished bundles", () => {
  const b = (id: string, status: BundleDisplayStatus, requestedAt: number) => ({ id, status, requestedAt });
  it.each([
    ["fewer than kept", [b("a", "complete", 1)], 2, []],
    ["the oldest finished go", [b("a", "complete", 1), b("b", "failed", 2), b("c", "complete", 3)], 2, ["a"]],
    ["in-progress bundles never go, nor count", [b("a", "complete", 1), b("b", "uploading", 2), b("c", "complete", 3), b("d", "requested", 4)], 1, ["a"]],
    ["order by time, not by listing", [b("c", "complete", 3), b("a", "complete", 1), b("b", "complete", 2)], 1, ["b", "a"]],
    ["expired requests count as finished", [b("a", "expired", 1), b("b", "complete", 2), b("c", "expired", 3)], 2, ["a"]],
  ] as const)("%s", (_what, bundles, keep, expected) => {
    expect(bundlesToPrune(bundles, keep)).toEqual(expected);
  });
});

describe("displayStatus", () => {
  it.each([
    ["uploading with recent bytes", "uploading", 9_000, "uploading"],
    ["requested, silent past the stale span", "requested", 1_000, "expired"],
    ["accepted, silent past the stale span", "accepted", 1_000, "expired"],
    ["complete long ago stays complete", "complete", 0, "complete"],
    ["failed long ago stays failed", "failed", 0, "failed"],
  ] as const)("%s", (_what, status, updatedAt, expected) => {
    expect(displayStatus({ status, updatedAt }, 10_000, 5_000)).toBe(expected);
  });
});
