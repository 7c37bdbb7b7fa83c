#!/usr/bin/env node
// verge: the operator CLI. Talks to the hub's HTTP API with a role-bound bearer token.
import { existsSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { ApiClient, CliError, EXIT } from "./client.js";
import { ago, bytes, table } from "./format.js";

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
interface RolloutStatusView {
  rollout: { id: string; releaseId: string; status: string; createdAt: number; createdBy: string; completedAt: number | null };
  release: { id: string; version: string; counter: number };
  progress: Record<string, number> & { total: number };
  devices: Array<{ deviceId: string; stage: string; state: string; reason: string | null; detail: string | null; bytesDone: number | null; bytesTotal: number | null; updatedAt: number }>;
  excluded?: Array<{ deviceId: string; reason: string; detail: string }>;
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
  5  the named device, release or rollout does not exist

Example, from nothing to a rollout:
  export VERGE_HUB_URL=http://127.0.0.1:8080 VERGE_TOKEN=vrg_...
  verge device add sc-0001 --variant sc-x1 --site site-12 --agent-config sc-0001.yaml
  verge release create --version 2.4.1 --variant sc-x1 --artifact app=./build/app.bin
  verge rollout create --release rel-2.4.1 --device sc-0001
  verge rollout status <rollout id>`,
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
const rollout = program.command("rollout").description("roll releases out to devices and follow them");

rollout
  .command("create")
  .description("roll a release out to devices: each gets a signed desired state; incompatible devices are listed, not included")
  .requiredOption("--release <id>", "release id")
  .option("--device <ids>", "target device (repeatable or comma-separated)", collect)
  .option("--devices <ids>", "same as --device", collect)
  .option("--id <id>", "rollout id (default generated)")
  .action(async (opts: { release: string; device?: string[]; devices?: string[]; id?: string }) => {
    const devices = [...(opts.device ?? []), ...(opts.devices ?? [])];
    if (devices.length === 0) throw new CliError("name the target devices with --device", EXIT.usage);
    const res = await client().request<RolloutStatusView>("POST", "/api/rollouts", { id: opts.id, releaseId: opts.release, devices });
    print(res, () => {
      const lines = [`rollout ${res.rollout.id} created: release ${res.release.id} (${res.release.version}) to ${res.progress.total} device(s)`];
      if (res.excluded?.length) {
        lines.push("excluded:", table(["DEVICE", "REASON", "DETAIL"], res.excluded.map((e) => [e.deviceId, e.reason, e.detail])));
      }
      lines.push(`follow it with: verge rollout status ${res.rollout.id}`);
      return lines.join("\n");
    });
  });

rollout
  .command("status")
  .argument("<id>", "rollout id")
  .description("progress of a rollout: counts by deployment state and each device's state")
  .action(async (id: string) => {
    const res = await client().request<RolloutStatusView>("GET", `/api/rollouts/${encodeURIComponent(id)}`);
    print(res, () => describeRollout(res));
  });

rollout
  .command("list")
  .description("list rollouts, newest first")
  .action(async () => {
    const res = await client().request<{ rollouts: Array<{ id: string; releaseId: string; status: string; createdAt: number }> }>("GET", "/api/rollouts");
    print(res, () => table(["ROLLOUT", "RELEASE", "STATUS", "CREATED"], res.rollouts.map((r) => [r.id, r.releaseId, r.status, ago(r.createdAt)])));
  });

function describeRollout(s: RolloutStatusView): string {
  const p = s.progress;
  const counts = ["pending", "downloading", "verified", "activated", "failed", "cancelled", "rolling_back", "rolled_back"]
    .filter((k) => (p[k] ?? 0) > 0)
    .map((k) => `${k} ${p[k]}`)
    .join(", ");
  return [
    `rollout ${s.rollout.id}  release ${s.release.id} (${s.release.version})  status ${s.rollout.status}`,
    `devices ${p.total}: ${counts || "none"}   activated ${p.activated ?? 0}/${p.total}`,
    "",
    table(
      ["DEVICE", "STAGE", "STATE", "PROGRESS", "REASON", "UPDATED", "DETAIL"],
      s.devices.map((d) => [
        d.deviceId,
        d.stage,
        d.state,
        d.state === "downloading" && d.bytesTotal ? `${bytes(d.bytesDone)}/${bytes(d.bytesTotal)}` : "",
        d.reason,
        ago(d.updatedAt),
        d.detail,
      ]),
    ),
  ].join("\n");
}

// --- run ---------------------------------------------------------------------------------------------------------
program.exitOverride();
for (const cmd of program.commands) {
  cmd.exitOverride();
  for (const sub of cmd.commands) sub.exitOverride();
}

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
