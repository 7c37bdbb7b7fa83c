// The demo: a hub in this process (temp data dir, ephemeral ports), simulated devices enrolled through the API, and
// two releases rolled out with a plan whose windows last seconds. The good one goes canary -> pilot -> waves to
// completion; the bad one (sim-profile: availability_drop) is paused at the canary by the availability rule and rolled
// back. The demo follows each rollout as people and systems outside the hub would: events on the SCADA topic
// (verge/v1/rollouts/+/events, with a read-only SCADA credential) and progress from GET /api/rollouts/{id}.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { pino } from "pino";
import { startSimulator } from "../../device-agent/simulator/index.js";
import type { Simulator } from "../../device-agent/simulator/index.js";
import type { CreatedScada, DevicePage, EventView, StatusView } from "../cli/api-types.js";
import { ApiClient } from "../cli/client.js";
import { parseHubConfig } from "../config.js";
import { startHub } from "../hub.js";
import type { Hub } from "../hub.js";
import { eventLine, pauseLines, progressKey, progressLine, stamp, summaryLines } from "./timeline.js";
import type { RolloutOutcome } from "./timeline.js";

export interface DemoOptions {
  /** Simulated devices (50 by default; at least 10 so every stage gets some). */
  devices: number;
  /** Seed of the KPI noise and of the plan's device picks. */
  seed: number;
  /** Longest wait for one rollout to end, ms. */
  rolloutTimeoutMs: number;
  write: (line: string) => void;
  /** Aborted on Ctrl-C: the demo stops waiting and cleans up. */
  signal: AbortSignal;
}

export class DemoError extends Error {
  readonly code = "demo_failed";
  constructor(message: string) {
    super(message);
    this.name = "DemoError";
  }
}

/** Second-scale windows: canary 2, pilot 5, then half of the rest and the rest; KPI rules that pause and roll back. */
export function demoPlan(seed: number): Record<string, unknown> {
  const rule = (name: string, metric: string, op: string, threshold: string) => ({ name, metric, op, threshold, for: "2s", window: "10s", minDevices: 1, action: "pause_and_rollback" });
  return {
    name: "demo",
    description: "The default plan's shape with windows of seconds: canary, pilot and two waves in about half a minute.",
    seed: `demo-${seed}`,
    defaults: { observe: "3s", deviceTimeout: "30s", failureThreshold: "10%", activation: "download_then_activate" },
    rules: [
      rule("availability", "availability", "<", "99.5%"),
      rule("event-lag-median", "event_lag_p50", ">", "2s"),
      rule("event-lag-p95", "event_lag_p95", ">", "10s"),
      rule("dropped-events", "dropped_ratio", ">=", "0.1%"),
    ],
    stages: [
      // Long enough for a bad release to breach a rule for its `for` span before the canary could complete.
      { name: "canary", select: { count: 2 }, observe: "8s", failureThreshold: "0%" },
      { name: "pilot", select: { count: 5 }, failureThreshold: "0%" },
      { name: "wave-1", select: { percent: 50 } },
      { name: "wave-2", select: { percent: 100 } },
    ],
  };
}

