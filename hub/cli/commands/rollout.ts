// verge rollout: plan (dry run), create, status (--watch), list, events and the operator verbs.
import { existsSync, readFileSync, statSync } from "node:fs";
import { Option } from "commander";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { Exclusion } from "../../rollout/selection.js";
import type { PlanPreview } from "../../services/rollouts.service.js";
import type { EventView, StatusView } from "../api-types.js";
import { CliError, EXIT } from "../client.js";
import { collect, duration, wholeNumber } from "../context.js";
import type { Cli } from "../context.js";
import { ago, brakesLine, bytes, epochMs, metricValue, outputWidth, relative, table, timestamp, truncate, wrapList, yesNo } from "../format.js";
import { awaitsApproval, watchRollout } from "./watch.js";
import { registerRolloutCriteriaCommands } from "./rollout-criteria.js";

interface TargetOptions {
  release: string;
  plan?: string;
  device?: string[];
  devices?: string[];
  seed?: string;
  id?: string;
}

/** `--plan`: a local YAML/JSON file (read here and sent inline) or the name of a plan in the hub's plans directory. */
function planRef(value: string | undefined): string | Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (existsSync(value) && statSync(value).isFile()) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(value, "utf8"));
    } catch (err) {
      throw new CliError(`${value}: not a readable YAML or JSON plan: ${(err as Error).message}`, EXIT.usage);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new CliError(`${value}: a plan file holds a mapping (name, defaults, rules, stages); see config/plans/README.md`, EXIT.usage);
    }
    return parsed as Record<string, unknown>;
  }
  if (/[/\\]/.test(value) || /\.(ya?ml|json)$/i.test(value)) {
    throw new CliError(`${value}: no such plan file (a plan name such as "default" or "fast" has no path and no extension)`, EXIT.usage);
  }
  return value;
}

/** The body of POST /api/rollouts and /api/rollouts/plan. */
function rolloutRequest(opts: TargetOptions): Record<string, unknown> {
  const devices = [...(opts.device ?? []), ...(opts.devices ?? [])];
  return {
    id: opts.id,
    releaseId: opts.release,
    plan: planRef(opts.plan),
    devices: devices.length > 0 ? devices : undefined,
    seed: opts.seed,
  };
}

function targetOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--release <id>", "release id")
    .option("--plan <name|file>", "a plan name the hub looks up in its plans dir (default, fast, ...) or a local YAML/JSON plan file")
    .option("--device <ids>", "restrict the fleet to these devices (repeatable or comma-separated)", collect)
    .option("--devices <ids>", "same as --device", collect)
    .option("--seed <seed>", "seed of the random picks (count/percent selections): the same seed gives the same devices");
}

const PLAN_CHOICE_HELP = `
Which plan:
  --plan NAME     a plan in the hub's plans directory (config/plans/NAME.yaml): default, fast, ...
  --plan FILE     a plan file on this machine (YAML or JSON, see config/plans/README.md), sent inline
  no --plan       with --device: the "direct" plan, one stage "all" with every listed device, activated at once
                  without --device: the hub's "default" plan over the whole fleet
  --device        with a plan: the plan selects only among these devices`;

interface VerbSpec {
  verb: string;
  done: string;
  description: string;
  help: string;
}

const PAUSE: VerbSpec = {
  verb: "pause",
  done: "paused",
  description: "pause an active rollout: no stage advances and no new device gets the release until resume",
  help: "  verge rollout pause ro-20250501-a1b2c3 --reason \"shift change\"",
};
const RESUME: VerbSpec = {
  verb: "resume",
  done: "resumed",
  description: "resume a paused rollout: observation windows and device deadlines move on by the time spent paused",
  help: "  verge rollout resume ro-20250501-a1b2c3 --reason \"incident closed\"",
};
const ABORT: VerbSpec = {
  verb: "abort",
  done: "aborted",
  description: "stop a rollout for good: devices in progress are told to stop, devices not started are cancelled (activated ones stay; see rollback)",
  help: "  verge rollout abort ro-20250501-a1b2c3 --reason \"wrong build\"",
};
const RETRY: VerbSpec = {
  verb: "retry",
  done: "retried",
  description: "send the release again to the rollout's failed devices (timeouts included)",
  help: "  verge rollout retry ro-20250501-a1b2c3 --reason \"site link restored\"",
};

