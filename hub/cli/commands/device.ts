// verge device: enroll one device or a fleet from a file, list devices with versions, state and KPIs, show one;
// remote diagnostics (diag.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { Option } from "commander";
import { parse as parseYaml } from "yaml";
import type { DeviceDetail, DevicePage, DeviceView, ImportResult } from "../api-types.js";
import { CliError, EXIT } from "../client.js";
import { wholeNumber } from "../context.js";
import type { Cli } from "../context.js";
import { ago, millis, percent, table, timestamp } from "../format.js";
import { registerDiagCommands } from "./diag.js";

export function registerDeviceCommands(cli: Cli): void {
  const device = cli.program
    .command("device")
    .description("enroll and inspect devices: versions, heartbeat, deployment state, KPIs")
    .addHelpText(
      "after",
      `
Examples:
  verge device add sc-0001 --variant sc-x1 --site site-12 --agent-config sc-0001.yaml
  verge device import fleet.csv --out-dir ./agent-configs      # header: id,variant,site,region,corridor
  verge device list --region north --online
  verge device list --corridor A1 -o json | jq '.devices[] | {id, kpi}'
  verge device show sc-0001
  verge device diag collect sc-0001 --wait             # a bundle of the device's logs and state`,
    );

  device
    .command("add")
    .description("enroll a device: registers it, prints its MQTT secret once, and writes a ready agent config file")
    .argument("<id>", "device id (1-64 of A-Z a-z 0-9 . _ -), also its MQTT username and client id")
    .requiredOption("--variant <variant>", "hardware/base-image line, e.g. sc-x1 (releases list the variants they support)")
    .option("--site <site>", "site name")
    .option("--region <region>", "region")
    .option("--corridor <corridor>", "corridor")
    .option("--agent-config <file>", "where to write the agent config (default <id>.agent.yaml); never overwritten")
    .addHelpText("after", "\nNeeds an admin token.\n\nExample:\n  verge device add sc-0001 --variant sc-x1 --site site-12 --region north --corridor A1")
    .action(async (id: string, opts: { variant: string; site?: string; region?: string; corridor?: string; agentConfig?: string }) => {
      const file = opts.agentConfig ?? `${id}.agent.yaml`;
      if (existsSync(file)) throw new CliError(`${file} already exists; choose another --agent-config path`, EXIT.usage);
      const res = await cli.client().request<{ device: DeviceView; secret: string; agentConfig: string }>("POST", "/api/devices", {
        id,
        variant: opts.variant,
        site: opts.site,
        region: opts.region,
        corridor: opts.corridor,
      });
      writeFileSync(file, res.agentConfig, { mode: 0o600, flag: "wx" });
      cli.print({ ...res, agentConfigFile: file }, () =>
        [
          `device ${res.device.id} enrolled (variant ${res.device.variant})`,
          `  MQTT secret (shown once): ${res.secret}`,
          `  agent config written to ${file} (mode 0600); copy it to the device and run: verge-agent --config ${basename(file)}`,
        ].join("\n"),
      );
    });

  device
    .command("import")
    .description("enroll many devices from a CSV, YAML or JSON file; writes each device's agent config into --out-dir")
    .argument("<file>", "CSV with the header id,variant,site,region,corridor (site/region/corridor may be empty), or a YAML/JSON list of {id, variant, site?, region?, corridor?}")
    .option("--out-dir <dir>", "where the agent configs go, one <id>.agent.yaml each (mode 0600, never overwritten)", "./agent-configs")
    .addHelpText(
      "after",
      `
Each row is enrolled on its own: a bad row (unknown column count, bad id, id already enrolled, config file already
in --out-dir) fails alone and the others go on. The result of every row is printed; the exit code is 1 if any
failed, and the rows that failed can be fixed and imported again. ROW is the line in a CSV file, the item number in
a list. Needs an admin token. With -o json the secrets are not printed: they are in the agent config files.

Examples:
  verge device import fleet.csv
  verge device import fleet.yaml --out-dir /secure/agent-configs

fleet.csv:
  id,variant,site,region,corridor
  sc-0001,sc-x1,site-12,north,A1
  sc-0002,sc-x1,site-12,north,
fleet.yaml:
  - { id: sc-0001, variant: sc-x1, site: site-12, region: north, corridor: A1 }`,
    )
    .action(async (file: string, opts: { outDir: string }) => {
      await importDevices(cli, file, opts.outDir);
    });

  device
    .command("list")
    .description("list devices: versions, last heartbeat, deployment state, rollout, KPIs of the last hour, health")
    .option("--variant <variant>", "only this variant")
    .option("--site <site>", "only this site")
    .option("--region <region>", "only this region")
    .option("--corridor <corridor>", "only this corridor")
    .addOption(new Option("--online", "only devices online now").conflicts("offline"))
    .addOption(new Option("--offline", "only devices offline now"))
    .option("--page <n>", "page number (from 1)", wholeNumber("--page", 1))
    .option("--page-size <n>", "devices per page", wholeNumber("--page-size", 1))
    .option("--all", "every page, one after the other")
    .addHelpText(
      "after",
      `
Columns: AVAIL (share of time up), LAG P95 (95th percentile event lag) and DROPPED (share of events dropped) are
over the last hour of the device's KPI reports ("-" when it sent none); ROLLOUT is the device's active rollout and
its stage there; HEALTH is "investigate" when a rollback missed its time target.

Examples:
  verge device list --variant sc-x1 --offline
  verge device list --site site-12 --page 2
  verge device list --all -o json | jq '[.devices[] | select(.kpi.availability < 0.99) | .id]'`,
    )
    .action(async (opts: { variant?: string; site?: string; region?: string; corridor?: string; online?: boolean; offline?: boolean; page?: number; pageSize?: number; all?: boolean }) => {
      const api = cli.client();
      const query = {
        variant: opts.variant,
        site: opts.site,
        region: opts.region,
        corridor: opts.corridor,
        online: opts.online ? "true" : opts.offline ? "false" : undefined,
        pageSize: opts.pageSize,
      };
      let res = await api.get<DevicePage>("/api/devices", { ...query, page: opts.page });
      if (opts.all) {
        const devices = [...res.devices];
        for (let page = res.page + 1; page <= res.totalPages; page++) devices.push(...(await api.get<DevicePage>("/api/devices", { ...query, page })).devices);
        res = { ...res, devices, page: 1, pageSize: devices.length, totalPages: 1 };
      }
      cli.print(res, () => {
        const rows = devicesTable(res.devices);
        const shown = res.devices.length ? rows : "no devices match";
        return res.totalPages > 1
          ? `${shown}\npage ${res.page} of ${res.totalPages} (${res.totalCount} devices)${res.page < res.totalPages ? `: --page ${res.page + 1} for more, --all for every page` : ""}`
          : shown;
      });
    });

  device
    .command("show")
    .argument("<id>", "device id")
    .description("one device: identity, versions, liveness, deployment state, KPIs, its rollout and recent transitions")
    .option("--all-transitions", "every transition the device reported (read page by page), not only the last 20")
    .addHelpText("after", "\nExample:\n  verge device show sc-0001\n  verge device show sc-0001 --all-transitions -o json | jq '.transitions | length'")
    .action(async (id: string, opts: { allTransitions?: boolean }) => {
      const api = cli.client();
      const path = `/api/devices/${encodeURIComponent(id)}`;
      const res = await api.request<DeviceDetail>("GET", path);
      if (opts.allTransitions) res.transitions = (await api.getAll<DeviceDetail["transitions"][number]>(`${path}/transitions`, "transitions")).items;
      cli.print(res, () => describeDevice(res));
    });

  registerDiagCommands(device, cli);
}

