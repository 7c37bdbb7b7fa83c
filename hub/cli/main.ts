#!/usr/bin/env node
// verge: the operator CLI. Talks to the hub's HTTP API with a role-bound bearer token.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { parse as parseYaml } from "yaml";
// The API's response shapes, as types only (nothing of the hub is loaded): a shape change breaks the CLI's typecheck.
import type { Cohort } from "../repos/cohorts.repo.js";
import type { Incident } from "../repos/incidents.repo.js";
import type { RolloutEvent } from "../repos/rollouts.repo.js";
import type { Exclusion } from "../rollout/selection.js";
import type { PlanPreview, RolloutStatusView } from "../services/rollouts.service.js";
import { ApiClient, CliError, EXIT } from "./client.js";
import { ago, bytes, outputWidth, relative, table, timestamp, truncate, wrapList, yesNo } from "./format.js";

type Output = "table" | "json";
interface GlobalOptions {
  hub: string;
  token?: string;
  output: Output;
}

interface DeviceView {
  id: string;
  variant: string;
  site: string | null;
  region: string | null;
  corridor: string | null;
  online: boolean;
  lastHeartbeatAt: number | null;
  currentReleaseId: string | null;
  deploymentState: string | null;
  baseImageVersion: string | null;
  appVersion: string | null;
  agentVersion: string | null;
}
interface ReleaseView {
  id: string;
  counter: number;
  version: string;
  variants: string[];
  components: Array<{ name: string; version: string; sha256: string; size: number }>;
  signedBy: string;
  createdAt: number;
}
const program = new Command()
  .name("verge")
  .description("Drive verge rollouts: enroll devices, create signed releases, roll them out, watch them land.")
  .addOption(new Option("--hub <url>", "hub HTTP address").env("VERGE_HUB_URL").default("http://127.0.0.1:8080"))
  .addOption(new Option("--token <token>", "API token (role-bound; see the hub's first-start banner)").env("VERGE_TOKEN"))
  .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
  .showHelpAfterError("(run with --help for usage)")
  .addHelpText(
    "after",
    `
Exit codes:
  0  done
  1  the hub refused or failed the operation (the message says why)
  2  bad command line
  3  the hub could not be reached
  4  no token, invalid token, or the token's role is not allowed to do this
  5  the named device, release, rollout, plan, cohort or incident does not exist

Example, from nothing to a rollout:
  export VERGE_HUB_URL=http://127.0.0.1:8080 VERGE_TOKEN=vrg_...
  verge device add sc-0001 --variant sc-x1 --site site-12 --agent-config sc-0001.yaml
  verge release create --version 2.4.1 --variant sc-x1 --artifact app=./build/app.bin
  verge rollout create --release rel-2.4.1 --device sc-0001
  verge rollout status <rollout id>

Example, a staged rollout over the fleet (canary, pilot, waves):
  verge rollout plan --release rel-2.4.1 --plan default      # dry run: who lands in which stage, who is blocked
  verge rollout create --release rel-2.4.1 --plan default
  verge rollout status <rollout id>                          # gates, stages, rule verdicts, events
  verge rollout promote <rollout id>                         # when a stage awaits approval
  verge rollout pause|resume|retry|abort|rollback <rollout id> --reason "..."

Every command has its own --help with examples, e.g. verge rollout create --help.`,
  );

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}
function client(): ApiClient {
  const g = globals();
  return new ApiClient({ hubUrl: g.hub, token: g.token });
}
function print(json: unknown, human: () => string): void {
  process.stdout.write((globals().output === "json" ? JSON.stringify(json, null, 2) : human()) + "\n");
}
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}
function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} expects a whole number, got "${value}"`);
    return n;
  };
}

// --- device ------------------------------------------------------------------------------------------------------
const device = program.command("device").description("enroll and inspect devices");

device
  .command("add")
  .description("enroll a device: registers it, prints its MQTT secret once, and writes a ready agent config file")
  .argument("<id>", "device id (1-64 of A-Z a-z 0-9 . _ -), also its MQTT username and client id")
  .requiredOption("--variant <variant>", "hardware/base-image line, e.g. sc-x1 (releases list the variants they support)")
  .option("--site <site>", "site name")
  .option("--region <region>", "region")
  .option("--corridor <corridor>", "corridor")
  .option("--agent-config <file>", "where to write the agent config (default <id>.agent.yaml); never overwritten")
  .action(async (id: string, opts: { variant: string; site?: string; region?: string; corridor?: string; agentConfig?: string }) => {
    const file = opts.agentConfig ?? `${id}.agent.yaml`;
    if (existsSync(file)) throw new CliError(`${file} already exists; choose another --agent-config path`, EXIT.usage);
    const res = await client().request<{ device: DeviceView; secret: string; agentConfig: string }>("POST", "/api/devices", {
      id,
      variant: opts.variant,
      site: opts.site,
      region: opts.region,
      corridor: opts.corridor,
    });
    writeFileSync(file, res.agentConfig, { mode: 0o600, flag: "wx" });
    print({ ...res, agentConfigFile: file }, () =>
      [
        `device ${res.device.id} enrolled (variant ${res.device.variant})`,
        `  MQTT secret (shown once): ${res.secret}`,
        `  agent config written to ${file} (mode 0600); copy it to the device and run: verge-agent --config ${basename(file)}`,
      ].join("\n"),
    );
  });

device
  .command("list")
  .description("list enrolled devices with versions, heartbeat and deployment state")
  .action(async () => {
    const res = await client().request<{ devices: DeviceView[] }>("GET", "/api/devices");
    print(res, () =>
      table(
        ["DEVICE", "VARIANT", "SITE", "REGION", "CORRIDOR", "ONLINE", "HEARTBEAT", "RELEASE", "STATE", "BASE", "APP", "AGENT"],
        res.devices.map((d) => [d.id, d.variant, d.site, d.region, d.corridor, d.online ? "yes" : "no", ago(d.lastHeartbeatAt), d.currentReleaseId, d.deploymentState, d.baseImageVersion, d.appVersion, d.agentVersion]),
      ),
    );
  });

// --- release -----------------------------------------------------------------------------------------------------
const release = program.command("release").description("create and inspect signed releases");

release
  .command("create")
  .description("upload artifact files and create a release whose manifest is signed by the release key")
  .requiredOption("--version <version>", "release version, e.g. 2.4.1")
  .option("--artifact <name=path>", "a component and its file, e.g. app=./app.bin (repeatable)", (v, prev: string[] = []) => [...prev, v])
  .option("--file <path>", "shorthand for --artifact app=<path>")
  .option("--variant <variants>", "a supported variant (repeatable or comma-separated)", collect)
  .option("--id <id>", "release id (default rel-<version>)")
  .option("--min-base-image <version>", "lowest base image version the release runs on")
  .option("--notes <text>", "release notes")
  .action(async (opts: { version: string; artifact?: string[]; file?: string; variant?: string[]; id?: string; minBaseImage?: string; notes?: string }) => {
    const artifacts = (opts.artifact ?? []).map((a) => {
      const eq = a.indexOf("=");
      if (eq <= 0) throw new CliError(`--artifact expects name=path, got "${a}"`, EXIT.usage);
      return { name: a.slice(0, eq), path: a.slice(eq + 1) };
    });
    if (opts.file) artifacts.push({ name: "app", path: opts.file });
    if (artifacts.length === 0) throw new CliError("give at least one --artifact name=path (or --file path)", EXIT.usage);
    if (!opts.variant?.length) throw new CliError("give at least one --variant the release supports", EXIT.usage);
    for (const a of artifacts) if (!existsSync(a.path)) throw new CliError(`${a.path}: no such file`, EXIT.usage);
    const api = client();
    const components = [];
    for (const a of artifacts) {
      const up = await api.upload<{ sha256: string; size: number }>("/api/artifacts", a.path);
      if (globals().output === "table") process.stderr.write(`uploaded ${a.path} (${bytes(up.size)}, sha256 ${up.sha256.slice(0, 12)}…)\n`);
      components.push({ name: a.name, sha256: up.sha256 });
    }
    const res = await api.request<{ release: ReleaseView }>("POST", "/api/releases", {
      id: opts.id,
      version: opts.version,
      components,
      variants: opts.variant,
      minBaseImage: opts.minBaseImage,
      notes: opts.notes,
    });
    print(res, () => describeRelease(res.release));
  });

release
  .command("list")
  .description("list releases, newest first")
  .action(async () => {
    const res = await client().request<{ releases: ReleaseView[] }>("GET", "/api/releases");
    print(res, () => table(["RELEASE", "VERSION", "COUNTER", "VARIANTS", "COMPONENTS", "CREATED"], res.releases.map((r) => [r.id, r.version, r.counter, r.variants.join(","), r.components.map((c) => c.name).join(","), ago(r.createdAt)])));
  });

release
  .command("show")
  .argument("<id>", "release id")
  .description("show a release and its components")
  .action(async (id: string) => {
    const res = await client().request<{ release: ReleaseView }>("GET", `/api/releases/${encodeURIComponent(id)}`);
    print(res, () => describeRelease(res.release));
  });

function describeRelease(r: ReleaseView): string {
  return [
    `release ${r.id}  version ${r.version}  counter ${r.counter}  signed by key ${r.signedBy}`,
    `variants: ${r.variants.join(", ")}`,
    table(["COMPONENT", "VERSION", "SIZE", "SHA256"], r.components.map((c) => [c.name, c.version, bytes(c.size), c.sha256])),
  ].join("\n");
}

// --- rollout -----------------------------------------------------------------------------------------------------
const rollout = program.command("rollout").description("roll releases out in stages (canary, pilot, waves) and follow them");

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
    const res = await client().request<CreatedRollout>("POST", "/api/rollouts", rolloutRequest(opts));
    print(res, () => describeCreated(res));
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
    const res = await client().request<{ preview: PlanPreview }>("POST", "/api/rollouts/plan", rolloutRequest(opts));
    // The seed is stable when given or set by the plan; only the dry run's fallback ("preview") differs from create's.
    print(res, () => describePreview(res.preview, opts.seed !== undefined || res.preview.seed !== "preview"));
  });

rollout
  .command("status")
  .argument("<id>", "rollout id")
  .description("where a rollout stands: status, gates, stages with their rules, recent events, and each device's state")
  .addHelpText(
    "after",
    `
