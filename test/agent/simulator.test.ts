// The fleet simulator against a real hub: 20 simulated devices (real mqtt.js sessions, own ids, secrets and state
// dirs) connect; a release's `sim-profile:` line makes them fail the way a rollout must catch (install failure, crash
// on activation, availability drop, lag rise, dropped events, slow download). Also the profile parsing and KPI model
// as tables, and `verge-agent simulate` as a process.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KpiModel, SIM_PROFILES, profileFromNotes, profileNotes, startSimulator } from "../../device-agent/simulator/index.js";
import type { SimProfile, Simulator } from "../../device-agent/simulator/index.js";
import { SIM_SLOTS_FILE } from "../../device-agent/simulator/sim-module.js";
import { LAG_BUCKET_BOUNDS_MS, stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { availability, droppedRatio, histogramQuantile } from "../../hub/rollout/kpi.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { eventsOf, status, testPlan, waitForStatus } from "../helpers/rollouts.js";
import { seededRandom } from "../helpers/random.js";
import { tempDir, waitFor } from "../helpers/wait.js";

describe("simulator profiles (pure)", () => {
  it.each([
    ["", "good", true],
    ["Loop timing fix.", "good", true],
    ["sim-profile: availability_drop", "availability_drop", true],
    ["Adaptive plan.\n  SIM-Profile :  lag_rise  \nmore text", "lag_rise", true],
    ["sim-profile: install_failure", "install_failure", true],
    ["sim-profile: meltdown", "good", false],
    ["not at the start sim-profile: lag_rise", "good", true],
  ] as const)("notes %j -> %s", (notes, profile, ok) => {
    const verdict = profileFromNotes(notes);
    expect(verdict.profile).toBe(profile);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict.detail).toContain("unknown sim-profile \"meltdown\"");
  });

  it("every profile round-trips through the notes line", () => {
    for (const p of SIM_PROFILES) expect(profileFromNotes(profileNotes(p, "Release notes."))).toEqual({ ok: true, profile: p, named: true });
  });

  /** Sums of `windows` 1 s windows of one profile over `devices` devices, as the hub would aggregate them. */
  function aggregate(profile: SimProfile, devices: number, windows: number) {
    const sum = { secondsUp: 0, secondsDown: 0, eventsProcessed: 0, eventsDropped: 0, lagBuckets: new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0) };
    for (let d = 0; d < devices; d++) {
      const model = new KpiModel(seededRandom(d + 1));
      for (let w = 0; w < windows; w++) {
        const c = model.next(profile, 1000);
        expect(c.secondsUp + c.secondsDown).toBe(1);
        expect(c.lagBucketCounts.reduce((a, b) => a + b, 0)).toBe(c.eventsProcessed);
        sum.secondsUp += c.secondsUp;
        sum.secondsDown += c.secondsDown;
        sum.eventsProcessed += c.eventsProcessed;
        sum.eventsDropped += c.eventsDropped;
        c.lagBucketCounts.forEach((n, i) => (sum.lagBuckets[i]! += n));
      }
    }
    return {
      availability: availability(sum)!,
      dropped: droppedRatio(sum) ?? 0,
      p50: histogramQuantile(0.5, sum.lagBuckets) ?? 0,
      p95: histogramQuantile(0.95, sum.lagBuckets) ?? 0,
    };
  }

  // The default rules: availability >= 99.5%, lag median < 2 s, p95 < 10 s, dropped < 0.1%.
  it.each([
    // profile, devices x 1 s windows, what breaches
    ["good", 1, 3, []],
    ["good", 50, 60, []],
    ["availability_drop", 2, 3, ["availability"]],
    ["lag_rise", 1, 1, ["p50", "p95"]],
    ["dropped_events", 2, 3, ["dropped"]],
    ["crash_on_activation", 5, 10, []],
  ] as const)("%s over %i device(s) x %i window(s) breaches %j", (profile, devices, windows, breaches) => {
    const k = aggregate(profile, devices, windows);
    const breached = [
      ...(k.availability < 0.995 ? ["availability"] : []),
      ...(k.p50 > 2000 ? ["p50"] : []),
      ...(k.p95 > 10_000 ? ["p95"] : []),
      ...(k.dropped >= 0.001 ? ["dropped"] : []),
    ];
    expect(breached, JSON.stringify(k)).toEqual(breaches);
  });

  it("the same seed draws the same counts", () => {
    const a = new KpiModel(seededRandom(7));
    const b = new KpiModel(seededRandom(7));
    for (let i = 0; i < 5; i++) expect(a.next("availability_drop", 2000)).toEqual(b.next("availability_drop", 2000));
  });
});

