// The hub on a full disk (issue 14 item 2): the built verge-hub in its own process with its data dir on a small
// tmpfs, devices publishing heartbeats while the disk fills. No crash; a device gets a PUBACK only for what SQLite
// committed; /healthz 503 and API writes 507 while full, reads 200; everything stored once space is back, without
// a restart; and a start on a full disk exits with its own code and says how much is free.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import { parseAgentConfig } from "../../device-agent/config.js";
import type { AgentConfig } from "../../device-agent/config.js";
import { INSUFFICIENT_STORAGE_EXIT_CODE } from "../../hub/storage-health.js";
import { stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { testAgentConfig } from "../helpers/agents.js";
import { vergeHub } from "../helpers/cli.js";
import { startHubProcess } from "../helpers/hub-process.js";
import type { HubProcess } from "../helpers/hub-process.js";
import { mountSmallFs } from "../helpers/small-fs.js";
import type { SmallFs } from "../helpers/small-fs.js";
import { TelemetryDevice } from "../helpers/telemetry-device.js";
import { tempDir, testLogger, waitFor } from "../helpers/wait.js";

const DEVICES = 3;
const BEFORE_FULL = 40;
const TOTAL = 160;
/** The start threshold of these hubs: a fresh 32 MiB tmpfs is far above it, a filled one below. */
const MIN_FREE = 4 * 1024 * 1024;

/** heartbeat seqs stored per device, read from the database file as it is on disk (committed rows only). */
function storedSeqs(dbFile: string): Map<string, Set<number>> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT device_id AS id, seq FROM heartbeats").all() as Array<{ id: string; seq: number }>;
    const out = new Map<string, Set<number>>();
    for (const r of rows) (out.get(r.id) ?? out.set(r.id, new Set()).get(r.id)!).add(r.seq);
    return out;
  } finally {
    db.close();
  }
}

