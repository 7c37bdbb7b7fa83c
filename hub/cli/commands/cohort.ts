// verge cohort: named device groups that plans select from; canary/pilot cohorts are bound to a release.
import { Option } from "commander";
import type { Cohort } from "../../repos/cohorts.repo.js";
import { CliError, EXIT } from "../client.js";
import { collect } from "../context.js";
import type { Cli } from "../context.js";
import { ago, outputWidth, table, wrapList, yesNo } from "../format.js";

export function registerCohortCommands(cli: Cli): void {
  const cohort = cli.program
    .command("cohort")
    .description("named device groups: plans select from them (select: {cohort: NAME}); canary/pilot cohorts are bound to a release")
    .addHelpText(
      "after",
      `
Examples:
  verge cohort create corridor-a --description "A1 corridor controllers" --device sc-0001,sc-0002
  verge cohort create canary-east --kind canary --release rel-2.4.1 --device sc-0001
  verge cohort add corridor-a sc-0003 sc-0004
  verge cohort list
  verge cohort retire canary-east`,
    );

  cohort
    .command("create")
    .argument("<name>", "cohort name (1-128 of A-Z a-z 0-9 . _ -)")
    .addOption(new Option("--kind <kind>", "group (any use), or canary/pilot bound to one release").choices(["group", "canary", "pilot"]).default("group"))
    .option("--release <id>", "the release a canary or pilot cohort is for (required for those kinds)")
    .option("--description <text>", "what the cohort is for")
    .option("--device <ids>", "initial members (repeatable or comma-separated)", collect)
    .description("create a cohort, optionally with members")
    .addHelpText(
      "after",
      `
A device is in at most one active canary/pilot cohort per release: adding it to a second one is refused (exit 1).

Examples:
  verge cohort create corridor-a --description "A1 corridor controllers" --device sc-0001,sc-0002
  verge cohort create canary-east --kind canary --release rel-2.4.1 --device sc-0001`,
    )
    .action(async (name: string, opts: { kind: string; release?: string; description?: string; device?: string[] }) => {
      const res = await cli.client().request<{ cohort: Cohort }>("POST", "/api/cohorts", {
        name,
        kind: opts.kind,
        releaseId: opts.release,
        description: opts.description,
        devices: opts.device,
      });
      cli.print(res, () => `cohort ${res.cohort.name} created\n${describeCohort(res.cohort)}`);
    });

  cohort
    .command("list")
    .description("list cohorts with their kind, release and member count")
    .action(async () => {
      const res = { cohorts: (await cli.client().getAll<Cohort>("/api/cohorts", "cohorts")).items };
      cli.print(res, () =>
        table(
          ["COHORT", "KIND", "RELEASE", "ACTIVE", "SWITCH", "MEMBERS", "CREATED", "DESCRIPTION"],
          res.cohorts.map((c) => [c.name, c.kind, c.releaseId, yesNo(c.active), c.disabled ? "DISABLED" : "on", c.members.length, ago(c.createdAt), c.description]),
        ),
      );
    });

  cohort
    .command("show")
    .argument("<name>", "cohort name")
    .description("show a cohort and its members")
    .action(async (name: string) => {
      const res = await cli.client().request<{ cohort: Cohort }>("GET", `/api/cohorts/${encodeURIComponent(name)}`);
      cli.print(res, () => describeCohort(res.cohort));
    });

  cohort
    .command("add")
    .argument("<name>", "cohort name")
    .argument("<devices...>", "device ids (space or comma separated)")
    .description("add devices to a cohort (each addition is audited)")
    .addHelpText("after", "\nExample:\n  verge cohort add canary-east sc-0003 sc-0004")
    .action(async (name: string, devices: string[]) => {
      await changeMembers(cli, name, devices, "members", "added");
    });

  cohort
    .command("remove")
    .argument("<name>", "cohort name")
    .argument("<devices...>", "device ids (space or comma separated)")
    .description("remove devices from a cohort")
    .addHelpText("after", "\nExample:\n  verge cohort remove canary-east sc-0003")
    .action(async (name: string, devices: string[]) => {
      await changeMembers(cli, name, devices, "members/remove", "removed");
    });

  cohort
    .command("retire")
    .argument("<name>", "cohort name")
    .description("retire a cohort: it stays listed, and its members are free to join another cohort of the release")
    .action(async (name: string) => {
      const res = await cli.client().request<{ cohort: Cohort }>("POST", `/api/cohorts/${encodeURIComponent(name)}/retire`, {});
      cli.print(res, () => `cohort ${res.cohort.name} retired (${res.cohort.members.length} member(s) kept)`);
    });

  cohort
    .command("activate")
    .argument("<name>", "cohort name")
    .description("make a retired cohort active again (refused if one of its devices joined another active cohort of the release)")
    .action(async (name: string) => {
      const res = await cli.client().request<{ cohort: Cohort }>("POST", `/api/cohorts/${encodeURIComponent(name)}/activate`, {});
      cli.print(res, () => `cohort ${res.cohort.name} active again (${res.cohort.members.length} member(s))`);
    });

  cohort
    .command("disable")
    .argument("<name>", "cohort name")
    .requiredOption("--reason <text>", "why its devices are held (shown in every rollout status)")
    .description("switch a cohort off: its devices get no new release and do not activate; other devices go on; rollbacks still work")
    .addHelpText("after", `\nExample:\n  verge cohort disable corridor-a --reason "roadworks on A1, no changes this week"`)
    .action(async (name: string, opts: { reason: string }) => {
      const res = await cli.client().request<{ cohort: Cohort }>("POST", `/api/cohorts/${encodeURIComponent(name)}/disable`, { reason: opts.reason });
      cli.print(res, () => `cohort ${res.cohort.name} disabled: its ${res.cohort.members.length} device(s) are held until: verge cohort enable ${res.cohort.name}`);
    });

  cohort
    .command("enable")
    .argument("<name>", "cohort name")
    .option("--reason <text>", "why it can go on")
    .description("switch a cohort on again: its held devices go on")
    .action(async (name: string, opts: { reason?: string }) => {
      const res = await cli.client().request<{ cohort: Cohort }>("POST", `/api/cohorts/${encodeURIComponent(name)}/enable`, { reason: opts.reason });
      cli.print(res, () => `cohort ${res.cohort.name} enabled: its held device(s) go on`);
    });
}