export function registerRolloutCommands(cli: Cli): void {
  const rollout = cli.program
    .command("rollout")
    .description("roll releases out in stages (canary, pilot, waves) and follow them")
    .addHelpText(
      "after",
      `
Roles: plan and status need any token; pause/resume an operator; create, promote, retry, abort and rollback a
release-manager (admin can do everything).

Examples:
  verge rollout plan   --release rel-2.4.1 --plan default        # dry run: who lands in which stage, who is blocked
  verge rollout create --release rel-2.4.1 --plan ./corridor-a.yaml
  verge rollout status ro-20250501-a1b2c3 --watch                # live until it completes (exit 0) or not (exit 1)
  verge rollout pause  ro-20250501-a1b2c3 --reason "shift change"
  verge rollout resume ro-20250501-a1b2c3
  verge rollout promote ro-20250501-a1b2c3 --reason "canary clean for 48h"
  verge rollout rollback ro-20250501-a1b2c3 --reason "lag p95 regression"
  verge rollout events ro-20250501-a1b2c3                        # why it paused, with dashboard links
  verge rollout validate ro-20250501-a1b2c3                      # before expanding: entry/exit criteria now (exit 6 if unmet)
  verge rollout health ro-20250501-a1b2c3 --duration 1h          # the active stage's KPIs against thresholds, with a trend`,
    );

  targetOptions(
    rollout
      .command("create")
      .description("start a staged rollout of a release: devices are split into the plan's stages; incompatible or busy devices are listed, not included"),
  )
    .option("--id <id>", "rollout id (default generated; also the seed of random picks unless --seed)")
    .addHelpText(
      "after",
      `${PLAN_CHOICE_HELP}

Examples:
  verge rollout plan   --release rel-2.4.1 --plan default           # dry run first: who lands in which stage
  verge rollout create --release rel-2.4.1 --plan default
  verge rollout create --release rel-2.4.1 --plan ./plans/corridor-a.yaml --seed 2024-05
  verge rollout create --release rel-2.4.1 --device sc-0001,sc-0002  # one stage, no observation window`,
    )
    .action(async (opts: TargetOptions) => {
      const res = await cli.client().request<CreatedRollout>("POST", "/api/rollouts", rolloutRequest(opts));
      cli.print(res, () => describeCreated(res));
    });

  targetOptions(
    rollout
      .command("plan")
      .description("dry run: show which devices each stage of a plan would take, which are blocked and why; nothing is created"),
  )
    .addHelpText(
      "after",
      `${PLAN_CHOICE_HELP}

Random picks (select: count/percent) follow the seed: --seed, else the plan's own seed, else (dry run) "preview"
but (rollout create) the new rollout's id. Pass the same --seed to both to get the assignment shown here.

Examples:
  verge rollout plan --release rel-2.4.1                        # the default plan over the whole fleet
  verge rollout plan --release rel-2.4.1 --plan fast --seed s1
  verge rollout plan --release rel-2.4.1 --plan ./my-plan.yaml -o json`,
    )
    .action(async (opts: TargetOptions) => {
      const res = await cli.client().request<{ preview: PlanPreview }>("POST", "/api/rollouts/plan", rolloutRequest(opts));
      // The seed is stable when given or set by the plan; only the dry run's fallback ("preview") differs from create's.
      cli.print(res, () => describePreview(res.preview, opts.seed !== undefined || res.preview.seed !== "preview"));
    });

  rollout
    .command("status")
    .argument("<id>", "rollout id")
    .option("-w, --watch", "follow the rollout until it ends: a live display on a terminal, a line per change otherwise")
    .addOption(new Option("--interval <duration>", "how often --watch asks the hub (200ms or more)").argParser(duration("--interval", 200)).default(2000, "2s"))
    .description("where a rollout stands: status, gates, stages with their rules, recent events, and each device's state")
    .addHelpText(
      "after",
      `
Reading it:
  GATES      canaryHealthy (canary converged, no rule firing), failureThreshold (failed share of the active stage
             below its threshold), safetyChecks (no device held back by its safety check)
  RULES      each pause rule's last verdict: ok, pending (breaching, not yet for long enough), firing, insufficient
  waits on   a stage its entry or exit criteria hold, with what each sees at the last evaluation (the stage waits,
             it does not fail); verge rollout validate <id> judges them now
  EVENTS     the last 10; every event with its full explanation and links: verge rollout events <id>

Watching (--watch):
  on a terminal the display is redrawn in place: a bar per stage (canary [##########] 1/1 converged), gates,
  firing rules, the latest event, and while paused why (the rule, its figures, a dashboard link) and what to do.
  Into a pipe or file: one progress line per change, followed by each new event. With -o json: one status
  object per change, one per line (NDJSON). A paused rollout is still watched; the watch ends when the rollout
  does, with exit code 0 when it completed and 1 when it was cancelled or rolled back (once every device sent
  back confirmed or is overdue). Ctrl-C stops watching, not the rollout.

Examples:
  verge rollout status ro-20250501-a1b2c3
  verge rollout status ro-20250501-a1b2c3 -o json | jq .gates
  verge rollout status ro-20250501-a1b2c3 --watch
  verge rollout status ro-20250501-a1b2c3 --watch --interval 10s > rollout.log && echo landed
  verge rollout status ro-20250501-a1b2c3 --watch -o json | jq -c '{status: .rollout.status, stage: .activeStage}'`,
    )
    .action(async (id: string, opts: { watch?: boolean; interval: number }) => {
      const api = cli.client();
      if (opts.watch) {
        process.exitCode = await watchRollout(api, id, {
          intervalMs: opts.interval,
          output: cli.output(),
          tty: process.stdout.isTTY === true && cli.output() === "table",
          write: (text) => process.stdout.write(text),
          warn: (text) => process.stderr.write(`verge: ${text}\n`),
        });
        return;
      }
      // The summary without devices, then every device page by page (a rollout may hold thousands).
      const path = `/api/rollouts/${encodeURIComponent(id)}`;
      const summary = await api.get<StatusView>(path, { devices: 0 });
      const devices = (await api.getAll<StatusView["devices"][number]>(`${path}/devices`, "devices")).items;
      const res: StatusView = { ...summary, devices, devicesPage: { page: 1, pageSize: devices.length, totalCount: devices.length, totalPages: 1 } };
      cli.print(res, () => describeRollout(res));
    });

  rollout
    .command("list")
    .description("list rollouts, newest first, 50 a page")
    .option("--page <n>", "page number", wholeNumber("--page"))
    .action(async (opts: { page?: number }) => {
      const res = await cli.client().request<{
        rollouts: Array<{ id: string; releaseId: string; status: string; planName: string | null; activeStage: string | null; createdAt: number; brakes?: { held: number } }>;
        freeze?: { frozen: boolean; freeze: { reason: string | null; changedBy: string | null; changedAt: number | null }; disabledCohorts: Array<{ name: string }> };
        page: number;
        totalPages: number;
        totalCount: number;
      }>("GET", `/api/rollouts${opts.page ? `?page=${opts.page}` : ""}`);
      cli.print(res, () => {
        const rows = table(
          ["ROLLOUT", "RELEASE", "PLAN", "STATUS", "STAGE", "HELD", "CREATED"],
          res.rollouts.map((r) => [r.id, r.releaseId, r.planName, r.status, r.activeStage, r.brakes?.held ?? 0, ago(r.createdAt)]),
        );
        const f = res.freeze;
        const banner = [
          ...(f?.frozen ? [`FLEET FROZEN ${ago(f.freeze.changedAt)} by ${f.freeze.changedBy ?? "?"}: ${f.freeze.reason ?? ""} (verge freeze off lifts it)`] : []),
          ...(f?.disabledCohorts.length ? [`cohort(s) disabled: ${f.disabledCohorts.map((c) => c.name).join(", ")}`] : []),
        ];
        const body = res.totalPages > 1 ? `${rows}\npage ${res.page} of ${res.totalPages} (${res.totalCount} rollouts): --page ${Math.min(res.page + 1, res.totalPages)} for more` : rows;
        return [...banner, body].join("\n");
      });
    });

  rollout
    .command("events")
    .argument("<id>", "rollout id")
    .option("--after <n>", "only events with an id above n (the ID column), to read on from where you stopped", wholeNumber("--after"))
    .description("the rollout's event log: stage changes, rule firings and pauses with their explanation, operator verbs")
    .addHelpText(
      "after",
      `
Examples:
  verge rollout events ro-20250501-a1b2c3
  verge rollout events ro-20250501-a1b2c3 --after 42 -o json`,
    )
    .action(async (id: string, opts: { after?: number }) => {
      const res = { events: (await cli.client().getAll<EventView>(`/api/rollouts/${encodeURIComponent(id)}/events`, "events", { after: opts.after })).items };
      cli.print(res, () => describeEvents(res.events));
    });

  function simpleVerb(spec: VerbSpec): void {
    rollout
      .command(spec.verb)
      .argument("<id>", "rollout id")
      .option("--reason <text>", "why (recorded in the event log and the audit trail)")
      .description(spec.description)
      .addHelpText("after", `\nExample:\n${spec.help}`)
      .action(async (id: string, opts: { reason?: string }) => {
        await runVerb(id, spec.verb, { reason: opts.reason }, spec.done);
      });
  }

  simpleVerb(PAUSE);
  simpleVerb(RESUME);

  rollout
    .command("promote")
    .argument("<id>", "rollout id")
    .option("--reason <text>", "why (recorded in the event log and the audit trail)")
    .option("--force", "complete the active stage now, skipping its observation window and gates")
    .description("approve the active stage (one that waits for approval): it completes once its window is over and its gates pass")
    .addHelpText(
      "after",
      `
Examples:
  verge rollout promote ro-20250501-a1b2c3 --reason "canary clean for 48h"
  verge rollout promote ro-20250501-a1b2c3 --force --reason "hotfix, approved by on-call"`,
    )
    .action(async (id: string, opts: { reason?: string; force?: boolean }) => {
      await runVerb(id, "promote", { reason: opts.reason, ...(opts.force ? { force: true } : {}) }, opts.force ? "promoted (forced)" : "promoted");
    });

  simpleVerb(RETRY);
  simpleVerb(ABORT);

  rollout
    .command("rollback")
    .argument("<id>", "rollout id")
    .option("--reason <text>", "why (recorded in the event log and the audit trail)")
    .option("--stage <name>", "roll back only this stage's devices (the rollout pauses) instead of the whole rollout")
    .description("send the rollout's devices back to the release they ran before")
    .addHelpText(
      "after",
      `
Examples:
  verge rollout rollback ro-20250501-a1b2c3 --reason "lag p95 regression"
  verge rollout rollback ro-20250501-a1b2c3 --stage canary`,
    )
    .action(async (id: string, opts: { reason?: string; stage?: string }) => {
      await runVerb(id, "rollback", { reason: opts.reason, stage: opts.stage }, opts.stage ? `stage ${opts.stage} rolled back` : "rolled back");
    });

  registerRolloutCriteriaCommands(cli, rollout);

  async function runVerb(id: string, verb: string, body: Record<string, unknown>, done: string): Promise<void> {
    const res = await cli.client().request<StatusView>("POST", `/api/rollouts/${encodeURIComponent(id)}/${verb}`, body);
    cli.print(res, () => {
      const rollback = verb === "rollback" ? `, rollback requested for ${res.rollback.requested} device(s)` : "";
      return `rollout ${res.rollout.id} ${done}: status ${res.rollout.status}, ${res.activeStage ? `active stage ${res.activeStage}` : "no active stage"}${rollback}`;
    });
  }
}