Reading it:
  GATES      canaryHealthy (canary converged, no rule firing), failureThreshold (failed share of the active stage
             below its threshold), safetyChecks (no device held back by its safety check)
  RULES      each pause rule's last verdict: ok, pending (breaching, not yet for long enough), firing, insufficient
  EVENTS     the last 10; every event with its full explanation and links: verge rollout events <id>

Example:
  verge rollout status ro-20250501-a1b2c3
  verge rollout status ro-20250501-a1b2c3 -o json | jq .gates`,
  )
  .action(async (id: string) => {
    const api = client();
    const res = await api.request<RolloutStatusView>("GET", `/api/rollouts/${encodeURIComponent(id)}`);
    if (globals().output === "table") res.events = await latestEvents(api, id, res.events);
    print(res, () => describeRollout(res));
  });

rollout
  .command("list")
  .description("list rollouts, newest first, 50 a page")
  .option("--page <n>", "page number", wholeNumber("--page"))
  .action(async (opts: { page?: number }) => {
    const res = await client().request<{
      rollouts: Array<{ id: string; releaseId: string; status: string; planName: string | null; activeStage: string | null; createdAt: number }>;
      page: number;
      totalPages: number;
      totalCount: number;
    }>("GET", `/api/rollouts${opts.page ? `?page=${opts.page}` : ""}`);
    print(res, () => {
      const rows = table(["ROLLOUT", "RELEASE", "PLAN", "STATUS", "STAGE", "CREATED"], res.rollouts.map((r) => [r.id, r.releaseId, r.planName, r.status, r.activeStage, ago(r.createdAt)]));
      return res.totalPages > 1 ? `${rows}\npage ${res.page} of ${res.totalPages} (${res.totalCount} rollouts): --page ${Math.min(res.page + 1, res.totalPages)} for more` : rows;
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
    const res = await client().request<{ events: RolloutEvent[] }>("GET", `/api/rollouts/${encodeURIComponent(id)}/events${opts.after ? `?after=${opts.after}` : ""}`);
    print(res, () => describeEvents(res.events));
  });

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

async function runVerb(id: string, verb: string, body: Record<string, unknown>, done: string): Promise<void> {
  const res = await client().request<RolloutStatusView>("POST", `/api/rollouts/${encodeURIComponent(id)}/${verb}`, body);
  print(res, () => {
    const rollback = verb === "rollback" ? `, rollback requested for ${res.rollback.requested} device(s)` : "";
    return `rollout ${res.rollout.id} ${done}: status ${res.rollout.status}, ${res.activeStage ? `active stage ${res.activeStage}` : "no active stage"}${rollback}`;
  });
}

type CreatedRollout = RolloutStatusView & { excluded: Exclusion[]; unassigned: string[]; warnings: string[] };

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

/** Events newest last; the status view carries only the first 200, so read on from the API when it is full. */
async function latestEvents(api: ApiClient, id: string, events: RolloutEvent[]): Promise<RolloutEvent[]> {
  let all = events;
  let batch = events;
  while (batch.length >= 200) {
    const after = all[all.length - 1]!.id;
    batch = (await api.request<{ events: RolloutEvent[] }>("GET", `/api/rollouts/${encodeURIComponent(id)}/events?after=${after}`)).events;
    all = [...all, ...batch];
  }
  return all;
}

const STAGE_IN_PROGRESS = ["pending", "downloading", "verified", "rolling_back"] as const;

function describeRollout(s: RolloutStatusView): string {
  const p = s.progress;
  const r = s.rollout;
  const width = outputWidth();
  // progress.pending includes devices whose stage has not started (no desired state issued yet): told apart here.
  const notStarted = s.devices.filter((d) => d.state === "pending" && d.issuedAt === null).length;
  const shown: Array<[string, number]> = [
    ["not started", notStarted],
    ["pending", p.pending - notStarted],
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
  lines.push(`GATES  canaryHealthy ${yesNo(s.gates.canaryHealthy)}  failureThreshold ${yesNo(s.gates.failureThreshold)}  safetyChecks ${yesNo(s.gates.safetyChecks)}`);
  lines.push(`devices ${p.total}: ${counts || "none"}   activated ${p.activated ?? 0}/${p.total}`);
  for (const st of s.stages.filter((x) => x.awaitingApproval)) lines.push(`stage ${st.name} awaits approval: verge rollout promote ${r.id}`);
  if (s.rollback.requested > 0) lines.push(`rollback: requested ${s.rollback.requested}, confirmed ${s.rollback.confirmed}, overdue ${s.rollback.overdue}`);
  lines.push(
    "",
    "STAGES",
    table(
      ["STAGE", "KIND", "STATUS", "DEVICES", "ACTIVATED", "FAILED", "IN PROGRESS", "OBSERVE UNTIL", "RULES"],
      s.stages.map((st) => [
        st.name,
        st.kind,
        st.awaitingApproval ? `${st.status}, awaiting approval` : st.status,
        st.progress.total,
        st.progress.activated,
        st.progress.failed,
        STAGE_IN_PROGRESS.reduce((n, k) => n + st.progress[k], 0),
        relative(st.observeUntil),
        st.rules.map((x) => `${x.name}=${x.verdict ?? "-"}`).join(", "),
      ]),
    ),
  );
  const recent = s.events.slice(-10);
  if (recent.length) {
    const more = s.events.length > recent.length ? ` (last ${recent.length} of ${s.events.length}; all: verge rollout events ${r.id})` : "";
    lines.push(
      "",
      `EVENTS${more}`,
      table(
        ["TIME", "TYPE", "STAGE", "EXPLANATION"],
        recent.map((e) => [ago(e.at), e.type, e.stage, truncate(e.explanation, Math.max(50, width - 40))]),
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
  return lines.join("\n");
}

function describeEvents(events: RolloutEvent[]): string {
  if (events.length === 0) return "no events";
  const lines = [
    table(
      ["ID", "TIME", "TYPE", "STAGE", "ACTOR", "EXPLANATION"],
      events.map((e) => [e.id, timestamp(e.at), e.type, e.stage, e.actor, e.explanation]),
    ),
  ];
  const linked = events.filter((e) => e.links.length > 0);
  if (linked.length) {
    lines.push("", "links:");
    for (const e of linked) for (const l of e.links) lines.push(`  #${e.id} ${l.title}: ${l.url}`);
  }
  return lines.join("\n");
}