async function changeMembers(cli: Cli, name: string, args: string[], path: "members" | "members/remove", done: string): Promise<void> {
  const devices = args.flatMap((a) => collect(a));
  if (devices.length === 0) throw new CliError("name at least one device", EXIT.usage);
  const api = cli.client();
  const route = `/api/cohorts/${encodeURIComponent(name)}/${path}`;
  let res: { cohort: Cohort };
  try {
    res = await api.request<{ cohort: Cohort }>("POST", route, { devices });
  } catch (err) {
    // After a refusal, say where the cohort stands (additions are all or nothing, so it is as it was).
    if (err instanceof CliError && err.exitCode === EXIT.failed && devices.length > 1) {
      const now = await api.request<{ cohort: Cohort }>("GET", `/api/cohorts/${encodeURIComponent(name)}`).catch(() => undefined);
      if (now) throw new CliError(`${err.message}\ncohort ${name} members now: ${now.cohort.members.join(", ") || "none"}`, err.exitCode);
    }
    throw err;
  }
  cli.print(res, () => `cohort ${res.cohort.name}: ${done} ${devices.join(", ")}; ${res.cohort.members.length} member(s) now`);
}

function describeCohort(c: Cohort): string {
  return [
    `cohort ${c.name}  kind ${c.kind}  release ${c.releaseId ?? "-"}  active ${yesNo(c.active)}  created ${ago(c.createdAt)} by ${c.createdBy}`,
    ...(c.description ? [`description: ${c.description}`] : []),
    ...(c.disabled ? [`DISABLED ${ago(c.disabled.at)} by ${c.disabled.by}: ${c.disabled.reason} (its devices are held; verge cohort enable ${c.name})`] : []),
    `members (${c.members.length}):`,
    c.members.length ? wrapList(c.members, outputWidth()) : "  none",
  ].join("\n");
}
