// Roles over real HTTP: tokens made through the API by the bootstrap admin, what each role may do to a live rollout,
// token revocation, audit filters, and an audit row altered in the SQLite file being caught by /api/audit/verify.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { startTestAgent } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { baseline, makeRelease, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import { tempDir } from "../helpers/wait.js";

interface TokenView {
  id: string;
  name: string;
  role: string;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
interface AuditView {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  reason: string | null;
  result: string;
  details: Record<string, unknown> | null;
}
interface ApiError {
  error: { code: string; message: string };
}
interface Caller {
  token: TokenView;
  secret: string;
  /** The actor the audit log names for this token. */
  actor: string;
}

let h: TestHub;
let root: string;
let cleanup: () => void;
const agents: TestAgent[] = [];

beforeEach(async () => {
  const t = tempDir("verge-roles-");
  root = t.dir;
  cleanup = t.cleanup;
  h = await startTestHub(join(root, "hub"), { rollout: { evaluateCron: "* * * * * *" } });
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.agent.stop()));
  await h.stop();
  cleanup();
});

const ADMIN_ACTOR = () => `token:${h.adminToken.split("_")[1]}(bootstrap-admin)`;

async function createToken(name: string, role: string, reason?: string): Promise<Caller> {
  const res = await h.api<{ token: TokenView; secret: string }>("POST", "/api/tokens", { name, role, ...(reason ? { reason } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...res.body, actor: `token:${res.body.token.id}(${name})` };
}

async function auditQuery(query: string, token?: string): Promise<AuditView[]> {
  const res = await h.api<{ records: AuditView[] }>("GET", `/api/audit?${query}`, undefined, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.records;
}

describe("tokens", () => {
  it("the bootstrap admin creates a token per role; the secret is shown once and works; only admin creates, lists and revokes tokens", async () => {
    const viewer = await createToken("grafana", "viewer", "dashboards");
    const operator = await createToken("night-shift", "operator");
    const manager = await createToken("release-team", "release-manager");
    const admin = await createToken("second-admin", "admin");
    expect(viewer.token).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/) as string, name: "grafana", role: "viewer", createdAt: expect.any(Number) as number, createdBy: ADMIN_ACTOR(), lastUsedAt: null, revokedAt: null });
    expect(viewer.secret).toMatch(new RegExp(`^vrg_${viewer.token.id}_`));

    // each secret authenticates as its role
    for (const c of [viewer, operator, manager, admin]) expect((await h.api("GET", "/api/rollouts", undefined, c.secret)).status).toBe(200);

    const list = await h.api<{ tokens: TokenView[] }>("GET", "/api/tokens", undefined, admin.secret);
    expect(list.status).toBe(200);
    expect(list.body.tokens.map((t) => [t.name, t.role])).toEqual([
      ["bootstrap-admin", "admin"],
      ["grafana", "viewer"],
      ["night-shift", "operator"],
      ["release-team", "release-manager"],
      ["second-admin", "admin"],
    ]);
    expect(list.body.tokens.find((t) => t.name === "grafana")!.lastUsedAt).toEqual(expect.any(Number));
    const listed = JSON.stringify(list.body);
    for (const c of [viewer, operator, manager, admin]) expect(listed).not.toContain(c.secret.slice(`vrg_${c.token.id}_`.length));
    expect(listed).not.toMatch(/hash/i);

    // below admin: refused, whatever the verb
    for (const c of [manager, operator, viewer]) {
      const create = await h.api<ApiError>("POST", "/api/tokens", { name: "sneaky", role: "admin" }, c.secret);
      expect(create.status).toBe(403);
      expect(create.body.error).toEqual({ code: "forbidden", message: `POST /api/tokens needs role admin; token "${c.token.name}" has role ${c.token.role}` });
    }
    expect((await h.api("GET", "/api/tokens", undefined, manager.secret)).status).toBe(403);
    expect((await h.api("POST", `/api/tokens/${viewer.token.id}/revoke`, {}, manager.secret)).status).toBe(403);
    expect((await h.api<{ tokens: TokenView[] }>("GET", "/api/tokens")).body.tokens.map((t) => t.name)).not.toContain("sneaky");
    const denied = await auditQuery(`actor=${encodeURIComponent(manager.actor)}&result=denied`);
    expect(denied.map((r) => r.action)).toEqual(["POST /api/tokens/:id/revoke", "GET /api/tokens", "POST /api/tokens"]);

    // the token.create records name who made which token, and why
    const created = await auditQuery("action=token.create");
    expect(created.map((r) => [r.actor, r.target, r.details?.name, r.details?.role])).toEqual([
      [ADMIN_ACTOR(), admin.token.id, "second-admin", "admin"],
      [ADMIN_ACTOR(), manager.token.id, "release-team", "release-manager"],
      [ADMIN_ACTOR(), operator.token.id, "night-shift", "operator"],
      [ADMIN_ACTOR(), viewer.token.id, "grafana", "viewer"],
      ["hub", "bootstrap-admin", undefined, "admin"],
    ]);
    expect(created[3]!.reason).toBe("dashboards");
  });

  it("refuses bad token requests with a reason: unknown role, bad name, live duplicate name, unknown id, the last admin token", async () => {
    const badRole = await h.api<ApiError>("POST", "/api/tokens", { name: "x", role: "root" });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.message).toBe("role: give one of viewer, operator, release-manager, admin");
    const badName = await h.api<ApiError>("POST", "/api/tokens", { name: "has space", role: "viewer" });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toContain("token name: 1-64 characters");
    await createToken("ci", "viewer");
    const dup = await h.api<ApiError>("POST", "/api/tokens", { name: "ci", role: "operator" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain("a live token named ci already exists");
    const unknown = await h.api<ApiError>("POST", "/api/tokens/0123456789ab/revoke", {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: "not_found", message: "token 0123456789ab not found" });

    const bootstrapId = h.adminToken.split("_")[1]!;
    const last = await h.api<ApiError>("POST", `/api/tokens/${bootstrapId}/revoke`, { reason: "cleanup" });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toContain("last live admin token");
    expect((await h.api("GET", "/api/tokens")).status).toBe(200);
    // with a second admin, the bootstrap token can go (what the README advises once you made your own)
    const admin = await createToken("ops-admin", "admin");
    expect((await h.api("POST", `/api/tokens/${bootstrapId}/revoke`, { reason: "bootstrap done" }, admin.secret)).status).toBe(200);
    expect((await h.api("GET", "/api/tokens")).status).toBe(401);
  });

  it("a revoked token is refused on its next request; the revoke is audited with its reason; revoking twice is a conflict", async () => {
    const operator = await createToken("contractor", "operator");
    expect((await h.api("GET", "/api/devices", undefined, operator.secret)).status).toBe(200);

    const revoked = await h.api<{ token: TokenView }>("POST", `/api/tokens/${operator.token.id}/revoke`, { reason: "contract ended" });
    expect(revoked.status).toBe(200);
    expect(revoked.body.token).toMatchObject({ id: operator.token.id, name: "contractor", revokedAt: expect.any(Number) as number });

    const refused = await h.api<ApiError>("GET", "/api/devices", undefined, operator.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({ code: "unauthenticated", message: "the bearer token is invalid or revoked" });

    const [revoke] = await auditQuery(`action=token.revoke&target=${operator.token.id}`);
    expect(revoke).toMatchObject({ actor: ADMIN_ACTOR(), result: "ok", reason: "contract ended", details: { name: "contractor", role: "operator" } });
    const [attempt] = await auditQuery("result=denied&pageSize=1");
    expect(attempt).toMatchObject({ action: "GET /api/devices", reason: "invalid or revoked token", actor: expect.stringMatching(/^anonymous@/) as string });

    const again = await h.api<ApiError>("POST", `/api/tokens/${operator.token.id}/revoke`, { reason: "twice" });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`token ${operator.token.id} (contractor) is already revoked`);
    const listed = (await h.api<{ tokens: TokenView[] }>("GET", "/api/tokens")).body.tokens.find((t) => t.id === operator.token.id);
    expect(listed?.revokedAt).toBe(revoked.body.token.revokedAt);
    // the name is free again once its token is revoked
    await createToken("contractor", "viewer");
  });
});

describe("roles on a live rollout", () => {
  it("viewer cannot pause (403, audited); operator pauses and resumes but cannot roll back or create releases or rollouts; release-manager rolls back", async () => {
    agents.push(...(await Promise.all(["sc-001", "sc-002"].map((id) => startTestAgent(h, root, id)))));
    const viewer = await createToken("wallboard", "viewer");
    const operator = await createToken("tmc-operator", "operator");
    const manager = await createToken("release-mgr", "release-manager");

    await makeRelease(h, "rel-1");
    await baseline(h, "ro-base", "rel-1", ["sc-001", "sc-002"]);
    await makeRelease(h, "rel-2");
    const plan = testPlan({ stages: [{ name: "canary", select: { count: 1 }, approval: true }, { name: "wave-1", select: { percent: 100 } }] });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-2", releaseId: "rel-2", plan }, manager.secret)).status).toBe(201);
    await waitForStatus(h, "ro-2", "canary awaiting approval", (s) => s.events.some((e) => e.type === "awaiting_approval"));

    // viewer: refused, the rollout goes on, and the attempt is in the audit log under the viewer's token
    const viewerPause = await h.api<ApiError>("POST", "/api/rollouts/ro-2/pause", { reason: "looks odd" }, viewer.secret);
    expect(viewerPause.status).toBe(403);
    expect(viewerPause.body.error).toEqual({ code: "forbidden", message: 'POST /api/rollouts/:id/pause needs role operator; token "wallboard" has role viewer' });
    expect((await status(h, "ro-2")).rollout.status).toBe("active");
    const [viewerDenied] = await auditQuery(`actor=${encodeURIComponent(viewer.actor)}&result=denied`, viewer.secret);
    expect(viewerDenied).toMatchObject({ actor: viewer.actor, action: "POST /api/rollouts/:id/pause", target: "ro-2", result: "denied", reason: "role viewer < operator" });

    // operator: pause and resume
    const paused = await h.api<{ rollout: { status: string; pauseReason: string } }>("POST", "/api/rollouts/ro-2/pause", { reason: "shift handover" }, operator.secret);
    expect(paused.status).toBe(200);
    expect(paused.body.rollout).toMatchObject({ status: "paused", pauseReason: "shift handover" });
    const resumed = await h.api<{ rollout: { status: string } }>("POST", "/api/rollouts/ro-2/resume", {}, operator.secret);
    expect(resumed.status).toBe(200);
    expect(resumed.body.rollout.status).toBe("active");

    // operator: no rollback, no release, no rollout
    const opRollback = await h.api<ApiError>("POST", "/api/rollouts/ro-2/rollback", { reason: "just in case" }, operator.secret);
    expect(opRollback.status).toBe(403);
    expect(opRollback.body.error.message).toContain("needs role release-manager");
    const opRelease = await h.api("POST", "/api/releases", { id: "rel-3", version: "3", variants: ["sc-x1"], components: [] }, operator.secret);
    expect(opRelease.status).toBe(403);
    const opRollout = await h.api("POST", "/api/rollouts", { id: "ro-3", releaseId: "rel-1", devices: ["sc-001"] }, operator.secret);
    expect(opRollout.status).toBe(403);
    expect((await h.api("GET", "/api/releases/rel-3")).status).toBe(404);
    expect((await h.api("GET", "/api/rollouts/ro-3")).status).toBe(404);

    // release-manager: rolls back; the canary device returns to rel-1
    const rollback = await h.api<{ rollout: { status: string } }>("POST", "/api/rollouts/ro-2/rollback", { reason: "field reports flicker" }, manager.secret);
    expect(rollback.status).toBe(200);
    expect(rollback.body.rollout.status).toBe("rolled_back");
    await waitForStatus(h, "ro-2", "canary rolled back", (s) => s.progress.rolled_back === 1);

    // audit filters: by action, by result, by actor
    const pauses = await auditQuery("action=rollout.pause");
    expect(pauses.map((r) => [r.actor, r.target, r.result, r.reason])).toEqual([[operator.actor, "ro-2", "ok", "shift handover"]]);
    const rollbacks = await auditQuery("action=rollout.rollback&target=ro-2");
    expect(rollbacks.map((r) => [r.actor, r.result, r.reason])).toEqual([[manager.actor, "ok", "field reports flicker"]]);
    const denied = await auditQuery("result=denied");
    expect(denied.every((r) => r.result === "denied")).toBe(true);
    expect(denied.map((r) => [r.actor, r.action])).toEqual([
      [operator.actor, "POST /api/rollouts"],
      [operator.actor, "POST /api/releases"],
      [operator.actor, "POST /api/rollouts/:id/rollback"],
      [viewer.actor, "POST /api/rollouts/:id/pause"],
    ]);
    const byOperator = await auditQuery(`actor=${encodeURIComponent(operator.actor)}`);
    expect(byOperator.map((r) => `${r.action}:${r.result}`).reverse()).toEqual([
      "rollout.pause:ok",
      "rollout.resume:ok",
      "POST /api/rollouts/:id/rollback:denied",
      "POST /api/releases:denied",
      "POST /api/rollouts:denied",
    ]);
  });
});

describe("audit", () => {
  it("filters by time, pages newest first, and refuses bad filter values and page sizes with the rule", async () => {
    await createToken("a", "viewer");
    await createToken("b", "viewer");
    const all = await auditQuery("");
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort((x, y) => y - x));
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = all[all.length - 1]!;
    expect(first).toMatchObject({ actor: "hub", action: "token.create", target: "bootstrap-admin" });

    expect(await auditQuery(`since=${new Date(first.at).toISOString()}`)).toEqual(all);
    expect(await auditQuery(`since=${first.at}&until=${all[0]!.at}`)).toEqual(all);
    expect(await auditQuery(`until=${first.at - 1}`)).toEqual([]);
    expect(await auditQuery(`since=${all[0]!.at + 60_000}`)).toEqual([]);
    expect(await auditQuery("pageSize=1")).toEqual([all[0]]);
    expect(await auditQuery("pageSize=1&page=2")).toEqual([all[1]]);
    expect(await auditQuery("pageSize=1000")).toEqual(all);

    const refusals: Array<[string, string]> = [
      ["result=bad", 'result: ok, denied or failed, got "bad"'],
      ["since=yesterday", 'since: epoch milliseconds or an ISO 8601 time like 2025-06-01T12:00:00Z, got "yesterday"'],
      ["until=2025-13-45", 'until: epoch milliseconds or an ISO 8601 time like 2025-06-01T12:00:00Z, got "2025-13-45"'],
      ["pageSize=0", 'pageSize must be a whole number from 1 to 1000, got "0"'],
      ["pageSize=1001", 'pageSize must be a whole number from 1 to 1000, got "1001"'],
      ["pageSize=ten", 'pageSize must be a whole number from 1 to 1000, got "ten"'],
      ["page=0", 'page must be a whole number >= 1, got "0"'],
      ["since=2000&until=1000", "since: since is after until"],
    ];
    for (const [query, message] of refusals) {
      const res = await h.api<ApiError>("GET", `/api/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toEqual({ code: "bad_request", message });
    }
  });

  it("an audit row altered in the SQLite file makes /api/audit/verify fail naming that row", async () => {
    const ci = await createToken("ci", "operator", "pipeline deploys");
    await createToken("grafana", "viewer");
    expect((await h.api("GET", "/api/audit/verify", undefined, ci.secret)).body).toMatchObject({ ok: true, count: 3, problems: [] });
    const [row] = await auditQuery(`action=token.create&target=${ci.token.id}`);
    expect(row!.reason).toBe("pipeline deploys");

    // someone with access to the file: the trigger refuses the edit, so they drop it first
    const db = new Database(join(h.dataDir, "verge.db"));
    try {
      expect(() => db.prepare("UPDATE audit_log SET reason = 'routine' WHERE id = ?").run(row!.id)).toThrow("audit_log is append-only");
      db.exec("DROP TRIGGER audit_log_no_update");
      db.prepare("UPDATE audit_log SET reason = 'routine' WHERE id = ?").run(row!.id);
    } finally {
      db.close();
    }
    const [altered] = await auditQuery(`action=token.create&target=${ci.token.id}`);
    expect(altered!.reason).toBe("routine");

    const verify = await h.api("GET", "/api/audit/verify");
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: false, count: 3, brokenId: row!.id, problem: `record #${row!.id}: content does not match its hash` });
    // records appended afterwards do not hide it
    await createToken("later", "viewer");
    expect((await h.api("GET", "/api/audit/verify")).body).toMatchObject({ ok: false, brokenId: row!.id });
  });
});