function devicesTable(devices: DeviceView[]): string {
  return table(
    ["DEVICE", "VARIANT", "SITE", "ONLINE", "HEARTBEAT", "RELEASE", "STATE", "BASE", "APP", "AGENT", "AVAIL", "LAG P95", "DROPPED", "ROLLOUT", "HEALTH"],
    devices.map((d) => [
      d.id,
      d.variant,
      d.site,
      d.online ? "yes" : "no",
      ago(d.lastHeartbeatAt),
      d.currentReleaseId,
      d.deploymentState,
      d.baseImageVersion,
      d.appVersion,
      d.agentVersion,
      percent(d.kpi?.availability),
      millis(d.kpi?.eventLagP95Ms),
      percent(d.kpi?.droppedRatio),
      d.rollout ? `${d.rollout.rolloutId}/${d.rollout.stage}${d.rollout.status === "paused" ? " (paused)" : ""}` : null,
      d.health,
    ]),
  );
}

function describeDevice(res: DeviceDetail): string {
  const d = res.device;
  const k = d.kpi;
  const lines = [
    `device ${d.id}  variant ${d.variant}  site ${d.site ?? "-"}  region ${d.region ?? "-"}  corridor ${d.corridor ?? "-"}`,
    `online ${d.online ? "yes" : "no"}  last heartbeat ${ago(d.lastHeartbeatAt)}  last seen ${ago(d.lastSeenAt)}`,
    `release ${d.currentReleaseId ?? "-"}  state ${d.deploymentState ?? "-"}  health ${d.health ?? "-"}${d.healthReason ? ` (${d.healthReason})` : ""}`,
    `versions  base image ${d.baseImageVersion ?? "-"}  app ${d.appVersion ?? "-"}  agent ${d.agentVersion ?? "-"}`,
    k
      ? `KPIs over the last ${millis(k.windowMs)} (${k.reports} report(s)): availability ${percent(k.availability)}  event lag p50 ${millis(k.eventLagP50Ms)}  p95 ${millis(k.eventLagP95Ms)}  dropped ${percent(k.droppedRatio)}`
      : "KPIs: no report in the last hour",
  ];
  const o = d.outbox;
  if (o) {
    const dropped = Object.entries(o.dropped).filter(([, n]) => n > 0);
    lines.push(
      `telemetry outbox  ${o.depth} waiting (${o.bytes} bytes)  KPI windows merged ${o.merged}  dropped ${dropped.length ? dropped.map(([kind, n]) => `${kind} ${n}`).join(", ") : "none"}`,
    );
  }
  const ro = res.activeRollout;
  if (ro) {
    lines.push(`rollout ${ro.rolloutId}  release ${ro.releaseId}  status ${ro.status}  stage ${ro.stage}  state ${ro.state}${ro.reason ? ` (${ro.reason})` : ""}  since ${ago(ro.updatedAt)}`);
    if (ro.status === "paused") lines.push(`  paused: ${ro.pauseReason ?? "no reason given"}`);
    lines.push(`  more: verge rollout status ${ro.rolloutId}`);
  } else lines.push("rollout: none active");
  const transitions = res.transitions;
  lines.push("", `TRANSITIONS (the last ${transitions.length}, newest first)`);
  lines.push(
    transitions.length
      ? table(
          ["TIME", "ROLLOUT", "RELEASE", "FROM", "STATE", "REASON", "DETAIL"],
          [...transitions].sort((a, b) => b.eventTime - a.eventTime || b.seq - a.seq).map((t) => [timestamp(t.eventTime), t.rolloutId, t.releaseId, t.fromState, t.state, t.reason, t.detail]),
        )
      : "  none",
  );
  return lines.join("\n");
}

