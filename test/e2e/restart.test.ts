// Restarts in the middle of a rollout: the hub (same data dir, same ports) and an agent process killed with SIGKILL.
// Nothing a device reported is lost or stored twice; a killed download resumes from its last byte.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { startTestAgent, stateNames, testAgentConfig, writeAgentConfig } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import type { TcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** The built agent run as a process (`run`), which `kill` stops with SIGKILL, as a power cut would; killed after the test. */
function agentProcessOf(configFile: string): { run: () => void; kill: () => Promise<void> } {
  let child: ChildProcess | undefined;
  cleanups.push(() => {
    child?.kill("SIGKILL");
  });
  return {
    run: () => {
      child = spawn(process.execPath, ["dist/device-agent/main.js", "--config", configFile], { stdio: ["ignore", "ignore", "inherit"] });
    },
    kill: async () => {
      const killed = child!;
      const exited = new Promise((resolve) => killed.once("exit", resolve));
      killed.kill("SIGKILL");
      await exited;
    },
  };
}

async function release(h: TestHub, id: string, bytes: Buffer): Promise<string> {
  const sha = await h.upload(bytes);
  const res = await h.api("POST", "/api/releases", { id, version: id, variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
  expect(res.status).toBe(201);
  return sha;
}

describe("restarts mid-rollout", () => {
  it("the hub stopped and started again on the same data dir: the rollout completes, no transition lost or stored twice", async () => {
    const t = tempDir("verge-restart-");
    cleanups.push(t.cleanup);
    const dataDir = join(t.dir, "hub");
    let h = await startTestHub(dataDir, { mqtt: { persistence: "level" } });
    const hubRef = { current: h };
    cleanups.push(() => hubRef.current.stop());
    const ports = { mqtt: h.hub.broker.port, http: Number(new URL(h.hub.addresses.httpUrl).port) };
    // Downloads go through a proxy that holds them, so the rollout is caught mid-way when the hub goes down.
    const proxy = await startTcpProxy(ports.http);
    cleanups.push(() => proxy.close());
    proxy.hold();

    const agents: TestAgent[] = [];
    cleanups.push(() => Promise.all(agents.map((a) => a.agent.stop())).then(() => undefined));
    for (const id of ["r-1", "r-2", "r-3"]) agents.push(await startTestAgent(h, t.dir, id, { httpUrl: proxy.url("http") }));
    const bytes = randomBytes(256 * 1024);
    await release(h, "rel-r", bytes);
    expect((await h.api("POST", "/api/rollouts", { id: "ro-restart", releaseId: "rel-r", devices: agents.map((a) => a.id) })).status).toBe(201);
    await waitFor("every device downloading, as stored by the hub", () =>
      agents.every((a) => h.hub.repos.rollouts.devices("ro-restart").find((d) => d.deviceId === a.id)?.state === "downloading"),
    );

    await h.stop();
    h = await startTestHub(dataDir, { mqtt: { persistence: "level", port: ports.mqtt }, http: { port: ports.http } }, h.adminToken);
    hubRef.current = h;
    proxy.open();

    const status = await waitFor(
      "rollout completed after the restart",
      async () => {
        const res = await h.api<{ rollout: { status: string }; progress: { activated: number; total: number } }>("GET", "/api/rollouts/ro-restart");
        return res.body.rollout.status === "completed" && res.body;
      },
      30_000,
    );
    expect(status.progress).toMatchObject({ activated: 3, total: 3 });
    for (const a of agents) {
      expect(readFileSync(join(a.dataDir, "current", "app")).equals(bytes)).toBe(true);
      const stored = h.hub.repos.telemetry.transitions(a.id, "ro-restart");
      const emitted = a.transitions.filter((x) => x.rolloutId === "ro-restart");
      expect(stored.map((x) => x.seq)).toEqual(emitted.map((x) => x.seq)); // none lost, none twice, in order
      expect(stateNames(stored)).toEqual(["pending", "downloading", "verified", "activated"]);
    }
  });

  it("an agent process killed mid-download resumes from its part file after restart and completes", async () => {
    const t = tempDir("verge-kill-");
    cleanups.push(t.cleanup);
    const h = await startTestHub(join(t.dir, "hub"));
    cleanups.push(() => h.stop());
    const proxy: TcpProxy = await startTcpProxy(Number(new URL(h.hub.addresses.httpUrl).port));
    cleanups.push(() => proxy.close());
    proxy.throttle(256 * 1024); // bytes per second: the 1 MiB download takes about four seconds

    const { agentConfig } = await enroll(h, "k-1");
    const dataDir = join(t.dir, "k-1");
    mkdirSync(dataDir);
    const configFile = join(t.dir, "k-1.yaml");
    writeAgentConfig(configFile, testAgentConfig(agentConfig, dataDir, { httpUrl: proxy.url("http") }));
    const agentProcess = agentProcessOf(configFile);
    const run = agentProcess.run;

    const size = 1024 * 1024;
    const bytes = randomBytes(size);
    const sha = await release(h, "rel-k", bytes);
    run();
    await waitFor("agent online", () => h.hub.repos.devices.get("k-1")?.online === true);
    await h.api("POST", "/api/rollouts", { id: "ro-kill", releaseId: "rel-k", devices: ["k-1"] });
    const part = join(dataDir, "downloads", `${sha}.part`);
    await waitFor("a quarter of the artifact on disk", () => existsSync(part) && statSync(part).size >= size / 4);

    await agentProcess.kill();
    const partSize = statSync(part).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(size);
    expect(existsSync(join(dataDir, "current", "app"))).toBe(false);

    run();
    await waitFor(
      "rollout completed",
      async () => (await h.api<{ rollout: { status: string } }>("GET", "/api/rollouts/ro-kill")).body.rollout.status === "completed",
      30_000,
    );
    expect(h.hub.repos.rollouts.devices("ro-kill")[0]).toMatchObject({ state: "activated" });
    expect(readFileSync(join(dataDir, "current", "app")).equals(bytes)).toBe(true);
    expect(readlinkSync(join(dataDir, "current"))).toMatch(/slots\/b$/);
    // resumed, not restarted: the proxy carried little more than one artifact's worth of bytes
    expect(proxy.bytesDown()).toBeLessThan(size * 1.5);
    expect(stateNames(h.hub.repos.telemetry.transitions("k-1", "ro-kill")).slice(-2)).toEqual(["verified", "activated"]);
  });
  it("an agent process killed mid-activation (after the switch, during the health check): after restart it finishes, the slots agree, activated is reported once", async () => {
    const t = tempDir("verge-kill-act-");
    cleanups.push(t.cleanup);
    const h = await startTestHub(join(t.dir, "hub"));
    cleanups.push(() => h.stop());
    const { agentConfig } = await enroll(h, "k-2");
    const dataDir = join(t.dir, "k-2");
    mkdirSync(dataDir);
    // The application's health check: the first run hangs (the power goes while it runs), later runs pass.
    const marker = join(t.dir, "health-ran");
    const script = `const fs = require("node:fs"); if (fs.existsSync(${JSON.stringify(marker)})) process.exit(0); fs.writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const configFile = join(t.dir, "k-2.yaml");
    writeAgentConfig(
      configFile,
      testAgentConfig(agentConfig, dataDir, { extraConfig: { healthCheck: { command: process.execPath, args: ["-e", script], timeoutMs: 60_000, intervalS: 1, spanS: 120 } } }),
    );
    const agentProcess = agentProcessOf(configFile);
    const run = agentProcess.run;

    const bytes = randomBytes(64 * 1024);
    await release(h, "rel-a", bytes);
    run();
    await waitFor("agent online", () => h.hub.repos.devices.get("k-2")?.online === true);
    await h.api("POST", "/api/rollouts", { id: "ro-act", releaseId: "rel-a", devices: ["k-2"] });
    await waitFor("the health check running on the new slot", () => existsSync(marker), 30_000);
    // switched but not committed: current points at the new slot, the committed slot is still the old one
    expect(readlinkSync(join(dataDir, "current"))).toMatch(/slots\/b$/);
    const committed = join(dataDir, "slots", "committed");
    expect(existsSync(committed) ? readFileSync(committed, "utf8").trim() : "none").not.toBe("b");

    await agentProcess.kill();
    // the health-check run it had started is an orphan now (on a device the power cut took it too)
    const orphan = Number(readFileSync(marker, "utf8"));
    cleanups.push(() => {
      try {
        process.kill(orphan, "SIGKILL");
      } catch {
        /* already gone */
      }
    });

    run();
    await waitFor("rollout completed", () => h.hub.repos.rollouts.get("ro-act")?.status === "completed", 30_000);
    // the slots agree with each other and with what the hub was told
    expect(readlinkSync(join(dataDir, "current"))).toMatch(/slots\/b$/);
    expect(readFileSync(committed, "utf8").trim()).toBe("b");
    expect(readFileSync(join(dataDir, "current", "app")).equals(bytes)).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, "slots", "b", "release.json"), "utf8"))).toMatchObject({ releaseId: "rel-a" });
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")) as { installed: { currentReleaseId: string }; deployment: { state: string; activation: unknown } };
    expect(state.installed.currentReleaseId).toBe("rel-a");
    expect(state.deployment).toMatchObject({ state: "activated", activation: null });
    // the outcome reported once, after one verified, in seq order
    const held = h.hub.repos.telemetry.transitions("k-2", "ro-act");
    expect(stateNames(held)).toEqual(["pending", "downloading", "verified", "activated"]);
    expect(held.filter((x) => x.state === "activated")).toHaveLength(1);
    expect(held.find((x) => x.state === "activated")?.detail).toContain("from slot b");
  }, 90_000);
});
