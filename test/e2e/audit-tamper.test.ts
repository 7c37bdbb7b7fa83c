// Tampering with the audit log as someone with write access to the data dir would, against a real hub and the built
// `verge` binary: rows cut from the end, a row rewritten with the chain recomputed (with and without the chain key),
// a checkpoint exported and checked later (also after the hub's own checkpoints were removed), a forged checkpoint.
import { createHash, createHmac, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verge } from "../helpers/cli.js";
import { startTestHub, token } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { tempDir } from "../helpers/wait.js";

let h: TestHub;
let dir: string;
let cleanup: () => void;
let env: Record<string, string>;

beforeEach(async () => {
  const t = tempDir("verge-audit-tamper-");
  dir = t.dir;
  cleanup = t.cleanup;
  h = await startTestHub(dir);
  env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken };
  for (const name of ["ci", "grafana", "night-shift", "wallboard"]) await token(h, name, "viewer");
});

afterEach(async () => {
  await h.stop();
  cleanup();
});

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  reason: string | null;
  result: string;
  details_json: string | null;
  count: number;
  prev_hash: string;
  hash: string;
}

/** Opens the hub's database as an intruder would: the append-only triggers dropped. */
function intrude<T>(work: (db: Database.Database) => T): T {
  const db = new Database(join(dir, "verge.db"));
  try {
    db.exec("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete");
    return work(db);
  } finally {
    db.close();
  }
}

/** Rewrites row `id`'s reason and recomputes every hash from it on with `hash` (what a careful intruder does). */
function rewriteAndRecompute(id: number, reason: string, hash: (prev: string, r: Row) => string): void {
  intrude((db) => {
    db.prepare("UPDATE audit_log SET reason = ? WHERE id = ?").run(reason, id);
    const rows = db.prepare("SELECT * FROM audit_log WHERE id >= ? ORDER BY id").all(id) as Row[];
    let prev = (db.prepare("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1").get(id) as { hash: string }).hash;
    for (const r of rows) {
      const h2 = hash(prev, r);
      db.prepare("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?").run(prev, h2, r.id);
      prev = h2;
    }
  });
}

/** The keyed link, computed with the key read from the data dir (an intruder who can read it too). */
const withStolenKey = (prev: string, r: Row) =>
  createHmac("sha256", Buffer.from(readFileSync(join(dir, "keys", "audit-chain.key"), "utf8").trim(), "hex"))
    .update(prev)
    .update(JSON.stringify([r.at, r.actor, r.action, r.target, r.reason, r.result, r.details_json, r.count]))
    .digest("hex");

async function verifyOk(): Promise<number> {
  const res = await verge(["audit", "verify"], env);
  expect(res.code, res.stderr).toBe(0);
  const m = /head #(\d+); matches the checkpoint of #(\d+)/.exec(res.stdout);
  expect(m, res.stdout).not.toBeNull();
  expect(m![1]).toBe(m![2]);
  return Number(m![1]);
}

