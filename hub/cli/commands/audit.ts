// verge audit: the append-only, hash-chained audit log: who did what, when, why, with what result; and its check.
import { Option } from "commander";
import type { AuditRecord, AuditVerify } from "../api-types.js";
import { CliError, EXIT } from "../client.js";
import { moment, wholeNumber } from "../context.js";
import type { Cli } from "../context.js";
import { table, timestamp } from "../format.js";

export function registerAuditCommands(cli: Cli): void {
  const audit = cli.program
    .command("audit")
    .description("the audit log: every action and every refused attempt, chained by hash so tampering shows")
    .addHelpText(
      "after",
      `
Examples:
  verge audit list --since 1h
  verge audit list --action rollout.pause --result ok
  verge audit list --result denied --since 2025-05-01T00:00:00Z --limit 500 -o json
  verge audit verify || page-the-security-team`,
    );

  audit
    .command("list")
    .description("list audit records, newest first")
    .option("--actor <actor>", 'only this actor, e.g. "token:tok-1a2b3c(ci-pipeline)"')
    .option("--action <action>", "only this action, e.g. rollout.pause, token.create, device.enroll")
    .option("--target <target>", "only actions on this target (rollout, device, token id, ...)")
    .addOption(new Option("--result <result>", "only this result").choices(["ok", "denied", "failed"]))
    .option("--since <when>", "from this moment: a duration back from now (30m, 1h, 7d), an ISO time or epoch ms", moment("--since"))
    .option("--until <when>", "up to this moment (same forms as --since)", moment("--until"))
    .option("--limit <n>", "at most n records (1-1000)", wholeNumber("--limit", 1), 100)
    .addHelpText(
      "after",
      `
Example:
  verge audit list --action rollout.rollback --since 24h
  verge audit list --actor "token:tok-1a2b3c(ci-pipeline)" --result denied`,
    )
    .action(async (opts: { actor?: string; action?: string; target?: string; result?: string; since?: number; until?: number; limit: number }) => {
      if (opts.limit > 1000) throw new CliError("--limit is at most 1000", EXIT.usage);
      const res = await cli.client().get<{ records: AuditRecord[] }>("/api/audit", {
        actor: opts.actor,
        action: opts.action,
        target: opts.target,
        result: opts.result,
        since: opts.since,
        until: opts.until,
        limit: opts.limit,
      });
      cli.print(res, () =>
        res.records.length
          ? table(
              ["ID", "TIME", "ACTOR", "ACTION", "TARGET", "RESULT", "REASON"],
              res.records.map((r) => [r.id, timestamp(r.at), r.actor, r.action, r.target, r.result, r.reason]),
            )
          : "no audit records match",
      );
    });

  audit
    .command("verify")
    .description("walk the hash chain from the first record: names the first record that was altered or removed")
    .addHelpText(
      "after",
      `
Exit code 0 when the chain holds, 1 when it is broken (the broken record's id and what is wrong go to stderr).
Everything from that record on can no longer be trusted; compare with a backup or an exported copy.

Example:
  verge audit verify`,
    )
    .action(async () => {
      const res = await cli.client().request<AuditVerify>("GET", "/api/audit/verify");
      if (cli.output() === "json") process.stdout.write(JSON.stringify(res, null, 2) + "\n");
      if (res.ok) {
        if (cli.output() === "table") process.stdout.write(`audit log intact: ${res.count} records\n`);
        return;
      }
      process.stderr.write(`audit log BROKEN at record #${res.brokenId}: ${res.problem}\n`);
      process.exitCode = EXIT.failed;
    });
}