// --- cohort ------------------------------------------------------------------------------------------------------
const cohort = program
  .command("cohort")
  .description("named device groups: plans select from them (select: {cohort: NAME}); canary/pilot cohorts are bound to a release");

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
    const res = await client().request<{ cohort: Cohort }>("POST", "/api/cohorts", {
      name,
      kind: opts.kind,
      releaseId: opts.release,
      description: opts.description,
      devices: opts.device,
    });
    print(res, () => `cohort ${res.cohort.name} created\n${describeCohort(res.cohort)}`);
  });

cohort
  .command("list")
  .description("list cohorts with their kind, release and member count")
  .action(async () => {
    const res = await client().request<{ cohorts: Cohort[] }>("GET", "/api/cohorts");
    print(res, () =>
      table(
        ["COHORT", "KIND", "RELEASE", "ACTIVE", "MEMBERS", "CREATED", "DESCRIPTION"],
        res.cohorts.map((c) => [c.name, c.kind, c.releaseId, yesNo(c.active), c.members.length, ago(c.createdAt), c.description]),
      ),
    );
  });

cohort
  .command("show")
  .argument("<name>", "cohort name")
  .description("show a cohort and its members")
  .action(async (name: string) => {
    const res = await client().request<{ cohort: Cohort }>("GET", `/api/cohorts/${encodeURIComponent(name)}`);
    print(res, () => describeCohort(res.cohort));
  });

