// Real device agents for end-to-end tests: enrolled through the hub's API, each with its own data dir and slots.
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { parseAgentConfig } from "../../device-agent/config.js";
import type { AgentConfig } from "../../device-agent/config.js";
import { startAgent } from "../../device-agent/agent.js";
import { createAgentLogger } from "../../device-agent/log-file.js";
import type { Agent } from "../../device-agent/agent.js";
import type { HealthCheck } from "../../device-agent/health-check.js";
import type { UpdateModule } from "../../device-agent/update-module.js";
import type { Logger } from "pino";
import type { KpiSource } from "../../device-agent/kpi.js";
import { stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { afterEach, beforeEach } from "vitest";
import { enroll, startTestHub } from "./hub.js";
import type { TestHub } from "./hub.js";
import { tempDir, testLogger } from "./wait.js";

export interface TestAgent {
  id: string;
  dataDir: string;
  config: AgentConfig;
  agent: Agent;
  /** Every transition this agent emitted, in order (what the hub must end up holding). */
  transitions: verge.v1.StateTransition[];
  restart(): Promise<void>;
}

export interface TestAgentConfigOverrides {
  mqttUrl?: string;
  httpUrl?: string;
  /** KPI report interval; unset keeps the config default (60 s), so tests that do not look at KPIs get none. */
  kpiIntervalS?: number;
  /** Merged over the test config last (top-level keys replace; `kpi` is merged with kpiIntervalS). */
  extraConfig?: Record<string, unknown>;
}

/** The enrolled config adjusted for a test: own data dir, fast reconnects and heartbeats, optional overrides. */
export function testAgentConfig(agentConfigYaml: string, dataDir: string, overrides: TestAgentConfigOverrides = {}): Record<string, unknown> {
  const raw = parseYaml(agentConfigYaml) as Record<string, unknown> & { hub: { mqttUrl: string; httpUrl: string } };
  const { kpi: extraKpi, ...extra } = overrides.extraConfig ?? {};
  const kpi = {
    ...(raw.kpi as Record<string, unknown> | undefined),
    ...(overrides.kpiIntervalS === undefined ? {} : { intervalS: overrides.kpiIntervalS }),
    ...(extraKpi as Record<string, unknown> | undefined),
  };
  return {
    ...raw,
    dataDir,
    heartbeatIntervalS: 1,
    logLevel: "silent",
    hub: { mqttUrl: overrides.mqttUrl ?? raw.hub.mqttUrl, httpUrl: overrides.httpUrl ?? raw.hub.httpUrl },
    mqtt: { keepaliveS: 5, reconnectJitterMs: 100, connectJitterMs: 100, reconnectMinMs: 100, reconnectMaxMs: 500 },
    ...(Object.keys(kpi).length > 0 ? { kpi } : {}),
    ...extra,
  };
}

/** Writes the test config as a YAML file (for agents run as processes). */
export function writeAgentConfig(file: string, config: Record<string, unknown>): void {
  writeFileSync(file, toYaml(config), { mode: 0o600 });
}

export interface StartTestAgentOptions extends TestAgentConfigOverrides {
  variant?: string;
  /** Replaces the configured KPI source (AgentDeps.kpiSource). */
  kpiSource?: KpiSource;
  /**
   * The application's health check after a switch (AgentDeps.healthCheck). Set `extraConfig.healthCheck` (e.g.
   * `{ intervalS: 0.05, spanS: 0.5 }`) for a short retry span; the default span is 60 s.
   */
  healthCheck?: HealthCheck;
  /**
   * Log as verge-agent does (JSON lines to <dataDir>/logs/agent.log, rotated; not to stdout) at `logLevel` (default
   * info), instead of the silent test logger: what a diagnostics bundle carries.
   */
  logToDisk?: { logLevel?: AgentConfig["logLevel"] };
  /** Replaces the A/B directory module (AgentDeps.updateModule), given the agent's data dir and logger. */
  updateModule?: (dataDir: string, logger: Logger) => UpdateModule;
}

export async function startTestAgent(h: TestHub, root: string, id: string, opts: StartTestAgentOptions = {}): Promise<TestAgent> {
  const { agentConfig } = await enroll(h, id, opts.variant ?? "sc-x1");
  const dataDir = join(root, id);
  mkdirSync(dataDir, { recursive: true });
  const parsed = parseAgentConfig(testAgentConfig(agentConfig, dataDir, opts));
  if (!parsed.ok) throw new Error(`agent config for ${id}: ${JSON.stringify(parsed.problems)}`);
  const config = parsed.config;
  const transitions: verge.v1.StateTransition[] = [];
  const logger = opts.logToDisk
    ? createAgentLogger({ ...config, logLevel: opts.logToDisk.logLevel ?? "info" }, { stdout: false, name: `agent-${id}` }).logger
    : testLogger(`agent-${id}`);
  const launch = async () => {
    const agent = await startAgent(config, { logger, kpiSource: opts.kpiSource, healthCheck: opts.healthCheck, updateModule: opts.updateModule?.(dataDir, logger) });
    agent.events.on("transition", (t: verge.v1.StateTransition) => transitions.push(t));
    return agent;
  };
  const ta: TestAgent = {
    id,
    dataDir,
    config,
    agent: await launch(),
    transitions,
    async restart() {
      await ta.agent.stop();
      ta.agent = await launch();
    },
  };
  return ta;
}

/** Names of a transition list, with consecutive repeats (progress reports) folded. */
export function stateNames(ts: Array<{ state: string | number | null | undefined }>): string[] {
  const names = ts.map((t) => (typeof t.state === "string" ? t.state : (stateFromWire(t.state) ?? `?${String(t.state)}`)));
  return names.filter((n, i) => i === 0 || names[i - 1] !== n);
}


/**
 * Per-test fixture: a fresh hub in a temp dir before each test; agents pushed to `agents` are stopped, then the hub,
 * then the dir is removed after each test. Read the fields inside tests (they change per test).
 */
export function useHubWithAgents(prefix: string, hubOverrides: Parameters<typeof startTestHub>[1] = {}): { h: TestHub; root: string; agents: TestAgent[] } {
  const ctx = { root: "", agents: [] as TestAgent[] } as { h: TestHub; root: string; agents: TestAgent[] };
  let cleanup = () => {};
  beforeEach(async () => {
    const t = tempDir(prefix);
    ctx.root = t.dir;
    cleanup = t.cleanup;
    ctx.h = await startTestHub(join(t.dir, "hub"), hubOverrides);
  });
  afterEach(async () => {
    await Promise.all(ctx.agents.splice(0).map((a) => a.agent.stop()));
    await ctx.h.stop();
    cleanup();
  });
  return ctx;
}