type CreatedRollout = StatusView & { excluded: Exclusion[]; unassigned: string[]; warnings: string[] };

function describeCreated(res: CreatedRollout): string {
  const lines = [
    `rollout ${res.rollout.id} created: release ${res.release.id} (${res.release.version}) to ${res.progress.total} device(s) with plan ${res.plan ?? "-"}`,
    "",
    table(
      ["STAGE", "KIND", "DEVICES", "OBSERVE", "APPROVAL", "ACTIVATION"],
      res.stages.map((s) => [s.name, s.kind, s.progress.total, s.config.observe, yesNo(s.config.approval), s.config.activation]),
    ),
  ];
  lines.push(...describeBlocked(res.excluded, res.unassigned, res.warnings));
  lines.push("", `follow it with: verge rollout status ${res.rollout.id}`);
  return lines.join("\n");
}

function describeBlocked(excluded: Exclusion[], unassigned: string[], warnings: string[]): string[] {
  const lines: string[] = [];
  if (excluded.length) lines.push("", `excluded (${excluded.length}):`, table(["DEVICE", "REASON", "DETAIL"], excluded.map((e) => [e.deviceId, e.reason, e.detail])));
  if (unassigned.length) lines.push("", `unassigned (${unassigned.length}, in no stage):`, wrapList(unassigned, outputWidth()));
  if (warnings.length) lines.push("", "warnings:", ...warnings.map((w) => `  - ${w}`));
  return lines;
}