cohort
  .command("add")
  .argument("<name>", "cohort name")
  .argument("<devices...>", "device ids (space or comma separated)")
  .description("add devices to a cohort (each addition is audited)")
  .addHelpText("after", "\nExample:\n  verge cohort add canary-east sc-0003 sc-0004")
  .action(async (name: string, devices: string[]) => {
    await changeMembers(name, devices, "members", "added");
  });

cohort
  .command("remove")
  .argument("<name>", "cohort name")
  .argument("<devices...>", "device ids (space or comma separated)")
  .description("remove devices from a cohort")
  .addHelpText("after", "\nExample:\n  verge cohort remove canary-east sc-0003")
  .action(async (name: string, devices: string[]) => {
    await changeMembers(name, devices, "members/remove", "removed");
  });

cohort
  .command("retire")
  .argument("<name>", "cohort name")
  .description("retire a cohort: it stays listed, and its members are free to join another cohort of the release")
  .action(async (name: string) => {
    const res = await client().request<{ cohort: Cohort }>("POST", `/api/cohorts/${encodeURIComponent(name)}/retire`, {});
    print(res, () => `cohort ${res.cohort.name} retired (${res.cohort.members.length} member(s) kept)`);
  });

cohort
  .command("activate")
  .argument("<name>", "cohort name")
  .description("make a retired cohort active again (refused if one of its devices joined another active cohort of the release)")
  .action(async (name: string) => {
    const res = await client().request<{ cohort: Cohort }>("POST", `/api/cohorts/${encodeURIComponent(name)}/activate`, {});
    print(res, () => `cohort ${res.cohort.name} active again (${res.cohort.members.length} member(s))`);
  });

