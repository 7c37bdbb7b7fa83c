// Maintenance windows and safety checks on a real agent (real broker, artifact server, A/B slots on disk): the download
// completes before the window, activation waits for it (device clock, the window's zone), a window that closes while
// the safety check fails waits for the next one, the safety command's output is the reason, reported once per detail.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { verge } from "../../proto/index.js";
import { formatInZone, windowAt } from "../../proto/maintenance-window.js";
import type { MaintenanceWindowRule, WindowState } from "../../proto/maintenance-window.js";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import type { AgentConfig, SafetyCheckConfig } from "../../device-agent/config.js";
import type { HealthCheck } from "../../device-agent/health-check.js";
import type { SafetyCheck, SafetyCheckTarget, SafetyVerdict } from "../../device-agent/safety-check.js";
import { testLogger, waitFor, waitForEvent } from "../helpers/wait.js";
import { appManifest, installDesired, stateName, useAgentFixture } from "./harness.js";

const DEVICE = "sc-0007";

const f = useAgentFixture(DEVICE);

interface StartOptions {
  safetyCheck?: SafetyCheck;
  safety?: Partial<SafetyCheckConfig>;
  healthCheck?: HealthCheck;
  now?: () => number;
}

async function start(opts: StartOptions = {}): Promise<{ agent: Agent; transitions: verge.v1.StateTransition[] }> {
  const { config } = f;
  const cfg: AgentConfig = { ...config, safetyCheck: { ...config.safetyCheck, ...opts.safety }, healthCheck: { ...config.healthCheck, intervalS: 0.05, spanS: 5 } };
  const agent = await startAgent(cfg, { logger: testLogger("agent"), safetyCheck: opts.safetyCheck, healthCheck: opts.healthCheck, now: opts.now });
  f.agents.push(agent);
  const transitions: verge.v1.StateTransition[] = [];
  agent.events.on("transition", (t: verge.v1.StateTransition) => transitions.push(t));
  return { agent, transitions };
}

/** A daily window opening `aheadMs` from now (rounded up to a whole second), written in `timezone`'s local time. */
function dailyWindowAhead(aheadMs: number, timezone: string, durationS: number): { rule: MaintenanceWindowRule; opensAt: number } {
  const opensAt = Math.ceil((Date.now() + aheadMs) / 1000) * 1000;
  const local = /T(\d\d):(\d\d):(\d\d)/.exec(formatInZone(opensAt, timezone))!;
  const [h, m, s] = [Number(local[1]), Number(local[2]), Number(local[3])];
  return { rule: { cron: `${s} ${m} ${h} * * *`, durationS, timezone }, opensAt };
}

/**
 * The window open at `t`, or open up to 100 ms before it: the agent looks at the window, then runs the check and
 * reports, and a window may close in between (on a loaded machine, a few ms).
 */
function openWindowNear(rule: MaintenanceWindowRule, t: number): WindowState {
  const now = windowAt(rule, t);
  return now.kind === "open" ? now : windowAt(rule, t - 100);
}

function named(ts: verge.v1.StateTransition[], state: string, reason?: string): verge.v1.StateTransition[] {
  return ts.filter((t) => stateName(t.state) === state && (reason === undefined || t.reason === reason));
}

async function releaseOnServer(releaseId: string, counter: number): Promise<Buffer> {
  const app = f.artifacts.add(randomBytes(16 * 1024));
  await f.hub.publishManifest(appManifest(releaseId, counter, app));
  return app.bytes;
}

/** A safety check the test steers: fails with `detail` while it is set; records when it ran. */
function steeredSafety(detail: string | null): SafetyCheck & { detail: string | null; calls: { at: number; target: SafetyCheckTarget }[] } {
  const check = Object.assign(
    (target: SafetyCheckTarget): Promise<SafetyVerdict> => {
      check.calls.push({ at: Date.now(), target });
      return Promise.resolve(check.detail === null ? { ok: true } : { ok: false, detail: check.detail });
    },
    { detail, calls: [] as { at: number; target: SafetyCheckTarget }[] },
  );
  return check;
}

