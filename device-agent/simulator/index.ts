// The fleet simulator's composition root: N real device agents in one process, each with its own identity (id +
// secret from the hub's enrollment), state dir and MQTT session (a real mqtt.js client to the real broker), behind the
// simulator's update module (slots recorded, not copied), synthetic KPIs that follow the behaviour profile of the
// release each device runs, a health check that fails for `crash_on_activation`, and a throttled download for
// `slow_download`. Profiles come from the release notes (`sim-profile: NAME`, see profiles.ts and the README).
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { pino } from "pino";
import type { Logger } from "pino";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import type { verge } from "../../proto/index.js";
import { startAgent } from "../agent.js";
import type { Agent } from "../agent.js";
import { parseAgentConfig } from "../config.js";
import type { AgentConfigInput } from "../config.js";
import type { HealthCheck } from "../health-check.js";
import type { KpiSource } from "../kpi.js";
import { enrollDevices } from "./enroll.js";
import type { EnrollRow } from "./enroll.js";
import { KpiModel, SLOW_DOWNLOAD_BYTES_PER_S, deviceSeed, seededRandom } from "./profiles.js";
import type { SimProfile } from "./profiles.js";
import { ReleaseProfiles } from "./release-profiles.js";
import { SimUpdateModule } from "./sim-module.js";
import { limitedFetch, throttledFetch } from "./throttle.js";

export { SIM_PROFILES, SLOW_DOWNLOAD_BYTES_PER_S, KpiModel, isSimProfile, profileFromNotes, profileNotes } from "./profiles.js";
export type { SimProfile } from "./profiles.js";
export { EnrollmentError } from "./enroll.js";

export interface SimulatorOptions {
  /** The hub's HTTP base URL. */
  hubHttpUrl: string;
  /** When set, the simulator enrolls its devices itself via POST /api/devices/import. */
  adminToken?: string;
  /** Or: ready agent configs (e.g. from a previous enrollment). With adminToken too, devices missing from them are enrolled. */
  configs?: AgentConfigInput[];
  count: number;
  /** Default "sim"; ids `${prefix}-${n padded}`, n from 1, padded to at least 4 digits. */
  idPrefix?: string;
  /** One sub-directory per device. */
  dataDir: string;
  /** Default "sc-x1". */
  variant?: string;
  site?: string;
  region?: string;
  corridor?: string;
  /** KPI report interval (default 60 s, the agent's). */
  kpiIntervalS?: number;
  /** Heartbeat interval (default 60 s, the agent's). */
  heartbeatIntervalS?: number;
  /** Merged over each agent config (mqtt, outbox, healthCheck, ...), objects key by key. */
  agentConfig?: Record<string, unknown>;
  logger?: Logger;
  /**
   * HTTP requests (artifact downloads, diagnostic uploads) the simulated devices run at once, together (default 256);
   * the others wait their turn. Every request in flight is a socket of this process and of the hub.
   */
  maxHttpRequests?: number;
  /** Seed of the synthetic KPI noise (default 1): the same seed gives every device the same draws. */
  seed?: number;
}

export interface Simulator {
  readonly deviceIds: string[];
  /** "transition" (deviceId: string, t: verge.v1.StateTransition), "connected" (deviceId), "kpi" (deviceId, report) */
  readonly events: EventEmitter;
  connectedCount(): number;
  agent(deviceId: string): Agent | undefined;
  stop(): Promise<void>;
}

/** Where the simulator keeps each enrolled device's agent config (mode 0600: it holds the device's MQTT secret). */
export const SIM_CONFIG_FILE = "agent.yaml";

/**
 * What every simulated agent gets before `agentConfig`: no fsync of the outbox (thousands of agents on one disk), a
 * short health-check span so a crashing release is switched back in seconds.
 */
export const SIM_AGENT_DEFAULTS = {
  outbox: { fsync: false },
  healthCheck: { intervalS: 1, spanS: 3 },
  logLevel: "silent",
} as const;

const DEFAULT_MAX_HTTP_REQUESTS = 256;

/** Agents started between two turns of the event loop, so connects and timers run while the rest start. */
const START_BATCH = 50;

