// Denials folded per source and interval, and the signed checkpoints of the audit chain, against a real hub: real
// HTTP requests, the checkpoint file beside the database, the retained MQTT topic read by a real SCADA client, the
// built `verge` binary for list and verify. Plus a database from before migration 0010 that still verifies.
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { checkCheckpoint } from "../../hub/audit-checkpoints.js";
import { loadMigrations, migrate } from "../../hub/db/database.js";
import { AuditRepo } from "../../hub/repos/audit.repo.js";
import { topics } from "../../proto/index.js";
import { verge } from "../helpers/cli.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { parsePrometheusText, sumOf } from "../helpers/prom-parse.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const hubs: TestHub[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
  for (const c of cleanups.splice(0)) c();
});

async function hubIn(dir: string, overrides: Parameters<typeof startTestHub>[1] = {}, token?: string): Promise<TestHub> {
  const h = await startTestHub(dir, overrides, token);
  hubs.push(h);
  return h;
}

function newDir(): string {
  const t = tempDir("verge-audit-anchor-");
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Sends `n` requests with a bad token, `parallel` at a time; every one must be refused 401. */
async function badTokenRequests(h: TestHub, n: number, parallel = 50): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < n) {
      sent++;
      const res = await fetch(`${h.hub.addresses.httpUrl}/api/devices`, { headers: { authorization: "Bearer vrg_nope_nope" } });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

type Denied = { id: number; count: number; reason: string; actor: string; details: Record<string, unknown> | null };

async function deniedRows(h: TestHub): Promise<Denied[]> {
  const res = await h.api<{ records: Denied[] }>("GET", "/api/audit?result=denied&pageSize=1000");
  return res.body.records;
}

const sum = (rows: Denied[]) => rows.reduce((n, r) => n + r.count, 0);

describe("refused requests in the audit log", () => {
  it("2,000 bad-token requests make a handful of rows whose counts add up to 2,000; the first is written at once; verify passes", async () => {
    const h = await hubIn(newDir(), { audit: { denialFoldMs: 1000, checkpointDebounceMs: 200 } });
    const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken };

    await badTokenRequests(h, 1, 1);
    // the first denial of the interval is there before the interval ends
    expect(await deniedRows(h)).toMatchObject([{ count: 1, reason: "invalid or revoked token", actor: "anonymous@127.0.0.1" }]);

    const started = Date.now();
    await badTokenRequests(h, 1999);
    const intervals = Math.ceil((Date.now() - started) / 1000) + 1;
    const rows = await waitFor("the folded rows add up to 2,000", async () => {
      const r = await deniedRows(h);
      return sum(r) === 2000 && r;
    }, 15_000);
    // at most two rows per interval of the fold (its first denial, then the count of its repeats), whatever the load
    expect(rows.length).toBeLessThanOrEqual(2 * intervals);
    expect(rows.length).toBeLessThan(100);
    const folded = rows.filter((r) => r.details?.folded === true);
    expect(folded.length).toBeGreaterThanOrEqual(1);
    for (const r of folded) expect(r.details).toMatchObject({ folded: true, intervalMs: 1000, afterId: expect.any(Number) as number });
    const families = parsePrometheusText(await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text());
    expect(sumOf(families, "verge_api_requests_denied_total", { reason: "unauthenticated" })).toBe(2000);
    expect(sumOf(families, "verge_audit_denials_folded_total")).toBe(sum(folded));
    expect(sum(rows) - sum(folded)).toBe(rows.length - folded.length);

    const list = await verge(["audit", "list", "--result", "denied"], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/COUNT/);
    expect(list.stdout).toContain(String(folded[0]!.count));
    const verify = await verge(["audit", "verify"], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^audit log intact: \d+ records, head #\d+; matches the checkpoint of #\d+ signed/);
  }, 60_000);

  it("denials still folded when the hub stops are written at the stop, and the last checkpoint names them", async () => {
    const dir = newDir();
    const h = await hubIn(dir);
    await badTokenRequests(h, 300);
    expect(sum(await deniedRows(h))).toBe(1);
    await h.stop();
    hubs.splice(hubs.indexOf(h), 1);

    const lines = readFileSync(join(dir, "audit-checkpoints.jsonl"), "utf8").trim().split("\n");
    const last = JSON.parse(lines.at(-1)!) as { id: number };
    const again = await hubIn(dir, {}, h.adminToken);
    const rows = await deniedRows(again);
    expect(sum(rows)).toBe(300);
    expect(rows.length).toBe(2);
    expect(last.id).toBe(Math.max(...rows.map((r) => r.id)));
    expect((await again.api("GET", "/api/audit/verify")).body).toMatchObject({ ok: true, checkpoint: { id: last.id, matches: true } });
  }, 60_000);
});

describe("signed checkpoints of the chain head", () => {
  it("follow a write within the debounce, in the file and on the retained topic a SCADA credential reads; a device may not", async () => {
    const dir = newDir();
    const h = await hubIn(dir, { audit: { denialFoldMs: 60_000, checkpointDebounceMs: 200 } });
    const cred = await h.api<{ principal: { username: string }; secret: string }>("POST", "/api/scada", { name: "tmc-north" });
    expect(cred.status).toBe(201);
    const head = () => h.hub.repos.audit.head();
    const file = join(dir, "audit-checkpoints.jsonl");
    const hubKey = { keyId: h.hub.keys.hub.keyId, publicKey: h.hub.keys.hub.publicKey };
    const onFile = await waitFor("the scada.create row checkpointed on file", () => {
      const last = readFileSync(file, "utf8").trim().split("\n").at(-1)!;
      const check = checkCheckpoint(last, hubKey);
      return check.ok && check.checkpoint.id === head().id && check.checkpoint;
    }, 10_000);
    expect(onFile.hash).toBe(head().hash);

    const scada = await mqtt.connectAsync(h.hub.broker.url, { username: cred.body.principal.username, password: cred.body.secret, clientId: "tmc-north", protocolVersion: 4, reconnectPeriod: 0 });
    try {
      const received = new Promise<string>((resolve) => scada.on("message", (topic, payload) => topic === topics.auditCheckpoint && resolve(payload.toString())));
      const granted = await scada.subscribeAsync(topics.auditCheckpoint, { qos: 1 });
      expect(granted[0]!.qos).toBe(1);
      const retained = checkCheckpoint(await received, hubKey);
      expect(retained.ok && retained.checkpoint).toMatchObject({ id: head().id, hash: head().hash });
    } finally {
      await scada.endAsync();
    }
    const dev = await enroll(h, "sc-snoop");
    const device = await mqtt.connectAsync(h.hub.broker.url, { username: dev.id, password: dev.secret, clientId: dev.id, protocolVersion: 4, reconnectPeriod: 0 });
    try {
      await expect(device.subscribeAsync(topics.auditCheckpoint, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    } finally {
      await device.endAsync();
    }
  });
});

describe("the retained copy of the checkpoint", () => {
  it("with level persistence it outlives a restart: rows cut from the end and the checkpoint file removed are still caught", async () => {
    const dir = newDir();
    const mqttLevel = { mqtt: { host: "127.0.0.1", port: 0, persistence: "level" as const } };
    const h = await hubIn(dir, mqttLevel);
    for (const name of ["a", "b", "c"]) expect((await h.api("POST", "/api/tokens", { name, role: "viewer" })).status).toBe(201);
    const before = await h.api<{ ok: boolean; head: { id: number } }>("GET", "/api/audit/verify");
    expect(before.body.ok).toBe(true);
    const head = before.body.head.id;
    await h.stop();
    hubs.splice(hubs.indexOf(h), 1);

    // the intruder cuts the last two rows and removes the checkpoint file while the hub is down
    const db = new Database(join(dir, "verge.db"));
    try {
      db.exec("DROP TRIGGER audit_log_no_delete");
      db.prepare("DELETE FROM audit_log WHERE id > ?").run(head - 2);
    } finally {
      db.close();
    }
    rmSync(join(dir, "audit-checkpoints.jsonl"));

    const again = await hubIn(dir, mqttLevel, h.adminToken);
    const after = await again.api<{ ok: boolean; missing: { fromId: number; toId: number }; checkpoint: { source: string } }>("GET", "/api/audit/verify");
    expect(after.body).toMatchObject({ ok: false, missing: { fromId: head - 1, toId: head }, checkpoint: { source: `retained MQTT ${topics.auditCheckpoint}` } });
  });
});

describe("a database from before migration 0010", () => {
  it("keeps its unkeyed rows verifiable; rows from then on are keyed; lowering keyed_from to recompute rows unkeyed is caught by a checkpoint", () => {
    const dir = newDir();
    const db = new Database(join(dir, "verge.db"));
    try {
      const all = loadMigrations();
      migrate(db, all.filter((m) => m.version < 10));
      // rows as the hub wrote them before: sha256(prev + canonical), no count
      let prev = "0".repeat(64);
      for (const action of ["token.create", "device.enroll"]) {
        const row = { at: 1000, actor: "hub", action, target: "x", reason: null, result: "ok", details_json: null };
        const hash = createHash("sha256").update(prev).update(JSON.stringify([row.at, row.actor, row.action, row.target, row.reason, row.result, row.details_json])).digest("hex");
        db.prepare("INSERT INTO audit_log (at, actor, action, target, reason, result, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
          row.at, row.actor, row.action, row.target, row.reason, row.result, row.details_json, prev, hash,
        );
        prev = hash;
      }
      migrate(db, all);
      const repo = new AuditRepo(db, Buffer.alloc(32, 7));
      expect(repo.head()).toMatchObject({ id: 2, keyedFrom: 3 });
      repo.append({ actor: "hub", action: "token.revoke", result: "ok" }, 2000);
      expect(repo.verify()).toMatchObject({ ok: true, count: 3, problems: [] });
      // the same row checked with another key fails: the link is keyed
      expect(new AuditRepo(db, Buffer.alloc(32, 8)).verify()).toMatchObject({ ok: false, brokenId: 3 });
      // a checkpoint (its keyedFrom is signed) catches a lowered keyed_from
      const cp = { ...repo.head(), at: 2000, source: "test" };
      db.exec("UPDATE audit_chain SET keyed_from = 100");
      expect(repo.verify(cp).problems[0]).toMatch(/audit_chain.keyed_from is 100, the signed checkpoint says 3/);
    } finally {
      db.close();
    }
  });
});