async function changeMembers(name: string, args: string[], path: "members" | "members/remove", done: string): Promise<void> {
  const devices = args.flatMap((a) => collect(a));
  if (devices.length === 0) throw new CliError("name at least one device", EXIT.usage);
  const api = client();
  const route = `/api/cohorts/${encodeURIComponent(name)}/${path}`;
  let res: { cohort: Cohort };
  try {
    res = await api.request<{ cohort: Cohort }>("POST", route, { devices });
  } catch (err) {
    // Additions go one by one on the hub: the ones before a refusal stay. Say where the cohort ended up.
    if (err instanceof CliError && err.exitCode === EXIT.failed && devices.length > 1) {
      const now = await api.request<{ cohort: Cohort }>("GET", `/api/cohorts/${encodeURIComponent(name)}`).catch(() => undefined);
      if (now) throw new CliError(`${err.message}\ncohort ${name} members now: ${now.cohort.members.join(", ") || "none"}`, err.exitCode);
    }
    throw err;
  }
  print(res, () => `cohort ${res.cohort.name}: ${done} ${devices.join(", ")}; ${res.cohort.members.length} member(s) now`);
}

function describeCohort(c: Cohort): string {
  return [
    `cohort ${c.name}  kind ${c.kind}  release ${c.releaseId ?? "-"}  active ${yesNo(c.active)}  created ${ago(c.createdAt)} by ${c.createdBy}`,
    ...(c.description ? [`description: ${c.description}`] : []),
    `members (${c.members.length}):`,
    c.members.length ? wrapList(c.members, outputWidth()) : "  none",
  ].join("\n");
}

