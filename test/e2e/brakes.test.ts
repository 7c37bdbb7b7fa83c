// The brakes, end to end with a real hub, broker and agents: the fleet-wide freeze (a rollout does not advance, no
// device activates, rollback still works, off lets it go on; shown in status, on the SCADA topics, in metrics and the
// audit log), a disabled cohort that holds while the others proceed, and the circuit breaker that pauses a stage on a
// run of failures long before its failure threshold.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import mqtt from "mqtt";
import type { Logger } from "pino";
import type { MqttClient } from "mqtt";
import { AbDirModule } from "../../device-agent/ab-dir-module.js";
import { topics } from "../../proto/index.js";
import { startFleet, stopFleet } from "../helpers/fleet.js";
import type { FleetAgent } from "../helpers/fleet.js";
import { token } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { startTestAgent, useHubWithAgents } from "../helpers/agents.js";
import type { StartTestAgentOptions, TestAgent } from "../helpers/agents.js";
import { verge } from "../helpers/cli.js";
import { baseline, eventsOf, makeRelease, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import { waitFor } from "../helpers/wait.js";

const ctx = useHubWithAgents("verge-brakes-", { rollout: { evaluateCron: "* * * * * *" } });

async function agent(id: string, opts: StartTestAgentOptions = {}): Promise<TestAgent> {
  const a = await startTestAgent(ctx.h, ctx.root, id, opts);
  ctx.agents.push(a);
  return a;
}

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await ctx.h.api<T>(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

async function metric(h: TestHub, line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text();
  return text.split("\n").find((l) => line.test(l));
}

async function scadaSubscriber(filters: string[]): Promise<{ client: MqttClient; last: (topic: string) => Record<string, unknown> | undefined }> {
  const cred = await api<{ secret: string; principal: { username: string }; mqttUrl: string }>("POST", "/api/scada", { name: "tms-north" });
  const client = await mqtt.connectAsync(cred.mqttUrl, { clientId: `${cred.principal.username}:wall`, username: cred.principal.username, password: cred.secret, protocolVersion: 4, reconnectPeriod: 0 });
  const seen = new Map<string, Record<string, unknown>>();
  client.on("message", (topic, payload) => seen.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>));
  await client.subscribeAsync(filters, { qos: 1 });
  return { client, last: (topic) => seen.get(topic) };
}

describe("the fleet-wide freeze", () => {
  it("stops an active rollout from advancing and any device from activating; rollback still works; off lets it go on; shown in status, SCADA topics, metrics and audit", async () => {
    const h = ctx.h;
    const http = await startTcpProxy(Number(new URL(h.hub.addresses.httpUrl).port));
    try {
      const [a1, a2, a3, a4] = [await agent("sc-1"), await agent("sc-2"), await agent("sc-3", { httpUrl: http.url("http") }), await agent("sc-4")];
      const base = await makeRelease(h, "rel-a");
      await baseline(h, "ro-a", "rel-a", ["sc-1", "sc-2", "sc-3", "sc-4"]);
      await makeRelease(h, "rel-b");
      await baseline(h, "ro-b", "rel-b", ["sc-1", "sc-2"]);
      const scada = await scadaSubscriber([topics.fleetStatus, topics.rolloutStatus("ro-c")]);

      // ro-c: sc-3 first, then sc-4. sc-3's download hangs on its link, so it is mid-download when the freeze comes.
      await makeRelease(h, "rel-c", 256 * 1024);
      http.stall();
      const plan = testPlan({
        defaults: { activation: "immediate", observe: 0 },
        stages: [
          { name: "first", select: { devices: ["sc-3"] } },
          { name: "second", select: { devices: ["sc-4"] } },
        ],
      });
      await api("POST", "/api/rollouts", { id: "ro-c", releaseId: "rel-c", plan });
      await waitForStatus(h, "ro-c", "sc-3 downloading", (s) => s.devices.find((d) => d.deviceId === "sc-3")?.state === "downloading");

      const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: await token(h, "on-call", "operator") };
      const on = await verge(["freeze", "on", "--reason", "A1 corridor incident"], env);
      expect(on.code, on.stderr).toBe(0);
      expect(on.stdout).toContain("fleet frozen: A1 corridor incident");
      const again = await verge(["freeze", "on", "--reason", "twice"], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("already frozen");

      // sc-3 is told to hold: its desired state no longer lets it activate. Once it has that, its link comes back.
      const held = await waitForStatus(h, "ro-c", "sc-3 held", (s) => s.brakes.held === 1);
      expect(held.brakes.freeze).toMatchObject({ frozen: true, reason: "A1 corridor incident" });
      const holdSeq = h.hub.repos.rollouts.device("ro-c", "sc-3")!.desiredSeq;
      await waitFor("sc-3 accepted the hold", () => a3.agent.snapshot().desired?.seq === holdSeq);
      http.resume();
      await waitForStatus(h, "ro-c", "sc-3 downloaded and verified", (s) => s.devices.find((d) => d.deviceId === "sc-3")?.state === "verified");
      // an evaluation with the freeze on: nothing moves
      await api("POST", "/api/rollouts/ro-c/evaluate");
      const frozen = await status(h, "ro-c");
      expect(frozen.rollout.status).toBe("active");
      expect(frozen.stages.map((s) => s.phase)).toEqual(["active", "pending"]);
      expect(frozen.devices.find((d) => d.deviceId === "sc-3")).toMatchObject({ state: "verified" });
      expect(a3.agent.snapshot().installed.currentReleaseId).toBe("rel-a");
      expect(a4.agent.snapshot().deployment?.rolloutId ?? null).not.toBe("ro-c");
      expect(eventsOf(frozen, "frozen")[0]?.explanation).toContain("A1 corridor incident");

      // shown: CLI status, the SCADA topics, metrics
      const shown = await verge(["rollout", "status", "ro-c"], env);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/BRAKES {2}FLEET FROZEN \d+s ago by token:\S+\(on-call\): A1 corridor incident; 1 device\(s\) held/);
      const list = await verge(["rollout", "list"], env);
      expect(list.stdout).toMatch(/^FLEET FROZEN .*A1 corridor incident/);
      await waitFor("SCADA sees the freeze", () => scada.last(topics.fleetStatus)?.frozen === true);
      expect(scada.last(topics.fleetStatus)).toMatchObject({ frozen: true, freeze: { reason: "A1 corridor incident", by: expect.stringMatching(/^token:\S+\(on-call\)$/) as string } });
      await waitFor("SCADA rollout status shows it", () => (scada.last(topics.rolloutStatus("ro-c"))?.brakes as { held?: number } | undefined)?.held === 1);
      expect(await metric(h, /^verge_fleet_frozen /)).toBe("verge_fleet_frozen 1");
      expect(await metric(h, /^verge_rollout_devices_held\{rollout="ro-c"\}/)).toBe('verge_rollout_devices_held{rollout="ro-c"} 1');

      // a rollback is never blocked: ro-b's devices go back to rel-a while frozen
      await api("POST", "/api/rollouts/ro-b/rollback", { reason: "bad release" });
      await waitForStatus(h, "ro-b", "rolled back while frozen", (s) => s.devices.every((d) => d.state === "rolled_back"));
      for (const a of [a1, a2]) expect(readFileSync(join(a.dataDir, "current", "app")).equals(base)).toBe(true);

      // off: sc-3 activates, the second stage starts, the rollout completes
      const off = await verge(["freeze", "off", "--reason", "incident closed"], env);
      expect(off.code, off.stderr).toBe(0);
      const done = await waitForStatus(h, "ro-c", "completed after the freeze", (s) => s.rollout.status === "completed");
      expect(done.devices.map((d) => [d.deviceId, d.state])).toEqual([
        ["sc-3", "activated"],
        ["sc-4", "activated"],
      ]);
      expect(done.brakes).toEqual({ freeze: null, disabledCohorts: [], held: 0 });
      expect(eventsOf(done, "unfrozen")).toHaveLength(1);
      expect(eventsOf(done, "devices_released")[0]?.details).toMatchObject({ devices: [{ deviceId: "sc-3", activate: true }] });
      await waitFor("SCADA sees the freeze lifted", () => scada.last(topics.fleetStatus)?.frozen === false);
      expect(await metric(h, /^verge_fleet_frozen /)).toBe("verge_fleet_frozen 0");

      const audit = await api<{ records: Array<{ action: string; actor: string; result: string; reason: string | null }> }>("GET", "/api/audit?target=fleet");
      const onCall = expect.stringMatching(/^token:\S+\(on-call\)$/) as string;
      expect(audit.records.map((r) => [r.action, r.actor, r.result, r.reason])).toEqual(
        expect.arrayContaining([
          ["fleet.freeze", onCall, "ok", "A1 corridor incident"],
          ["fleet.freeze", onCall, "failed", "twice"],
          ["fleet.unfreeze", onCall, "ok", "incident closed"],
        ]),
      );
      await scada.client.endAsync();
    } finally {
      await http.close();
    }
  }, 120_000);

  it("a viewer cannot freeze (exit 4, audited as denied); freeze on without a reason is refused", async () => {
    const h = ctx.h;
    const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: await token(h, "wall", "viewer") };
    const denied = await verge(["freeze", "on", "--reason", "x"], env);
    expect(denied.code).toBe(4);
    const noReason = await h.api<{ error: { message: string } }>("POST", "/api/freeze/on", {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain("say why the fleet is frozen");
    const missing = await verge(["freeze", "on"], { ...env });
    expect(missing.code).toBe(2);
    const audit = await api<{ records: Array<{ action: string; actor: string; result: string }> }>("GET", "/api/audit?result=denied");
    expect(audit.records.some((r) => /^token:\S+\(wall\)$/.test(r.actor) && r.action.includes("freeze") && r.result === "denied")).toBe(true);
    const shown = await verge(["freeze"], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("not frozen");
  }, 60_000);
});

describe("per-cohort switches", () => {
  it("a disabled cohort holds while the others proceed; enabling it lets its devices go on; shown in status, cohort list and metrics", async () => {
    const h = ctx.h;
    for (const id of ["sc-e1", "sc-e2", "sc-w1", "sc-w2"]) await agent(id);
    await api("POST", "/api/cohorts", { name: "east", devices: ["sc-e1", "sc-e2"] });
    await api("POST", "/api/cohorts", { name: "west", devices: ["sc-w1", "sc-w2"] });
    const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: await token(h, "on-call", "operator") };
    const disable = await verge(["cohort", "disable", "east", "--reason", "roadworks on A1"], env);
    expect(disable.code, disable.stderr).toBe(0);
    expect(disable.stdout).toContain("cohort east disabled");

    await makeRelease(h, "rel-1");
    const plan = testPlan({ defaults: { activation: "immediate", observe: 0 }, stages: [{ name: "all", select: { cohorts: ["east", "west"] } }] });
    await api("POST", "/api/rollouts", { id: "ro-co", releaseId: "rel-1", plan });
    const proceeding = await waitForStatus(h, "ro-co", "west activated", (s) => s.devices.filter((d) => d.state === "activated").length === 2);
    await api("POST", "/api/rollouts/ro-co/evaluate");
    const s = await status(h, "ro-co");
    expect(s.devices.map((d) => [d.deviceId, d.state, d.heldBy])).toEqual([
      ["sc-e1", "pending", "cohort:east"],
      ["sc-e2", "pending", "cohort:east"],
      ["sc-w1", "activated", null],
      ["sc-w2", "activated", null],
    ]);
    expect(s.brakes).toMatchObject({ freeze: null, disabledCohorts: ["east"], held: 2 });
    expect(s.stages[0]).toMatchObject({ phase: "active", held: 2 });
    expect(proceeding.rollout.status).toBe("active");
    // the held devices were never told to install
    for (const a of ctx.agents.filter((x) => x.id.startsWith("sc-e"))) expect(a.agent.snapshot().deployment).toBeNull();
    const shown = await verge(["rollout", "status", "ro-co"], env);
    expect(shown.stdout).toContain("BRAKES  cohort(s) disabled: east; 2 device(s) held");
    const cohorts = await verge(["cohort", "list"], env);
    expect(cohorts.stdout).toMatch(/\neast\s+group\s+-\s+yes\s+DISABLED\s+2/);
    expect(await metric(h, /^verge_cohort_disabled\{cohort="east"\}/)).toBe('verge_cohort_disabled{cohort="east"} 1');

    const enable = await verge(["cohort", "enable", "east"], env);
    expect(enable.code, enable.stderr).toBe(0);
    const done = await waitForStatus(h, "ro-co", "completed", (x) => x.rollout.status === "completed");
    expect(done.devices.every((d) => d.state === "activated")).toBe(true);
    expect(eventsOf(done, "cohort_held")).toHaveLength(0); // disabled before the rollout existed
    expect(eventsOf(done, "cohort_released")).toHaveLength(1);
    const audit = await api<{ records: Array<{ action: string; target: string; result: string }> }>("GET", "/api/audit?target=east");
    expect(audit.records.map((r) => r.action)).toEqual(expect.arrayContaining(["cohort.disable", "cohort.enable"]));
  }, 90_000);
});

describe("the circuit breaker", () => {
  it("three consecutive install failures in a 20-device stage with a 30% threshold trip the breaker and pause the stage", async () => {
    const h = ctx.h;
    // 17 devices whose downloads hang on their link (still in progress), 3 whose installs fail
    const http = await startTcpProxy(Number(new URL(h.hub.addresses.httpUrl).port));
    let fleet: FleetAgent[] = [];
    try {
      http.stall();
      fleet = await startFleet(h, ctx.root, 17, { prefix: "slow", httpUrl: http.url("http") });
      const failing = (dataDir: string, logger: Logger) => {
        const ab = new AbDirModule(dataDir, logger);
        ab.install = async (slot) => ({ ok: false, detail: `writing slot ${slot} failed: input/output error` });
        return ab;
      };
      for (const id of ["bad-1", "bad-2", "bad-3"]) await agent(id, { updateModule: failing });
      await makeRelease(h, "rel-x");
      const plan = testPlan({ defaults: { activation: "immediate", failureThreshold: "30%" }, stages: [{ name: "wave", select: { percent: 100 } }] });
      await api("POST", "/api/rollouts", { id: "ro-cb", releaseId: "rel-x", plan });

      const paused = await waitForStatus(h, "ro-cb", "paused by the breaker", (s) => s.rollout.status === "paused");
      const event = eventsOf(paused, "paused")[0]!;
      expect(event.rule).toMatchObject({ name: "circuit_breaker", observed: 3, threshold: 3, devices: 20 });
      expect(event.explanation).toContain("circuit breaker tripped after 3 consecutive device failure(s) (limit 3), with 3 of 20 device(s) failed");
      expect(paused.stages[0]).toMatchObject({ phase: "failed", progress: { failed: 3, total: 20 } });
      expect(paused.stages[0]!.config.circuitBreaker).toBe(3);
      // 15% failed: the 30% threshold alone would have let the stage go on
      expect(paused.gates.failureThreshold).toBe(true);
      expect(paused.devices.filter((d) => d.state === "failed").map((d) => [d.deviceId, d.reason])).toEqual([
        ["bad-1", "install"],
        ["bad-2", "install"],
        ["bad-3", "install"],
      ]);
      expect(await metric(h, /^verge_circuit_breaker_trips_total\{rollout="ro-cb",stage="wave"\}/)).toBe('verge_circuit_breaker_trips_total{rollout="ro-cb",stage="wave"} 1');
      expect(await metric(h, /^verge_pause_events_total\{rollout="ro-cb",reason="circuit_breaker"\}/)).toBe('verge_pause_events_total{rollout="ro-cb",reason="circuit_breaker"} 1');
    } finally {
      await stopFleet(fleet);
      await http.close();
    }
  }, 120_000);
});