function describePreview(p: PlanPreview, stableSeed: boolean): string {
  const width = outputWidth();
  const total = p.stages.reduce((n, s) => n + s.devices.length, 0);
  const lines = [
    `plan ${p.plan} for release ${p.releaseId}: ${total} device(s) in ${p.stages.length} stage(s), ${p.excluded.length} blocked (dry run, nothing created)`,
    "",
    table(
      ["STAGE", "KIND", "DEVICES", "OBSERVE", "APPROVAL", "ACTIVATION"],
      p.stages.map((s) => [s.name, s.kind, s.devices.length, s.observe, yesNo(s.approval), s.activation]),
    ),
  ];
  for (const s of p.stages) {
    lines.push("", `${s.name} (${s.devices.length} device(s)):`, s.devices.length ? wrapList(s.devices, width) : "  none");
    if (s.rules.length) lines.push("  rules:", ...s.rules.map((r) => `    ${r}`));
    if (s.criteria.entry.length) lines.push("  entry criteria (must pass before it starts):", ...s.criteria.entry.map((c) => `    ${c}`));
    if (s.criteria.exit.length) lines.push("  exit criteria (must pass before it completes):", ...s.criteria.exit.map((c) => `    ${c}`));
  }
  lines.push(...describeBlocked(p.excluded, p.unassigned, p.warnings).map((l) => l.replace(/^excluded /, "blocked ")));
  lines.push(
    "",
    stableSeed
      ? `random picks use seed ${p.seed}: verge rollout create with the same --plan and --seed ${p.seed} takes these devices`
      : `random picks use seed ${p.seed}; rollout create without --seed uses the rollout id instead: pass --seed to both to keep this assignment`,
  );
  return lines.join("\n");
}

