// Activation through the update module: a failing integrity check of the new slot, and a power cut between switch and
// commit. The application's health check (retries over a span, the command) is in health-check.test.ts.
import { randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pb } from "../../proto/index.js";
import { AbDirModule } from "../../device-agent/ab-dir-module.js";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import type { AgentConfig } from "../../device-agent/config.js";
import type { InstallRelease, StepResult, UpdateModule } from "../../device-agent/update-module.js";
import { tempDir, testLogger, waitFor } from "../helpers/wait.js";
import { ArtifactServer, TestHub, appManifest, installDesired, startBroker } from "./harness.js";
import type { TestBroker } from "./harness.js";

const DEVICE = "sc-0002";

/** The A/B module with a health check the test controls. */
class FaultyModule extends AbDirModule {
  onHealthCheck: () => StepResult = () => ({ ok: true });
  commits = 0;
  override async healthCheck(slot: string, release: InstallRelease): Promise<StepResult> {
    const result = this.onHealthCheck();
    return result.ok ? super.healthCheck(slot, release) : result;
  }
  override commit(slot: string): Promise<StepResult> {
    this.commits++;
    return super.commit(slot);
  }
}

let broker: TestBroker;
let artifacts: ArtifactServer;
let hub: TestHub;
let cleanups: (() => void)[];
let agents: Agent[];
let dataDir: string;
let config: AgentConfig;

beforeEach(async () => {
  const files = tempDir("verge-artifacts-");
  const data = tempDir("verge-agent-");
  cleanups = [files.cleanup, data.cleanup];
  agents = [];
  dataDir = data.dir;
  broker = await startBroker();
  artifacts = await new ArtifactServer(files.dir).start();
  hub = await new TestHub(broker.url).start();
  config = hub.agentConfig({ deviceId: DEVICE, dataDir, mqttUrl: broker.url, httpUrl: artifacts.baseUrl });
});

afterEach(async () => {
  for (const agent of agents) await agent.stop({ abrupt: true });
  await hub.close();
  await artifacts.close();
  await broker.close();
  for (const cleanup of cleanups) cleanup();
});

async function start(module?: UpdateModule): Promise<Agent> {
  // A short span: a failing check gives up quickly.
  const agent = await startAgent({ ...config, healthCheck: { ...config.healthCheck, intervalS: 0.05, spanS: 0.2 } }, { logger: testLogger("agent"), updateModule: module });
  agents.push(agent);
  return agent;
}

describe("activation", () => {
  it("switches back on its own and reports rolling_back -> rolled_back (health_check) when the new slot is unhealthy", async () => {
    const v2 = artifacts.add(randomBytes(4096));
    const v3 = artifacts.add(randomBytes(4096));
    await hub.publishManifest(appManifest("rel-2", 2, v2));
    await hub.publishManifest(appManifest("rel-3", 3, v3));
    const module = new FaultyModule(dataDir, testLogger());
    const agent = await start(module);
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
    await waitFor("rel-2 activated", () => hub.states(DEVICE, "rel-2").includes("activated"));

    let checks = 0;
    module.onHealthCheck = () => {
      checks++;
      return { ok: false, detail: "app does not answer" };
    };
    await hub.publishDesired(installDesired(DEVICE, 2, "rel-3"));
    await waitFor("rel-3 rolled back", () => hub.states(DEVICE, "rel-3").includes("rolled_back"));
    expect(hub.states(DEVICE, "rel-3")).toEqual(["pending", "downloading", "verified", "rolling_back", "rolled_back"]);
    expect(checks).toBeGreaterThan(1);
    expect(hub.transitions.find((t) => t.releaseId === "rel-3" && t.state === pb.DeploymentState.DEPLOYMENT_STATE_ROLLING_BACK)?.detail).toMatch(
      /^health check failed: app does not answer \(still failing .* s after the switch to slot a\); switching back to slot b$/,
    );
    expect(hub.last(DEVICE)).toMatchObject({ releaseId: "rel-3", reason: "health_check", detail: "running rel-2 from slot b" });
    expect(readlinkSync(join(dataDir, "current"))).toBe(join("slots", "b"));
    expect(readFileSync(join(dataDir, "current", "app")).equals(v2.bytes)).toBe(true);
    expect(agent.snapshot().installed).toMatchObject({ currentReleaseId: "rel-2", highestCounter: 2 });
  });

  it("finishes an activation cut between switch and commit after a restart", async () => {
    const v2 = artifacts.add(randomBytes(4096));
    await hub.publishManifest(appManifest("rel-2", 2, v2));
    const crashing = new FaultyModule(dataDir, testLogger());
    crashing.onHealthCheck = () => {
      throw new Error("power cut");
    };
    const first = await start(crashing);
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
    await waitFor("switched to slot b", () => readlinkSync(join(dataDir, "current")) === join("slots", "b"));
    await waitFor("activation recorded", () => first.snapshot().deployment?.activation?.toSlot === "b");
    await first.stop({ abrupt: true });
    expect(hub.states(DEVICE)).not.toContain("activated");
    expect(crashing.commits).toBe(0);

    const module = new FaultyModule(dataDir, testLogger());
    const second = await start(module);
    await waitFor("activated after restart", () => hub.states(DEVICE).includes("activated"));
    expect(module.commits).toBe(1);
    expect(readFileSync(join(dataDir, "current", "app")).equals(v2.bytes)).toBe(true);
    expect(second.snapshot().deployment).toMatchObject({ state: "activated", activation: null });
    expect(second.snapshot().installed.currentReleaseId).toBe("rel-2");
    expect(artifacts.bytesServed).toBe(v2.size);
  });
});