// --- incident ----------------------------------------------------------------------------------------------------
const incident = program
  .command("incident")
  .description("incidents linked to a release: an open sev1 pauses the release's rollouts whose plan has a sev1_incidents rule");

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
    const res = await client().request<{ incident: Incident }>("POST", "/api/incidents", { id: opts.id, severity: opts.severity, title: opts.title, releaseId: opts.release });
    print(res, () => {
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
    const res = await client().request<{ incident: Incident }>("POST", `/api/incidents/${encodeURIComponent(id)}/close`, { reason: opts.reason });
    print(res, () => `incident ${res.incident.id} closed${res.incident.closeReason ? `: ${res.incident.closeReason}` : ""}`);
  });

incident
  .command("list")
  .addOption(new Option("--status <status>", "only open or closed incidents").choices(["open", "closed"]))
  .option("--release <id>", "only incidents of this release")
  .description("list incidents, newest first")
  .action(async (opts: { status?: string; release?: string }) => {
    const q = new URLSearchParams({ ...(opts.status ? { status: opts.status } : {}), ...(opts.release ? { releaseId: opts.release } : {}) }).toString();
    const res = await client().request<{ incidents: Incident[] }>("GET", `/api/incidents${q ? `?${q}` : ""}`);
    print(res, () =>
      table(
        ["INCIDENT", "SEVERITY", "STATUS", "RELEASE", "OPENED", "BY", "TITLE"],
        res.incidents.map((i) => [i.id, i.severity, i.status, i.releaseId, ago(i.openedAt), i.openedBy, i.title]),
      ),
    );
  });

// --- run ---------------------------------------------------------------------------------------------------------
// Every command at every depth throws instead of exiting, so usage errors map to exit code 2 below.
function overrideExits(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) overrideExits(sub);
}
overrideExits(program);

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
