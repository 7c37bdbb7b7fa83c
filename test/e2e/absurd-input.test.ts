// Absurd numbers and gates that read wrong (issue 14 items 3 and 4), on real parts: a hub with its Aedes broker and
// SQLite file, devices as raw MQTT clients (to send what no agent would) or in-process agents, SCADA as a real MQTT
// client, the API over HTTP, /metrics as Prometheus text, and the built `verge` CLI.
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS, pb, stateToWire, topics } from "../../proto/index.js";
import { startTestAgent } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { verge } from "../helpers/cli.js";
import { connectAsDevice, enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { parsePrometheusText, sumOf } from "../helpers/prom-parse.js";
import { eventsOf, kpiByRelease, makeRelease, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/**
 * A hub with the shipped ingest bounds: the test helper lifts the seconds bound for kpiByRelease, which reports 1,000 s
 * per window; `{ ingest: {} }` keeps the helper's (tests with agents on kpiByRelease).
 */
async function hub(overrides: Parameters<typeof startTestHub>[1] = {}): Promise<{ h: TestHub; root: string }> {
  const t = tempDir("verge-absurd-");
  cleanups.push(t.cleanup);
  const h = await startTestHub(join(t.dir, "hub"), { ingest: { kpiSecondsSlackS: 5 }, rollout: { evaluateCron: "* * * * * *" }, ...overrides });
  cleanups.push(() => h.stop());
  return { h, root: t.dir };
}

async function device(h: TestHub, id: string): Promise<MqttClient> {
  const { secret } = await enroll(h, id);
  const client = await connectAsDevice(h, id, secret);
  cleanups.push(() => client.endAsync(true));
  return client;
}

async function metrics(h: TestHub) {
  return parsePrometheusText(await (await fetch(h.hub.addresses.httpUrl + "/metrics")).text());
}

/** A uint64 as protobufjs writes it exactly (a JS number cannot hold 2^53 + 1); negatives as their two's complement. */
function u64(v: bigint): number {
  const bits = BigInt.asUintN(64, v);
  return { low: Number(bits & 0xffffffffn), high: Number(bits >> 32n), unsigned: true } as unknown as number;
}

function kpi(id: string, seq: number, over: Record<string, unknown> = {}): Buffer {
  const end = Date.now() - 1000;
  const lag = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  lag[0] = 100;
  return Buffer.from(
    pb.KpiReport.encode({
      deviceId: id,
      seq,
      eventTime: end,
      windowStart: end - 60_000,
      windowEnd: end,
      releaseId: "rel-1",
      secondsUp: 60,
      secondsDown: 0,
      eventsProcessed: 100,
      eventsDropped: 0,
      lagBucketBoundsMs: [...LAG_BUCKET_BOUNDS_MS],
      lagBucketCounts: lag,
      ...over,
    }).finish(),
  );
}

/** A SCADA credential and a real MQTT client on it, collecting what it receives. */
async function scada(h: TestHub, name: string): Promise<{ client: MqttClient; seen: Array<{ topic: string; json: Record<string, unknown>; retain: boolean }> }> {
  const res = await h.api<{ principal: { username: string }; secret: string; mqttUrl: string }>("POST", "/api/scada", { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const client = await mqtt.connectAsync(res.body.mqttUrl, { clientId: name, username: res.body.principal.username, password: res.body.secret, protocolVersion: 4, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true));
  const seen: Array<{ topic: string; json: Record<string, unknown>; retain: boolean }> = [];
  client.on("message", (topic, payload, packet) => seen.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  return { client, seen };
}

describe("absurd numbers at ingest", () => {
  it("huge counters, seq beyond 2^53, negative seq, future event times: refused by reason, counted on /metrics, stored as rejections; fleet views keep working", async () => {
    const { h } = await hub();
    const dev = await device(h, "sc-0001");
    const up = (kind: "kpi" | "state" | "heartbeat", payload: Uint8Array) => dev.publishAsync(topics.up("sc-0001", kind), Buffer.from(payload), { qos: 1 });

    await up("kpi", kpi("sc-0001", 1, { secondsUp: u64(2n ** 62n), secondsDown: u64(2n ** 62n) }));
    await up("kpi", kpi("sc-0001", 2, { eventsProcessed: 2 ** 50, lagBucketCounts: new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0) }));
    await up("kpi", kpi("sc-0001", u64(2n ** 53n + 1n)));
    await up("state", pb.StateTransition.encode({ deviceId: "sc-0001", seq: u64(-1n), eventTime: Date.now(), state: stateToWire("pending") }).finish());
    await up("heartbeat", pb.Heartbeat.encode({ deviceId: "sc-0001", seq: 3, eventTime: Date.now() + 365 * 24 * 3600 * 1000, uptimeS: 5 }).finish());
    await up("kpi", kpi("sc-0001", 4, { secondsUp: 3600 }));
    // believable ones are stored; then one whose seq went back further than late delivery explains (ingest.seqReorderWindow)
    await up("kpi", kpi("sc-0001", 20_000));
    await up("heartbeat", pb.Heartbeat.encode({ deviceId: "sc-0001", seq: 20_001, eventTime: Date.now(), uptimeS: 6 }).finish());
    await up("state", pb.StateTransition.encode({ deviceId: "sc-0001", seq: 7, eventTime: Date.now(), state: stateToWire("pending") }).finish());

    const expected = { number_out_of_range: 1, kpi_events_beyond_ceiling: 1, seq_out_of_range: 2, event_time_future: 1, kpi_seconds_beyond_window: 1, seq_not_increasing: 1 };
    await waitFor("every rejection counted", async () => {
      const m = await metrics(h);
      return Object.entries(expected).every(([reason, n]) => sumOf(m, "verge_telemetry_rejected_total", { reason }) === n);
    });
    const rej = await h.api<{ rejections: Array<{ deviceId: string; reason: string; detail: string }> }>("GET", "/api/telemetry/rejections");
    expect(rej.status).toBe(200);
    const byReason = (reason: string) => rej.body.rejections.filter((r) => r.reason === reason).map((r) => r.detail);
    expect(byReason("number_out_of_range")).toEqual([expect.stringMatching(/^seconds_up 4611686018427388000 is beyond 2\^53-1/)]);
    expect(byReason("seq_out_of_range").sort()).toEqual([
      expect.stringMatching(/^seq 18446744073709552000 is outside 1\.\.2\^53-1/),
      expect.stringMatching(/^seq 9007199254740992 is outside 1\.\.2\^53-1/),
    ]);
    expect(byReason("event_time_future")).toEqual([expect.stringMatching(/ahead of the hub's clock/)]);
    expect(byReason("seq_not_increasing")).toEqual([expect.stringMatching(/^seq 7 is 19994 below the device's last stored seq 20001, more than ingest\.seqReorderWindow \(10000\)/)]);

    // only the believable window is stored, and the device was not seen in the future
    expect(h.hub.db.prepare("SELECT seq FROM kpi_reports WHERE device_id = 'sc-0001'").pluck().all()).toEqual([20_000]);
    const list = await h.api<{ devices: Array<{ id: string; lastSeenAt: number | null }> }>("GET", "/api/devices");
    expect(list.status).toBe(200);
    expect(list.body.devices.find((d) => d.id === "sc-0001")!.lastSeenAt).toBeLessThanOrEqual(Date.now());
    expect((await h.api("GET", "/api/devices/sc-0001")).status).toBe(200);
    const diag = await h.api<{ rejections: Array<{ reason: string }> }>("GET", "/api/devices/sc-0001/diagnostics");
    expect(diag.status).toBe(200);
    expect(diag.body.rejections.map((r) => r.reason).sort()).toEqual(
      ["event_time_future", "kpi_events_beyond_ceiling", "kpi_seconds_beyond_window", "number_out_of_range", "seq_not_increasing", "seq_out_of_range", "seq_out_of_range"],
    );
    expect((await fetch(h.hub.addresses.httpUrl + "/healthz")).status).toBe(200);
  });

  it("rows with 2^62 counters already in the database (stored before the bounds): fleet views, rollout health and rule evaluation keep working", async () => {
    const { h } = await hub();
    await device(h, "sc-0001");
    await makeRelease(h, "rel-1");
    const plan = testPlan({
      defaults: { observe: "1h" },
      stages: [{ name: "canary", select: { count: 1 } }],
      rules: [{ name: "availability", metric: "availability", op: "<", threshold: 0.995, for: "0s", window: "1h", minDevices: 1, action: "alert" }],
    });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-1", releaseId: "rel-1", plan })).status).toBe(201);
    // Two reports as a database from before holds them: summed with sum() they overflow ("integer overflow").
    const now = Date.now();
    for (const seq of [1, 2]) {
      h.hub.repos.telemetry.insertKpi({
        deviceId: "sc-0001", seq, eventTime: now - 1000, receivedAt: now, windowStart: now - 61_000, windowEnd: now - 1000, releaseId: "rel-1",
        secondsUp: 1, secondsDown: 1, eventsProcessed: 1, eventsDropped: 0, lagBounds: [...LAG_BUCKET_BOUNDS_MS], lagCounts: [1],
      });
    }
    h.hub.db.prepare("UPDATE kpi_reports SET seconds_up = 4611686018427387904, seconds_down = 4611686018427387904, lag_0 = 4611686018427387904 WHERE device_id = 'sc-0001'").run();
    expect(() => h.hub.db.prepare("SELECT sum(seconds_up) FROM kpi_reports").get()).toThrow(/integer overflow/);

    expect((await h.api("GET", "/api/devices")).status).toBe(200);
    const show = await h.api<{ device: { kpi: { availability: number; reports: number } | null } }>("GET", "/api/devices/sc-0001");
    expect(show.status, JSON.stringify(show.body)).toBe(200);
    expect(show.body.device.kpi).toMatchObject({ availability: 0.5, reports: 2 });
    const diag = await h.api<{ kpi: { availability: number } | null }>("GET", "/api/devices/sc-0001/diagnostics");
    expect(diag.status).toBe(200);
    expect(diag.body.kpi?.availability).toBe(0.5);
    const health = await h.api<{ metrics: Array<{ metric: string; value: number | null }> }>("GET", "/api/rollouts/ro-1/health");
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    // The rule evaluates (every second) over those rows: availability 50% fires its alert; no evaluation failure.
    const s = await waitForStatus(h, "ro-1", "rule evaluated over the absurd rows", (st) => st.stages[0]!.rules[0]!.verdict === "firing");
    expect(s.stages[0]!.rules[0]!.value).toBe(0.5);
    expect(eventsOf(s, "alert")).toHaveLength(1);
    expect(eventsOf(s, "evaluation_failed")).toEqual([]);
  });
});

describe("an evaluation that cannot reach a verdict never lets a stage advance", () => {
  it("a rule whose figures cannot be read holds the canary (one evaluation_failed event, on SCADA too, counted); once it reads again the rollout goes on", async () => {
    const { h, root } = await hub({ ingest: {} });
    const agents: TestAgent[] = await Promise.all(["sc-001", "sc-002", "sc-003"].map((id) => startTestAgent(h, root, id, { kpiSource: kpiByRelease({}), kpiIntervalS: 1 })));
    cleanups.push(() => Promise.all(agents.map((a) => a.agent.stop())));
    await makeRelease(h, "rel-1");
    const { client, seen } = await scada(h, "tmc-1");
    await client.subscribeAsync("verge/v1/rollouts/ro-e/events", { qos: 1 });
    const plan = testPlan({
      defaults: { observe: "0s" },
      stages: [{ name: "canary", select: { count: 1 }, approval: true }, { name: "wave-1", select: { percent: 100 } }],
      rules: [{ name: "sev1", metric: "sev1_incidents", op: ">", threshold: 0, for: "0s", window: "1h", minDevices: 0, action: "pause" }],
    });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-e", releaseId: "rel-1", plan })).status).toBe(201);
    await waitForStatus(h, "ro-e", "canary awaiting approval", (s) => eventsOf(s, "awaiting_approval").length === 1);

    // The incidents table goes away under the hub (as a damaged or half-migrated database would): the sev1 rule
    // cannot count open incidents. The canary is approved: it would complete at the next evaluation.
    h.hub.db.exec("ALTER TABLE incidents RENAME TO incidents_offline");
    expect((await h.api("POST", "/api/rollouts/ro-e/promote", {})).status).toBe(200);
    const failed = await waitForStatus(h, "ro-e", "evaluation_failed", (s) => eventsOf(s, "evaluation_failed").length === 1);
    const event = eventsOf(failed, "evaluation_failed")[0]!;
    expect(event.stage).toBe("canary");
    expect(event.explanation).toMatch(/^Stage canary holds: a rule or criterion could not be evaluated \(rule sev1 \(sev1_incidents\): no such table: incidents\)/);
    // Several more evaluations (one a second): still held, still one event.
    await waitFor("evaluations keep failing", async () => sumOf(await metrics(h), "verge_rollout_evaluation_failures_total", { rollout: "ro-e", stage: "canary" }) >= 4);
    const held = await status(h, "ro-e");
    expect(held.rollout.status).toBe("active");
    expect(held.stages.map((st) => [st.name, st.status])).toEqual([["canary", "converged"], ["wave-1", "pending"]]);
    expect(held.stages[1]!.startedAt).toBeNull();
    expect(eventsOf(held, "evaluation_failed")).toHaveLength(1);
    expect(eventsOf(held, "stage_completed")).toEqual([]);
    await waitFor("SCADA got evaluation_failed", () => seen.some((m) => m.topic === "verge/v1/rollouts/ro-e/events" && m.json.type === "evaluation_failed"));

    h.hub.db.exec("ALTER TABLE incidents_offline RENAME TO incidents");
    const done = await waitForStatus(h, "ro-e", "completed after the rule reads again", (s) => s.rollout.status === "completed");
    expect(eventsOf(done, "evaluation_recovered")).toEqual([expect.objectContaining({ stage: "canary" })]);
    expect(eventsOf(done, "evaluation_failed")).toHaveLength(1);
    const types = done.events.map((e) => e.type);
    expect(types.indexOf("evaluation_recovered")).toBeLessThan(types.indexOf("completed"));
    await waitFor("SCADA got evaluation_recovered", () => seen.some((m) => m.json.type === "evaluation_recovered"));
  });
});

describe("gates that read wrong", () => {
  it("a paused rollout whose rule fires: canaryHealthy false in the status JSON, the SCADA retained status and /metrics", async () => {
    const { h, root } = await hub({ ingest: {} });
    const agent = await startTestAgent(h, root, "sc-001", { kpiSource: kpiByRelease({ "rel-bad": { availability: 0.9 } }), kpiIntervalS: 1 });
    cleanups.push(() => agent.agent.stop());
    await makeRelease(h, "rel-bad");
    const plan = testPlan({
      defaults: { observe: "1h" },
      stages: [{ name: "canary", select: { count: 1 } }, { name: "wave-1", select: { percent: 100 } }],
      // `for` lets the canary converge first: the gate then hangs on the rule alone.
      rules: [{ name: "availability", metric: "availability", op: "<", threshold: 0.995, for: "2s", window: "1h", minDevices: 1, action: "pause" }],
    });
    expect((await h.api("POST", "/api/rollouts", { id: "ro-g", releaseId: "rel-bad", plan })).status).toBe(201);
    const paused = await waitForStatus(h, "ro-g", "paused by the rule", (s) => s.rollout.status === "paused");
    expect(paused.stages[0]!.rules[0]!.verdict).toBe("firing");
    expect(paused.stages[0]!.status).toBe("converged");
    expect(paused.gates.canaryHealthy).toBe(false);

    const { client, seen } = await scada(h, "tmc-2");
    await client.subscribeAsync("verge/v1/rollouts/ro-g/status", { qos: 1 });
    await waitFor("retained status", () => seen.some((m) => m.topic === "verge/v1/rollouts/ro-g/status"));
    const retained = seen.find((m) => m.topic === "verge/v1/rollouts/ro-g/status")!;
    expect(retained.retain).toBe(true);
    expect(retained.json).toMatchObject({ status: "paused", gates: { canaryHealthy: false } });
    expect(sumOf(await metrics(h), "verge_rollout_gate", { rollout: "ro-g", gate: "canaryHealthy" })).toBe(0);
  });

  it("--min-base-image 9.0 blocks a device whose base image is `unknown` (what `device add` writes) with base_image_unknown: rollout plan and create", async () => {
    const { h, root } = await hub();
    const unknown = await startTestAgent(h, root, "sc-unk");
    const newer = await startTestAgent(h, root, "sc-new", { extraConfig: { inventory: { baseImageVersion: "10.2.1" } } });
    const older = await startTestAgent(h, root, "sc-old", { extraConfig: { inventory: { baseImageVersion: "8.4" } } });
    cleanups.push(() => Promise.all([unknown, newer, older].map((a) => a.agent.stop())));
    await waitFor("inventories stored", () => ["sc-unk", "sc-new", "sc-old"].every((id) => h.hub.repos.devices.get(id)?.baseImageVersion));
    expect(h.hub.repos.devices.get("sc-unk")?.baseImageVersion).toBe("unknown");
    const sha = await h.upload(Buffer.from("base image 9 app"));
    expect((await h.api("POST", "/api/releases", { id: "rel-9", version: "9", variants: ["sc-x1"], minBaseImage: "9.0", components: [{ name: "app", sha256: sha }] })).status).toBe(201);

    const run = await verge(["rollout", "plan", "--release", "rel-9", "--plan", "fast", "-o", "json"], { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken });
    expect(run.code, run.stderr).toBe(0);
    const preview = (JSON.parse(run.stdout) as { preview?: { excluded: unknown[] }; excluded?: unknown[] });
    const excluded = (preview.preview ?? preview).excluded;
    expect(excluded).toEqual([
      { deviceId: "sc-old", reason: "base_image_too_old", detail: "device sc-old runs base image 8.4; release rel-9 needs 9.0 or newer" },
      { deviceId: "sc-unk", reason: "base_image_unknown", detail: 'device sc-unk reports base image "unknown", which is not a version (e.g. 9.0, 10.2.1, 2024.06); release rel-9 needs 9.0 or newer' },
    ]);
    const table = await verge(["rollout", "plan", "--release", "rel-9", "--plan", "fast"], { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken });
    expect(table.stdout).toMatch(/sc-unk\s+base_image_unknown/);

    const created = await h.api<{ excluded: Array<{ deviceId: string; reason: string }>; devices: Array<{ deviceId: string }> }>("POST", "/api/rollouts", { id: "ro-9", releaseId: "rel-9" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.excluded.map((e) => [e.deviceId, e.reason]).sort()).toEqual([["sc-old", "base_image_too_old"], ["sc-unk", "base_image_unknown"]]);
    expect(created.body.devices.map((d) => d.deviceId)).toEqual(["sc-new"]);
  });
});
