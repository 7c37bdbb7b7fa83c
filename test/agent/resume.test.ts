// The agent's download on a flaky link, against a real broker and artifact server: the TCP proxy cuts the artifact
// connection every 256 KB, and the disk-space check refuses a release that does not fit (free space injected).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent, AgentDeps } from "../../device-agent/agent.js";
import type { AgentConfig } from "../../device-agent/config.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import type { TcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, testLogger, waitFor } from "../helpers/wait.js";
import { ArtifactServer, TestHub, appManifest, installDesired, startBroker } from "./harness.js";
import type { TestBroker } from "./harness.js";

const DEVICE = "sc-0001";

let broker: TestBroker;
let artifacts: ArtifactServer;
let hub: TestHub;
let proxy: TcpProxy;
let cleanups: (() => void | Promise<void>)[];
let agents: Agent[];
let dataDir: string;
let config: AgentConfig;

beforeEach(async () => {
  cleanups = [];
  agents = [];
  const files = tempDir("verge-artifacts-");
  const data = tempDir("verge-agent-");
  cleanups.push(files.cleanup, data.cleanup);
  dataDir = data.dir;
  broker = await startBroker();
  artifacts = await new ArtifactServer(files.dir).start();
  proxy = await startTcpProxy(Number(new URL(artifacts.baseUrl).port));
  hub = await new TestHub(broker.url).start();
  config = hub.agentConfig({ deviceId: DEVICE, dataDir, mqttUrl: broker.url, httpUrl: proxy.url("http") });
  config = { ...config, download: { retryMinMs: 5, retryMaxMs: 100, maxAttempts: 0 } };
});

afterEach(async () => {
  for (const agent of agents) await agent.stop({ abrupt: true });
  await proxy.close();
  await hub.close();
  await artifacts.close();
  await broker.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function start(deps: Partial<AgentDeps> = {}): Promise<Agent> {
  const agent = await startAgent(config, { logger: testLogger("agent"), ...deps });
  agents.push(agent);
  return agent;
}

describe("agent: downloads on a flaky link", () => {
  it("activates an 8 MB release through a cut every 256 KB, fetching each byte about once", async () => {
    const app = artifacts.add(randomBytes(8 * 1024 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    proxy.cutEvery(256 * 1024);
    await start();
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    await waitFor(`${DEVICE} activated`, () => hub.states(DEVICE, "rel-2").includes("activated"), 60_000);
    expect(readFileSync(join(dataDir, "current", "app")).equals(app.bytes)).toBe(true);
    expect(proxy.cuts()).toBeGreaterThanOrEqual(31);
    expect(proxy.bytesDown()).toBeLessThanOrEqual(app.size * 1.05);
    const states = hub.states(DEVICE, "rel-2");
    expect(states[0]).toBe("pending");
    expect(states.slice(-2)).toEqual(["verified", "activated"]);
    // Progress rides on downloading -> downloading at a sensible rate: a handful, not one per cut.
    const progress = hub.transitions
      .filter((t) => t.deviceId === DEVICE && t.releaseId === "rel-2" && t.bytesTotal === app.size)
      .map((t) => Number(t.bytesDone));
    expect(progress.every((b, i) => i === 0 || b >= (progress[i - 1] ?? 0))).toBe(true);
    expect(states.filter((s) => s === "downloading").length).toBeLessThanOrEqual(10);
  }, 90_000);

  it("fails with disk_full, before any byte, when the release does not fit", async () => {
    const app = artifacts.add(randomBytes(256 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    await start({ freeBytes: () => Promise.resolve(100_000) });
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    await waitFor(`${DEVICE} failed`, () => hub.states(DEVICE, "rel-2").includes("failed"));
    expect(hub.last(DEVICE)).toMatchObject({ releaseId: "rel-2", reason: "disk_full" });
    expect(hub.last(DEVICE)?.detail).toContain(`need ${app.size} bytes`);
    expect(hub.last(DEVICE)?.detail).toContain("100000 bytes free");
    expect(hub.states(DEVICE, "rel-2")).toEqual(["pending", "failed"]);
    expect(proxy.connections()).toBe(0);
  });
});