describe("maintenance window", () => {
  it("downloads and verifies before the window, reports why it waits, and activates only once the window opens in its zone", async () => {
    const bytes = await releaseOnServer("rel-2", 2);
    const { agent, transitions } = await start();
    // A daily window opening about 5 s from now, its cron written in India's local time (+05:30).
    const { rule, opensAt } = dailyWindowAhead(5000, "Asia/Kolkata", 5);
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { maintenanceWindow: rule }));

    const [held] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => t.reason === "maintenance_window");
    expect(stateName(held.fromState)).toBe("verified");
    expect(stateName(held.state)).toBe("verified");
    expect(held.detail).toBe(
      `waiting for the maintenance window "${rule.cron}" for 5 s in Asia/Kolkata: next opens ${new Date(opensAt).toISOString()} (${formatInZone(opensAt, "Asia/Kolkata")})`,
    );
    expect(held.detail).toMatch(/\+05:30\[Asia\/Kolkata\]\)$/);

    const [activated] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => stateName(t.state) === "activated", 20_000);
    // The download finished before the window; the activation began inside it.
    const verified = named(transitions, "verified")[0]!;
    expect(verified.eventTime).toBeLessThan(opensAt);
    expect(held.eventTime).toBeLessThan(opensAt);
    expect(activated.eventTime).toBeGreaterThanOrEqual(opensAt);
    expect(windowAt(rule, activated.eventTime)).toMatchObject({ kind: "open", openedAt: opensAt });
    expect(transitions.map((t) => [stateName(t.state), t.reason])).toEqual([
      ["pending", ""],
      ["downloading", ""],
      ["verified", ""],
      ["verified", "maintenance_window"],
      ["activated", ""],
    ]);
    expect(readFileSync(join(f.dataDir, "current", "app")).equals(bytes)).toBe(true);
    await waitFor("the hub holds activated", () => f.hub.states(DEVICE, "rel-2").at(-1) === "activated");
  });

  it("a window that closes while the safety check fails waits for the next one; the check runs only inside windows", async () => {
    await releaseOnServer("rel-2", 2);
    // Windows open every 4 s for 2 s (Chicago time; the zone does not matter for seconds).
    const rule: MaintenanceWindowRule = { cron: "*/4 * * * * *", durationS: 2, timezone: "America/Chicago" };
    const safety = steeredSafety("controller running incident plan 7");
    const { agent, transitions } = await start({ safetyCheck: safety, safety: { intervalS: 0.2 } });
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { maintenanceWindow: rule }));

    const [blocked] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => t.reason === "safety_check", 15_000);
    expect(blocked.detail).toBe("safety check failing: controller running incident plan 7");
    const first = openWindowNear(rule, blocked.eventTime);
    expect(first.kind).toBe("open");
    // The window closes with the check still failing: the device waits for the next one.
    const [waiting] = await waitForEvent<[verge.v1.StateTransition]>(
      agent.events,
      "transition",
      (t) => t.reason === "maintenance_window" && t.eventTime > blocked.eventTime,
      15_000,
    );
    expect(waiting.eventTime).toBeGreaterThanOrEqual(first.kind === "open" ? first.closesAt : Infinity);
    const next = windowAt(rule, waiting.eventTime);
    expect(next.kind).toBe("closed");
    const nextOpens = next.kind === "closed" ? next.opensAt : 0;
    expect(waiting.detail).toContain(`next opens ${new Date(nextOpens).toISOString()}`);
    safety.detail = null; // the incident plan ends while the window is closed
    const flippedAt = Date.now();
    const [activated] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => stateName(t.state) === "activated", 15_000);
    expect(activated.eventTime).toBeGreaterThanOrEqual(nextOpens);
    expect(activated.eventTime).toBeLessThan(nextOpens + 4000); // in the window it waited for, not a later one
    // Every check ran inside an open window, for the release about to be activated.
    for (const call of safety.calls) expect(openWindowNear(rule, call.at).kind).toBe("open");
    expect(safety.calls.at(-1)?.target).toEqual({ releaseId: "rel-2", version: "1.2.0", rolloutId: "ro-1", currentReleaseId: "" });
    // Re-checked every 0.2 s while failing, but reported once per window it failed in (not at every re-check).
    const failingWindows = new Set(safety.calls.filter((c) => c.at < flippedAt).map((c) => openWindowNear(rule, c.at)).map((w) => (w.kind === "open" ? w.openedAt : -1)));
    expect(named(transitions, "verified", "safety_check")).toHaveLength(failingWindows.size);
    await waitFor("the hub holds the holds and the activation in order", () => f.hub.states(DEVICE, "rel-2").at(-1) === "activated");
    expect(f.hub.transitions.filter((t) => t.releaseId === "rel-2").map((t) => t.reason).filter((r) => r !== "")).toEqual(
      transitions.map((t) => t.reason).filter((r) => r !== ""),
    );
  });

  it("an agent cut off while waiting and restarted in the middle of the window activates at once", async () => {
    await releaseOnServer("rel-2", 2);
    const rule: MaintenanceWindowRule = { cron: "0 2 * * *", durationS: 3600, timezone: "America/Chicago" };
    // The device clock (injected) first reads 20 minutes before the window opens.
    const state = windowAt(rule, Date.now());
    const opensAt = state.kind === "closed" ? state.opensAt : state.kind === "open" ? state.openedAt + 86_400_000 : 0;
    const before = opensAt - 20 * 60_000 - Date.now();
    const first = await start({ now: () => Date.now() + before });
    // Valid for days: the device clocks of this test run up to a day ahead.
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { maintenanceWindow: rule, expiresAt: Date.now() + 3 * 86_400_000 }));
    await waitForEvent(first.agent.events, "transition", (t: verge.v1.StateTransition) => t.reason === "maintenance_window");
    await first.agent.stop({ abrupt: true }); // a power cut while waiting

    // Back 37 minutes into the window: nothing remembered, the window is evaluated afresh and is open.
    const inside = opensAt + 37 * 60_000 - Date.now();
    const second = await start({ now: () => Date.now() + inside });
    const [activated] = await waitForEvent<[verge.v1.StateTransition]>(second.agent.events, "transition", (t) => stateName(t.state) === "activated");
    expect(activated.eventTime - opensAt).toBeGreaterThanOrEqual(37 * 60_000);
    expect(second.transitions.map((t) => stateName(t.state))).toEqual(["activated"]);
    expect(second.agent.snapshot().installed.currentReleaseId).toBe("rel-2");
  });

  it("an activation begun inside the window is finished after the window closes", async () => {
    await releaseOnServer("rel-2", 2);
    const { rule, opensAt } = dailyWindowAhead(1000, "America/Chicago", 2);
    const closesAt = opensAt + 2000;
    // The new release takes until after the close to become healthy.
    const checks: number[] = [];
    const healthCheck: HealthCheck = () => {
      checks.push(Date.now());
      return Promise.resolve(Date.now() > closesAt + 200 ? { ok: true } : { ok: false, detail: "still starting" });
    };
    const { agent } = await start({ healthCheck });
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { maintenanceWindow: rule }));
    const [activated] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => stateName(t.state) === "activated", 15_000);
    expect(windowAt(rule, checks[0]!).kind).toBe("open"); // switched inside the window
    expect(activated.eventTime).toBeGreaterThan(closesAt);
    expect(agent.snapshot().installed.currentReleaseId).toBe("rel-2");
  });

  it("a window the device cannot evaluate fails the deployment (reason maintenance_window) instead of activating", async () => {
    await releaseOnServer("rel-2", 2);
    const { agent, transitions } = await start();
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { maintenanceWindow: { cron: "0 2 * * *", durationS: 3600, timezone: "Europe/Atlantis" } }));
    const [failed] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => stateName(t.state) === "failed");
    expect(failed.reason).toBe("maintenance_window");
    expect(failed.detail).toContain('unknown time zone "Europe/Atlantis"');
    expect(transitions.map((t) => stateName(t.state))).toEqual(["pending", "downloading", "verified", "failed"]);
    expect(agent.snapshot().installed.currentReleaseId).toBe("");
  });

  it("download only (activate false): downloads and verifies outside the window without a hold; asked to activate, it holds", async () => {
    await releaseOnServer("rel-2", 2);
    const { rule } = dailyWindowAhead(3_600_000, "Asia/Kolkata", 60);
    const { agent, transitions } = await start();
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { maintenanceWindow: rule, activate: false }));
    await waitForEvent(agent.events, "transition", (t: verge.v1.StateTransition) => stateName(t.state) === "verified");
    await f.hub.publishDesired(installDesired(DEVICE, 2, "rel-2", { maintenanceWindow: rule, activate: true }));
    const [held] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => t.reason === "maintenance_window");
    expect(held.desiredSeq).toBe(2);
    expect(transitions.map((t) => [stateName(t.state), t.reason])).toEqual([
      ["pending", ""],
      ["downloading", ""],
      ["verified", ""],
      ["verified", "maintenance_window"],
    ]);
  });
});

