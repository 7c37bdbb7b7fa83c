// The built binaries as a person runs them: `verge-hub` (what `npm start` runs) and the `verge` CLI.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../device-agent/config.js";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import { startTestHub } from "../helpers/hub.js";
import { tempDir, testLogger, waitFor } from "../helpers/wait.js";
import { verge, vergeHub } from "../helpers/cli.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe("verge CLI", () => {
  it("enrolls a device, creates a release from a file, rolls it out and shows its status, in tables and JSON", async () => {
    const t = tempDir("verge-cli-");
    cleanups.push(t.cleanup);
    const h = await startTestHub(join(t.dir, "hub"));
    cleanups.push(() => h.stop());
    const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken };

    const configFile = join(t.dir, "cli-1.yaml");
    const add = await verge(["device", "add", "cli-1", "--variant", "sc-x1", "--site", "site-7", "--agent-config", configFile], env);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("device cli-1 enrolled (variant sc-x1)");
    expect(add.stdout).toMatch(/MQTT secret \(shown once\): \S{43}/);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);

    const artifact = join(t.dir, "app-1.0.0.bin");
    const bytes = randomBytes(200_000);
    writeFileSync(artifact, bytes);
    const rel = await verge(["release", "create", "--version", "1.0.0", "--variant", "sc-x1", "--file", artifact], env);
    expect(rel.code).toBe(0);
    expect(rel.stdout).toMatch(/release rel-1\.0\.0\s+version 1\.0\.0\s+counter 1/);
    expect(rel.stdout).toMatch(/app\s+1\.0\.0\s+195\.3 KiB/);

    // the agent runs from the config file the CLI wrote (with a local data dir)
    const loaded = loadAgentConfig(configFile);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const agent: Agent = await startAgent({ ...loaded.config, dataDir: join(t.dir, "dev"), heartbeatIntervalS: 1, logLevel: "silent" }, { logger: testLogger() });
    cleanups.push(() => agent.stop());

    const ro = await verge(["rollout", "create", "--release", "rel-1.0.0", "--device", "cli-1", "--id", "ro-cli"], env);
    expect(ro.code).toBe(0);
    expect(ro.stdout).toContain("rollout ro-cli created: release rel-1.0.0 (1.0.0) to 1 device(s)");

    // The rollout completes at the evaluation after the device's `activated` (telemetry-triggered evaluations are
    // folded), so wait for both rather than read the table as soon as the device is activated.
    await waitFor("activated and completed", async () => {
      const s = await verge(["rollout", "status", "ro-cli", "-o", "json"], env);
      if (s.code !== 0) return false;
      const view = JSON.parse(s.stdout) as { rollout: { status: string }; progress: { activated: number } };
      return view.progress.activated === 1 && view.rollout.status === "completed";
    });
    const table = await verge(["rollout", "status", "ro-cli"], env);
    expect(table.stdout).toMatch(/rollout ro-cli\s+release rel-1\.0\.0 \(1\.0\.0\)\s+status completed/);
    expect(table.stdout).toContain("activated 1/1");
    expect(table.stdout).toMatch(/cli-1\s+all\s+activated/);
    expect(readFileSync(join(t.dir, "dev", "current", "app")).equals(bytes)).toBe(true);

    const list = await verge(["device", "list", "-o", "json"], env);
    expect((JSON.parse(list.stdout) as { devices: Array<{ id: string; currentReleaseId: string }> }).devices[0]).toMatchObject({
      id: "cli-1",
      currentReleaseId: "rel-1.0.0",
      deploymentState: "activated",
      online: true,
      appVersion: "1.0.0",
    });
  });

  it("exits with codes that mean something: usage 2, unreachable 3, auth 4, not found 5", async () => {
    const t = tempDir("verge-cli-");
    cleanups.push(t.cleanup);
    const h = await startTestHub(join(t.dir, "hub"));
    cleanups.push(() => h.stop());
    const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken };

    const usage = await verge(["rollout", "create", "--device", "x"], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--release <id>' not specified");
    const notFound = await verge(["rollout", "status", "nope"], env);
    expect(notFound).toMatchObject({ code: 5, stderr: "verge: rollout nope not found [not_found]\n" });
    const noToken = await verge(["device", "list"], { VERGE_HUB_URL: h.hub.addresses.httpUrl });
    expect(noToken.code).toBe(4);
    expect(noToken.stderr).toContain("no API token");
    const badToken = await verge(["device", "list"], { ...env, VERGE_TOKEN: "vrg_000000000000_" + "x".repeat(43) });
    expect(badToken.code).toBe(4);
    const unreachable = await verge(["device", "list"], { VERGE_HUB_URL: "http://127.0.0.1:1", VERGE_TOKEN: h.adminToken });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain("cannot reach the hub at http://127.0.0.1:1");
  });
});

describe("verge-hub (npm start)", () => {
  /** `command` (the built hub, maybe under a wrapper) on a fresh data dir and free ports; resolves at its banner. */
  async function startHubProcess([bin, ...args]: string[], logLevel: string) {
    const t = tempDir("verge-start-");
    cleanups.push(t.cleanup);
    const child = spawn(bin!, args, {
      env: { PATH: process.env.PATH, VERGE_DATA_DIR: join(t.dir, "data"), VERGE_MQTT_PORT: "0", VERGE_HTTP_PORT: "0", VERGE_LOG_LEVEL: logLevel },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => {
      child.kill("SIGKILL");
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor("banner", () => out.includes("Ctrl-C stops the hub."));
    return { t, child, out };
  }

  it("prints the MQTT and HTTP addresses, the data dir and a bootstrap admin token, serves, and stops cleanly on Ctrl-C", async () => {
    const { t, child, out } = await startHubProcess([process.execPath, "dist/hub/main.js"], "warn");
    const http = /HTTP API\s+(http:\/\/\S+)\/api/.exec(out)?.[1];
    expect(out).toMatch(/MQTT broker\s+mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain(`data dir      ${join(t.dir, "data")}`);
    const token = /Bootstrap admin token[^\n]*\n\s+(vrg_\S+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    expect(readFileSync(join(t.dir, "data", "bootstrap-admin.token"), "utf8").trim()).toBe(token);
    expect(statSync(join(t.dir, "data", "verge.db")).size).toBeGreaterThan(0);
    const devices = await fetch(`${http}/api/devices`, { headers: { authorization: `Bearer ${token}` } });
    expect(devices.status).toBe(200);

    const exit = new Promise<number | string | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
  });

  it("warns at start when the open-file limit is too low for the fleet, and says how to raise it", async () => {
    // 1,000 files: below the hub's own 1,024 even before any device (prlimit sets this process's limit only)
    const { child, out } = await startHubProcess(["prlimit", "--nofile=1000", process.execPath, "dist/hub/main.js"], "error");
    expect(out).toContain("WARNING: the open-file limit (1000) is below what 0 enrolled device(s) can need (1024");
    expect(out).toContain("LimitNOFILE=");
    const exit = new Promise<number | string | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
  });

  it("refuses a bad config with every problem listed and exit code 2", async () => {
    const t = tempDir("verge-start-");
    cleanups.push(t.cleanup);
    const file = join(t.dir, "hub.yaml");
    writeFileSync(file, "mqtt:\n  port: 99999\n  persistence: tape\n");
    const run = await vergeHub(["--config", file], { VERGE_HTTP_PORT: "http" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("VERGE_HTTP_PORT: expected a whole number");
    expect(run.stderr).toContain("mqtt.port:");
    expect(run.stderr).toContain("mqtt.persistence:");
  });
});