// --- import ------------------------------------------------------------------------------------------------------

const COLUMNS = ["id", "variant", "site", "region", "corridor"] as const;
type Column = (typeof COLUMNS)[number];
type DeviceRow = Partial<Record<Column, string>>;

/** A row of the import file: either a device to enroll or why it cannot be. */
type ParsedRow = { row: number; device: DeviceRow } | { row: number; id: string | undefined; problem: string };

interface RowResult {
  row: number;
  id: string;
  ok: boolean;
  agentConfigFile?: string;
  error?: { code: string; message: string };
}

async function importDevices(cli: Cli, file: string, outDir: string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  const rows = extname(file).toLowerCase() === ".csv" ? parseCsvRows(file, text) : parseListRows(file, text);
  if (rows.length === 0) throw new CliError(`${file} holds no devices`, EXIT.usage);
  mkdirSync(outDir, { recursive: true, mode: 0o700 });

  // Refused here: rows the file itself gets wrong, repeated ids, and configs that would overwrite a file (the secret
  // in a new config is shown once: writing it must not fail after the device is enrolled).
  const results: RowResult[] = [];
  const toSend: Array<{ row: number; device: DeviceRow }> = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if ("problem" in r) {
      results.push({ row: r.row, id: r.id ?? "-", ok: false, error: { code: "bad_row", message: r.problem } });
      continue;
    }
    const id = r.device.id!;
    const target = configFile(outDir, id);
    const first = seen.get(id);
    if (first !== undefined) results.push({ row: r.row, id, ok: false, error: { code: "duplicate", message: `id ${id} repeats row ${first}` } });
    else if (existsSync(target)) results.push({ row: r.row, id, ok: false, error: { code: "exists", message: `${target} already exists (not overwritten); move it away to import ${id}` } });
    else toSend.push(r);
    if (first === undefined) seen.set(id, r.row);
  }

  if (toSend.length > 0) {
    const res = await cli.client().request<{ results: ImportResult[] }>("POST", "/api/devices/import", { devices: toSend.map((r) => r.device) });
    for (const [i, sent] of toSend.entries()) {
      const out = res.results[i];
      const id = sent.device.id!;
      if (!out) {
        results.push({ row: sent.row, id, ok: false, error: { code: "no_answer", message: "the hub did not answer for this row" } });
      } else if (!out.ok) {
        results.push({ row: sent.row, id, ok: false, error: out.error });
      } else {
        const target = configFile(outDir, id);
        try {
          writeFileSync(target, out.agentConfig, { mode: 0o600, flag: "wx" });
          results.push({ row: sent.row, id, ok: true, agentConfigFile: target });
        } catch (err) {
          // Enrolled, but the config (with the only copy of its secret) could not be written: hand it over here.
          process.stderr.write(`verge: ${id} is enrolled but ${target} could not be written (${(err as Error).message}); its agent config:\n${out.agentConfig}\n`);
          results.push({ row: sent.row, id, ok: false, error: { code: "write_failed", message: `enrolled, but ${target} could not be written: ${(err as Error).message} (config printed on stderr)` } });
        }
      }
    }
  }
  results.sort((a, b) => a.row - b.row);
  const failed = results.filter((r) => !r.ok);
  cli.print({ results, enrolled: results.length - failed.length, failed: failed.length, outDir }, () => {
    const lines = [
      table(
        ["ROW", "DEVICE", "RESULT", "DETAIL"],
        results.map((r) => [r.row, r.id, r.ok ? "enrolled" : "failed", r.ok ? `agent config ${r.agentConfigFile}` : `${r.error!.message} [${r.error!.code}]`]),
      ),
      "",
      `${results.length - failed.length} of ${results.length} device(s) enrolled; agent configs (mode 0600, each with the device's MQTT secret) in ${outDir}`,
    ];
    if (results.length > failed.length) lines.push(`copy each to its device and run: verge-agent --config <id>.agent.yaml`);
    if (failed.length) lines.push(`${failed.length} row(s) failed: fix them and import those rows again (the enrolled devices stay enrolled)`);
    return lines.join("\n");
  });
  if (failed.length) process.exitCode = EXIT.failed;
}

