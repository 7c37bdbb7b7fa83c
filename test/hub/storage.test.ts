// Storage health (hub/storage-health.ts) on a real small filesystem, and the hub's MQTT session ingest (the path for
// a broker running alone): a message it cannot store is not acknowledged, the session resumes after a backoff and
// the broker delivers it again once space is back.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker } from "../../broker/broker.js";
import { SqliteCredentialStore } from "../../broker/credentials-sqlite.js";
import { openDatabase } from "../../hub/db/database.js";
import type { PublishPacket } from "aedes";
import { HubMqttClient } from "../../hub/mqtt/hub-client.js";
import { TelemetryCommitter, TelemetryNotStoredError } from "../../hub/mqtt/telemetry-commit.js";
import { pb, topics } from "../../proto/index.js";
import { TelemetryIngest } from "../../hub/services/ingest.service.js";
import { StorageHealth, storageErrorCode } from "../../hub/storage-health.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import { mountSmallFs } from "../helpers/small-fs.js";
import type { SmallFs } from "../helpers/small-fs.js";
import { TelemetryDevice } from "../helpers/telemetry-device.js";
import { testLogger, waitFor } from "../helpers/wait.js";

describe("storageErrorCode", () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
  it.each([
    ["SQLite full", new Database.SqliteError("database or disk is full", "SQLITE_FULL"), "SQLITE_FULL"],
    ["SQLite write I/O error", new Database.SqliteError("disk I/O error", "SQLITE_IOERR_WRITE"), "SQLITE_IOERR_WRITE"],
    ["ENOSPC from fs", errno("ENOSPC"), "ENOSPC"],
    ["level I/O error", errno("LEVEL_IO_ERROR"), "LEVEL_IO_ERROR"],
    ["wrapped in a cause", new Error("upload failed", { cause: errno("ENOSPC") }), "ENOSPC"],
    ["a constraint violation", new Database.SqliteError("UNIQUE constraint failed", "SQLITE_CONSTRAINT_UNIQUE"), undefined],
    ["a file not found", errno("ENOENT"), undefined],
    ["a plain error", new Error("boom"), undefined],
    ["not an error", "SQLITE_FULL", undefined],
  ])("%s", (_name, err, expected) => {
    expect(storageErrorCode(err)).toBe(expected);
  });
});

