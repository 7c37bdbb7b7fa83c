// verge audit: the append-only, hash-chained audit log: who did what, when, why, with what result; its check against
// the hub's signed checkpoints; and the export of a checkpoint to keep elsewhere.
import { readFileSync, writeFileSync } from "node:fs";
import { Option } from "commander";
import type { AuditCheckpointAnswer, AuditRecord, AuditVerify } from "../api-types.js";
import { CliError, EXIT } from "../client.js";
import { moment, wholeNumber } from "../context.js";
import type { Cli } from "../context.js";
import { table, timestamp } from "../format.js";

export function registerAuditCommands(cli: Cli): void {
  const audit = cli.program
    .command("audit")
    .description("the audit log: every action and every refused attempt, chained by hash and anchored by signed checkpoints so tampering shows")
    .addHelpText(
      "after",
      `
Examples:
  verge audit list --since 1h
  verge audit list --action rollout.pause --result ok
  verge audit list --result denied --since 2025-05-01T00:00:00Z --limit 500 -o json
  verge audit verify || page-the-security-team
  verge audit checkpoint export --out /mnt/offsite/verge-audit-$(date +%F).json
  verge audit verify --checkpoint /mnt/offsite/verge-audit-2025-05-01.json`,
    );

  audit
    .command("list")
    .description("list audit records, newest first (COUNT: how many refused requests a folded row stands for)")
    .option("--actor <actor>", 'only this actor, e.g. "token:tok-1a2b3c(ci-pipeline)"')
    .option("--action <action>", "only this action, e.g. rollout.pause, token.create, device.enroll")
    .option("--target <target>", "only actions on this target (rollout, device, token id, ...)")
    .addOption(new Option("--result <result>", "only this result").choices(["ok", "denied", "failed"]))
    .option("--since <when>", "from this moment: a duration back from now (30m, 1h, 7d), an ISO time or epoch ms", moment("--since"))
    .option("--until <when>", "up to this moment (same forms as --since)", moment("--until"))
    .option("--limit <n>", "at most n records (read page by page)", wholeNumber("--limit", 1), 100)
    .option("--all", "every matching record (overrides --limit)")
    .addHelpText(
      "after",
      `
Repeated refusals from one source (address or token, reason, route) are folded: the first of an interval is a row of
its own, the repeats within the interval (hub config audit.denialFoldMs, 60 s) one row whose COUNT says how many.

Example:
  verge audit list --action rollout.rollback --since 24h
  verge audit list --actor "token:tok-1a2b3c(ci-pipeline)" --result denied`,
    )
    .action(async (opts: { actor?: string; action?: string; target?: string; result?: string; since?: number; until?: number; limit: number; all?: boolean }) => {
      const query = { actor: opts.actor, action: opts.action, target: opts.target, result: opts.result, since: opts.since, until: opts.until };
      const page = await cli.client().getAll<AuditRecord>("/api/audit", "records", query, opts.all ? Number.POSITIVE_INFINITY : opts.limit);
      const res = { records: page.items, totalCount: page.totalCount };
      cli.print(res, () => {
        if (!res.records.length) return "no audit records match";
        const rows = table(
          ["ID", "TIME", "ACTOR", "ACTION", "TARGET", "RESULT", "COUNT", "REASON"],
          res.records.map((r) => [r.id, timestamp(r.at), r.actor, r.action, r.target, r.result, r.count, r.reason]),
        );
        return res.totalCount > res.records.length ? `${rows}\n${res.records.length} of ${res.totalCount} records: --limit N or --all for more` : rows;
      });
    });

  audit
    .command("verify")
    .description("walk the hash chain and check it against the newest signed checkpoint (or one you kept): names what was altered or removed")
    .option("--checkpoint <file>", "check against this checkpoint (from verge audit checkpoint export) instead of the hub's newest")
    .addHelpText(
      "after",
      `
The hub signs a checkpoint of the chain's head (row id, hash, time) with its hub key within a second of every write
and at stop, and keeps it in <dataDir>/audit-checkpoints.jsonl and on the retained MQTT topic verge/v1/audit/checkpoint.
verify fails when a row was altered (its keyed hash no longer holds), when rows the checkpoint vouches for are missing
from the end, or when the chain up to the checkpoint was recomputed (the head hash differs).

Exit codes:
  0  the chain holds and matches the checkpoint
  1  the log is broken: what is wrong goes to stderr (the first broken record, missing rows)
  2  the checkpoint file cannot be read
  7  --checkpoint: the checkpoint is refused (not signed by this hub's key, or not a checkpoint)

Example:
  verge audit verify
  verge audit verify --checkpoint ./verge-audit-2025-05-01.json`,
    )
    .action(async (opts: { checkpoint?: string }) => {
      let res: AuditVerify;
      if (opts.checkpoint) {
        let text: string;
        try {
          text = readFileSync(opts.checkpoint, "utf8");
        } catch (err) {
          throw new CliError(`cannot read ${opts.checkpoint}: ${(err as Error).message}`, EXIT.usage);
        }
        let checkpoint: unknown;
        try {
          // The export's whole answer, or the checkpoint line alone.
          const parsed = JSON.parse(text) as { checkpoint?: unknown };
          checkpoint = parsed && typeof parsed === "object" && "checkpoint" in parsed ? parsed.checkpoint : parsed;
        } catch {
          throw new CliError(`${opts.checkpoint} is not JSON (expected the output of verge audit checkpoint export)`, EXIT.usage);
        }
        res = await cli.client().request<AuditVerify>("POST", "/api/audit/verify", { checkpoint });
      } else {
        res = await cli.client().request<AuditVerify>("GET", "/api/audit/verify");
      }
      if (cli.output() === "json") process.stdout.write(JSON.stringify(res, null, 2) + "\n");
      if (res.checkpointRefused !== undefined) {
        process.stderr.write(`checkpoint REFUSED: ${res.checkpointRefused}\n`);
        process.exitCode = EXIT.untrusted;
        return;
      }
      const cp = res.checkpoint;
      if (res.ok) {
        if (cli.output() === "table") {
          const anchor = cp ? `; matches the checkpoint of #${cp.id} signed ${timestamp(cp.at)} (${cp.source})` : "; no signed checkpoint yet";
          process.stdout.write(`audit log intact: ${res.count} records, head #${res.head?.id ?? 0}${anchor}\n`);
        }
        return;
      }
      process.stderr.write(`audit log BROKEN${res.brokenId !== undefined ? ` at record #${res.brokenId}` : ""}:\n${(res.problems ?? [res.problem]).map((p) => `  ${p}`).join("\n")}\n`);
      process.exitCode = EXIT.failed;
    });

  const checkpoint = audit.command("checkpoint").description("signed checkpoints of the audit chain's head");
  checkpoint
    .command("export")
    .description("the newest signed checkpoint (made now if the log moved), with the hub's public key: keep it somewhere the hub cannot write")
    .option("--out <file>", "write it to this file instead of stdout")
    .addHelpText(
      "after",
      `
Later, verge audit verify --checkpoint FILE checks the log against it: rows removed or rewritten up to that point show.

Example:
  verge audit checkpoint export --out /mnt/offsite/verge-audit-$(date +%F).json`,
    )
    .action(async (opts: { out?: string }) => {
      const res = await cli.client().request<AuditCheckpointAnswer>("GET", "/api/audit/checkpoint");
      if (!res.checkpoint) throw new CliError("the hub has no checkpoint yet (the audit log is empty)", EXIT.failed);
      const text = JSON.stringify(res, null, 2) + "\n";
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(opts.out, text, { flag: "wx", mode: 0o644 });
      } catch (err) {
        throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`, EXIT.usage);
      }
      if (cli.output() === "table") process.stdout.write(`checkpoint of record #${res.checkpoint.id} (signed ${timestamp(res.checkpoint.at)}) written to ${opts.out}\n`);
    });
}