export function simulatedDeviceIds(prefix: string, count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(width, "0")}`);
}

/** Configs stored by an earlier run for these ids (those that have one), with their secrets. */
export function storedConfigs(dataDir: string, ids: readonly string[]): AgentConfigInput[] {
  const found: AgentConfigInput[] = [];
  for (const id of ids) {
    const file = join(dataDir, id, SIM_CONFIG_FILE);
    if (existsSync(file)) found.push(parseYaml(readFileSync(file, "utf8")) as AgentConfigInput);
  }
  return found;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  if (!Number.isSafeInteger(opts.count) || opts.count < 1) throw new RangeError(`count must be a whole number >= 1, got ${opts.count}`);
  const root = opts.logger ?? pino({ level: "silent" });
  const logger = root.child({ module: "simulator" });
  mkdirSync(opts.dataDir, { recursive: true });

  const inputs = await deviceConfigs(opts, logger);
  const profiles = new ReleaseProfiles(logger);
  const events = new EventEmitter();
  const agents = new Map<string, Agent>();
  const runSeed = opts.seed ?? 1;
  const http = limitedFetch(opts.maxHttpRequests ?? DEFAULT_MAX_HTTP_REQUESTS);
  try {
    for (let i = 0; i < inputs.length; i += START_BATCH) {
      const batch = inputs.slice(i, i + START_BATCH);
      for (const agent of await Promise.all(batch.map((input) => startDevice(input, opts, profiles, runSeed, root, events, http)))) agents.set(agent.id, agent.agent);
      await yieldToLoop();
    }
  } catch (err) {
    await Promise.all([...agents.values()].map((a) => a.stop({ abrupt: true })));
    throw err;
  }
  logger.info({ devices: agents.size }, "simulated devices started");

  let stopped: Promise<void> | undefined;
  return {
    deviceIds: [...agents.keys()],
    events,
    connectedCount: () => {
      let n = 0;
      for (const a of agents.values()) if (a.connected) n++;
      return n;
    },
    agent: (id) => agents.get(id),
    stop: () => (stopped ??= Promise.all([...agents.values()].map((a) => a.stop())).then(() => logger.info("simulated devices stopped"))),
  };
}

/** The configs to run: the given ones, then (with an admin token) enrollments for the missing ids, up to `count`. */
async function deviceConfigs(opts: SimulatorOptions, logger: Logger): Promise<Array<Record<string, unknown>>> {
  const given = (opts.configs ?? []).slice(0, opts.count).map((c) => ({ ...c }));
  const missing = opts.count - given.length;
  if (missing === 0) return given;
  if (!opts.adminToken) {
    throw new RangeError(`${opts.count} device(s) asked for, ${given.length} config(s) given: pass adminToken to enroll the other ${missing}`);
  }
  const taken = new Set(given.map((c) => String(c.deviceId)));
  const ids = simulatedDeviceIds(opts.idPrefix ?? "sim", opts.count).filter((id) => !taken.has(id)).slice(0, missing);
  const rows: EnrollRow[] = ids.map((id) => ({
    id,
    variant: opts.variant ?? "sc-x1",
    ...(opts.site ? { site: opts.site } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.corridor ? { corridor: opts.corridor } : {}),
  }));
  const enrolled = (await enrollDevices(opts.hubHttpUrl, opts.adminToken, rows)).map((e) => {
    const dir = join(opts.dataDir, e.id);
    const config = { ...(parseYaml(e.agentConfig) as Record<string, unknown>), dataDir: dir };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, SIM_CONFIG_FILE), toYaml(config), { mode: 0o600 });
    return config;
  });
  logger.info({ devices: enrolled.length }, "simulated devices enrolled");
  return [...given, ...enrolled];
}

async function startDevice(
  input: Record<string, unknown>,
  opts: SimulatorOptions,
  profiles: ReleaseProfiles,
  runSeed: number,
  logger: Logger,
  events: EventEmitter,
  http: typeof fetch,
): Promise<{ id: string; agent: Agent }> {
  const id = String(input.deviceId);
  const dataDir = join(opts.dataDir, id);
  mkdirSync(dataDir, { recursive: true });
  const intervals = {
    ...(opts.heartbeatIntervalS === undefined ? {} : { heartbeatIntervalS: opts.heartbeatIntervalS }),
    ...(opts.kpiIntervalS === undefined ? {} : { kpi: { intervalS: opts.kpiIntervalS } }),
  };
  const merged = mergeConfig(mergeConfig(mergeConfig(input, SIM_AGENT_DEFAULTS), intervals), { ...opts.agentConfig, dataDir });
  const parsed = parseAgentConfig(merged);
  if (!parsed.ok) throw new RangeError(`agent config of ${id}: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  const config = parsed.config;

  const module = new SimUpdateModule(dataDir, (releaseId) => installProfile(profiles, dataDir, releaseId), logger.child({ module: "sim-module", deviceId: id }));
  const kpi = new KpiModel(seededRandom(deviceSeed(runSeed, id)));
  const running = (releaseId: string): SimProfile => module.profileInSlots(releaseId) ?? profiles.get(releaseId) ?? "good";
  const kpiSource: KpiSource = { collect: (window) => kpi.next(running(window.releaseId), window.end - window.start) };
  const healthCheck: HealthCheck = (release) =>
    Promise.resolve(
      running(release.releaseId) === "crash_on_activation"
        ? { ok: false, detail: `simulated crash on activation: ${release.releaseId} exited with SIGSEGV right after start (sim-profile: crash_on_activation)` }
        : { ok: true },
    );
  const fetch = throttledFetch(() => (profiles.ofDeployment(dataDir)?.profile === "slow_download" ? SLOW_DOWNLOAD_BYTES_PER_S : undefined), http);

  const agent = await startAgent(config, { logger, updateModule: module, kpiSource, healthCheck, fetch, stateFsync: false });
  agent.events.on("transition", (t: verge.v1.StateTransition) => events.emit("transition", id, t));
  agent.events.on("connected", () => events.emit("connected", id));
  agent.events.on("kpi", (report: verge.v1.KpiReport) => events.emit("kpi", id, report));
  return { id, agent };
}

/** The profile of the release the device is about to install: from the manifest it verified, else good. */
function installProfile(profiles: ReleaseProfiles, dataDir: string, releaseId: string): SimProfile {
  const known = profiles.get(releaseId);
  if (known) return known;
  const deployment = profiles.ofDeployment(dataDir);
  return deployment?.releaseId === releaseId ? deployment.profile : "good";
}

/** `over` merged into `base`: plain objects key by key (recursively), anything else replaced. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over ?? {})) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
