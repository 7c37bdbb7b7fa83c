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
    let child: ChildProcess | undefined;
    const run = () => {
      child = spawn(process.execPath, ["dist/device-agent/main.js", "--config", configFile], { stdio: ["ignore", "ignore", "inherit"] });
      return child;
    };
    cleanups.push(() => {
      child?.kill("SIGKILL");
    });

    const size = 1024 * 1024;
    const bytes = randomBytes(size);
    const sha = await release(h, "rel-k", bytes);
    run();
    await waitFor("agent online", () => h.hub.repos.devices.get("k-1")?.online === true);
    await h.api("POST", "/api/rollouts", { id: "ro-kill", releaseId: "rel-k", devices: ["k-1"] });
    const part = join(dataDir, "downloads", `${sha}.part`);
    await waitFor("a quarter of the artifact on disk", () => existsSync(part) && statSync(part).size >= size / 4);

    const killed = child!;
    const exited = new Promise((resolve) => killed.once("exit", resolve));
    killed.kill("SIGKILL");
    await exited;
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
});