const STAGE_IN_PROGRESS = ["pending", "downloading", "verified", "rolling_back"] as const;

function describeRollout(s: StatusView): string {
  const p = s.progress;
  const r = s.rollout;
  const width = outputWidth();
  const shown: Array<[string, number]> = [
    ["not started", p.notStarted],
    ["pending", p.pending],
    ["downloading", p.downloading],
    ["verified", p.verified],
    ["activated", p.activated],
    ["failed", p.failed],
    ["cancelled", p.cancelled],
    ["rolling_back", p.rolling_back],
    ["rolled_back", p.rolled_back],
  ];
  const counts = shown
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const lines = [`rollout ${r.id}  release ${s.release.id} (${s.release.version})  status ${r.status}  plan ${s.plan ?? "-"}  active stage ${s.activeStage ?? "-"}`];
  if (r.status === "paused") lines.push(`paused ${ago(r.pausedAt)} by ${r.pausedBy ?? "?"}: ${r.pauseReason ?? "no reason given"}`);
  const brakes = brakesLine(s.brakes);
  const anyHeld = s.stages.some((st) => (st.held ?? 0) > 0);
  if (brakes) lines.push(brakes);
  lines.push(`GATES  canaryHealthy ${yesNo(s.gates.canaryHealthy)}  failureThreshold ${yesNo(s.gates.failureThreshold)}  safetyChecks ${yesNo(s.gates.safetyChecks)}`);
  lines.push(`devices ${p.total}: ${counts || "none"}   activated ${p.activated}/${p.total}`);
  for (const st of s.stages.filter((x) => awaitsApproval(s, x))) lines.push(`stage ${st.name} awaits approval: verge rollout promote ${r.id}`);
  for (const st of s.stages) if (st.criteria.waitingOn) lines.push(`stage ${st.name} waits on ${st.criteria.waitingOn}; verge rollout validate ${r.id}`);
  if (s.rollback.requested > 0) lines.push(`rollback: requested ${s.rollback.requested}, confirmed ${s.rollback.confirmed}, overdue ${s.rollback.overdue}`);
  lines.push(
    "",
    "STAGES",
    table(
      // HELD (devices a brake holds) only while some are
      ["STAGE", "KIND", "STATUS", "DEVICES", "ACTIVATED", "FAILED", "IN PROGRESS", ...(anyHeld ? ["HELD"] : []), "OBSERVE UNTIL", "RULES"],
      s.stages.map((st) => [
        st.name,
        st.kind,
        awaitsApproval(s, st) ? `${st.status}, awaiting approval` : st.criteria.waiting ? `${st.status}, waiting on ${st.criteria.waiting.phase} criteria` : st.status,
        st.progress.total,
        st.progress.activated,
        st.progress.failed,
        STAGE_IN_PROGRESS.reduce((n, k) => n + st.progress[k], 0),
        ...(anyHeld ? [st.held ?? 0] : []),
        relative(st.observeUntil),
        st.rules.map((x) => `${x.name}=${x.verdict ?? "-"}${x.value !== null ? ` (${metricValue(x.metric, x.value)})` : ""}`).join(", "),
      ]),
    ),
  );
  const recent = s.events.slice(-10);
  if (recent.length) {
    const more = s.events.length > recent.length ? ` (the last ${recent.length}; all of them: verge rollout events ${r.id})` : "";
    lines.push(
      "",
      `EVENTS${more}`,
      table(
        ["TIME", "TYPE", "STAGE", "EXPLANATION"],
        recent.map((e) => [ago(epochMs(e.at)), e.type, e.stage, truncate(e.explanation, Math.max(50, width - 40))]),
      ),
    );
  }
  lines.push(
    "",
    "DEVICES",
    table(
      ["DEVICE", "STAGE", "STATE", "PROGRESS", "REASON", "UPDATED", "DETAIL"],
      s.devices.map((d) => [
        d.deviceId,
        d.stage,
        d.state,
        d.issuedAt === null && d.state === "pending" ? "stage not started" : d.state === "downloading" && d.bytesTotal ? `${bytes(d.bytesDone)}/${bytes(d.bytesTotal)}` : "",
        d.reason,
        ago(d.updatedAt),
        d.detail,
      ]),
    ),
  );
  const diagnosed = s.devices.filter((d) => d.diagnostics);
  if (diagnosed.length) {
    lines.push(
      "",
      "DIAGNOSTICS (bundles asked during this rollout)",
      table(
        ["DEVICE", "BUNDLE", "STATUS", "FETCH"],
        diagnosed.map((d) => [d.deviceId, d.diagnostics!.bundleId, d.diagnostics!.status, `verge device diag get ${d.deviceId} ${d.diagnostics!.bundleId} --out ${d.deviceId}.tar.gz`]),
      ),
    );
  }
  return lines.join("\n");
}

/** A rule event's figures: "availability: 95% < 99%". */
function ruleFigures(e: EventView): string | null {
  const r = e.rule;
  if (!r) return null;
  if (r.threshold === null) return r.name;
  return `${r.name}: ${metricValue(r.metric, r.observed)} ${r.op ?? "?"} ${metricValue(r.metric, r.threshold)}`;
}

function describeEvents(events: EventView[]): string {
  if (events.length === 0) return "no events";
  const lines = [
    table(
      ["ID", "TIME", "TYPE", "STAGE", "ACTOR", "RULE", "EXPLANATION"],
      events.map((e) => [e.id, timestamp(epochMs(e.at)), e.type, e.stage, e.actor, ruleFigures(e), e.explanation]),
    ),
  ];
  const linked = events.filter((e) => e.links.length > 0);
  if (linked.length) {
    lines.push("", "links:");
    for (const e of linked) for (const l of e.links) lines.push(`  #${e.id} ${l.title}: ${l.url}`);
  }
  return lines.join("\n");
}

