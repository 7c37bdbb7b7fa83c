// Builds a diagnostics bundle: a gzip'd tar (open it with `tar xzf`) of the agent's logs and state, in memory (a few
// MiB at most: it works on a device whose disk is full, which is when it is needed most). Logs are cut, oldest bytes
// first, so the bundle stays under its cap.
import { createHash } from "node:crypto";
import { open, readFile, readdir, readlink, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { pack as tarPack } from "tar-stream";
import type { AgentConfig } from "./config.js";
import { contentBudget, planLogs, redactConfig } from "./diag-plan.js";
import type { LogCandidate } from "./diag-plan.js";
import { agentLogFiles, logsDir } from "./log-file.js";
import { stateFilePath } from "./state-file.js";
import type { AgentState } from "./state-file.js";
import type { SlotStatus } from "./update-module.js";

export interface BundleSources {
  bundleId: string;
  now: number;
  agentVersion: string;
  config: AgentConfig;
  /** The agent's state in memory (used when state.json cannot be read). */
  state: AgentState;
  slots: SlotStatus[];
  /** The latest state transitions this agent reported, oldest first. */
  transitions: unknown[];
  /** What the running agent knows beyond its files: uptime, connection, refusal counters. */
  runtime: Record<string, unknown>;
}

export interface BundleFile {
  name: string;
  bytes: number;
  /** Set when the file was cut to fit: its full size on the device (its newest bytes were kept). */
  cutFrom?: number;
  /** Set when the file could not be read. */
  error?: string;
}

export type BuiltBundle = { ok: true; bytes: Buffer; sha256: string; files: BundleFile[] } | { ok: false; reason: "too_large" | "build"; detail: string };

const README = `verge diagnostics bundle

bundle.json        who and when: device, bundle id, agent version, runtime counters, the files below and any cut
state.json         the agent's persisted state (desired state, manifest, current deployment, installed releases)
transitions.json   the latest deployment transitions this agent reported since it started
config.json        the agent's configuration, secret redacted
slots.json         the slots as the update module sees them; slots/*/release.json as found on disk
downloads.json     the files in downloads/ (name = sha256, .part = a download in progress) and their sizes
logs/              the agent's own log (agent.log newest, agent.log.N older) and files named in diagnostics.include,
                   each cut from its oldest end when the bundle had to fit its cap (see bundle.json)
`;

/** Builds the bundle within `maxBytes`. Never throws for expected problems (an unreadable file is noted and skipped). */
export async function buildBundle(src: BundleSources, maxBytes: number): Promise<BuiltBundle> {
  const { dataDir } = src.config;
  const top = `${src.config.deviceId}-${src.bundleId}`;
  const files: BundleFile[] = [];
  const fixed: Array<{ name: string; data: Buffer }> = [];
  const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2) + "\n", "utf8");

  fixed.push({ name: "README.txt", data: Buffer.from(README, "utf8") });
  const stateText = await readFile(stateFilePath(dataDir)).catch(() => undefined);
  fixed.push({ name: "state.json", data: stateText ?? json(src.state) });
  fixed.push({ name: "transitions.json", data: json(src.transitions) });
  fixed.push({ name: "config.json", data: json(redactConfig(src.config)) });
  fixed.push({ name: "slots.json", data: json({ slots: src.slots, current: await readlink(join(dataDir, "current")).catch(() => null), committed: await readText(join(dataDir, "slots", "committed")) }) });
  for (const slot of await readdir(join(dataDir, "slots")).catch(() => [] as string[])) {
    const release = await readFile(join(dataDir, "slots", slot, "release.json")).catch(() => undefined);
    if (release) fixed.push({ name: `slots/${slot}/release.json`, data: release });
  }
  fixed.push({ name: "downloads.json", data: json(await listDir(join(dataDir, "downloads"))) });

  // Logs: the agent's current log and the files the config names share the room; older rotations get what is left.
  const agentLogs = agentLogFiles(logsDir(dataDir));
  const primary: Array<LogCandidate & { path: string }> = [];
  const secondary: Array<LogCandidate & { path: string }> = [];
  const addCandidate = async (to: Array<LogCandidate & { path: string }>, name: string, path: string) => {
    const s = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (s instanceof Error) files.push({ name, bytes: 0, error: s.code ?? s.message });
    else if (s.isFile()) to.push({ name, path, size: s.size });
  };
  if (agentLogs[0]) await addCandidate(primary, `logs/${agentLogs[0]}`, join(logsDir(dataDir), agentLogs[0]));
  for (const path of src.config.diagnostics.include) await addCandidate(primary, `logs/include/${basename(path)}`, path);
  for (const name of agentLogs.slice(1)) await addCandidate(secondary, `logs/${name}`, join(logsDir(dataDir), name));
  const candidates = [...primary, ...secondary];

  const fixedBytes = fixed.reduce((n, f) => n + f.data.length, 0);
  // bundle.json is written last (it lists the cuts); it is given room for its listing.
  const manifestRoom = 2048 + 256 * (fixed.length + candidates.length);
  const budget = contentBudget(maxBytes, fixed.length + candidates.length + 1) - fixedBytes - manifestRoom;
  if (budget < 0) return { ok: false, reason: "too_large", detail: `state and listings alone take ${fixedBytes} bytes, over the bundle cap of ${maxBytes} bytes` };
  const logs: Array<{ name: string; data: Buffer }> = [];
  for (const p of planLogs(primary, secondary, budget)) {
    const c = candidates.find((x) => x.name === p.name)!;
    if (p.keep === 0) {
      files.push({ name: p.name, bytes: 0, cutFrom: p.size });
      continue;
    }
    try {
      const data = await readTail(c.path, p.keep, p.keep < p.size);
      logs.push({ name: p.name, data });
      files.push({ name: p.name, bytes: data.length, ...(data.length < p.size ? { cutFrom: p.size } : {}) });
    } catch (err) {
      files.push({ name: p.name, bytes: 0, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
    }
  }
  for (const f of fixed) files.unshift({ name: f.name, bytes: f.data.length });
  const manifest = json({
    deviceId: src.config.deviceId,
    bundleId: src.bundleId,
    createdAt: new Date(src.now).toISOString(),
    agentVersion: src.agentVersion,
    variant: src.config.variant,
    maxBytes,
    runtime: src.runtime,
    files: files.sort((a, b) => a.name.localeCompare(b.name)),
  });

  let bytes: Buffer;
  try {
    bytes = await tarGz(
      [{ name: "bundle.json", data: manifest }, ...fixed, ...logs].map((e) => ({ name: `${top}/${e.name}`, data: e.data })),
      src.now,
    );
  } catch (err) {
    return { ok: false, reason: "build", detail: `could not write the bundle: ${(err as Error).message}` };
  }
  if (bytes.length > maxBytes) return { ok: false, reason: "too_large", detail: `the bundle came to ${bytes.length} bytes, over its cap of ${maxBytes}` };
  return { ok: true, bytes, sha256: createHash("sha256").update(bytes).digest("hex"), files };
}

async function readText(file: string): Promise<string | null> {
  return (await readFile(file, "utf8").catch(() => null))?.trim() ?? null;
}

async function listDir(dir: string): Promise<Array<{ name: string; size: number }>> {
  const out: Array<{ name: string; size: number }> = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s?.isFile()) out.push({ name, size: s.size });
  }
  return out;
}

/** The last `keep` bytes of a file; when cut, from the first full line on. */
async function readTail(file: string, keep: number, cut: boolean): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    const length = Math.min(keep, size);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, size - length);
    const data = buf.subarray(0, bytesRead);
    if (!cut) return data;
    const nl = data.indexOf(0x0a);
    return nl >= 0 && nl < data.length - 1 ? data.subarray(nl + 1) : data;
  } finally {
    await fh.close();
  }
}

async function tarGz(entries: Array<{ name: string; data: Buffer }>, now: number): Promise<Buffer> {
  const tar = tarPack();
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const done = pipeline(tar, createGzip({ level: 9 }), sink);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      tar.entry({ name: e.name, size: e.data.length, mtime: new Date(now), mode: 0o644, type: "file" }, e.data, (err) => (err ? reject(err) : resolve()));
    });
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}
