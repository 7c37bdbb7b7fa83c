// `verge-agent simulate`: runs N simulated devices in this process until Ctrl-C. Devices enrolled by an earlier run
// with the same --data-dir and --prefix are reused (their configs are kept in <data-dir>/<id>/agent.yaml); the others
// are enrolled with the admin token.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { pino } from "pino";
import { parse as parseYaml } from "yaml";
import { stateFromWire } from "../../proto/index.js";
import type { verge } from "../../proto/index.js";
import { simulatedDeviceIds, startSimulator, storedConfigs } from "./index.js";
import type { Simulator } from "./index.js";

/** Exit code of a bad command line or unusable input (the agent's "bad configuration"). */
export const EXIT_USAGE = 2;

interface SimulateFlags {
  count: number;
  hub?: string;
  token?: string;
  dataDir: string;
  prefix: string;
  variant: string;
  site?: string;
  region?: string;
  corridor?: string;
  kpiInterval?: number;
  heartbeatInterval?: number;
  agentConfig?: string;
  seed: number;
  logLevel: string;
  quiet?: boolean;
}

function wholeNumber(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`expected a whole number >= ${min}.`);
    return Number(value);
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError("expected seconds, more than 0 (fractions allowed).");
  return n;
}

function hubUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new InvalidArgumentError("expected the hub's HTTP URL, e.g. http://127.0.0.1:8080.");
  }
  return value;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function registerSimulateCommand(program: Command): void {
  program
    .command("simulate")
    .description("run N simulated devices in this process (real MQTT sessions, simulated update module and KPIs) until Ctrl-C")
    .requiredOption("-n, --count <n>", "number of devices", wholeNumber(1))
    .option("--hub <url>", "the hub's HTTP URL, for enrollment (default $VERGE_HUB_URL)", hubUrl, process.env.VERGE_HUB_URL)
    .option("--token <token>", "admin token, to enroll devices not enrolled by an earlier run (default $VERGE_TOKEN)", process.env.VERGE_TOKEN)
    .option("--data-dir <dir>", "one sub-directory per device, with its agent config", "./data-sim")
    .option("--prefix <prefix>", "device ids <prefix>-0001, <prefix>-0002, ...", "sim")
    .option("--variant <variant>", "variant of enrolled devices", "sc-x1")
    .option("--site <site>", "site of enrolled devices")
    .option("--region <region>", "region of enrolled devices")
    .option("--corridor <corridor>", "corridor of enrolled devices")
    .option("--kpi-interval <s>", "KPI report interval in seconds (default 60)", seconds)
    .option("--heartbeat-interval <s>", "heartbeat interval in seconds (default 60)", seconds)
    .option("--agent-config <file>", "YAML/JSON merged over every device's agent config (mqtt, outbox, healthCheck, ...)")
    .option("--seed <n>", "seed of the KPI noise", wholeNumber(0), 1)
    .option("--log-level <level>", `agents' log level on stderr: ${LOG_LEVELS.join(", ")}`, "warn")
    .option("-q, --quiet", "no progress lines, only the start, the all-connected line and the stop")
    .addHelpText(
      "after",
      `
A release names how simulated devices behave with a line in its notes, e.g.
  verge release create --version 9.9.9 --variant sc-x1 --file app.bin --notes "sim-profile: availability_drop"
Profiles: good, availability_drop, lag_rise, dropped_events, install_failure, crash_on_activation, slow_download.

Example:
  verge-agent simulate --count 1000 --hub http://127.0.0.1:8080 --token $(cat data/bootstrap-admin.token)`,
    )
    .action(async (flags: SimulateFlags) => runSimulate(flags));
}

function usage(message: string): never {
  process.stderr.write(`verge-agent simulate: ${message}\n`);
  process.exit(EXIT_USAGE);
}