describe("storage on a small filesystem", () => {
  let fs: SmallFs;
  beforeAll(() => {
    fs = mountSmallFs(16);
  });
  afterAll(() => {
    fs.drain();
    fs.unmount();
  });

  it("goes unhealthy on a storage failure, stays so while the disk is full, and recovers by the probe once space is back", () => {
    const dir = join(fs.dir, "health");
    mkdirSync(dir);
    const db = openDatabase(join(dir, "verge.db"));
    const registry = new Registry();
    const changes: boolean[] = [];
    const health = new StorageHealth({
      dir,
      minFreeBytes: 1024 * 1024,
      probeIntervalMs: 60_000,
      probeWrite: () => void db.prepare("INSERT INTO storage_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at").run(Date.now()),
      registry,
      logger: testLogger("storage"),
      now: Date.now,
    });
    health.onChange((ok) => changes.push(ok));
    try {
      expect(health.probe()).toBe(true);
      expect(health.status()).toMatchObject({ ok: true, minFreeBytes: 1024 * 1024 });

      fs.fill();
      let failure: unknown;
      try {
        // Rows until SQLite needs a page it does not have.
        db.exec("CREATE TABLE IF NOT EXISTS filler (x BLOB)");
        const insert = db.prepare("INSERT INTO filler (x) VALUES (?)");
        for (let i = 0; i < 100_000; i++) insert.run(Buffer.alloc(4000, i % 256));
      } catch (err) {
        failure = err;
      }
      expect(storageErrorCode(failure)).toBe("SQLITE_FULL");
      expect(health.failed("telemetry", failure)).toBe(true);
      expect(health.failed("api", new Error("a bug, not storage"))).toBe(false);
      expect(health.status()).toMatchObject({ ok: false, code: "SQLITE_FULL" });
      expect(health.status().reason).toMatch(/^SQLITE_FULL in telemetry: database or disk is full/);
      expect(health.probe()).toBe(false);

      fs.drain();
      expect(health.probe()).toBe(true);
      expect(health.ok).toBe(true);
      expect(changes).toEqual([false, true]);
    } finally {
      db.close();
    }
  });

  it("an API write that meets the full disk answers 507 and marks storage unhealthy; reads keep working", async () => {
    const dataDir = join(fs.dir, "api");
    const h = await startTestHub(dataDir, { storage: { minFreeBytes: 1024 * 1024, probeIntervalMs: 60_000 } });
    try {
      expect((await h.api("GET", "/api/tokens")).status).toBe(200);
      fs.fill();
      expect(h.hub.storage.ok).toBe(true);
      // Enough rows that SQLite needs pages the full disk cannot give.
      const devices = Array.from({ length: 2000 }, (_, i) => ({ id: `dev-api-${i}`, variant: "sc-x1", site: "s".repeat(200) }));
      const write = await h.api<{ error: { code: string; message: string } }>("POST", "/api/devices/import", { devices });
      expect(write.status, JSON.stringify(write.body)).toBe(507);
      expect(write.body.error.code).toBe("insufficient_storage");
      expect(write.body.error.message).toMatch(/cannot write to its data dir \((SQLITE_FULL|ENOSPC)/);
      expect(h.hub.storage.ok).toBe(false);
      // Refused up front now, reads served.
      expect((await h.api("POST", "/api/devices", { id: "dev-one", variant: "sc-x1" })).status).toBe(507);
      expect((await h.api("GET", "/api/tokens")).status).toBe(200);
      expect((await h.api("GET", "/api/devices")).status).toBe(200);
      const metrics = await h.hub.metrics.registry.getSingleMetricAsString("verge_storage_refused_writes_total");
      expect(metrics).toMatch(/source="api"} [1-9]/);
    } finally {
      fs.drain();
      await h.stop();
    }
  });

  it("a device's publish that cannot be stored is refused; a will of a client gone before a restart is kept and stored once storage recovers", async () => {
    const dataDir = join(fs.dir, "wills");
    const h = await startTestHub(dataDir, { storage: { minFreeBytes: 1024 * 1024, probeIntervalMs: 60_000 } });
    try {
      const dev = await enroll(h, "dev-will");
      const ingest = new TelemetryIngest(h.hub.repos.devices, h.hub.repos.telemetry, h.hub.repos.rollouts, h.hub.metrics, testLogger("ingest"));
      const stored: string[] = [];
      const committer = new TelemetryCommitter(h.hub.db, ingest, h.hub.storage, (outcomes) => stored.push(...outcomes.map((o) => o.result)), testLogger("commit"), Date.now);
      committer.start();
      const status = (payload: string) => ({ cmd: "publish", topic: topics.status(dev.id), payload: Buffer.from(payload), qos: 1, retain: true, dup: false }) as unknown as PublishPacket;
      committer.commit(dev.id, status("online"));
      expect(h.hub.repos.devices.get(dev.id)?.online).toBe(true);

      // An empty WAL on a full disk: the next write needs space it cannot get.
      h.hub.db.pragma("wal_checkpoint(TRUNCATE)");
      fs.fill();
      const heartbeat = { cmd: "publish", topic: topics.up(dev.id, "heartbeat"), payload: Buffer.from(pb.Heartbeat.encode({ deviceId: dev.id, seq: 1, eventTime: Date.now(), uptimeS: 1 }).finish()), qos: 1, retain: false, dup: false } as unknown as PublishPacket;
      expect(() => committer.commit(dev.id, heartbeat)).toThrow(TelemetryNotStoredError);
      expect(h.hub.storage.ok).toBe(false);
      // Aedes' will sweep (clientId null): not refused, kept.
      expect(() => committer.commit(null, status("offline"))).not.toThrow();
      expect(committer.deferred).toBe(1);
      expect(h.hub.repos.devices.get(dev.id)?.online).toBe(true);

      fs.drain();
      expect(h.hub.storage.probe()).toBe(true);
      expect(committer.deferred).toBe(0);
      expect(h.hub.repos.devices.get(dev.id)?.online).toBe(false);
      await waitFor("the post-ingest step ran", () => stored.includes("status") && stored.length === 2);
    } finally {
      fs.drain();
      await h.stop();
    }
  });

  it("session ingest (broker running alone): what could not be stored is not acknowledged and is delivered again after space returns", async () => {
    const dataDir = join(fs.dir, "session");
    // Start threshold low: the filesystem is small.
    const h = await startTestHub(dataDir, { storage: { minFreeBytes: 1024 * 1024, probeIntervalMs: 100 } });
    const credentials = SqliteCredentialStore.open(h.hub.dbFile);
    const broker = await startBroker({ host: "127.0.0.1", port: 0, persistence: { kind: "memory" }, credentials, logger: testLogger("alone") });
    const ingest = new TelemetryIngest(h.hub.repos.devices, h.hub.repos.telemetry, h.hub.repos.rollouts, h.hub.metrics, testLogger("ingest"));
    const session = new HubMqttClient(
      { url: broker.url, password: readFileSync(join(dataDir, "keys", "hub-mqtt.secret"), "utf8").trim(), logger: testLogger("session"), telemetry: "session", storage: h.hub.storage },
      h.hub.db,
      ingest,
      () => undefined,
      Date.now,
    );
    const dev = await enroll(h, "dev-alone");
    const device = new TelemetryDevice(dev.id, dev.secret, broker.url);
    const stored = () => (h.hub.db.prepare("SELECT seq FROM heartbeats WHERE device_id = ? ORDER BY seq").all(dev.id) as Array<{ seq: number }>).map((r) => r.seq);
    try {
      await session.start();
      let connects = 1;
      session.raw.on("connect", () => connects++);
      device.sendUpTo(20);
      await waitFor("the first heartbeats stored", () => stored().length === 20);

      fs.fill();
      // A broker running alone acknowledges at receipt: the device is done, the hub's session holds the rest.
      device.sendUpTo(60);
      await waitFor("the device's heartbeats taken by the broker", () => device.done);
      await waitFor("storage unhealthy", () => !h.hub.storage.ok);
      expect(stored().length).toBeLessThan(60);

      fs.drain();
      await waitFor("every heartbeat stored after the session resumed", () => stored().length === 60, 30_000);
      expect(stored()).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(connects).toBeGreaterThan(1);
    } finally {
      await device.stop();
      await session.stop();
      await broker.close();
      credentials.close();
      await h.stop();
    }
  });
});