describe("verge audit verify", () => {
  it("detects rows deleted from the end of the log (exit 1, naming the missing records), and the hub does not sign the shorter log", async () => {
    const head = await verifyOk();
    intrude((db) => db.prepare("DELETE FROM audit_log WHERE id > ?").run(head - 2));

    const res = await verge(["audit", "verify"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`records #${head - 1}..#${head} are missing`);
    expect(res.stderr).toMatch(/vouches for the log up to #\d+, the table ends at #\d+/);
    // a new action does not launder it: the hub refuses to checkpoint a log that does not extend its last checkpoint
    await token(h, "later", "viewer");
    const again = await verge(["audit", "verify", "-o", "json"], env);
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as { checkpoint: { id: number } }).checkpoint.id).toBe(head);
    const metrics = await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/verge_audit_checkpoints_total\{result="refused"\} [1-9]/);
  });

  it("detects a rewritten row whose chain was recomputed with the stolen chain key: the head no longer matches the signed checkpoint", async () => {
    const head = await verifyOk();
    const target = head - 2;
    rewriteAndRecompute(target, "routine", withStolenKey);
    // every link holds again...
    expect(h.hub.repos.audit.extendsHead(null)).toEqual({ ok: true });
    // ...but not the signed checkpoint
    const res = await verge(["audit", "verify"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`record #${head} does not have the hash the checkpoint signed`);
    expect(res.stderr).toContain("the chain up to it was rewritten");
  });

  it("detects a rewritten row whose chain was recomputed without the key (plain sha256): its keyed hash does not hold", async () => {
    const head = await verifyOk();
    rewriteAndRecompute(head - 1, "routine", (prev, r) =>
      createHash("sha256").update(prev).update(JSON.stringify([r.at, r.actor, r.action, r.target, r.reason, r.result, r.details_json, r.count])).digest("hex"),
    );
    const res = await verge(["audit", "verify"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`audit log BROKEN at record #${head - 1}`);
    expect(res.stderr).toContain("content does not match its hash");
  });
});

describe("verge audit checkpoint export, and verify --checkpoint", () => {
  it("exports the newest signed checkpoint; verify against it passes, and still catches a rewrite after the hub's own checkpoints were removed", async () => {
    // kept where the hub cannot write: another directory
    const offsite = tempDir("verge-audit-offsite-");
    const file = join(offsite.dir, "kept.json");
    const exported = await verge(["audit", "checkpoint", "export", "--out", file], env);
    expect(exported.code, exported.stderr).toBe(0);
    const kept = JSON.parse(readFileSync(file, "utf8")) as { checkpoint: { id: number; keyId: string }; publicKey: string; keyId: string };
    expect(kept.checkpoint.keyId).toBe(h.hub.keys.hub.keyId);
    expect(kept.keyId).toBe(h.hub.keys.hub.keyId);
    expect(Buffer.from(kept.publicKey, "base64")).toHaveLength(32);
    const stdout = await verge(["audit", "checkpoint", "export"], env);
    expect(JSON.parse(stdout.stdout)).toMatchObject({ checkpoint: { id: kept.checkpoint.id } });
    // refuses to overwrite a kept file
    expect((await verge(["audit", "checkpoint", "export", "--out", file], env)).code).toBe(2);

    await token(h, "after-export", "viewer");
    const later = await verge(["audit", "verify", "--checkpoint", file], env);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toContain(`matches the checkpoint of #${kept.checkpoint.id}`);

    // the intruder stops the hub, rewrites an early row with the stolen key, and removes the hub's checkpoints
    await h.stop();
    rewriteAndRecompute(2, "routine", withStolenKey);
    rmSync(join(dir, "audit-checkpoints.jsonl"));
    h = await startTestHub(dir, {}, env.VERGE_TOKEN);
    env.VERGE_HUB_URL = h.hub.addresses.httpUrl;
    // the hub has nothing left to compare with (memory persistence: no retained copy either)...
    expect((await verge(["audit", "verify"], env)).code).toBe(0);
    // ...the kept checkpoint does
    const caught = await verge(["audit", "verify", "--checkpoint", file], env);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toContain(`record #${kept.checkpoint.id} does not have the hash the checkpoint signed`);
    offsite.cleanup();
  }, 60_000);

  it("refuses a forged checkpoint (exit 7): an edited hash, another key's signature; an unreadable file is a usage error (exit 2)", async () => {
    const res = await verge(["audit", "checkpoint", "export"], env);
    const kept = JSON.parse(res.stdout) as { checkpoint: Record<string, unknown> & { id: number; hash: string; keyId: string; keyedFrom: number; at: number } };
    const forged = join(dir, "forged.json");

    writeFileSync(forged, JSON.stringify({ ...kept, checkpoint: { ...kept.checkpoint, hash: "f".repeat(64) } }));
    let out = await verge(["audit", "verify", "--checkpoint", forged], env);
    expect(out.code).toBe(7);
    expect(out.stderr).toContain(`checkpoint REFUSED: the signature does not verify with the hub key ${h.hub.keys.hub.keyId}`);

    // signed with another key claiming the hub's key id
    const other = generateKeyPairSync("ed25519");
    const c = kept.checkpoint;
    const bytes = Buffer.from("verge-audit-checkpoint-v1\n" + JSON.stringify([c.type, c.keyId, c.id, "e".repeat(64), c.keyedFrom, c.at]));
    writeFileSync(forged, JSON.stringify({ ...c, hash: "e".repeat(64), sig: sign(null, bytes, other.privateKey).toString("base64") }));
    out = await verge(["audit", "verify", "--checkpoint", forged], env);
    expect(out.code).toBe(7);
    expect(out.stderr).toContain("the signature does not verify");

    writeFileSync(forged, JSON.stringify({ ...c, keyId: "0123456789abcdef" }));
    out = await verge(["audit", "verify", "--checkpoint", forged, "-o", "json"], env);
    expect(out.code).toBe(7);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: false, checkpointRefused: `signed by key 0123456789abcdef, not by this hub's key ${h.hub.keys.hub.keyId}` });

    writeFileSync(forged, "not json");
    expect((await verge(["audit", "verify", "--checkpoint", forged], env)).code).toBe(2);
    const missing = await verge(["audit", "verify", "--checkpoint", join(dir, "nope.json")], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read");
  });
});