function metric(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe.each(["memory", "level"] as const)("hub on a full disk (%s persistence)", (persistence) => {
  let fs: SmallFs;
  let conf: { dir: string; cleanup: () => void };
  let hub: HubProcess | undefined;
  const devices: TelemetryDevice[] = [];

  beforeAll(() => {
    fs = mountSmallFs(32);
    conf = tempDir("verge-diskfull-conf-");
  });
  afterAll(async () => {
    for (const d of devices) await d.stop();
    await hub?.stop();
    fs.drain();
    fs.unmount();
    conf.cleanup();
  });

  it("stays up, acknowledges only committed telemetry, answers 503/507 while full, and stores the rest once space returns", async () => {
    const dataDir = join(fs.dir, "data");
    mkdirSync(dataDir);
    const config = { dataDir, mqtt: { persistence }, storage: { minFreeBytes: MIN_FREE, probeIntervalMs: 200 } };
    hub = await startHubProcess(join(conf.dir, "hub.yaml"), config);
    const h = hub;
    for (let i = 0; i < DEVICES; i++) {
      const id = `dev-full-${i}`;
      const res = await h.api<{ secret: string }>("POST", "/api/devices", { id, variant: "sc-x1" });
      expect(res.status).toBe(201);
      devices.push(new TelemetryDevice(id, res.body.secret, h.mqttUrl));
    }
    for (const d of devices) d.sendUpTo(BEFORE_FULL);
    await waitFor("the first heartbeats acknowledged", () => devices.every((d) => d.done), 30_000);

    fs.fill();
    for (const d of devices) d.sendUpTo(TOTAL);
    // SQLite still has room in pages it already holds; the disk shows once it needs more.
    await waitFor("/healthz to answer 503", async () => (await fetch(`${h.httpUrl}/healthz`)).status === 503, 60_000);
    // Devices keep reconnecting and resending into the full disk for a while (sessions, wills, retained status).
    await waitFor("every device refused a few times", () => devices.every((d) => d.refusals >= 10), 60_000);

    const health = await fetch(`${h.httpUrl}/healthz`);
    const healthBody = (await health.json()) as { status: string; reason: string; storage: { ok: boolean } };
    expect(health.status).toBe(503);
    expect(healthBody.status).toBe("unavailable");
    expect(healthBody.reason).toMatch(/^storage: (SQLITE_FULL|SQLITE_IOERR|ENOSPC|LEVEL_IO_ERROR)/);
    expect(healthBody.storage.ok).toBe(false);

    // Every PUBACK a device got is a committed row, while the disk is full.
    const ackedWhileFull = devices.map((d) => new Set(d.acked));
    const storedWhileFull = storedSeqs(join(dataDir, "verge.db"));
    devices.forEach((d, i) => {
      const stored = storedWhileFull.get(d.id) ?? new Set<number>();
      const ackedNotStored = [...ackedWhileFull[i]!].filter((seq) => !stored.has(seq));
      expect(ackedNotStored, `${d.id}: acknowledged but not stored`).toEqual([]);
    });
    expect(devices.some((d) => !d.done), "some telemetry waits in the devices' outboxes").toBe(true);
    if (process.env.VERGE_TEST_LOG) {
      console.log(devices.map((d) => ({ id: d.id, acked: d.acked.size, refusals: d.refusals, connections: d.connections })));
      console.log(h.output().split("\n").filter((l) => /"level":(40|50|60)/.test(l)).map((l) => l.slice(0, 400)).slice(0, 30).join("\n"));
    }

    // Reads work (token auth no longer needs a write); writes answer 507 with a clear code.
    const read = await h.api<{ devices: unknown[] }>("GET", "/api/devices");
    expect(read.status).toBe(200);
    const write = await h.api<{ error: { code: string; message: string } }>("POST", "/api/devices", { id: "dev-late", variant: "sc-x1" });
    expect(write.status).toBe(507);
    expect(write.body.error.code).toBe("insufficient_storage");
    expect(write.body.error.message).toContain("cannot write to its data dir");
    const metricsWhileFull = await (await fetch(`${h.httpUrl}/metrics`)).text();
    expect(metric(metricsWhileFull, "verge_storage_healthy")).toBe(0);
    expect(metric(metricsWhileFull, 'verge_storage_refused_writes_total{source="telemetry"}')).toBeGreaterThan(0);
    expect(h.child.exitCode, "the hub is still running").toBeNull();

    // Space comes back: the probe sees it, the devices' resent heartbeats are stored, no restart.
    fs.drain();
    await waitFor("/healthz to answer 200 again", async () => (await fetch(`${h.httpUrl}/healthz`)).status === 200, 30_000);
    await waitFor("every device's heartbeats acknowledged", () => devices.every((d) => d.done), 60_000);
    const stored = storedSeqs(join(dataDir, "verge.db"));
    for (const d of devices) {
      const all = Array.from({ length: TOTAL }, (_, i) => i + 1);
      expect([...(stored.get(d.id) ?? [])].sort((a, b) => a - b), `${d.id}: stored`).toEqual(all);
      expect([...d.acked].sort((a, b) => a - b), `${d.id}: acknowledged`).toEqual(all);
    }
    expect((await h.api("POST", "/api/devices", { id: "dev-late", variant: "sc-x1" })).status).toBe(201);
    expect(metric(await (await fetch(`${h.httpUrl}/metrics`)).text(), "verge_storage_healthy")).toBe(1);
    expect(h.child.exitCode).toBeNull();
    expect(h.output()).not.toContain("uncaught");

    for (const d of devices.splice(0)) await d.stop();
    expect(await h.stop()).toBe(0);
    hub = undefined;

    // A start on the still-full disk: refused with the path, the bytes free and the threshold, exit code 4.
    fs.fill(1024 * 1024);
    const run = await vergeHub(["--config", join(conf.dir, "hub.yaml")], {});
    expect(run.code).toBe(INSUFFICIENT_STORAGE_EXIT_CODE);
    expect(run.stderr).toContain(`verge-hub: could not start: not enough free space for the data dir ${dataDir}`);
    expect(run.stderr).toMatch(/: \d+ bytes \([\d.]+ (KiB|MiB|B)\) free, at least 4194304 bytes \(4\.0 MiB\) needed \(storage\.minFreeBytes\)/);
    expect(run.stderr).not.toContain("Iterator is not open");
  }, 240_000);
});

describe.each(["memory", "level"] as const)("a rollout to real agents while the hub's disk is full (%s persistence)", (persistence) => {
  let fs: SmallFs;
  let conf: { dir: string; cleanup: () => void };
  let hub: HubProcess | undefined;
  const agents: Agent[] = [];

  beforeAll(() => {
    fs = mountSmallFs(32);
    conf = tempDir("verge-diskfull-agents-");
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await hub?.stop();
    fs.drain();
    fs.unmount();
    conf.cleanup();
  });

  it("completes once space returns, with every transition the agents reached stored once, and no restart", async () => {
    const dataDir = join(fs.dir, "data");
    mkdirSync(dataDir);
    hub = await startHubProcess(join(conf.dir, "hub.yaml"), { dataDir, mqtt: { persistence }, storage: { minFreeBytes: MIN_FREE, probeIntervalMs: 200 } });
    const h = hub;
    const ids = ["sc-full-1", "sc-full-2", "sc-full-3"];
    const configs: AgentConfig[] = [];
    for (const id of ids) {
      const res = await h.api<{ agentConfig: string }>("POST", "/api/devices", { id, variant: "sc-x1" });
      expect(res.status).toBe(201);
      mkdirSync(join(conf.dir, id));
      const parsed = parseAgentConfig(testAgentConfig(res.body.agentConfig, join(conf.dir, id)));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      configs.push(parsed.config);
    }
    const upload = await fetch(`${h.httpUrl}/api/artifacts`, { method: "PUT", headers: { authorization: `Bearer ${h.token}`, "content-type": "application/octet-stream" }, body: randomBytes(64 * 1024) });
    expect(upload.status).toBe(201);
    const { sha256 } = (await upload.json()) as { sha256: string };
    expect((await h.api("POST", "/api/releases", { id: "rel-full", version: "1.0.0", variants: ["sc-x1"], components: [{ name: "app", sha256 }] })).status).toBe(201);
    expect((await h.api("POST", "/api/rollouts", { id: "ro-full", releaseId: "rel-full", devices: ids })).status).toBe(201);

    // The agents come online only once the disk is full: everything they report meets it. (The rollout was created
    // before: API writes are refused while the disk is full.)
    fs.fill();
    const emitted = new Map<string, verge.v1.StateTransition[]>(ids.map((id) => [id, []]));
    for (const [i, config] of configs.entries()) {
      const agent = await startAgent(config, { logger: testLogger(`agent-${ids[i]}`) });
      agent.events.on("transition", (t: verge.v1.StateTransition) => emitted.get(ids[i]!)!.push(t));
      agents.push(agent);
    }
    await waitFor("/healthz to answer 503", async () => (await fetch(`${h.httpUrl}/healthz`)).status === 503, 60_000);
    // Each agent is refused at its first publish (its "online" status) and retries with its backoff, its outbox intact.
    await waitFor(
      "the agents refused a few times",
      async () => (metric(await (await fetch(`${h.httpUrl}/metrics`)).text(), 'verge_storage_refused_writes_total{source="telemetry"}') ?? 0) >= 10,
      60_000,
    );
    const whileFull = await h.api<{ rollout: { status: string }; progress: Record<string, number> }>("GET", "/api/rollouts/ro-full");
    expect(whileFull.status).toBe(200);
    expect(whileFull.body.rollout.status).toBe("active");
    expect(whileFull.body.progress.activated ?? 0).toBe(0);
    expect(h.child.exitCode).toBeNull();

    fs.drain();
    await waitFor(
      "the rollout completed",
      async () => {
        const r = await h.api<{ rollout: { status: string }; progress: Record<string, number> }>("GET", "/api/rollouts/ro-full");
        return r.body.rollout.status === "completed" && r.body.progress.activated === ids.length;
      },
      60_000,
    );
    expect((await fetch(`${h.httpUrl}/healthz`)).status).toBe(200);
    for (const a of agents.splice(0)) await a.stop();
    expect(await h.stop()).toBe(0);
    hub = undefined;

    const db = new Database(join(dataDir, "verge.db"), { readonly: true, fileMustExist: true });
    try {
      for (const id of ids) {
        const rows = db.prepare("SELECT seq, state FROM state_transitions WHERE device_id = ? AND rollout_id = 'ro-full' ORDER BY seq").all(id) as Array<{ seq: number; state: string }>;
        const sent = emitted.get(id)!.filter((t) => t.rolloutId === "ro-full").map((t) => ({ seq: Number(t.seq), state: stateFromWire(t.state) }));
        expect(rows, `${id}: every transition stored once`).toEqual(sent);
      }
    } finally {
      db.close();
    }
  }, 240_000);
});
