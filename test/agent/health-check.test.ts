// The health check after the switch to a new slot: retried over a span, switching back on the device's own when it
// still fails (no hub needed), the `command` check, and a restart in the middle of the span.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { verge } from "../../proto/index.js";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import type { AgentConfig, HealthCheckConfig } from "../../device-agent/config.js";
import type { HealthCheck, HealthCheckTarget, HealthVerdict } from "../../device-agent/health-check.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import type { TcpProxy } from "../helpers/tcp-proxy.js";
import { testLogger, waitFor, waitForEvent } from "../helpers/wait.js";
import { appManifest, installDesired, stateName, useAgentFixture } from "./harness.js";
import type { Artifact, ArtifactServer, TestBroker, TestHub } from "./harness.js";

const DEVICE = "sc-0003";
/** Fast retries for tests; states are awaited, never slept for. */
const FAST: Partial<HealthCheckConfig> = { intervalS: 0.05, spanS: 0.3 };

const fixture = useAgentFixture(DEVICE);
let broker: TestBroker;
let artifacts: ArtifactServer;
let hub: TestHub;
let agents: Agent[];
let dataDir: string;
let workDir: string;
let config: AgentConfig;
/** The test's own things to close (a proxy), before the fixture's. */
let cleanups: (() => void | Promise<void>)[];

