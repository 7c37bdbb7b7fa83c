// Telemetry across link outages, end to end: a real hub (broker, SQLite, rule engine) and a real agent whose MQTT
// connection runs through a TCP proxy the test cuts. Everything the device reported while cut off reaches the hub
// once, in order, stamped with the time it happened.
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LAG_BUCKET_BOUNDS_MS, stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import type { KpiCounts, KpiSource } from "../../device-agent/kpi.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { startTestAgent } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { baseline, eventsOf, kpiByRelease, makeRelease, testPlan, waitForStatus } from "../helpers/rollouts.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import type { TcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(): Promise<{ h: TestHub; proxy: TcpProxy; root: string }> {
  const t = tempDir("verge-outage-");
  cleanups.push(t.cleanup);
  const h = await startTestHub(join(t.dir, "hub"), { rollout: { evaluateCron: "* * * * * *" } });
  cleanups.push(() => h.stop());
  const proxy = await startTcpProxy(Number(new URL(h.hub.addresses.mqttUrl).port));
  cleanups.push(() => proxy.close());
  return { h, proxy, root: t.dir };
}

interface StoredKpi {
  seq: number;
  eventTime: number;
  receivedAt: number;
  windowStart: number;
  windowEnd: number;
  secondsUp: number;
  secondsDown: number;
}

function storedKpis(h: TestHub, deviceId: string): StoredKpi[] {
  return h.hub.db
    .prepare(
      `SELECT seq, event_time AS eventTime, received_at AS receivedAt, window_start AS windowStart, window_end AS windowEnd,
              seconds_up AS secondsUp, seconds_down AS secondsDown FROM kpi_reports WHERE device_id = ? ORDER BY seq`,
    )
    .all(deviceId) as StoredKpi[];
}

describe("a long outage", () => {
  it("KPI windows buffered through a (shortened) 10-minute outage reach the hub with their own event times, and rules see them where they happened", async () => {
    const { h, proxy, root } = await setup();
    // The device's availability: 100% normally; 80% in the first part of the outage, 100% again in its last part.
    let availability = 1;
    const source: KpiSource = {
      collect(): KpiCounts {
        const up = Math.round(1000 * availability);
        const lag = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
        lag[0] = 100;
        return { secondsUp: up, secondsDown: 1000 - up, eventsProcessed: 100, eventsDropped: 0, lagBucketCounts: lag };
      },
    };
    const agent: TestAgent = await startTestAgent(h, root, "sc-out", { mqttUrl: proxy.url("mqtt"), kpiSource: source, kpiIntervalS: 0.25 });
    cleanups.push(() => agent.agent.stop());
    const reports: verge.v1.KpiReport[] = [];
    agent.agent.events.on("kpi", (r: verge.v1.KpiReport) => reports.push(r));

    await makeRelease(h, "rel-1");
    await baseline(h, "ro-base", "rel-1", ["sc-out"]);
    await makeRelease(h, "rel-2");
    // Two rules over the same metric: one looks at the last 3 s, one at the last 60 s (both by event time).
    const rules = [
      { name: "recent", metric: "availability", op: "<", threshold: "99.5%", for: "0s", window: "3s", minDevices: 1, action: "pause" },
      { name: "minute", metric: "availability", op: "<", threshold: "99.5%", for: "0s", window: "60s", minDevices: 1, action: "pause" },
    ];
    const created = await h.api("POST", "/api/rollouts", {
      id: "ro-out",
      releaseId: "rel-2",
      plan: testPlan({ rules, stages: [{ name: "canary", select: { devices: ["sc-out"] }, observe: "10m" }] }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await waitFor("rel-2 activated", () => agent.agent.snapshot().installed.currentReleaseId === "rel-2");
    await waitFor("a report on rel-2 stored", () => storedKpis(h, "sc-out").some((k) => k.windowStart >= 0 && reports.some((r) => Number(r.seq) === k.seq && r.releaseId === "rel-2")));

    // The link goes: the proxy drops every connection and holds new ones. 40 windows of 250 ms: as many as a
    // 10-minute outage at 15 s windows. The first 16 are bad, the last 24 good again.
    proxy.hold();
    proxy.cutAll();
    await waitFor("agent offline", () => h.hub.repos.devices.get("sc-out")?.online === false);
    const cutAt = Date.now();
    const firstInOutage = reports.length;
    availability = 0.8;
    await waitFor("16 bad windows reported while offline", () => reports.length >= firstInOutage + 16, 30_000);
    availability = 1;
    const goodFrom = reports.length;
    await waitFor("24 good windows reported while offline", () => reports.length >= goodFrom + 24, 30_000);
    const outage = reports.slice(firstInOutage);
    expect(agent.agent.outboxStats().depth).toBeGreaterThanOrEqual(outage.length);
    // nothing of the outage reached the hub yet
    expect(storedKpis(h, "sc-out").filter((k) => k.seq >= Number(outage[0]!.seq))).toEqual([]);

    const backAt = Date.now();
    proxy.open();
    await waitFor(
      "every window of the outage stored",
      () => {
        const stored = new Set(storedKpis(h, "sc-out").map((k) => k.seq));
        return outage.every((r) => stored.has(Number(r.seq)));
      },
      30_000,
    );

    // every window, once, with the event time and window the device gave it, though it arrived after the link came back
    const stored = new Map(storedKpis(h, "sc-out").map((k) => [k.seq, k]));
    for (const r of reports) {
      const k = stored.get(Number(r.seq));
      if (!k) continue; // the newest may still be on its way
      expect(k).toMatchObject({ eventTime: Number(r.eventTime), windowStart: Number(r.windowStart), windowEnd: Number(r.windowEnd), secondsUp: Number(r.secondsUp) });
    }
    for (const r of outage) {
      expect(Number(r.eventTime)).toBeGreaterThanOrEqual(cutAt - 1000);
      expect(Number(r.eventTime)).toBeLessThan(backAt);
      expect(stored.get(Number(r.seq))!.receivedAt).toBeGreaterThanOrEqual(backAt);
    }
    // the windows are contiguous across the outage: nothing lost, nothing counted twice
    const all = [...stored.values()].filter((k) => reports.some((r) => Number(r.seq) === k.seq));
    for (let i = 1; i < all.length; i++) expect(all[i]!.windowStart).toBe(all[i - 1]!.windowEnd);

    // The rules evaluate on event time: the minute rule sees the bad part of the outage and pauses the rollout; the
    // 3 s rule sees only the good windows at the end of the outage (by arrival time all 40 came in its last 3 s).
    const paused = await waitForStatus(h, "ro-out", "paused by the minute rule", (s) => s.rollout.status === "paused", 30_000);
    const pauses = eventsOf(paused, "paused");
    expect(pauses.map((p) => p.rule?.name)).toEqual(["minute"]);
    const observed = pauses[0]!.rule!.observed!;
    expect(observed).toBeLessThan(0.995);
    expect(observed).toBeGreaterThan(0.8);
    const recent = h.hub.db.prepare("SELECT breach_since AS breachSince, firing_since AS firingSince FROM rollout_rules WHERE rollout_id = 'ro-out' AND name = 'recent'").get() as {
      breachSince: number | null;
      firingSince: number | null;
    };
    expect(recent).toEqual({ breachSince: null, firingSince: null });
  }, 120_000);
});

describe("an outage longer than the outbox holds", () => {
  it("with a small byte budget: KPI windows merge (the counts add up), heartbeats drop and are counted, a restart while offline loses nothing; after reconnect the hub has every count", async () => {
    const { h, proxy, root } = await setup();
    const counts = kpiByRelease({ "rel-1": { availability: 0.99 } });
    let quiet = false;
    const agent: TestAgent = await startTestAgent(h, root, "sc-budget", {
      mqttUrl: proxy.url("mqtt"),
      // once `quiet`, the source has nothing more to report: the test can wait for the last window to arrive
      kpiSource: { collect: (w) => (quiet ? null : counts.collect(w)) },
      kpiIntervalS: 0.05,
      extraConfig: { heartbeatIntervalS: 0.1, outbox: { maxBytes: 4096 } },
    });
    cleanups.push(() => agent.agent.stop());
    const reports: verge.v1.KpiReport[] = [];
    const listen = () => agent.agent.events.on("kpi", (r: verge.v1.KpiReport) => reports.push(r));
    listen();
    await makeRelease(h, "rel-1");
    await baseline(h, "ro-b", "rel-1", ["sc-budget"]);

    proxy.hold();
    proxy.cutAll();
    await waitFor("agent offline", () => h.hub.repos.devices.get("sc-budget")?.online === false);
    await waitFor("KPI windows merged and heartbeats dropped", () => {
      const o = agent.agent.outboxStats();
      return o.merged > 10 && (o.dropped.heartbeat ?? 0) > 10;
    }, 60_000);
    // a restart in the middle of the outage: the outbox is on disk
    await agent.restart();
    listen();
    await waitFor("more windows after the restart", () => reports.some((r) => Number(r.seq) > Number(reports[0]!.seq) && agent.agent.outboxStats().depth > 5));
    const stats = agent.agent.outboxStats();
    expect(stats.bytes).toBeLessThanOrEqual(4096);
    expect(stats.dropped.kpi ?? 0).toBe(0);

    proxy.open();
    await waitFor("outbox drained", () => agent.agent.outboxStats().depth <= 2, 30_000);
    // a heartbeat made after the link came back tells the hub what the outage cost
    await waitFor("the hub has the device's outbox counts", () => {
      const seen = h.hub.repos.devices.get("sc-budget")?.outbox;
      const now = agent.agent.outboxStats();
      return seen !== null && seen !== undefined && seen.merged === now.merged && seen.dropped.heartbeat === now.dropped.heartbeat;
    });
    // no more windows from here; the last ones still in the outbox go out, then what was counted is what was stored
    quiet = true;
    const sum = (xs: Array<{ secondsUp: number | bigint; secondsDown: number | bigint }>, k: "secondsUp" | "secondsDown") => xs.reduce((t, x) => t + Number(x[k]), 0);
    const reportsOnRel = () => reports.filter((r) => r.releaseId === "rel-1");
    const storedOnRel = () => storedKpis(h, "sc-budget").filter((k) => k.windowStart >= Number(reportsOnRel()[0]!.windowStart));
    await waitFor("every counted second stored", () => sum(storedOnRel(), "secondsUp") === sum(reportsOnRel(), "secondsUp"), 30_000);
    await agent.agent.stop();
    const onRel = reportsOnRel();
    const stored = storedOnRel();
    // fewer reports than windows (merged), but every count is there: availability is exactly the device's
    expect(stored.length).toBeLessThan(onRel.length);
    expect(sum(stored, "secondsUp")).toBe(sum(onRel, "secondsUp"));
    expect(sum(stored, "secondsDown")).toBe(sum(onRel, "secondsDown"));
    // no window overlaps another (the only gap is the restart, when the agent was not running)
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.windowStart).toBeGreaterThanOrEqual(stored[i - 1]!.windowEnd);
    // what the budget cost is reported: in the device view and in the metrics
    const device = h.hub.repos.devices.get("sc-budget")!;
    expect(device.outbox!.merged).toBeGreaterThan(10);
    expect(device.outbox!.dropped.heartbeat).toBeGreaterThan(10);
    const metrics = await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`verge_device_outbox\\{measure="dropped_heartbeat"\\} ${device.outbox!.dropped.heartbeat}\\b`));
  }, 120_000);
});

describe("cuts at the worst moments", () => {
  it("connections cut right after verified and again during activation: the device ends activated, the hub holds each transition once, in order", async () => {
    const { h, proxy, root } = await setup();
    let healthChecks = 0;
    const agent: TestAgent = await startTestAgent(h, root, "sc-cut", {
      mqttUrl: proxy.url("mqtt"),
      // the application's health check runs after the switch, in the middle of the activation: cut the link there
      healthCheck: async () => {
        healthChecks++;
        if (healthChecks === 1) {
          // once the link is back from the first cut
          await waitFor("reconnected after the cut at verified", () => proxy.connections() >= 2 && h.hub.repos.devices.get("sc-cut")?.online === true);
          proxy.cutAll();
        }
        return { ok: true };
      },
    });
    cleanups.push(() => agent.agent.stop());
    agent.agent.events.on("transition", (t: verge.v1.StateTransition) => {
      if (stateFromWire(t.state) === "verified") proxy.cutAll();
    });
    await makeRelease(h, "rel-1", 256 * 1024);
    const created = await h.api("POST", "/api/rollouts", { id: "ro-cut", releaseId: "rel-1", devices: ["sc-cut"] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    await waitForStatus(h, "ro-cut", "completed", (s) => s.rollout.status === "completed", 60_000);
    expect(healthChecks).toBe(1);
    expect(proxy.connections()).toBeGreaterThanOrEqual(3); // the first connection and one after each cut
    expect(agent.agent.snapshot().installed.currentReleaseId).toBe("rel-1");

    const mine = agent.transitions.filter((t) => t.rolloutId === "ro-cut");
    await waitFor("every transition stored", () => h.hub.repos.telemetry.transitions("sc-cut", "ro-cut").length === mine.length);
    const held = h.hub.repos.telemetry.transitions("sc-cut", "ro-cut");
    // exactly once each (the hub's key is (device, seq)), the same states in the same order as the device made them
    expect(held.map((t) => [t.seq, t.state])).toEqual(mine.map((t) => [Number(t.seq), stateFromWire(t.state)]));
    expect(held.map((t) => t.state).filter((s) => s !== "downloading")).toEqual(["pending", "verified", "activated"]);
    // and stored in that order: a later transition never landed before an earlier one
    const received = held.map((t) => t.receivedAt);
    expect([...received].sort((a, b) => a - b)).toEqual(received);
    expect(h.hub.repos.rollouts.devices("ro-cut")[0]).toMatchObject({ state: "activated" });
  }, 90_000);

  it("the link drops just as the device asks for the manifest: the lost SUBSCRIBE is sent again on reconnect and the device activates", async () => {
    const { h, proxy, root } = await setup();
    const agent: TestAgent = await startTestAgent(h, root, "sc-sub", { mqttUrl: proxy.url("mqtt") });
    cleanups.push(() => agent.agent.stop());
    await waitFor("the device online", () => h.hub.repos.devices.get("sc-sub")?.online === true);
    // From here nothing the device sends reaches the hub: its pending transition and the manifest SUBSCRIBE that
    // follows it wait in the proxy, and the cut throws them away. The transition is in the outbox and is resent; the
    // SUBSCRIBE (mqtt.js remembered it as sent) was not, and the device used to wait in pending for ever.
    proxy.stall({ direction: "up" });
    agent.agent.events.on("transition", (t: verge.v1.StateTransition) => {
      if (stateFromWire(t.state) !== "pending") return;
      setImmediate(() => {
        proxy.cutAll();
        proxy.resume("up");
      });
    });
    await makeRelease(h, "rel-1", 64 * 1024);
    const created = await h.api("POST", "/api/rollouts", { id: "ro-sub", releaseId: "rel-1", devices: ["sc-sub"] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    await waitForStatus(h, "ro-sub", "completed", (s) => s.rollout.status === "completed", 30_000);
    expect(proxy.faults().some((f) => f.kind === "cut")).toBe(true);
    expect(agent.agent.snapshot().installed.currentReleaseId).toBe("rel-1");
    expect(h.hub.repos.telemetry.transitions("sc-sub", "ro-sub").map((t) => t.state).filter((s) => s !== "downloading")).toEqual(["pending", "verified", "activated"]);
  }, 60_000);

  it("a health check failing after activation, with the link cut: the device switches back on its own, and the hub hears of it on reconnect", async () => {
    const { h, proxy, root } = await setup();
    let failing = false;
    const agent: TestAgent = await startTestAgent(h, root, "sc-hc", {
      mqttUrl: proxy.url("mqtt"),
      extraConfig: { healthCheck: { intervalS: 0.1, spanS: 1 } },
      healthCheck: async ({ releaseId }) => {
        if (releaseId !== "rel-2") return { ok: true };
        if (!failing) {
          // the link goes down just as the new release starts: nothing the hub sends can reach the device now
          failing = true;
          proxy.hold();
          proxy.cutAll();
        }
        return { ok: false, detail: "detector bus silent on the new release" };
      },
    });
    cleanups.push(() => agent.agent.stop());
    const oldBytes = await makeRelease(h, "rel-1");
    await baseline(h, "ro-1", "rel-1", ["sc-hc"]);
    await makeRelease(h, "rel-2");
    expect((await h.api("POST", "/api/rollouts", { id: "ro-2", releaseId: "rel-2", devices: ["sc-hc"] })).status).toBe(201);

    await waitFor("rolled back on the device, offline", () => agent.transitions.some((t) => t.rolloutId === "ro-2" && stateFromWire(t.state) === "rolled_back"), 30_000);
    expect(h.hub.repos.devices.get("sc-hc")?.online).toBe(false);
    expect(agent.agent.snapshot().installed.currentReleaseId).toBe("rel-1");
    expect(readFileSync(join(agent.dataDir, "current", "app")).equals(oldBytes)).toBe(true);
    expect(h.hub.repos.telemetry.transitions("sc-hc", "ro-2").some((t) => t.state === "rolling_back")).toBe(false);

    proxy.open();
    await waitFor("the hub holds the rollback", () => h.hub.repos.rollouts.devices("ro-2")[0]?.state === "rolled_back", 30_000);
    const held = h.hub.repos.telemetry.transitions("sc-hc", "ro-2");
    expect(held.slice(-2).map((t) => [t.state, t.reason])).toEqual([
      ["rolling_back", "health_check"],
      ["rolled_back", "health_check"],
    ]);
    expect(held.find((t) => t.state === "rolling_back")?.detail).toContain("detector bus silent on the new release");
  }, 90_000);
});