async function runSimulate(flags: SimulateFlags): Promise<void> {
  if (!LOG_LEVELS.includes(flags.logLevel)) usage(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  let agentConfig: Record<string, unknown> | undefined;
  if (flags.agentConfig) {
    try {
      const raw: unknown = parseYaml(readFileSync(flags.agentConfig, "utf8"));
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) usage(`--agent-config ${flags.agentConfig}: expected a mapping at the top level`);
      agentConfig = raw as Record<string, unknown>;
    } catch (err) {
      usage(`--agent-config ${flags.agentConfig}: ${(err as Error).message}`);
    }
  }
  const dataDir = resolve(flags.dataDir);
  const ids = simulatedDeviceIds(flags.prefix, flags.count);
  const configs = storedConfigs(dataDir, ids);
  const toEnroll = flags.count - configs.length;
  if (toEnroll > 0 && !flags.token) usage(`${toEnroll} of ${flags.count} device(s) are not enrolled yet in ${dataDir}: pass --token (an admin token) to enroll them`);
  if (toEnroll > 0 && !flags.hub) usage("--hub (or VERGE_HUB_URL) is needed to enroll devices");

  const write = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const logger = pino({ name: "verge-sim", level: flags.logLevel }, pino.destination(2));
  const startedAt = Date.now();
  write(`simulator: ${flags.count} device(s) (${ids[0]} .. ${ids.at(-1)}), ${configs.length} enrolled before, ${toEnroll} to enroll; data in ${dataDir}`);

  let sim: Simulator;
  try {
    sim = await startSimulator({
      hubHttpUrl: flags.hub ?? String((configs[0]?.hub as { httpUrl?: string } | undefined)?.httpUrl ?? ""),
      ...(flags.token ? { adminToken: flags.token } : {}),
      configs,
      count: flags.count,
      idPrefix: flags.prefix,
      dataDir,
      variant: flags.variant,
      ...(flags.site ? { site: flags.site } : {}),
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.corridor ? { corridor: flags.corridor } : {}),
      ...(flags.kpiInterval ? { kpiIntervalS: flags.kpiInterval } : {}),
      ...(flags.heartbeatInterval ? { heartbeatIntervalS: flags.heartbeatInterval } : {}),
      ...(agentConfig ? { agentConfig } : {}),
      seed: flags.seed,
      logger,
    });
  } catch (err) {
    process.stderr.write(`verge-agent simulate: ${(err as Error).message}\n`);
    process.exit(err instanceof RangeError ? EXIT_USAGE : 1);
  }
  write(`simulator: ${sim.deviceIds.length} agent(s) started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; connecting`);

  // The last state each device reported, for the progress line.
  const states = new Map<string, string>();
  let changed = true;
  let allConnected = false;
  const onConnected = () => {
    changed = true;
    if (allConnected || sim.connectedCount() < sim.deviceIds.length) return;
    allConnected = true;
    write(`simulator: all ${sim.deviceIds.length} device(s) connected ${((Date.now() - startedAt) / 1000).toFixed(1)} s after start; Ctrl-C stops them`);
  };
  sim.events.on("connected", onConnected);
  onConnected(); // the first devices may have connected while the others were starting
  sim.events.on("transition", (id: string, t: verge.v1.StateTransition) => {
    states.set(id, stateFromWire(t.state) ?? "?");
    changed = true;
  });
  const progress = setInterval(() => {
    if (!changed || flags.quiet) return;
    changed = false;
    const byState = new Map<string, number>();
    for (const s of states.values()) byState.set(s, (byState.get(s) ?? 0) + 1);
    const counts = [...byState].map(([s, n]) => `${s} ${n}`).join(", ");
    write(`connected ${sim.connectedCount()}/${sim.deviceIds.length}${counts ? ` | ${counts}` : ""}`);
  }, 5000);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting for the devices\n`);
      process.exit(130);
    }
    stopping = true;
    clearInterval(progress);
    write(`simulator: ${signal}, stopping ${sim.deviceIds.length} device(s)`);
    sim.stop().then(
      () => {
        write("simulator: stopped");
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`verge-agent simulate: stop failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}
