#!/usr/bin/env node
// verge-agent: the device agent's command line. `verge-agent --config FILE` runs the agent until SIGINT/SIGTERM.
import { Command } from "commander";
import { startAgent } from "./agent.js";
import type { Agent } from "./agent.js";
import { loadAgentConfig } from "./config.js";
import { createAgentLogger } from "./log-file.js";

/** Exit codes: 0 clean stop, 1 unexpected failure, 2 bad configuration. */
export const EXIT_BAD_CONFIG = 2;

async function run(opts: { config: string }): Promise<void> {
  const loaded = loadAgentConfig(opts.config);
  if (!loaded.ok) {
    process.stderr.write(`invalid agent config ${opts.config}:\n`);
    for (const p of loaded.problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  const config = loaded.config;
  // JSON lines to stdout and to <dataDir>/logs/agent.log (rotated, bounded), which diagnostics bundles carry.
  const { logger, close } = createAgentLogger(config);
  const agent: Agent = await startAgent(config, { logger });
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
  .requiredOption("-c, --config <file>", "agent configuration (YAML or JSON)")
  .action(async (opts: { config: string }) => run(opts));
// Subcommands (e.g. `simulate`) go here; the default action runs the agent.

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`verge-agent: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
