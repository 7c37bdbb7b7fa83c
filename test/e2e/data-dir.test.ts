// The hub's data dir (issue 14 item 9): one hub per data dir (a lock file with the pid, stale locks taken over),
// private modes (0700 dir, 0600 database files), and a graceful stop with devices connected that logs no error.
// The built verge-hub, each in its own process.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DATA_DIR_IN_USE_EXIT_CODE } from "../../hub/data-dir.js";
import { vergeHub } from "../helpers/cli.js";
import { startHubProcess } from "../helpers/hub-process.js";
import type { HubProcess } from "../helpers/hub-process.js";
import { TelemetryDevice } from "../helpers/telemetry-device.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function setup(): { dataDir: string; configFile: string; config: Record<string, unknown> } {
  const t = tempDir("verge-datadir-");
  cleanups.push(t.cleanup);
  const dataDir = join(t.dir, "data");
  return { dataDir, configFile: join(t.dir, "hub.yaml"), config: { dataDir, mqtt: { persistence: "level" } } };
}

async function start(configFile: string, config: Record<string, unknown>, token?: string): Promise<HubProcess> {
  const hub = await startHubProcess(configFile, config, token);
  cleanups.push(() => hub.stop());
  return hub;
}

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe("verge-hub data dir", () => {
  it("refuses a second hub on the same data dir with the first one's pid and exit code 3, and frees the dir at stop", async () => {
    const { dataDir, configFile, config } = setup();
    const first = await start(configFile, config);
    const lockFile = join(dataDir, "hub.lock");
    expect(readFileSync(lockFile, "utf8").trim()).toBe(String(first.child.pid));

    const second = await vergeHub(["--config", configFile], {});
    expect(second.code).toBe(DATA_DIR_IN_USE_EXIT_CODE);
    expect(second.stderr).toContain(`verge-hub: could not start: data dir ${dataDir} in use by pid ${first.child.pid} (lock ${lockFile})`);
    expect(second.stderr).not.toContain("Iterator is not open");
    // The first hub is untouched.
    expect((await first.api("GET", "/api/devices")).status).toBe(200);
    expect(readFileSync(lockFile, "utf8").trim()).toBe(String(first.child.pid));

    expect(await first.stop()).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    const again = await start(configFile, config, first.token);
    expect((await again.api("GET", "/api/devices")).status).toBe(200);
  });

  it("takes over a stale lock left by a hub that died (kill -9, power cut)", async () => {
    const { dataDir, configFile, config } = setup();
    mkdirSync(dataDir, { recursive: true });
    // The pid of a process that has exited: nobody holds the lock.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(join(dataDir, "hub.lock"), `${dead.stdout}\n`);
    const hub = await start(configFile, config);
    expect(readFileSync(join(dataDir, "hub.lock"), "utf8").trim()).toBe(String(hub.child.pid));
    expect((await hub.api("GET", "/api/devices")).status).toBe(200);
  });

  it("keeps the data dir 0700 and the database, its -wal and -shm, keys and token 0600, also for a dir an older hub left 0755/0644", async () => {
    const { dataDir, configFile, config } = setup();
    const hub = await start(configFile, config);
    expect(mode(dataDir)).toBe("700");
    for (const f of ["verge.db", "verge.db-wal", "verge.db-shm", "bootstrap-admin.token", "keys/hub.key", "keys/release.key", "keys/hub-mqtt.secret"]) {
      expect(mode(join(dataDir, f)), f).toBe("600");
    }
    expect(await hub.stop()).toBe(0);

    // What an older hub left behind.
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "verge.db"), 0o644);
    const again = await start(configFile, config, hub.token);
    expect(mode(dataDir)).toBe("700");
    for (const f of ["verge.db", "verge.db-wal", "verge.db-shm"]) expect(mode(join(dataDir, f)), f).toBe("600");
    expect((await again.api("GET", "/api/devices")).status).toBe(200);
  });

  it("stops on SIGTERM with devices publishing, exit 0, and no error in its log (no 'write after end')", async () => {
    const { configFile, config } = setup();
    const hub = await start(configFile, { ...config, logLevel: "info" });
    const devices: TelemetryDevice[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `dev-stop-${i}`;
      const res = await hub.api<{ secret: string }>("POST", "/api/devices", { id, variant: "sc-x1" });
      expect(res.status).toBe(201);
      const d = new TelemetryDevice(id, res.body.secret, hub.mqttUrl);
      cleanups.push(() => d.stop());
      devices.push(d);
      d.sendUpTo(100_000);
    }
    await waitFor("telemetry flowing", () => devices.every((d) => d.acked.size >= 20), 30_000);
    expect(await hub.stop()).toBe(0);
    const errors = hub
      .output()
      .split("\n")
      .filter((l) => /"level":(50|60)/.test(l) || l.includes("write after end"));
    expect(errors).toEqual([]);
    expect(hub.output()).toContain('"msg":"stopped"');
  });
});