/** Runs the demo; resolves with its summary lines, throws DemoError when a rollout does not end as it should. */
export async function runDemo(opts: DemoOptions): Promise<string[]> {
  const t0 = Date.now();
  const line = (text: string) => opts.write(`${stamp(Date.now() - t0)} ${text}`);
  const cleanups: Array<() => unknown> = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), "verge-demo-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    // The hub, as `npm start` would run it, with a rule evaluation every second instead of every 10 s.
    const config = parseHubConfig({
      dataDir: join(dir, "hub"),
      logLevel: "error",
      mqtt: { host: "127.0.0.1", port: 0, persistence: "memory" },
      http: { host: "127.0.0.1", port: 0 },
      rollout: { evaluateCron: "* * * * * *", rollbackTimeoutMs: 60_000 },
    });
    const hub: Hub = await startHub(config, pino({ name: "verge-hub", level: "error" }, pino.destination(2)));
    cleanups.push(() => hub.stop());
    const token = hub.bootstrapToken?.token;
    if (!token) throw new DemoError("the hub made no bootstrap admin token");
    const api = new ApiClient({ hubUrl: hub.addresses.httpUrl, token });
    line(`hub started: MQTT ${hub.broker.url}, HTTP ${hub.addresses.httpUrl}; data in ${dir} (removed at the end)`);

    // A traffic management system's view: a read-only SCADA credential on the rollout events topic.
    const events: EventView[] = [];
    const scada = await api.request<CreatedScada>("POST", "/api/scada", { name: "demo-tmc", reason: "the demo follows rollout events as a TMC would" });
    const tmc: MqttClient = await mqtt.connectAsync(scada.mqttUrl, {
      clientId: "demo-tmc",
      username: scada.principal.username,
      password: scada.secret,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1000,
    });
    cleanups.push(() => tmc.endAsync(true));
    tmc.on("message", (_topic, payload) => {
      const e = JSON.parse(payload.toString("utf8")) as EventView;
      events.push(e);
      for (const [i, text] of (e.type === "paused" ? pauseLines(e) : [eventLine(e)]).entries()) line(i === 0 ? `event ${text}` : text);
    });
    await tmc.subscribeAsync("verge/v1/rollouts/+/events", { qos: 1 });
    line(`SCADA credential ${scada.principal.username} subscribed to verge/v1/rollouts/+/events`);

    // The fleet: enrolled through the API (each device its own id and MQTT secret), one MQTT session each.
    const simStart = Date.now();
    const sim: Simulator = await startSimulator({
      hubHttpUrl: hub.addresses.httpUrl,
      adminToken: token,
      count: opts.devices,
      idPrefix: "sc",
      dataDir: join(dir, "devices"),
      region: "north",
      corridor: "I-35",
      kpiIntervalS: 1,
      heartbeatIntervalS: 5,
      agentConfig: { mqtt: { connectJitterMs: 1000, keepaliveS: 30 } },
      seed: opts.seed,
    });
    cleanups.push(() => sim.stop());
    await until(() => sim.connectedCount() === opts.devices, 30_000, opts.signal, `${opts.devices} devices connected`);
    line(`${opts.devices} simulated devices enrolled and connected in ${((Date.now() - simStart) / 1000).toFixed(1)} s (${sim.deviceIds[0]} .. ${sim.deviceIds.at(-1)})`);

    const outcomes: RolloutOutcome[] = [];
    const good = await release(api, dir, "rel-2.4.0", "2.4.0", "Loop detector debounce fix.");
    const goodOutcome = await rollout(api, opts, line, events, "ro-2.4.0", good, "release 2.4.0 (good)", (s) => s.rollout.status === "completed");
    outcomes.push(goodOutcome);
    if (goodOutcome.status.rollout.status !== "completed") throw new DemoError(`the good release did not complete: ${goodOutcome.status.rollout.status}`);

    const bad = await release(api, dir, "rel-2.5.0", "2.5.0", "Adaptive timing plan.\nsim-profile: availability_drop");
    const badOutcome = await rollout(api, opts, line, events, "ro-2.5.0", bad, "release 2.5.0 (sim-profile: availability_drop)", (s) => {
      if (s.rollout.status === "completed") return true;
      const rb = s.rollback;
      return s.rollout.status === "paused" && rb.requested > 0 && rb.confirmed + rb.overdue >= rb.requested;
    });
    outcomes.push(badOutcome);
    if (!badOutcome.pause || badOutcome.status.rollout.status !== "paused") throw new DemoError(`the bad release was not paused: ${badOutcome.status.rollout.status}`);

    const fleet = new Map<string, number>();
    const page = await api.get<DevicePage>("/api/devices", { pageSize: 1000 });
    for (const d of page.devices) fleet.set(d.currentReleaseId ?? "", (fleet.get(d.currentReleaseId ?? "") ?? 0) + 1);
    return summaryLines(outcomes, fleet, Date.now() - t0);
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        opts.write(`cleanup: ${(err as Error).message}`);
      }
    }
  }
}

/** Uploads a random artifact and creates a signed release of it; returns the release id. */
async function release(api: ApiClient, dir: string, id: string, version: string, notes: string): Promise<string> {
  const file = join(dir, `app-${version}.bin`);
  writeFileSync(file, randomBytes(64 * 1024));
  const artifact = await api.upload<{ sha256: string }>("/api/artifacts", file);
  await api.request("POST", "/api/releases", { id, version, variants: ["sc-x1"], components: [{ name: "app", sha256: artifact.sha256 }], notes });
  return id;
}

/** Creates a rollout of `releaseId` with the demo plan and follows it until `done`, printing progress as it changes. */
async function rollout(
  api: ApiClient,
  opts: DemoOptions,
  line: (text: string) => void,
  events: EventView[],
  id: string,
  releaseId: string,
  label: string,
  done: (s: StatusView) => boolean,
): Promise<RolloutOutcome> {
  line(`--- ${label}: rollout ${id} ---`);
  const createdAt = Date.now();
  await api.request("POST", "/api/rollouts", { id, releaseId, plan: demoPlan(opts.seed) });
  let lastKey = "";
  let firstActivatedAt: number | undefined;
  const status = await until(
    async () => {
      const s = await api.get<StatusView>(`/api/rollouts/${id}`);
      const key = progressKey(s);
      if (key !== lastKey) {
        lastKey = key;
        line(`  ${progressLine(s)}`);
      }
      if (firstActivatedAt === undefined && s.progress.activated > 0) firstActivatedAt = Date.now();
      return done(s) ? s : undefined;
    },
    opts.rolloutTimeoutMs,
    opts.signal,
    `rollout ${id} to end`,
    250,
  );
  const pause = events.findLast((e) => e.rolloutId === id && e.type === "paused");
  line(status.rollout.status === "completed" ? `${id} completed: ${status.progress.activated}/${status.progress.total} devices run ${releaseId}` : `${id} ${status.rollout.status}: ${status.rollback.confirmed}/${status.rollback.requested} rolled back`);
  return { label, status, createdAt, endedAt: Date.now(), ...(pause ? { pause } : {}), ...(firstActivatedAt !== undefined ? { firstActivatedAt } : {}) };
}

/** Polls `check` until it gives a value; DemoError after `timeoutMs`, AbortError when `signal` aborts. */
async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, signal: AbortSignal, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal.throwIfAborted();
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new DemoError(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await delay(everyMs, undefined, { signal });
  }
}
