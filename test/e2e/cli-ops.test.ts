// The built `verge` binary as operators use it around a rollout: releases from a file, a plan file, a rollout watched
// live (progress lines, NDJSON) through pause, resume, promote and rollback; tokens, the audit log and its tamper
// check; bulk device import and device KPIs; SCADA credentials; where the hub URL and token come from.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../device-agent/config.js";
import { startAgent } from "../../device-agent/agent.js";
import { startTestAgent, testAgentConfig } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { baseline, kpiByRelease, makeRelease } from "../helpers/rollouts.js";
import type { StatusView } from "../helpers/rollouts.js";
import { tempDir, testLogger, waitFor } from "../helpers/wait.js";
import { verge } from "../helpers/cli.js";
import type { Env, Run } from "../helpers/cli.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Background {
  stdout(): string;
  stderr(): string;
  running(): boolean;
  done: Promise<Run>;
}

/** Starts `verge` in the background (stdout is a pipe, not a terminal); killed after the test if still running. */
function vergeInBackground(args: string[], env: Env): Background {
  const child = spawn(process.execPath, ["dist/hub/cli/main.js", ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let exited = false;
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<Run>((resolve) => child.once("close", (code) => resolve({ code: code ?? -1, stdout: out, stderr: err })));
  void done.then(() => (exited = true));
  cleanups.push(() => {
    if (!exited) child.kill("SIGKILL");
  });
  return { stdout: () => out, stderr: () => err, running: () => !exited, done };
}

/** A hub that evaluates rollouts every second, in a temp dir with a HOME for the CLI; all removed after the test. */
async function hubFor(prefix: string): Promise<{ h: TestHub; dir: string; home: string; env: Env }> {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  const h = await startTestHub(join(t.dir, "hub"), { rollout: { evaluateCron: "* * * * * *" } });
  cleanups.push(() => h.stop());
  const home = join(t.dir, "home");
  mkdirSync(home);
  return { h, dir: t.dir, home, env: { HOME: home, VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken } };
}

async function agentsFor(h: TestHub, dir: string, ids: string[]): Promise<TestAgent[]> {
  const agents = await Promise.all(ids.map((id) => startTestAgent(h, join(dir, "dev"), id, { kpiIntervalS: 1 })));
  cleanups.push(() => Promise.all(agents.map((a) => a.agent.stop())).then(() => undefined));
  return agents;
}

// The canary waits for approval: the test decides when the rollout moves on.
const PLAN_YAML = `name: cli-ops
defaults:
  observe: 1s
  deviceTimeout: 60s
  failureThreshold: 50%
  activation: download_then_activate
stages:
  - { name: canary, select: { count: 1 }, approval: true }
  - { name: wave-1, select: { percent: 100 } }
`;

describe("verge CLI: a rollout from the terminal", () => {
  it("release from a file, plan, rollout from a plan file, watched live through pause, resume and promote to completion (progress lines and NDJSON, exit 0)", async () => {
    const { h, dir, env } = await hubFor("verge-cli-ops-");
    await agentsFor(h, dir, ["sc-001", "sc-002", "sc-003"]);
    const artifact = join(dir, "app-3.1.0.bin");
    writeFileSync(artifact, randomBytes(64 * 1024));
    const planFile = join(dir, "cli-ops.yaml");
    writeFileSync(planFile, PLAN_YAML);

    const rel = await verge(["release", "create", "--version", "3.1.0", "--variant", "sc-x1", "--file", artifact], env);
    expect(rel.code, rel.stderr).toBe(0);
    expect(rel.stderr).toMatch(/^uploaded \S+app-3\.1\.0\.bin \(64\.0 KiB, sha256 [0-9a-f]{12}…\)\n$/);
    expect(rel.stdout).toMatch(/^release rel-3\.1\.0\s+version 3\.1\.0\s+counter 1/);

    const plan = await verge(["rollout", "plan", "--release", "rel-3.1.0", "--plan", planFile, "--seed", "s1"], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("plan cli-ops for release rel-3.1.0: 3 device(s) in 2 stage(s), 0 blocked (dry run, nothing created)");
    expect(plan.stdout).toMatch(/canary\s+canary\s+1\s+1s\s+yes/);
    const created = await verge(["rollout", "create", "--release", "rel-3.1.0", "--plan", planFile, "--seed", "s1", "--id", "ro-ops"], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("rollout ro-ops created: release rel-3.1.0 (3.1.0) to 3 device(s) with plan cli-ops");

    const lines = vergeInBackground(["rollout", "status", "ro-ops", "--watch", "--interval", "200ms"], env);
    const ndjson = vergeInBackground(["rollout", "status", "ro-ops", "--watch", "--interval", "200ms", "-o", "json"], env);

    // not a terminal: one line per change, with a bar per stage
    await waitFor("canary awaiting approval in the watch", () => lines.stdout().includes("canary [##########] 1/1 converged, awaiting approval"), 30_000);
    expect(lines.stdout()).toMatch(/^\d\d:\d\d:\d\dZ ro-ops active stage canary \| canary \[[#-]{10}\] \d\/1 /m);
    expect(lines.stdout()).toMatch(/\| wave-1 \[----------\] 0\/2 pending \| activated 1\/3$/m);
    expect(lines.stdout()).toMatch(/^ {2}event \d\d:\d\d:\d\dZ awaiting_approval canary: Stage canary passed its observation window/m);
    expect(lines.stdout()).not.toContain("\x1b[");

    const pause = await verge(["rollout", "pause", "ro-ops", "--reason", "shift change"], env);
    expect(pause).toMatchObject({ code: 0, stdout: "rollout ro-ops paused: status paused, active stage canary\n" });
    // a paused rollout is still watched, and the watch says why it is paused and what to do
    await waitFor("pause in both watches", () => lines.stdout().includes("still watching; resume: verge rollout resume ro-ops") && ndjson.stdout().includes('"status":"paused"'));
    expect(lines.stdout()).toMatch(/ro-ops paused stage canary \| canary /);
    expect(lines.stdout()).toMatch(/PAUSED \d+s ago by token:\S+: shift change/);
    expect(lines.running()).toBe(true);
    expect(ndjson.running()).toBe(true);

    const paused = await verge(["rollout", "status", "ro-ops"], env);
    expect(paused.stdout).toMatch(/rollout ro-ops\s+release rel-3\.1\.0 \(3\.1\.0\)\s+status paused\s+plan cli-ops\s+active stage canary/);
    expect(paused.stdout).toMatch(/paused \d+s ago by token:\S+: shift change/);
    expect(paused.stdout).toMatch(/paused\s+-\s+Paused by token:\S+: shift change\. No stage advances/);

    expect((await verge(["rollout", "resume", "ro-ops", "--reason", "shift started"], env)).stdout).toBe("rollout ro-ops resumed: status active, active stage canary\n");
    const promote = await verge(["rollout", "promote", "ro-ops", "--reason", "canary looks fine"], env);
    expect(promote.code, promote.stderr).toBe(0);

    const watched = await lines.done;
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stderr).toBe("");
    expect(watched.stdout).toMatch(/ro-ops completed \| canary \[##########\] 1\/1 converged \| wave-1 \[##########\] 2\/2 completed \| activated 3\/3\n/);
    for (const type of ["paused", "resumed", "promoted", "completed"]) expect(watched.stdout).toMatch(new RegExp(`^ {2}event \\d\\d:\\d\\d:\\d\\dZ ${type}[ :]`, "m"));
    expect(watched.stdout.trimEnd().split("\n").at(-1)).toBe("rollout ro-ops completed: 3/3 device(s) activated release rel-3.1.0");

    // -o json --watch: one status per change, each line a whole JSON document, ending with the completed rollout
    const json = await ndjson.done;
    expect(json.code, json.stderr).toBe(0);
    const statuses = json.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as StatusView);
    expect(new Set(json.stdout.trimEnd().split("\n")).size).toBe(statuses.length);
    const seen = statuses.map((s) => s.rollout.status).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(seen).toEqual(["active", "paused", "active", "completed"]);
    expect(statuses.at(-1)).toMatchObject({ rollout: { id: "ro-ops", status: "completed" }, progress: { total: 3, activated: 3 } });
    // events follow the one events schema: `at` is an ISO time
    const lastEvent = statuses.at(-1)!.events.at(-1) as unknown as { type: string; at: string };
    expect(lastEvent.type).toBe("completed");
    expect(lastEvent.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const events = await verge(["rollout", "events", "ro-ops"], env);
    expect(events.stdout).toMatch(/^ID\s+TIME\s+TYPE\s+STAGE\s+ACTOR\s+RULE\s+EXPLANATION\n/);
    expect(events.stdout).toMatch(/\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+paused\s+-\s+token:\S+\s+-\s+Paused by token:\S+: shift change/);

    // the operator verbs are in the audit log
    const audit = await verge(["audit", "list", "--action", "rollout.pause"], env);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/^ID\s+TIME\s+ACTOR\s+ACTION\s+TARGET\s+RESULT\s+COUNT\s+REASON\n\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+token:\S+\s+rollout\.pause\s+ro-ops\s+ok\s+1\s+shift change\n$/);
    const auditJson = JSON.parse((await verge(["audit", "list", "--action", "rollout.pause", "--since", "1h", "-o", "json"], env)).stdout) as { records: Array<Record<string, unknown>> };
    expect(auditJson.records).toEqual([expect.objectContaining({ action: "rollout.pause", target: "ro-ops", result: "ok", reason: "shift change" })]);
    expect((await verge(["audit", "list", "--action", "rollout.pause", "--until", "2000-01-01T00:00:00Z"], env)).stdout).toBe("no audit records match\n");
    const badSince = await verge(["audit", "list", "--since", "yesterday"], env);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain("--since expects a duration back from now");
  });

  it("a watched rollout that is rolled back: the watch follows the devices back and exits 1; a finished rollout's watch ends at once", async () => {
    const { h, dir, env } = await hubFor("verge-cli-rb-");
    const agents = await agentsFor(h, dir, ["sc-011", "sc-012"]);
    await makeRelease(h, "rel-a");
    await baseline(h, "ro-base", "rel-a", agents.map((a) => a.id));
    await makeRelease(h, "rel-b");
    const planFile = join(dir, "plan.yaml");
    writeFileSync(planFile, PLAN_YAML);
    expect((await verge(["rollout", "create", "--release", "rel-b", "--plan", planFile, "--id", "ro-rb"], env)).code).toBe(0);

    const watch = vergeInBackground(["rollout", "status", "ro-rb", "--watch", "--interval", "200ms"], env);
    await waitFor("canary awaiting approval in the watch", () => watch.stdout().includes("canary [##########] 1/1 converged, awaiting approval"), 30_000);
    const rollback = await verge(["rollout", "rollback", "ro-rb", "--reason", "lag p95 regression"], env);
    expect(rollback).toMatchObject({ code: 0, stdout: "rollout ro-rb rolled back: status rolled_back, no active stage, rollback requested for 1 device(s)\n" });

    const watched = await watch.done;
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(/^ {2}event \d\d:\d\d:\d\dZ rollback_started: Rolling back 1 device\(s\) to their previous release \(lag p95 regression\)/m);
    expect(watched.stdout).toMatch(/ro-rb rolled_back \| canary \[----------\] 0\/1 converged \(rolled back 1\) \| wave-1 \[----------\] 0\/1 pending \(cancelled 1\) \| activated 0\/2 \| rollback 1\/1 confirmed\n/);
    expect(watched.stdout.trimEnd().split("\n").at(-1)).toBe("rollout ro-rb rolled back: 1/1 device(s) back on their previous release");

    const table = await verge(["rollout", "status", "ro-rb"], env);
    expect(table.stdout).toMatch(/status rolled_back/);
    expect(table.stdout).toContain("rollback: requested 1, confirmed 1, overdue 0");
    expect(JSON.parse((await verge(["rollout", "status", "ro-rb", "-o", "json"], env)).stdout)).toMatchObject({ rollout: { status: "rolled_back" }, rollback: { requested: 1, confirmed: 1 } });

    // watching a rollout that has already ended prints where it stands once and exits with its code
    const again = await verge(["rollout", "status", "ro-rb", "--watch"], env);
    expect(again.code).toBe(1);
    expect(again.stdout.trimEnd().split("\n").at(-1)).toBe("rollout ro-rb rolled back: 1/1 device(s) back on their previous release");
    const base = await verge(["rollout", "status", "ro-base", "--watch", "-o", "json"], env);
    expect(base.code).toBe(0);
    expect(base.stdout.trimEnd().split("\n")).toHaveLength(1);
    // the watch polls the summary only (?devices=0): counts, no device list, whatever the rollout's size
    const summary = JSON.parse(base.stdout) as { devices: unknown[]; devicesPage: { pageSize: number; totalCount: number }; progress: { total: number } };
    expect(summary.devices).toEqual([]);
    expect(summary.devicesPage).toMatchObject({ pageSize: 0, totalCount: summary.progress.total });
    expect(summary.progress.total).toBeGreaterThan(0);
    expect((await verge(["rollout", "status", "nope", "--watch"], env)).code).toBe(5);
    expect((await verge(["rollout", "status", "ro-rb", "--watch"], { ...env, VERGE_HUB_URL: "http://127.0.0.1:1" })).code).toBe(3);
    expect((await verge(["rollout", "status", "ro-rb", "--watch", "--interval", "5"], env)).code).toBe(2);
  });

  it("a watch outlives a hub restart: it says the hub is gone, keeps asking, and goes on when the hub is back", async () => {
    const t = tempDir("verge-cli-restart-");
    cleanups.push(t.cleanup);
    const dataDir = join(t.dir, "hub");
    const rollout = { evaluateCron: "* * * * * *" };
    let h = await startTestHub(dataDir, { mqtt: { persistence: "level" }, rollout });
    cleanups.push(() => h.stop());
    const ports = { mqtt: h.hub.broker.port, http: Number(new URL(h.hub.addresses.httpUrl).port) };
    const env = { HOME: t.dir, VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken };
    await agentsFor(h, t.dir, ["sc-021", "sc-022"]);
    await makeRelease(h, "rel-r");
    const planFile = join(t.dir, "plan.yaml");
    writeFileSync(planFile, PLAN_YAML);
    expect((await verge(["rollout", "create", "--release", "rel-r", "--plan", planFile, "--id", "ro-r"], env)).code).toBe(0);

    const watch = vergeInBackground(["rollout", "status", "ro-r", "--watch", "--interval", "200ms"], env);
    await waitFor("canary awaiting approval in the watch", () => watch.stdout().includes("awaiting approval"), 30_000);
    const token = h.adminToken;
    await h.stop();
    await waitFor("the watch says the hub is gone", () => watch.stderr().includes(`verge: cannot reach the hub at ${env.VERGE_HUB_URL}`));
    expect(watch.stderr()).toContain("still trying every 200ms");
    expect(watch.running()).toBe(true);
    h = await startTestHub(dataDir, { mqtt: { persistence: "level", port: ports.mqtt }, http: { port: ports.http }, rollout }, token);
    await waitFor("the watch sees the hub again", () => watch.stderr().includes("verge: the hub answers again"));
    expect((await verge(["rollout", "promote", "ro-r"], env)).code).toBe(0);
    const watched = await watch.done;
    expect(watched.code).toBe(0);
    expect(watched.stdout.trimEnd().split("\n").at(-1)).toBe("rollout ro-r completed: 2/2 device(s) activated release rel-r");
  });
});

describe("verge CLI: tokens and the audit log", () => {
  it("token create/list/revoke (a revoked token gets exit 4), audit list filters, audit verify; one altered audit row makes verify fail naming it", async () => {
    const { h, env } = await hubFor("verge-cli-audit-");

    const created = await verge(["token", "create", "night-shift", "--role", "operator", "--reason", "on-call rota"], env);
    expect(created.code, created.stderr).toBe(0);
    const [, id, secret] = /^token (\S+) "night-shift" created with role operator\n {2}secret \(shown once, store it now\): (vrg_\S+)\n/.exec(created.stdout) ?? [];
    expect(secret).toBeDefined();
    const list = await verge(["token", "list"], env);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+STATUS\s+CREATED\s+BY\s+LAST USED\n/);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+night-shift\\s+operator\\s+active\\s+\\d+s ago\\s+token:\\S+\\s+never`));
    const listJson = await verge(["token", "list", "-o", "json"], env);
    expect(listJson.stdout).not.toContain(secret!.slice(-20));
    const tokens = (JSON.parse(listJson.stdout) as { tokens: Array<Record<string, unknown>> }).tokens;
    expect(tokens.find((t) => t.id === id)).toMatchObject({ name: "night-shift", role: "operator", revokedAt: null });
    expect(tokens.every((t) => !Object.keys(t).some((k) => /hash|secret/i.test(k)))).toBe(true);

    // the operator token reads and pauses, but manages no tokens
    const asOperator = { ...env, VERGE_TOKEN: secret };
    expect((await verge(["rollout", "list"], asOperator)).code).toBe(0);
    const forbidden = await verge(["token", "list"], asOperator);
    expect(forbidden.code).toBe(4);
    expect(forbidden.stderr).toContain("needs role admin");

    const revoked = await verge(["token", "revoke", id!, "--reason", "laptop lost"], env);
    expect(revoked).toMatchObject({ code: 0, stdout: `token ${id} "night-shift" (role operator) revoked\n` });
    const refused = await verge(["rollout", "list"], asOperator);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("invalid or revoked");
    const twice = await verge(["token", "revoke", id!], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("already revoked");
    expect((await verge(["token", "revoke", "tok-nope"], env)).code).toBe(5);
    expect((await verge(["token", "list"], env)).stdout).toMatch(new RegExp(`${id}\\s+night-shift\\s+operator\\s+revoked \\d+s ago`));

    const revokes = JSON.parse((await verge(["audit", "list", "--action", "token.revoke", "--result", "ok", "-o", "json"], env)).stdout) as { records: Array<{ id: number; target: string; reason: string }> };
    expect(revokes.records).toEqual([expect.objectContaining({ target: id, reason: "laptop lost" })]);
    const denied = await verge(["audit", "list", "--result", "denied", "--since", "1h"], env);
    expect(denied.stdout).toMatch(/token:\S+\(night-shift\)\s+GET \/api\/tokens\s+-\s+denied\s+1\s+role operator < admin/);
    expect(denied.stdout).toMatch(/anonymous@\S+\s+GET \/api\/rollouts\s+-\s+denied\s+1\s+invalid or revoked token/);

    const intact = await verge(["audit", "verify"], env);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/^audit log intact: \d+ records, head #(\d+); matches the checkpoint of #\1 signed \S+ \S+ \(file .*audit-checkpoints\.jsonl\)\n$/);

    // someone with the database file rewrites the reason of the revocation
    const target = revokes.records[0]!.id;
    const db = new Database(h.hub.dbFile);
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET reason = ? WHERE id = ?").run("routine rotation", target);
    db.close();

    const broken = await verge(["audit", "verify"], env);
    expect(broken).toMatchObject({ code: 1, stdout: "", stderr: `audit log BROKEN at record #${target}:\n  record #${target}: content does not match its hash\n` });
    const brokenJson = await verge(["audit", "verify", "-o", "json"], env);
    expect(brokenJson.code).toBe(1);
    expect(JSON.parse(brokenJson.stdout)).toMatchObject({ ok: false, brokenId: target });
  });
});

describe("verge CLI: devices", () => {
  it("imports devices from a CSV with a bad row (exit 1, the others enrolled with agent configs that work); device list and show with KPIs", async () => {
    const { h, dir, env } = await hubFor("verge-cli-dev-");
    const csv = join(dir, "fleet.csv");
    writeFileSync(csv, ["id,variant,site,region,corridor", "imp-001,sc-x1,site-1,north,A1", "bad/id,sc-x1,site-1,north,A1", "imp-002,sc-x1,site-2,north,", ""].join("\n"));
    const outDir = join(dir, "configs");

    const imported = await verge(["device", "import", csv, "--out-dir", outDir], env);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toMatch(/^ROW\s+DEVICE\s+RESULT\s+DETAIL\n/);
    expect(imported.stdout).toMatch(new RegExp(`2\\s+imp-001\\s+enrolled\\s+agent config ${outDir}/imp-001\\.agent\\.yaml\n`));
    expect(imported.stdout).toMatch(/3\s+bad\/id\s+failed\s+id: device id: 1-64 characters of A-Z a-z 0-9 \. _ - \[bad_request\]\n/);
    expect(imported.stdout).toMatch(/4\s+imp-002\s+enrolled/);
    expect(imported.stdout).toContain(`2 of 3 device(s) enrolled; agent configs (mode 0600, each with the device's MQTT secret) in ${outDir}`);
    expect(imported.stdout).toContain("1 row(s) failed: fix them and import those rows again");
    for (const id of ["imp-001", "imp-002"]) expect(statSync(join(outDir, `${id}.agent.yaml`)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(outDir, "bad_id.agent.yaml"))).toBe(false);

    // again: configs are never overwritten (the devices are not enrolled twice), the bad row is still bad
    const again = await verge(["device", "import", csv, "--out-dir", outDir, "-o", "json"], env);
    expect(again.code).toBe(1);
    const results = (JSON.parse(again.stdout) as { results: Array<{ row: number; id: string; ok: boolean; error?: { code: string } }> }).results;
    expect(results.map((r) => [r.row, r.id, r.ok, r.error?.code])).toEqual([
      [2, "imp-001", false, "exists"],
      [3, "bad/id", false, "bad_request"],
      [4, "imp-002", false, "exists"],
    ]);
    const badHeader = join(dir, "bad.csv");
    writeFileSync(badHeader, "device,type\nx,y\n");
    const refusedFile = await verge(["device", "import", badHeader, "--out-dir", outDir], env);
    expect(refusedFile.code).toBe(2);
    expect(refusedFile.stderr).toContain("the first line must name the columns id,variant");

    // the written configs are what the agents run on
    for (const id of ["imp-001", "imp-002"]) {
      const parsed = parseAgentConfig(testAgentConfig(readFileSync(join(outDir, `${id}.agent.yaml`), "utf8"), join(dir, "dev", id), { kpiIntervalS: 1 }));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const agent = await startAgent(parsed.config, { logger: testLogger(id), kpiSource: kpiByRelease({}) });
      cleanups.push(() => agent.stop());
    }

    interface Listed {
      devices: Array<{ id: string; online: boolean; agentVersion: string | null; kpi: Record<string, number> | null }>;
      page: number;
      totalCount: number;
    }
    const listed = await waitFor("both devices online with KPIs", async () => {
      const r = JSON.parse((await verge(["device", "list", "-o", "json"], env)).stdout) as Listed;
      return r.devices.length === 2 && r.devices.every((d) => d.online && d.kpi !== null && d.agentVersion !== null) && r;
    });
    expect(listed).toMatchObject({ page: 1, totalCount: 2 });
    for (const d of listed.devices) {
      expect(d.kpi).toMatchObject({ windowMs: 3_600_000, availability: 1, droppedRatio: 0 });
      expect(d.kpi!.eventLagP95Ms).toBeGreaterThan(0);
      expect(d.kpi!.reports).toBeGreaterThan(0);
      expect(Object.keys(d.kpi!).sort()).toEqual(["availability", "droppedRatio", "eventLagP50Ms", "eventLagP95Ms", "reports", "windowMs"]);
    }

    const table = await verge(["device", "list"], env);
    expect(table.stdout).toMatch(/^DEVICE\s+VARIANT\s+SITE\s+ONLINE\s+HEARTBEAT\s+RELEASE\s+STATE\s+BASE\s+APP\s+AGENT\s+AVAIL\s+LAG P95\s+DROPPED\s+ROLLOUT\s+HEALTH\n/);
    expect(table.stdout).toMatch(/imp-001\s+sc-x1\s+site-1\s+yes\s+\d+s ago\s+.*\s100%\s+[\d.]+(ms|s)\s+0%\s+-\s+-\n/);
    const site2 = JSON.parse((await verge(["device", "list", "--site", "site-2", "-o", "json"], env)).stdout) as Listed;
    expect(site2.devices.map((d) => d.id)).toEqual(["imp-002"]);
    expect((await verge(["device", "list", "--offline"], env)).stdout).toBe("no devices match\n");
    const paged = await verge(["device", "list", "--page-size", "1"], env);
    expect(paged.stdout).toMatch(/imp-001/);
    expect(paged.stdout).not.toMatch(/imp-002/);
    expect(paged.stdout).toMatch(/\npage 1 of 2 \(2 devices\): --page 2 for more, --all for every page\n$/);
    const all = JSON.parse((await verge(["device", "list", "--page-size", "1", "--all", "-o", "json"], env)).stdout) as Listed;
    expect(all.devices.map((d) => d.id).sort()).toEqual(["imp-001", "imp-002"]);

    const show = await verge(["device", "show", "imp-001"], env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^device imp-001\s+variant sc-x1\s+site site-1\s+region north\s+corridor A1\n/);
    expect(show.stdout).toMatch(/\nKPIs over the last 1h \(\d+ report\(s\)\): availability 100%\s+event lag p50 [\d.]+(ms|s)\s+p95 [\d.]+(ms|s)\s+dropped 0%\n/);
    expect(show.stdout).toContain("rollout: none active");
    expect((await verge(["device", "show", "nope"], env)).code).toBe(5);
    expect(h.hub.repos.audit.list({ action: "device.enroll", result: "failed" })[0]).toMatchObject({ target: "bad/id" });
  });
});

describe("verge CLI: SCADA credentials and where the hub and token come from", () => {
  it("scada create prints the secret once with the broker and topics; list and disable", async () => {
    const { h, env } = await hubFor("verge-cli-scada-");
    const created = await verge(["scada", "create", "tms-north", "--reason", "north TMC integration"], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^SCADA credential tms-north created\n {2}MQTT username: tms-north\n {2}MQTT secret \(shown once, store it now\): \S+\n/);
    expect(created.stdout).toContain(`broker: ${h.hub.broker.url}`);
    expect(created.stdout).toContain("topics: verge/v1/rollouts/# (subscribe only)");
    expect((await verge(["scada", "list"], env)).stdout).toMatch(/^NAME\s+ROLE\s+STATUS\s+CREATED\ntms-north\s+scada\s+active/);
    expect((await verge(["scada", "create", "tms-north"], env)).code).toBe(1);
    expect((await verge(["scada", "disable", "tms-north", "--reason", "integration retired"], env)).stdout).toBe("SCADA credential tms-north disabled\n");
    expect((await verge(["scada", "list"], env)).stdout).toMatch(/tms-north\s+scada\s+disabled \d+s ago/);
    expect((await verge(["scada", "disable", "nope"], env)).code).toBe(5);
  });

  it("flags over environment over the config file over defaults; the default file is ~/.config/verge/cli.yaml", async () => {
    const { h, dir, home } = await hubFor("verge-cli-config-");
    const url = h.hub.addresses.httpUrl;
    const wrong = "vrg_000000000000_" + "x".repeat(43);
    const file = join(dir, "cli.yaml");
    writeFileSync(file, `hub: ${url}\ntoken: ${wrong}\n`, { mode: 0o600 });

    // the file's hub is used; its wrong token is refused, and the message says where the token came from
    const fromFile = await verge(["--config", file, "device", "list"], { HOME: home });
    expect(fromFile.code).toBe(4);
    expect(fromFile.stderr).toContain(`(token from config file ${file})`);
    // --token wins over the file, and so does VERGE_TOKEN; VERGE_CLI_CONFIG names the file like --config
    expect(await verge(["--config", file, "--token", h.adminToken, "device", "list"], { HOME: home })).toMatchObject({ code: 0, stderr: "" });
    expect((await verge(["device", "list"], { HOME: home, VERGE_CLI_CONFIG: file, VERGE_TOKEN: h.adminToken })).code).toBe(0);
    expect((await verge(["--token", wrong, "device", "list"], { HOME: home, VERGE_CLI_CONFIG: file, VERGE_TOKEN: h.adminToken })).code).toBe(4);
    // --hub and VERGE_HUB_URL win over the file's hub
    const elsewhere = await verge(["--config", file, "--token", h.adminToken, "--hub", "http://127.0.0.1:1", "device", "list"], { HOME: home });
    expect(elsewhere.code).toBe(3);
    expect((await verge(["--config", file, "--token", h.adminToken, "device", "list"], { HOME: home, VERGE_HUB_URL: "http://127.0.0.1:1" })).code).toBe(3);

    // the default file, read when nothing names one
    mkdirSync(join(home, ".config", "verge"), { recursive: true });
    const defaultFile = join(home, ".config", "verge", "cli.yaml");
    writeFileSync(defaultFile, `hub: ${url}\ntoken: ${h.adminToken}\n`, { mode: 0o600 });
    expect(await verge(["device", "list"], { HOME: home })).toMatchObject({ code: 0, stderr: "" });
    // readable by others: it still works, with a warning
    chmodSync(defaultFile, 0o644);
    const loose = await verge(["device", "list"], { HOME: home });
    expect(loose.code).toBe(0);
    expect(loose.stderr).toBe(`verge: warning: ${defaultFile} holds a token and is readable by other users; run: chmod 600 ${defaultFile}\n`);

    // a config file with problems, or one that is not there, is a usage error
    writeFileSync(file, "hub: localhost\ntoken: x\ntokn: y\n");
    const bad = await verge(["--config", file, "device", "list"], { HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`verge: config file ${file} has problems`);
    expect(bad.stderr).toContain("hub: expected the hub's HTTP address");
    expect(bad.stderr).toMatch(/tokn/);
    const missing = await verge(["--config", join(dir, "nope.yaml"), "device", "list"], { HOME: home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("does not exist");

    const help = await verge(["--help"], { HOME: home });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Hub and token, first found wins:");
    expect(help.stdout).toContain("~/.config/verge/cli.yaml");
  });
});
