#!/usr/bin/env node
// verge-agent: the device agent's command line. `verge-agent --config FILE` runs the agent until SIGINT/SIGTERM;
// `verge-agent simulate --count N ...` runs N simulated devices in one process (device-agent/simulator/).
import { Command, CommanderError } from "commander";
import { startAgent } from "./agent.js";
import type { Agent } from "./agent.js";
import { loadAgentConfig } from "./config.js";
import { crashAtFromEnv } from "./crash-point.js";
import { createAgentLogger } from "./log-file.js";
import { registerSimulateCommand } from "./simulator/cli.js";

/** Exit codes: 0 clean stop, 1 unexpected failure, 2 bad configuration or command line. */
export const EXIT_BAD_CONFIG = 2;

async function run(opts: { config?: string }): Promise<void> {
  if (!opts.config) {
    process.stderr.write("error: required option '-c, --config <file>' not specified\n");
    process.exit(EXIT_BAD_CONFIG);
  }
  const loaded = loadAgentConfig(opts.config);
  if (!loaded.ok) {
    process.stderr.write(`invalid agent config ${opts.config}:\n`);
    for (const p of loaded.problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  const config = loaded.config;
  let crashAt;
  try {
    // Test hook (crash-point.ts): read once, here; unset it does nothing.
    crashAt = crashAtFromEnv(process.env.VERGE_AGENT_CRASH_AT);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  // JSON lines to stdout and to <dataDir>/logs/agent.log (rotated, bounded), which diagnostics bundles carry.
  const { logger, close } = createAgentLogger(config);
  const agent: Agent = await startAgent(config, { logger, crashAt });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    agent.stop().then(
      () => {
        close();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

const program = new Command()
  .name("verge-agent")
  .description("verge device agent: follows signed desired states, downloads, verifies and activates releases")
  // Not requiredOption: commander would then ask for it on `simulate` too.
  .option("-c, --config <file>", "agent configuration (YAML or JSON); required to run the agent")
  .action(async (opts: { config?: string }) => run(opts));
registerSimulateCommand(program);
// Usage errors (commander has printed them) exit 2 like a bad configuration; help exits 0.
program.exitOverride();
for (const sub of program.commands) sub.exitOverride();

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT_BAD_CONFIG);
  process.stderr.write(`verge-agent: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