beforeEach(() => {
  ({ broker, artifacts, hub, agents, dataDir, workDir, config } = fixture);
  cleanups = [];
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface StartOptions {
  healthCheck?: HealthCheck;
  health?: Partial<HealthCheckConfig>;
  now?: () => number;
  mqttUrl?: string;
}

async function start(opts: StartOptions = {}): Promise<{ agent: Agent; transitions: verge.v1.StateTransition[] }> {
  const cfg: AgentConfig = {
    ...config,
    hub: { ...config.hub, mqttUrl: opts.mqttUrl ?? config.hub.mqttUrl },
    healthCheck: { ...config.healthCheck, ...opts.health },
  };
  const agent = await startAgent(cfg, { logger: testLogger("agent"), healthCheck: opts.healthCheck, now: opts.now });
  agents.push(agent);
  const transitions: verge.v1.StateTransition[] = [];
  agent.events.on("transition", (t: verge.v1.StateTransition) => transitions.push(t));
  return { agent, transitions };
}

/** A health check answering from a script of verdicts (the last one repeats), recording what it was asked. */
function scripted(...verdicts: HealthVerdict[]): HealthCheck & { calls: HealthCheckTarget[] } {
  const calls: HealthCheckTarget[] = [];
  const check = (target: HealthCheckTarget): Promise<HealthVerdict> => {
    calls.push(target);
    return Promise.resolve(verdicts[Math.min(calls.length, verdicts.length) - 1] ?? { ok: true });
  };
  return Object.assign(check, { calls });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const unhealthy = (detail = "app does not answer on :8080"): HealthVerdict => ({ ok: false, detail });

function currentSlot(): string {
  return readlinkSync(join(dataDir, "current"));
}

function currentApp(): Buffer {
  return readFileSync(join(dataDir, "current", "app"));
}

function states(releaseId: string): string[] {
  return hub.states(DEVICE, releaseId).filter((s, i, all) => i === 0 || all[i - 1] !== s);
}

function transitionTo(releaseId: string, state: string): verge.v1.StateTransition | undefined {
  return hub.transitions.find((t) => t.deviceId === DEVICE && t.releaseId === releaseId && stateName(t.state) === state);
}

/** rel-2 installed and committed in slot b (the previous release of every failing rel-3 below). */
async function withRel2Running(): Promise<Artifact> {
  const v2 = artifacts.add(randomBytes(8 * 1024));
  await hub.publishManifest(appManifest("rel-2", 2, v2));
  await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
  await waitFor("rel-2 activated", () => states("rel-2").includes("activated"));
  return v2;
}

describe("health check: retried over the span", () => {
  it("a check failing twice then passing within the span ends activated, committed", async () => {
    const app = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    const check = scripted(unhealthy("starting"), unhealthy("starting"), { ok: true });
    const { agent } = await start({ healthCheck: check, health: { intervalS: 0.05, spanS: 30 } });
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    await waitFor("rel-2 activated", () => states("rel-2").includes("activated"));
    expect(states("rel-2")).toEqual(["pending", "downloading", "verified", "activated"]);
    expect(check.calls).toHaveLength(3);
    expect(check.calls[0]).toEqual({ releaseId: "rel-2", version: "1.2.0", slot: "b" });
    expect(currentSlot()).toBe(join("slots", "b"));
    expect(readFileSync(join(dataDir, "slots", "committed"), "utf8").trim()).toBe("b");
    expect(agent.snapshot().deployment).toMatchObject({ state: "activated", activation: null });
    expect(agent.snapshot().installed.currentReleaseId).toBe("rel-2");
  });

  it("a check still failing at the end of the span switches back on its own: rolling_back -> rolled_back, previous release running", async () => {
    const check = scripted({ ok: true }, unhealthy());
    const { agent } = await start({ healthCheck: check, health: FAST });
    const v2 = await withRel2Running();
    const v3 = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-3", 3, v3));
    await hub.publishDesired(installDesired(DEVICE, 2, "rel-3"));

    await waitFor("rel-3 rolled back", () => states("rel-3").includes("rolled_back"));
    expect(states("rel-3")).toEqual(["pending", "downloading", "verified", "rolling_back", "rolled_back"]);
    expect(check.calls.length).toBeGreaterThan(2); // retried over the span
    expect(transitionTo("rel-3", "rolling_back")).toMatchObject({ reason: "health_check", desiredSeq: 2, rolloutId: "ro-1" });
    expect(transitionTo("rel-3", "rolling_back")?.detail).toMatch(/^health check failed: app does not answer on :8080 \(still failing \d+\.\d s after the switch to slot a\); switching back to slot b$/);
    expect(transitionTo("rel-3", "rolled_back")).toMatchObject({ reason: "health_check", detail: "running rel-2 from slot b" });
    expect(currentSlot()).toBe(join("slots", "b"));
    expect(currentApp().equals(v2.bytes)).toBe(true);
    expect(readFileSync(join(dataDir, "slots", "committed"), "utf8").trim()).toBe("b");
    expect(agent.snapshot().installed).toMatchObject({ currentReleaseId: "rel-2", highestCounter: 2 });
    expect(agent.snapshot().deployment).toMatchObject({ releaseId: "rel-3", state: "rolled_back", activation: null });
    const inventory = await waitFor("inventory after the switch back", () => hub.inventories.findLast((i) => i.slots.some((s) => s.name === "a" && s.releaseId === "rel-3")));
    expect(inventory).toMatchObject({ currentReleaseId: "rel-2" });
    expect(inventory.slots.find((s) => s.active)).toMatchObject({ name: "b", releaseId: "rel-2" });
  });

  it("switches back with the link to the hub cut: no hub message needed, the hub hears of it on reconnect", async () => {
    const proxy: TcpProxy = await startTcpProxy(Number(new URL(broker.url).port));
    cleanups.push(() => proxy.close());
    // The first check of rel-3 waits until the test has cut the link; every check of rel-3 fails.
    let cutDone!: () => void;
    const linkCut = new Promise<void>((resolve) => (cutDone = resolve));
    const calls: HealthCheckTarget[] = [];
    const check: HealthCheck = async (target) => {
      calls.push(target);
      if (target.releaseId !== "rel-3") return { ok: true };
      await linkCut;
      return unhealthy("no detector frames for 30 s");
    };
    const { agent, transitions } = await start({ healthCheck: check, health: FAST, mqttUrl: proxy.url("mqtt") });
    const v2 = await withRel2Running();
    const v3 = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-3", 3, v3));
    await hub.publishDesired(installDesired(DEVICE, 2, "rel-3"));
    await waitFor("first check of rel-3", () => calls.some((c) => c.releaseId === "rel-3"));

    proxy.hold();
    proxy.cutAll();
    await waitFor("broker saw the device go (will)", () => hub.status.at(-1) === "offline");
    const seenByHub = hub.transitions.length;
    cutDone();

    await waitForEvent(agent.events, "transition", (t: verge.v1.StateTransition) => stateName(t.state) === "rolled_back");
    expect(agent.snapshot().deployment).toMatchObject({ releaseId: "rel-3", state: "rolled_back", reason: "health_check", detail: "running rel-2 from slot b" });
    expect(agent.snapshot().installed.currentReleaseId).toBe("rel-2");
    expect(currentSlot()).toBe(join("slots", "b"));
    expect(currentApp().equals(v2.bytes)).toBe(true);
    // Nothing reached the hub while the device decided and switched back.
    expect(hub.transitions.length).toBe(seenByHub);
    expect(states("rel-3")).not.toContain("rolling_back");

    proxy.open();
    await waitFor("hub hears rolled_back after reconnect", () => states("rel-3").includes("rolled_back"));
    expect(states("rel-3").slice(-2)).toEqual(["rolling_back", "rolled_back"]);
    expect(transitionTo("rel-3", "rolling_back")?.detail).toContain("no detector frames for 30 s");
    expect(transitions.filter((t) => t.releaseId === "rel-3").map((t) => stateName(t.state))).toEqual([
      "pending",
      "downloading",
      "verified",
      "rolling_back",
      "rolled_back",
    ]);
  });

  it("a later desired state for the same release tries again (the deployment that rolled back is over)", async () => {
    let healthy = false;
    const check: HealthCheck = (target) => Promise.resolve(target.releaseId !== "rel-3" || healthy ? { ok: true } : unhealthy());
    const { agent } = await start({ healthCheck: check, health: FAST });
    await withRel2Running();
    const v3 = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-3", 3, v3));
    await hub.publishDesired(installDesired(DEVICE, 2, "rel-3"));
    await waitFor("rel-3 rolled back", () => states("rel-3").includes("rolled_back"));
    const served = artifacts.bytesServed;

    healthy = true; // the hub retries once the cause is fixed
    await hub.publishDesired(installDesired(DEVICE, 3, "rel-3"));
    await waitFor("rel-3 activated", () => states("rel-3").includes("activated"));
    expect(hub.transitions.filter((t) => t.desiredSeq === 3).map((t) => stateName(t.state))).toEqual(["pending", "verified", "activated"]);
    expect(artifacts.bytesServed).toBe(served); // the artifacts were still on the device
    expect(currentApp().equals(v3.bytes)).toBe(true);
    expect(agent.snapshot().installed).toMatchObject({ currentReleaseId: "rel-3", previousReleaseId: "rel-2", highestCounter: 3 });
  });
});

describe("health check: command", () => {
  const node = process.execPath;

  it("exit 0 passes; the command gets the release, version, slot and device in its environment", async () => {
    const out = join(workDir, "env.json");
    const script = `require("node:fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify({ id: process.env.VERGE_RELEASE_ID, version: process.env.VERGE_RELEASE_VERSION, slot: process.env.VERGE_SLOT, device: process.env.VERGE_DEVICE_ID }))`;
    const app = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    await start({ health: { ...FAST, command: node, args: ["-e", script] } });
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    await waitFor("rel-2 activated", () => states("rel-2").includes("activated"));
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ id: "rel-2", version: "1.2.0", slot: "b", device: DEVICE });
    expect(currentApp().equals(app.bytes)).toBe(true);
  });

  it("exit 1 fails, and the detail carries the tail of its output (at most 4 KiB)", async () => {
    const script = `process.stdout.write("x".repeat(20000) + "\\nERROR detector link down on /dev/ttyS1\\n"); process.exitCode = 1`;
    const app = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    const { agent } = await start({ health: { ...FAST, command: node, args: ["-e", script] } });
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    await waitFor("rel-2 rolled back", () => states("rel-2").includes("rolled_back"));
    const detail = transitionTo("rel-2", "rolling_back")?.detail ?? "";
    expect(detail).toMatch(new RegExp(`^health check failed: ${escape(node)} exited with code 1; output: …x+\\nERROR detector link down on /dev/ttyS1 \\(still failing`));
    expect(detail).toContain("ERROR detector link down on /dev/ttyS1");
    expect(detail.length).toBeLessThan(4096 + 400);
    expect(transitionTo("rel-2", "rolled_back")).toMatchObject({ reason: "health_check", detail: "running the factory image from slot a" });
    expect(currentSlot()).toBe(join("slots", "a"));
    expect(agent.snapshot().installed.currentReleaseId).toBe("");
  });

  it("a command that hangs is killed at timeoutMs and fails the check", async () => {
    const pidFile = join(workDir, "pid");
    const script = `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.stderr.write("waiting for the detector\\n"); setInterval(() => {}, 1000)`;
    const app = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-2", 2, app));
    // long enough for node to start and print even on a loaded machine
    await start({ health: { command: node, args: ["-e", script], timeoutMs: 3000, intervalS: 0.05, spanS: 0 } });
    const begun = Date.now();
    await hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    await waitFor("rel-2 rolled back", () => states("rel-2").includes("rolled_back"));
    expect(Date.now() - begun).toBeGreaterThanOrEqual(3000);
    expect(transitionTo("rel-2", "rolling_back")?.detail).toContain(`health check failed: ${node} no answer within 3000 ms, killed; output: waiting for the detector`);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(() => process.kill(pid, 0)).toThrow(); // gone
    expect(currentSlot()).toBe(join("slots", "a"));
  });
});

describe("health check: restart in the middle of the span", () => {
  /** rel-3 switched to, its check failing, the agent stopped mid-span; what the state file holds then. */
  async function cutMidSpan(spanS: number): Promise<{ switchedAt: number }> {
    const first = await start({ healthCheck: scripted({ ok: true }, unhealthy("still starting")), health: { intervalS: 0.05, spanS } });
    await withRel2Running();
    const v3 = artifacts.add(randomBytes(8 * 1024));
    await hub.publishManifest(appManifest("rel-3", 3, v3));
    await hub.publishDesired(installDesired(DEVICE, 2, "rel-3"));
    await waitFor("rel-3 switched to slot a and checked", () => currentSlot() === join("slots", "a") && first.agent.snapshot().deployment?.activation?.switchedAt);
    await first.agent.stop({ abrupt: true }); // a power cut: the span is not over
    const deployment = first.agent.snapshot().deployment;
    expect(deployment).toMatchObject({ releaseId: "rel-3", state: "verified", activation: { fromSlot: "b", toSlot: "a" } });
    expect(states("rel-3")).not.toContain("rolling_back");
    return { switchedAt: deployment?.activation?.switchedAt ?? 0 };
  }

  it("continues the span from the original switch, not from the restart", async () => {
    const { switchedAt } = await cutMidSpan(30);
    // The device comes back 29 s after the switch: 1 s of the span is left, not 30.
    const check = scripted(unhealthy("still starting"));
    const second = await start({ healthCheck: check, health: { intervalS: 0.05, spanS: 30 }, now: () => Date.now() + 29_000 });

    const [rolledBack] = await waitForEvent<[verge.v1.StateTransition]>(second.agent.events, "transition", (t) => stateName(t.state) === "rolled_back", 10_000);
    expect(rolledBack.eventTime - switchedAt).toBeGreaterThanOrEqual(30_000);
    expect(rolledBack.eventTime - switchedAt).toBeLessThan(30_000 + 5_000);
    expect(check.calls.length).toBeGreaterThan(1);
    expect(second.transitions.map((t) => stateName(t.state))).toEqual(["rolling_back", "rolled_back"]);
    expect(currentSlot()).toBe(join("slots", "b"));
    expect(second.agent.snapshot().installed.currentReleaseId).toBe("rel-2");
  });

  it("back after the span is over: one last check, then switches back", async () => {
    await cutMidSpan(30);
    const check = scripted(unhealthy("still starting"));
    const late = await start({ healthCheck: check, health: { intervalS: 0.05, spanS: 30 }, now: () => Date.now() + 60_000 });
    await waitForEvent(late.agent.events, "transition", (t: verge.v1.StateTransition) => stateName(t.state) === "rolled_back");
    expect(check.calls).toEqual([{ releaseId: "rel-3", version: "1.3.0", slot: "a" }]);
    expect(late.agent.snapshot().installed.currentReleaseId).toBe("rel-2");
  });

  it("a check passing after the restart commits and reports activated", async () => {
    await cutMidSpan(30);
    const check = scripted({ ok: true });
    const second = await start({ healthCheck: check, health: { intervalS: 0.05, spanS: 30 } });
    await waitForEvent(second.agent.events, "transition", (t: verge.v1.StateTransition) => stateName(t.state) === "activated");
    expect(check.calls).toHaveLength(1);
    expect(currentSlot()).toBe(join("slots", "a"));
    expect(readFileSync(join(dataDir, "slots", "committed"), "utf8").trim()).toBe("a");
    expect(second.agent.snapshot().installed).toMatchObject({ currentReleaseId: "rel-3", previousReleaseId: "rel-2" });
    await waitFor("hub hears rel-3 activated", () => states("rel-3").includes("activated"));
    expect(states("rel-3")).toEqual(["pending", "downloading", "verified", "activated"]);
  });
});
