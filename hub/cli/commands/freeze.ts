// verge freeze: the fleet-wide kill switch. On, no rollout advances and no device activates (downloads may finish);
// rollbacks still work. Off, held devices go on. `verge freeze` alone shows the state and the disabled cohorts.
import type { FleetStatus } from "../../services/brakes.service.js";
import type { Cli } from "../context.js";
import { ago, table } from "../format.js";

export function registerFreezeCommands(cli: Cli): void {
  const freeze = cli.program
    .command("freeze")
    .description("the fleet-wide kill switch: stop every rollout from advancing and every device from activating (rollbacks still work)")
    .addHelpText(
      "after",
      `
Examples:
  verge freeze                                        # is the fleet frozen? which cohorts are disabled?
  verge freeze on --reason "corridor A1 incident, all changes stopped"
  verge freeze off --reason "incident closed"

While frozen: no stage starts, activates, times devices out or completes; devices told to activate are told to hold
(a download may finish, nobody activates); pause rules still pause and roll back; rollback works. Off: held devices
go on, observation windows and device deadlines move on by the time spent frozen. Per cohort: verge cohort disable.`,
    )
    .action(async () => show(cli));

  freeze
    .command("status")
    .description("show the freeze and the disabled cohorts")
    .action(async () => show(cli));

  freeze
    .command("on")
    .requiredOption("--reason <text>", "why (shown everywhere the freeze is)")
    .description("freeze the fleet")
    .action(async (opts: { reason: string }) => {
      const res = await cli.client().request<FleetStatus>("POST", "/api/freeze/on", { reason: opts.reason });
      cli.print(res, () => `fleet frozen: ${res.freeze.reason}\nno rollout advances and no device activates until: verge freeze off`);
    });

  freeze
    .command("off")
    .option("--reason <text>", "why it can go on")
    .description("lift the freeze: held devices go on")
    .action(async (opts: { reason?: string }) => {
      const res = await cli.client().request<FleetStatus>("POST", "/api/freeze/off", { reason: opts.reason });
      cli.print(res, () => `fleet freeze lifted${res.disabledCohorts.length ? `; still disabled: ${res.disabledCohorts.map((c) => c.name).join(", ")}` : ""}`);
    });
}

async function show(cli: Cli): Promise<void> {
  const res = await cli.client().request<FleetStatus>("GET", "/api/freeze");
  cli.print(res, () => describeBrakes(res));
}

/** The freeze and disabled cohorts, as `verge freeze` prints them. */
export function describeBrakes(s: FleetStatus): string {
  const lines = [
    s.frozen
      ? `FROZEN since ${ago(s.freeze.changedAt)} by ${s.freeze.changedBy}: ${s.freeze.reason}`
      : `not frozen${s.freeze.changedAt !== null ? ` (lifted ${ago(s.freeze.changedAt)} by ${s.freeze.changedBy})` : ""}`,
  ];
  if (s.disabledCohorts.length === 0) lines.push("no cohort disabled");
  else {
    lines.push("disabled cohorts:");
    lines.push(table(["COHORT", "MEMBERS", "SINCE", "BY", "REASON"], s.disabledCohorts.map((c) => [c.name, c.members, ago(c.disabledAt), c.disabledBy, c.reason])));
  }
  return lines.join("\n");
}