describe("safety check command", () => {
  const node = process.execPath;

  it("holds with the tail of its output as the reason, reported when it changes (not at every re-check), activates once it exits 0", async () => {
    const flag = join(f.workDir, "controller-state");
    const runs = join(f.workDir, "runs");
    const envFile = join(f.workDir, "env.json");
    writeFileSync(flag, "incident plan 7 active on corridor 12");
    writeFileSync(runs, "");
    const script = [
      `const fs = require("node:fs");`,
      `fs.appendFileSync(${JSON.stringify(runs)}, "x");`,
      `fs.writeFileSync(${JSON.stringify(envFile)}, JSON.stringify({ release: process.env.VERGE_RELEASE_ID, version: process.env.VERGE_RELEASE_VERSION, rollout: process.env.VERGE_ROLLOUT_ID, current: process.env.VERGE_CURRENT_RELEASE_ID, device: process.env.VERGE_DEVICE_ID }));`,
      `const s = fs.readFileSync(${JSON.stringify(flag)}, "utf8");`,
      `if (s !== "ok") { console.error("unsafe: " + s); process.exitCode = 1; }`,
    ].join("\n");
    await releaseOnServer("rel-2", 2);
    const { agent, transitions } = await start({ safety: { command: node, args: ["-e", script], intervalS: 0.1 } });
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));

    const [held] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => t.reason === "safety_check");
    expect(held.detail).toBe(`safety check failing: ${node} exited with code 1; output: unsafe: incident plan 7 active on corridor 12`);
    expect(JSON.parse(readFileSync(envFile, "utf8"))).toEqual({ release: "rel-2", version: "1.2.0", rollout: "ro-1", current: "", device: DEVICE });
    await waitFor("three more checks", () => readFileSync(runs, "utf8").length >= 4);
    expect(named(transitions, "verified", "safety_check")).toHaveLength(1);

    writeFileSync(flag, "incident plan 9 active on corridor 12");
    const [changed] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => t.reason === "safety_check");
    expect(changed.detail).toContain("unsafe: incident plan 9 active");

    writeFileSync(flag, "ok");
    await waitForEvent(agent.events, "transition", (t: verge.v1.StateTransition) => stateName(t.state) === "activated");
    expect(transitions.map((t) => [stateName(t.state), t.reason])).toEqual([
      ["pending", ""],
      ["downloading", ""],
      ["verified", ""],
      ["verified", "safety_check"],
      ["verified", "safety_check"],
      ["activated", ""],
    ]);
    await waitFor("the hub holds activated", () => f.hub.last(DEVICE)?.releaseId === "rel-2" && stateName(f.hub.last(DEVICE)!.state) === "activated");
  });

  it("the built-in check (AgentDeps.safetyCheck) and the command both have to pass", async () => {
    await releaseOnServer("rel-2", 2);
    const builtIn = steeredSafety(null);
    const { agent } = await start({ safetyCheck: builtIn, safety: { command: node, args: ["-e", `console.log("detector cabinet door open"); process.exitCode = 3`], intervalS: 0.1 } });
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
    const [held] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => t.reason === "safety_check");
    expect(held.detail).toBe(`safety check failing: ${node} exited with code 3; output: detector cabinet door open`);
    expect(builtIn.calls.length).toBeGreaterThan(0);
    expect(agent.snapshot().installed.currentReleaseId).toBe("");
  });

  it("a new desired state while a slow check runs does not wait for it", async () => {
    await releaseOnServer("rel-2", 2);
    await releaseOnServer("rel-3", 3);
    const { agent } = await start({ safety: { command: node, args: ["-e", "setTimeout(() => {}, 60000)"], timeoutMs: 60_000 } });
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
    await waitForEvent(agent.events, "transition", (t: verge.v1.StateTransition) => stateName(t.state) === "verified");
    const begun = Date.now();
    await f.hub.publishDesired(installDesired(DEVICE, 2, "rel-3", { activate: false }));
    const [cancelled] = await waitForEvent<[verge.v1.StateTransition]>(agent.events, "transition", (t) => stateName(t.state) === "cancelled", 10_000);
    expect(cancelled).toMatchObject({ releaseId: "rel-2", reason: "superseded" });
    await waitForEvent(agent.events, "transition", (t: verge.v1.StateTransition) => t.releaseId === "rel-3" && stateName(t.state) === "verified");
    expect(Date.now() - begun).toBeLessThan(10_000);
  });
});
