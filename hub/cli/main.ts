#!/usr/bin/env node
// verge: the operator CLI. Talks to the hub's HTTP API with a role-bound bearer token. Each command group lives in
// hub/cli/commands/; this file holds the global options, the help that ties them together, and the exit codes.
import { Command, CommanderError, Option } from "commander";
import { CliError, EXIT } from "./client.js";
import { DEFAULT_HUB_URL } from "./config.js";
import { createCli } from "./context.js";
import { registerAuditCommands } from "./commands/audit.js";
import { registerCohortCommands } from "./commands/cohort.js";
import { registerDeviceCommands } from "./commands/device.js";
import { registerFreezeCommands } from "./commands/freeze.js";
import { registerIncidentCommands } from "./commands/incident.js";
import { registerReleaseCommands } from "./commands/release.js";
import { registerRolloutCommands } from "./commands/rollout.js";
import { registerScadaCommands } from "./commands/scada.js";
import { registerTokenCommands } from "./commands/token.js";
import { registerWebhookCommands } from "./commands/webhook.js";

const program = new Command()
  .name("verge")
  .description("Drive verge rollouts: enroll devices, create signed releases, roll them out in stages, watch them land.")
  .addOption(new Option("--hub <url>", `hub HTTP address (default ${DEFAULT_HUB_URL})`).env("VERGE_HUB_URL"))
  .addOption(new Option("--token <token>", "API token (role-bound; the hub prints a bootstrap admin token at first start)").env("VERGE_TOKEN"))
  .addOption(new Option("--config <file>", "CLI config file with hub: and token: (default ~/.config/verge/cli.yaml)").env("VERGE_CLI_CONFIG"))
  .addOption(new Option("-o, --output <format>", "output format: human tables, or JSON for scripts").choices(["table", "json"]).default("table"))
  .showHelpAfterError("(run with --help for usage)")
  .addHelpText(
    "after",
    `
Hub and token, first found wins:
  1. --hub / --token flags
  2. VERGE_HUB_URL / VERGE_TOKEN environment variables
  3. the config file: --config FILE, else $VERGE_CLI_CONFIG, else ~/.config/verge/cli.yaml (if it exists):
       hub: https://hub.example:8080
       token: vrg_...
     keep it private (chmod 600): verge warns when a file holding a token is readable by others
  4. hub ${DEFAULT_HUB_URL}; no token (every command but --help needs one)

Exit codes:
  0  done (rollout status --watch: the rollout completed)
  1  the hub refused or failed the operation (the message says why); rollout status --watch: the rollout was
     cancelled or rolled back; audit verify: the chain is broken or rows are missing; device import: a row failed
  2  bad command line or config file
  3  the hub could not be reached
  4  no token, invalid or revoked token, or the token's role is not allowed to do this
  5  the named device, release, rollout, plan, token, cohort or incident does not exist
  6  rollout validate: a stage's entry or exit criterion is not met (the output names it)
  7  audit verify --checkpoint: the checkpoint is refused (not signed by this hub's key)

From nothing to a rollout:
  export VERGE_HUB_URL=http://127.0.0.1:8080 VERGE_TOKEN=vrg_...
  verge device import fleet.csv                               # or: verge device add sc-0001 --variant sc-x1
  verge release create --version 2.4.1 --variant sc-x1 --file ./build/app.bin
  verge rollout plan   --release rel-2.4.1 --plan default     # dry run: who lands in which stage, who is blocked
  verge rollout create --release rel-2.4.1 --plan default
  verge rollout status <rollout id> --watch                   # live progress until it completes
  verge rollout promote <rollout id>                          # when a stage awaits approval
  verge rollout validate <rollout id>                         # entry/exit criteria now; exit 0 only when all pass
  verge rollout health <rollout id> --duration 1h             # the active stage's KPIs against thresholds, trend
  verge rollout pause|resume|retry|abort|rollback <rollout id> --reason "..."
  verge freeze on --reason "..."                              # stop every rollout; verge cohort disable NAME for one cohort

Access and accountability:
  verge token create ci --role release-manager                # roles: viewer, operator, release-manager, admin
  verge scada create tms-north                                # read-only MQTT credential for rollout topics
  verge audit list --since 1h
  verge audit verify                                          # chain + signed checkpoint of its head
  verge audit checkpoint export --out FILE                    # keep one elsewhere; later: verify --checkpoint FILE
  verge webhook list                                          # notifications: delivered, failing, given up

Every command has its own --help with examples, e.g. verge rollout status --help.`,
  );

const cli = createCli(program);
registerDeviceCommands(cli);
registerReleaseCommands(cli);
registerRolloutCommands(cli);
registerCohortCommands(cli);
registerIncidentCommands(cli);
registerFreezeCommands(cli);
registerTokenCommands(cli);
registerAuditCommands(cli);
registerScadaCommands(cli);
registerWebhookCommands(cli);

// Every command at every depth throws instead of exiting, so usage errors map to exit code 2 below.
function overrideExits(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) overrideExits(sub);
}
overrideExits(program);

// Output piped into a reader that stopped (verge ... --watch | head): nothing more to say, not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error (its message is already printed).
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (err instanceof CliError) {
    process.stderr.write(`verge: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`verge: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT.failed;
  }
}