describe("20 simulated devices against a real hub", () => {
  let h: TestHub;
  let sim: Simulator;
  let root: string;
  let cleanup = () => {};
  const transitions: Array<{ deviceId: string; t: verge.v1.StateTransition; at: number }> = [];
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `sim-${String(from + i).padStart(4, "0")}`);

  /** A release of one random `app` component whose notes name `profile`. */
  async function release(id: string, profile: SimProfile, size = 16 * 1024): Promise<void> {
    const sha = await h.upload(randomBytes(size));
    const res = await h.api("POST", "/api/releases", { id, version: id, variants: ["sc-x1"], components: [{ name: "app", sha256: sha }], notes: profileNotes(profile, `Test release ${id}.`) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  async function createRollout(body: Record<string, unknown>): Promise<void> {
    const res = await h.api("POST", "/api/rollouts", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  /** A canary of 2 watched long enough for a rule to fire, then everyone else. */
  function planWith(rule: Record<string, unknown>) {
    return testPlan({
      rules: [{ for: "2s", window: "10s", minDevices: 1, ...rule }],
      stages: [
        { name: "canary", select: { count: 2 }, observe: "30s" },
        { name: "wave-1", select: { percent: 100 } },
      ],
    });
  }

  beforeAll(async () => {
    const t = tempDir("verge-sim-");
    root = t.dir;
    cleanup = t.cleanup;
    h = await startTestHub(join(root, "hub"), { rollout: { evaluateCron: "* * * * * *" } });
    sim = await startSimulator({
      hubHttpUrl: h.hub.addresses.httpUrl,
      adminToken: h.adminToken,
      count: 20,
      dataDir: join(root, "devices"),
      kpiIntervalS: 1,
      heartbeatIntervalS: 1,
      agentConfig: { mqtt: { connectJitterMs: 200, reconnectJitterMs: 100, reconnectMinMs: 100, reconnectMaxMs: 500 } },
    });
    sim.events.on("transition", (deviceId: string, t: verge.v1.StateTransition) => transitions.push({ deviceId, t, at: Date.now() }));
    await waitFor("20 devices connected", () => sim.connectedCount() === 20, 20_000);
    // Every device runs a good release first: the one the failure cases roll back to.
    await release("rel-good", "good");
    await createRollout({ id: "ro-good", releaseId: "rel-good", devices: sim.deviceIds });
    await waitForStatus(h, "ro-good", "all activated", (s) => s.rollout.status === "completed" && s.progress.activated === 20);
  });

  afterAll(async () => {
    await sim?.stop();
    await h?.stop();
    cleanup();
  });

  it("enrolls each device with its own identity and state dir, and all connect over their own MQTT sessions", async () => {
    expect(sim.deviceIds).toEqual(ids(1, 20));
    expect(sim.connectedCount()).toBe(20);
    const secrets = new Set<string>();
    for (const id of sim.deviceIds) {
      const dir = join(root, "devices", id);
      const configFile = join(dir, "agent.yaml");
      expect(statSync(configFile).mode & 0o777).toBe(0o600);
      const config = parseYaml(readFileSync(configFile, "utf8")) as { deviceId: string; secret: string; dataDir: string };
      expect(config).toMatchObject({ deviceId: id, dataDir: dir });
      secrets.add(config.secret);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(["state.json", SIM_SLOTS_FILE, "outbox"]));
      // the simulator's module records the release; it does not copy it into a slot directory
      expect(existsSync(join(dir, "slots"))).toBe(false);
      expect(sim.agent(id)?.snapshot().installed.currentReleaseId).toBe("rel-good");
    }
    expect(secrets.size).toBe(20);
    const listed = await h.api<{ devices: Array<{ id: string; online: boolean; currentReleaseId: string | null }> }>("GET", "/api/devices?pageSize=100");
    expect(listed.body.devices.filter((d) => d.online && d.currentReleaseId === "rel-good").map((d) => d.id).sort()).toEqual(sim.deviceIds);
    // good KPIs: the hub holds full availability for the fleet
    await waitFor("KPIs of every device", async () => {
      const d = await h.api<{ kpi: { availability: number | null; droppedRatio: number | null; eventLagP50Ms: number | null } | null }>("GET", "/api/devices/sim-0020/diagnostics");
      return d.body.kpi !== null && d.body.kpi.availability === 1 && d.body.kpi.droppedRatio === 0 && (d.body.kpi.eventLagP50Ms ?? 99_999) < 1000;
    });
    expect(sim.agent("nope")).toBeUndefined();
  });

  it("install_failure: the update module's install fails and the device reports failed, reason install", async () => {
    await release("rel-install", "install_failure");
    await createRollout({ id: "ro-install", releaseId: "rel-install", devices: ids(1, 2) });
    const s = await waitForStatus(h, "ro-install", "both failed", (v) => v.devices.every((d) => d.state === "failed"));
    for (const d of s.devices) {
      expect(d).toMatchObject({ state: "failed", reason: "install", detail: expect.stringContaining("sim-profile: install_failure") as string });
      expect(sim.agent(d.deviceId)?.snapshot().installed.currentReleaseId).toBe("rel-good");
    }
  });

  it("crash_on_activation: the health check fails after the switch and the device rolls itself back (rolled_back, health_check)", async () => {
    await release("rel-crash", "crash_on_activation");
    await createRollout({ id: "ro-crash", releaseId: "rel-crash", devices: ids(3, 4) });
    const s = await waitForStatus(h, "ro-crash", "both rolled back", (v) => v.devices.every((d) => d.state === "rolled_back"), 20_000);
    for (const d of s.devices) expect(d).toMatchObject({ state: "rolled_back", reason: "health_check" });
    for (const id of ids(3, 4)) {
      const seen = transitions.filter((x) => x.deviceId === id && x.t.releaseId === "rel-crash").map((x) => stateFromWire(x.t.state));
      expect(seen.slice(-2)).toEqual(["rolling_back", "rolled_back"]);
      expect(transitions.find((x) => x.deviceId === id && stateFromWire(x.t.state) === "rolling_back")?.t.detail).toContain("simulated crash on activation");
      expect(sim.agent(id)?.snapshot().installed.currentReleaseId).toBe("rel-good");
    }
  });

  it.each([
    ["availability_drop", "rel-avail", ids(5, 8), { name: "availability", metric: "availability", op: "<", threshold: "99.5%", action: "pause_and_rollback" }],
    ["lag_rise", "rel-lag", ids(9, 12), { name: "lag-median", metric: "event_lag_p50", op: ">", threshold: "2s", action: "pause" }],
    ["dropped_events", "rel-dropped", ids(13, 16), { name: "dropped", metric: "dropped_ratio", op: ">=", threshold: "0.1%", action: "pause" }],
  ] as const)("%s: the canary's KPIs breach the %s rule and the rollout pauses at the canary", async (profile, releaseId, devices, rule) => {
    await release(releaseId, profile);
    const id = `ro-${profile}`;
    await createRollout({ id, releaseId, devices, plan: planWith(rule) });
    const s = await waitForStatus(h, id, "paused by the rule", (v) => v.rollout.status === "paused", 30_000);
    const [pause] = eventsOf(s, "paused");
    expect(pause).toMatchObject({ stage: "canary", rule: { name: rule.name, metric: rule.metric, op: rule.op } });
    expect(s.stages.find((st) => st.name === "wave-1")?.progress.notStarted).toBe(2);
    if (rule.action === "pause_and_rollback") {
      const rolled = await waitForStatus(h, id, "canary rolled back", (v) => v.rollback.requested === 2 && v.rollback.confirmed === 2);
      expect(rolled.devices.filter((d) => d.stage === "canary").map((d) => d.state)).toEqual(["rolled_back", "rolled_back"]);
      for (const d of rolled.devices.filter((x) => x.stage === "canary")) expect(sim.agent(d.deviceId)?.snapshot().installed.currentReleaseId).toBe("rel-good");
    }
  });

  it("slow_download: the artifact trickles in and the devices time out at the stage's deadline", async () => {
    // 64 KiB at 2 KiB/s: half a minute per device, against a 3 s device timeout.
    await release("rel-slow", "slow_download", 64 * 1024);
    const devices = ids(17, 18);
    const startedAt = Date.now();
    await createRollout({ id: "ro-slow", releaseId: "rel-slow", devices, plan: testPlan({ stages: [{ name: "wave-1", select: { percent: 100 }, deviceTimeout: "3s" }] }) });
    const s = await waitForStatus(h, "ro-slow", "both timed out", (v) => v.devices.every((d) => d.state === "failed"), 20_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3000);
    for (const d of s.devices) expect(d).toMatchObject({ state: "failed", reason: "timeout" });
    for (const id of devices) {
      // still downloading on the device, a fraction of the bytes in
      const snap = sim.agent(id)!.snapshot();
      expect(snap.deployment).toMatchObject({ releaseId: "rel-slow", state: "downloading" });
      const progress = transitions.filter((x) => x.deviceId === id && x.t.releaseId === "rel-slow" && Number(x.t.bytesDone) > 0);
      expect(progress.length).toBeGreaterThan(0);
      expect(Number(progress.at(-1)!.t.bytesDone)).toBeLessThan(64 * 1024);
    }
    expect((await status(h, "ro-slow")).events.some((e) => e.type === "devices_timed_out")).toBe(true);
  });
});

describe("verge-agent simulate", () => {
  function run(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ["dist/device-agent/main.js", "simulate", ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const done = new Promise<number>((resolve) => child.once("close", (code) => resolve(code ?? -1)));
    return { child, done, out: () => out, err: () => err };
  }

  it.each([
    [["--count", "0"], /option '-n, --count <n>' argument '0' is invalid/],
    [["--count", "3", "--hub", "ftp://x"], /expected the hub's HTTP URL/],
    [["--count", "3", "--kpi-interval", "-1"], /error: option '--kpi-interval <s>' argument '-1' is invalid|expected seconds/],
    [["--hub", "http://127.0.0.1:1"], /required option '-n, --count <n>' not specified/],
    [["--count", "2", "--hub", "http://127.0.0.1:1", "--bogus"], /unknown option '--bogus'/],
  ])("%j: a clear error, exit 2", async (args, message) => {
    const t = tempDir("verge-sim-cli-");
    try {
      const r = run([...args, "--data-dir", t.dir]);
      expect(await r.done, r.err()).toBe(2);
      expect(r.err()).toMatch(message);
    } finally {
      t.cleanup();
    }
  });

  it("without a token for devices it has not enrolled: says so, exit 2", async () => {
    const t = tempDir("verge-sim-cli-");
    try {
      const r = run(["--count", "2", "--hub", "http://127.0.0.1:1", "--data-dir", t.dir]);
      expect(await r.done).toBe(2);
      expect(r.err()).toContain("2 of 2 device(s) are not enrolled yet");
    } finally {
      t.cleanup();
    }
  });

  it("enrolls and runs N devices, says when all are connected, stops cleanly on Ctrl-C; a second run reuses the enrolled devices", async () => {
    const t = tempDir("verge-sim-cli-");
    const h = await startTestHub(join(t.dir, "hub"));
    try {
      const data = join(t.dir, "sim");
      const first = run(["--count", "3", "--data-dir", data, "--prefix", "cli", "--kpi-interval", "1"], { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken });
      await waitFor("all connected line", () => first.out().includes("all 3 device(s) connected"), 20_000);
      expect(first.out()).toContain("simulator: 3 device(s) (cli-0001 .. cli-0003), 0 enrolled before, 3 to enroll");
      const online = await h.api<{ devices: Array<{ id: string; online: boolean }> }>("GET", "/api/devices");
      expect(online.body.devices.filter((d) => d.online).map((d) => d.id)).toEqual(["cli-0001", "cli-0002", "cli-0003"]);
      first.child.kill("SIGINT");
      expect(await first.done, first.err()).toBe(0);
      expect(first.out()).toMatch(/SIGINT, stopping 3 device\(s\)\n.*simulator: stopped\n$/);
      await waitFor("devices offline at the hub", async () => (await h.api<{ devices: Array<{ online: boolean }> }>("GET", "/api/devices")).body.devices.every((d) => !d.online));

      // same data dir: no token needed, the devices keep their identities
      const second = run(["--count", "3", "--data-dir", data, "--prefix", "cli", "--quiet"]);
      await waitFor("all connected again", () => second.out().includes("all 3 device(s) connected"), 20_000);
      expect(second.out()).toContain("3 enrolled before, 0 to enroll");
      second.child.kill("SIGTERM");
      expect(await second.done, second.err()).toBe(0);
    } finally {
      await h.stop();
      t.cleanup();
    }
  });
});
