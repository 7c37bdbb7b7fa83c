// verge incident: open, close and list incidents; an open sev1 pauses its release's rollouts that watch for it.
import { Option } from "commander";
import type { Incident } from "../../repos/incidents.repo.js";
import type { Cli } from "../context.js";
import { ago, table } from "../format.js";

export function registerIncidentCommands(cli: Cli): void {
  const incident = cli.program
    .command("incident")
    .description("incidents linked to a release: an open sev1 pauses the release's rollouts whose plan has a sev1_incidents rule")
    .addHelpText(
      "after",
      `
Examples:
  verge incident open --severity sev1 --release rel-2.4.1 --title "detector loops dropping at site-12"
  verge incident list --status open
  verge incident close inc-20250501-a1b2c3 --reason "site power restored"`,
    );

  incident
    .command("open")
    .addOption(new Option("--severity <sev>", "severity").choices(["sev1", "sev2", "sev3", "sev4"]).makeOptionMandatory())
    .requiredOption("--title <text>", "what is wrong, in a line")
    .option("--release <id>", "the release it concerns (its rollouts' sev1_incidents rules count it)")
    .option("--id <id>", "incident id (default generated)")
    .description("open an incident")
    .addHelpText(
      "after",
      `
Examples:
  verge incident open --severity sev1 --release rel-2.4.1 --title "detector loops dropping at site-12"
  verge incident open --severity sev3 --title "slow dashboards"`,
    )
    .action(async (opts: { severity: string; title: string; release?: string; id?: string }) => {
      const res = await cli.client().request<{ incident: Incident }>("POST", "/api/incidents", { id: opts.id, severity: opts.severity, title: opts.title, releaseId: opts.release });
      cli.print(res, () => {
        const i = res.incident;
        const note = i.severity === "sev1" && i.releaseId ? `\nactive rollouts of ${i.releaseId} with a sev1_incidents rule pause now: verge rollout list` : "";
        return `incident ${i.id} opened: ${i.severity} "${i.title}"${i.releaseId ? ` on release ${i.releaseId}` : ""}${note}`;
      });
    });

  incident
    .command("close")
    .argument("<id>", "incident id")
    .option("--reason <text>", "how it was resolved")
    .description("close an incident (a paused rollout stays paused until someone resumes it)")
    .addHelpText("after", `\nExample:\n  verge incident close inc-20250501-a1b2c3 --reason "site power restored"`)
    .action(async (id: string, opts: { reason?: string }) => {
      const res = await cli.client().request<{ incident: Incident }>("POST", `/api/incidents/${encodeURIComponent(id)}/close`, { reason: opts.reason });
      cli.print(res, () => `incident ${res.incident.id} closed${res.incident.closeReason ? `: ${res.incident.closeReason}` : ""}`);
    });

  incident
    .command("list")
    .addOption(new Option("--status <status>", "only open or closed incidents").choices(["open", "closed"]))
    .option("--release <id>", "only incidents of this release")
    .description("list incidents, newest first")
    .action(async (opts: { status?: string; release?: string }) => {
      const res = { incidents: (await cli.client().getAll<Incident>("/api/incidents", "incidents", { status: opts.status, releaseId: opts.release })).items };
      cli.print(res, () =>
        table(
          ["INCIDENT", "SEVERITY", "STATUS", "RELEASE", "OPENED", "BY", "TITLE"],
          res.incidents.map((i) => [i.id, i.severity, i.status, i.releaseId, ago(i.openedAt), i.openedBy, i.title]),
        ),
      );
    });
}