function configFile(outDir: string, id: string): string {
  // An id the hub would refuse may still hold a path separator: keep the file name inside outDir either way.
  return join(outDir, `${id.replace(/[/\\]/g, "_")}.agent.yaml`);
}

/** Only the columns given and not empty are sent (the hub refuses empty labels). */
function rowDevice(values: Partial<Record<Column, unknown>>, row: number): ParsedRow {
  const device: DeviceRow = {};
  for (const c of COLUMNS) {
    const v = values[c];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string" && typeof v !== "number") return { row, id: typeof values.id === "string" ? values.id : undefined, problem: `${c}: expected text` };
    device[c] = String(v).trim();
  }
  if (!device.id) return { row, id: undefined, problem: "id is missing" };
  if (!device.variant) return { row, id: device.id, problem: "variant is missing" };
  return { row, device };
}

function parseCsvRows(file: string, text: string): ParsedRow[] {
  const lines = text.split(/\r?\n/).map((l, i) => ({ line: l, n: i + 1 }));
  const content = lines.filter((l) => l.line.trim() !== "" && !l.line.trimStart().startsWith("#"));
  const header = content.shift();
  if (!header) return [];
  const columns = splitCsvLine(header.line).map((c) => c.trim().toLowerCase());
  const unknown = columns.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (unknown.length || !columns.includes("id") || !columns.includes("variant")) {
    throw new CliError(`${file}: the first line must name the columns id,variant and optionally site,region,corridor; got "${header.line}"`, EXIT.usage);
  }
  // Rows are numbered by their line in the file, so a failure points at what to fix.
  return content.map(({ line, n }) => {
    const fields = splitCsvLine(line);
    if (fields.length !== columns.length) return { row: n, id: fields[columns.indexOf("id")]?.trim() || undefined, problem: `expected ${columns.length} fields (${columns.join(",")}), got ${fields.length}` };
    return rowDevice(Object.fromEntries(columns.map((c, i) => [c, fields[i]])), n);
  });
}

/** One CSV line: fields separated by commas, optionally in double quotes (a doubled quote is a quote). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function parseListRows(file: string, text: string): ParsedRow[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new CliError(`${file}: not readable YAML or JSON: ${(err as Error).message} (a .csv file is read as CSV)`, EXIT.usage);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(list)) throw new CliError(`${file}: expected a list of devices ({id, variant, site?, region?, corridor?}), or {devices: [...]}`, EXIT.usage);
  return list.map((item: unknown, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return { row: i + 1, id: undefined, problem: "expected a mapping {id, variant, ...}" };
    const extra = Object.keys(item).filter((k) => !(COLUMNS as readonly string[]).includes(k));
    const values = item as Partial<Record<Column, unknown>>;
    if (extra.length) return { row: i + 1, id: typeof values.id === "string" ? values.id : undefined, problem: `unknown field(s) ${extra.join(", ")} (known: ${COLUMNS.join(", ")})` };
    return rowDevice(values, i + 1);
  });
}
