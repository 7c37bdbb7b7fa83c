// Maintenance windows and safety checks end to end: a real hub (embedded Aedes, SQLite, HTTP, scheduler every second)
// and real agents. Activation waits for the stage's window in its time zone while the download completes before it;
// a failing safety check holds a device at `verified` with its reason and the `safetyChecks` gate false, without the
// device timing out, until it passes. The device timeout is deliberately shorter than every wait here.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { formatInZone, windowAt } from "../../proto/maintenance-window.js";
import { startTestAgent, useHubWithAgents } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { eventsOf, makeRelease, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import { waitFor } from "../helpers/wait.js";

const ctx = useHubWithAgents("verge-maint-e2e-", { rollout: { evaluateCron: "* * * * * *" } });

function firstTransition(a: TestAgent, state: string, reason?: string): verge.v1.StateTransition | undefined {
  return a.transitions.find((t) => stateFromWire(t.state) === state && (reason === undefined || t.reason === reason));
}

describe("maintenance window", () => {
  it("activation waits for the window in the stage's time zone while the download completes before it; waiting is not a timeout", async () => {
    const { h } = ctx;
    const agents = await Promise.all(["sc-101", "sc-102"].map((id) => startTestAgent(h, ctx.root, id)));
    ctx.agents.push(...agents);
    await makeRelease(h, "rel-mw");
    // A daily window opening about 12 s from now, its cron written in India's local time (+05:30), open for 5 s.
    const timezone = "Asia/Kolkata";
    const opensAt = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const [, hh, mm, ss] = /T(\d\d):(\d\d):(\d\d)/.exec(formatInZone(opensAt, timezone))!.map(Number);
    const cron = `${ss} ${mm} ${hh} * * *`;
    const created = await h.api("POST", "/api/rollouts", {
      id: "ro-mw",
      releaseId: "rel-mw",
      plan: testPlan({
        defaults: { deviceTimeout: "6s" },
        stages: [{ name: "canary", select: { devices: ["sc-101", "sc-102"] }, maintenanceWindow: { cron, duration: "5s", timezone } }],
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // Both downloaded, were told to activate, and wait for the window, saying until when.
    const waiting = await waitForStatus(h, "ro-mw", "both devices wait for the window", (s) => s.devices.every((d) => d.state === "verified" && d.reason === "maintenance_window"));
    expect(Date.now()).toBeLessThan(opensAt);
    for (const d of waiting.devices) {
      const row = d as typeof d & { detail: string; deadlineAt: number };
      expect(row.detail).toContain(`next opens ${new Date(opensAt).toISOString()} (${formatInZone(opensAt, timezone)})`);
      // The device timeout (6 s) counts from the window's opening, not from the activation order ~11 s before it.
      expect(row.deadlineAt).toBe(opensAt + 6000);
    }
    expect(waiting.gates.safetyChecks).toBe(true); // waiting for a window is not a safety hold
    expect(waiting.stages[0]!.progress.safetyBlocked).toBe(0);

    const done = await waitForStatus(h, "ro-mw", "completed", (s) => s.rollout.status === "completed", 30_000);
    expect(done.progress).toMatchObject({ total: 2, activated: 2, failed: 0 });
    expect(eventsOf(done, "devices_timed_out")).toEqual([]);
    for (const a of agents) {
      const verified = firstTransition(a, "verified")!;
      const activated = firstTransition(a, "activated")!;
      expect(verified.eventTime).toBeLessThan(opensAt); // the download completed before the window
      expect(activated.eventTime).toBeGreaterThanOrEqual(opensAt); // the activation waited for it
      expect(windowAt({ cron, durationS: 5, timezone }, activated.eventTime)).toMatchObject({ kind: "open", openedAt: opensAt });
      expect(a.transitions.map((t) => [stateFromWire(t.state), t.reason])).toEqual([
        ["pending", ""],
        ["downloading", ""],
        ["verified", ""],
        ["verified", "maintenance_window"],
        ["activated", ""],
      ]);
    }
  });
});

describe("safety check", () => {
  it("a failing check holds the device at verified with its reason and the gate false, past its device timeout; once it passes the device activates and the gate is true", async () => {
    const { h } = ctx;
    const script = (flag: string) =>
      `const s = require("node:fs").readFileSync(${JSON.stringify(flag)}, "utf8"); if (s !== "ok") { console.log(s); process.exitCode = 1; }`;
    const flags: Record<string, string> = {};
    const agents: TestAgent[] = [];
    for (const [id, state] of [
      ["sc-201", "ok"],
      ["sc-202", "incident plan 7 running on corridor 12"],
    ] as const) {
      flags[id] = join(ctx.root, `${id}.controller`);
      writeFileSync(flags[id], state);
      agents.push(await startTestAgent(h, ctx.root, id, { extraConfig: { safetyCheck: { command: process.execPath, args: ["-e", script(flags[id])], intervalS: 0.3 } } }));
    }
    ctx.agents.push(...agents);
    await makeRelease(h, "rel-safe");
    const created = await h.api("POST", "/api/rollouts", {
      id: "ro-safe",
      releaseId: "rel-safe",
      plan: testPlan({ defaults: { deviceTimeout: "5s" }, stages: [{ name: "canary", select: { devices: ["sc-201", "sc-202"] } }] }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const held = await waitForStatus(h, "ro-safe", "sc-202 held by its safety check", (s) => s.devices.some((d) => d.deviceId === "sc-202" && d.reason === "safety_check"));
    const row = held.devices.find((d) => d.deviceId === "sc-202") as StatusDevice;
    expect(row).toMatchObject({ state: "verified", reason: "safety_check" });
    expect(row.detail).toBe(`safety check failing: ${process.execPath} exited with code 1; output: incident plan 7 running on corridor 12`);
    expect(held.gates.safetyChecks).toBe(false);
    expect(held.stages[0]!.progress.safetyBlocked).toBe(1);
    const safe = await waitForStatus(h, "ro-safe", "sc-201 activated", (s) => s.devices.some((d) => d.deviceId === "sc-201" && d.state === "activated"));
    expect(safe.gates.safetyChecks).toBe(false);
    expect(safe.rollout.status).toBe("active");

    // Past its deadline and evaluated again: still held, not timed out; the stage does not complete meanwhile.
    await waitFor("sc-202's deadline passed", () => Date.now() > row.deadlineAt + 100, 10_000);
    await h.hub.services.rollouts.evaluate("ro-safe");
    const later = await status(h, "ro-safe");
    expect(later.devices.find((d) => d.deviceId === "sc-202")).toMatchObject({ state: "verified", reason: "safety_check" });
    expect(eventsOf(later, "devices_timed_out")).toEqual([]);
    expect(later.gates.safetyChecks).toBe(false);
    expect(later.stages[0]!.status).toBe("pending"); // a canary still in progress
    expect(later.rollout.status).toBe("active");
    // Re-checked every 0.3 s, reported once.
    const sc202 = agents[1]!;
    expect(sc202.transitions.filter((t) => t.reason === "safety_check")).toHaveLength(1);

    writeFileSync(flags["sc-202"]!, "ok"); // the incident plan ends
    const done = await waitForStatus(h, "ro-safe", "completed", (s) => s.rollout.status === "completed", 30_000);
    expect(done.gates).toEqual({ canaryHealthy: true, failureThreshold: true, safetyChecks: true });
    expect(done.devices.map((d) => [d.deviceId, d.state])).toEqual([
      ["sc-201", "activated"],
      ["sc-202", "activated"],
    ]);
    expect(done.stages[0]!.progress.safetyBlocked).toBe(0);
    expect(eventsOf(done, "stage_completed")[0]?.details).toMatchObject({ gates: { safetyChecks: true } });
  });
});

type StatusDevice = Awaited<ReturnType<typeof status>>["devices"][number] & { detail: string; deadlineAt: number };
