// Diagnostics on the device: the pure parts table by table, the rotating log file, and bundles that stay under their
// cap by cutting the oldest log lines.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../device-agent/config.js";
import type { AgentConfig } from "../../device-agent/config.js";
import { buildBundle } from "../../device-agent/diag-bundle.js";
import { classifyUploadStatus, contentBudget, parseDiagnosticsArgs, planLogs, redactConfig } from "../../device-agent/diag-plan.js";
import { RotatingLogFile, agentLogFiles, createAgentLogger } from "../../device-agent/log-file.js";
import { freshState } from "../../device-agent/state-file.js";
import { readBundle } from "../helpers/bundle.js";
import { tempDir } from "../helpers/wait.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

function dir(): string {
  const t = tempDir("verge-diag-agent-");
  cleanups.push(t.cleanup);
  return t.dir;
}

const KEY = Buffer.alloc(32, 1).toString("base64");
function config(dataDir: string, diagnostics: Record<string, unknown> = {}): AgentConfig {
  const parsed = parseAgentConfig({
    deviceId: "sc-0001",
    secret: "the-device-secret",
    variant: "sc-x1",
    hub: { mqttUrl: "mqtt://127.0.0.1:1883", httpUrl: "http://127.0.0.1:8080" },
    trustedKeys: { release: [KEY], hub: [KEY] },
    dataDir,
    diagnostics,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

describe("parseDiagnosticsArgs", () => {
  it.each([
    ["what the hub sends", { bundleId: "dg-20250501-1a2b", uploadPath: "/diagnostics/dg-20250501-1a2b", maxBytes: "16777216" }, { ok: true, args: { bundleId: "dg-20250501-1a2b", uploadPath: "/diagnostics/dg-20250501-1a2b", maxBytes: 16777216 } }],
    ["no limit from the hub", { bundleId: "dg-1", uploadPath: "/diagnostics/dg-1" }, { ok: true, args: { maxBytes: undefined } }],
    ["no bundle id", { uploadPath: "/diagnostics/x" }, { ok: false }],
    ["a bundle id with a slash", { bundleId: "../x", uploadPath: "/diagnostics/x" }, { ok: false }],
    ["an absolute URL elsewhere", { bundleId: "dg-1", uploadPath: "http://evil.example/x" }, { ok: false }],
    ["a protocol-relative URL", { bundleId: "dg-1", uploadPath: "//evil.example/x" }, { ok: false }],
    ["a limit that is not a number", { bundleId: "dg-1", uploadPath: "/d/dg-1", maxBytes: "lots" }, { ok: false }],
    ["no args at all", undefined, { ok: false }],
  ] as const)("%s", (_what, args, expected) => {
    expect(parseDiagnosticsArgs(args as Record<string, string> | undefined)).toMatchObject(expected);
  });
});

describe("planLogs: the current log and included files share the room fairly, older rotations get the rest", () => {
  const f = (name: string, size: number) => ({ name, size });
  it.each([
    ["all fit", [f("agent.log", 10), f("app.log", 20)], [f("agent.log.1", 30)], 100, [10, 20, 30]],
    ["equal parts when both are big", [f("agent.log", 500), f("app.log", 500)], [], 100, [50, 50]],
    ["what a small file leaves goes to the big one", [f("agent.log", 500), f("app.log", 10)], [], 100, [90, 10]],
    ["rotations only get what is left", [f("agent.log", 60)], [f("agent.log.1", 60), f("agent.log.2", 60)], 100, [60, 40, 0]],
    ["one file bigger than the budget", [f("agent.log", 500)], [], 100, [100]],
    ["no room", [f("agent.log", 5)], [], -10, [0]],
  ] as const)("%s", (_what, primary, secondary, budget, keeps) => {
    const plan = planLogs(primary, secondary, budget);
    expect(plan.map((p) => p.keep)).toEqual(keeps);
    expect(plan.reduce((n, p) => n + p.keep, 0)).toBeLessThanOrEqual(Math.max(0, budget));
  });

  it("contentBudget leaves room for tar headers, the end blocks and deflate's worst case", () => {
    expect(contentBudget(1024 * 1024, 10)).toBe(1024 * 1024 - 12 * 1024 - 128 - 64);
    expect(contentBudget(1000, 10)).toBe(0);
  });
});

describe("classifyUploadStatus", () => {
  it.each([
    [200, "PUT", "ok", undefined],
    [401, "HEAD", "fail", "unauthorized"],
    [403, "PUT", "fail", "forbidden"],
    [404, "HEAD", "fail", "unknown_bundle"],
    [409, "PUT", "retry", undefined], // the hub holds another offset: ask again
    [409, "HEAD", "fail", "refused"], // the bundle failed on the hub
    [413, "PUT", "fail", "too_large"],
    [507, "PUT", "fail", "hub_storage"],
    [500, "PUT", "retry", undefined],
    [503, "HEAD", "retry", undefined],
    [429, "PUT", "retry", undefined],
    [400, "PUT", "fail", "refused"],
  ] as const)("%i on %s: %s", (status, method, kind, reason) => {
    const answer = classifyUploadStatus(status, method, "why");
    expect(answer.kind).toBe(kind);
    if (answer.kind === "fail") expect(answer.reason).toBe(reason);
  });
});

describe("the agent's log file", () => {
  it("rotates at its size and keeps the configured number of files: the disk holds at most maxBytes x files", () => {
    const d = dir();
    const log = new RotatingLogFile(d, 1000, 3);
    const line = (i: number) => `${JSON.stringify({ i, msg: "x".repeat(80) })}\n`;
    for (let i = 0; i < 200; i++) log.write(line(i));
    log.close();
    expect(agentLogFiles(d)).toEqual(["agent.log", "agent.log.1", "agent.log.2"]);
    for (const f of readdirSync(d)) expect(statSync(join(d, f)).size).toBeLessThanOrEqual(1000);
    // the newest line is in agent.log, the oldest kept in agent.log.2, and lines are never split
    expect(readFileSync(join(d, "agent.log"), "utf8").trimEnd().split("\n").pop()).toBe(line(199).trimEnd());
    const oldest = readFileSync(join(d, "agent.log.2"), "utf8").split("\n")[0]!;
    expect(JSON.parse(oldest)).toMatchObject({ msg: "x".repeat(80) });
  });

  it("createAgentLogger writes pino JSON lines to <dataDir>/logs/agent.log at the configured level", () => {
    const d = dir();
    const { logger, close } = createAgentLogger({ ...config(d), logLevel: "info" }, { stdout: false });
    logger.debug("not at info");
    logger.child({ module: "agent" }).warn({ releaseId: "rel-2" }, "health check failed");
    close();
    const lines = readFileSync(join(d, "logs", "agent.log"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, module: "agent", releaseId: "rel-2", msg: "health check failed" });
  });
});

describe("buildBundle", () => {
  const sources = (c: AgentConfig) => ({
    bundleId: "dg-1",
    now: Date.parse("2025-05-01T12:00:00Z"),
    agentVersion: "0.1.0",
    config: c,
    state: freshState(),
    slots: [{ name: "a", active: true }],
    transitions: [{ state: "rolled_back", releaseId: "rel-2" }],
    runtime: { uptimeS: 12 },
  });

  it("stays under its cap: the oldest log bytes are cut, the newest lines kept whole, the cut noted in bundle.json", async () => {
    const d = dir();
    const c = config(d, { include: [join(d, "app.log")] });
    mkdirSync(join(d, "logs"), { recursive: true });
    // random text compresses poorly: the cap must hold even so
    const lines = Array.from({ length: 4000 }, (_, i) => `{"i":${i},"noise":"${randomBytes(48).toString("base64")}"}`);
    writeFileSync(join(d, "logs", "agent.log"), lines.join("\n") + "\n");
    writeFileSync(join(d, "logs", "agent.log.1"), "older rotation\n".repeat(1000));
    writeFileSync(join(d, "app.log"), "application says hello\n");
    const cap = 128 * 1024;
    const built = await buildBundle(sources(c), cap);
    if (!built.ok) throw new Error(built.detail);
    expect(built.bytes.length).toBeLessThanOrEqual(cap);
    const { top, files } = await readBundle(built.bytes);
    expect(top).toBe("sc-0001-dg-1");
    const agentLog = files.get("logs/agent.log")!;
    expect(agentLog.endsWith(`${lines[3999]}\n`)).toBe(true);
    expect(agentLog.startsWith('{"i":')).toBe(true); // cut at a line boundary
    expect(agentLog.length).toBeLessThan(lines.join("\n").length);
    const manifest = JSON.parse(files.get("bundle.json")!) as { files: Array<{ name: string; bytes: number; cutFrom?: number }> };
    expect(manifest.files.find((f) => f.name === "logs/agent.log")?.cutFrom).toBe(statSync(join(d, "logs", "agent.log")).size);
    // the included application log is small and whole; the older rotation only gets what is left: nothing here
    expect(files.get("logs/include/app.log")).toBe("application says hello\n");
    expect(manifest.files.find((f) => f.name === "logs/agent.log.1")).toMatchObject({ bytes: 0, cutFrom: 15000 });
  });

  it("keeps the device secret out and lists what it could not read", async () => {
    const d = dir();
    const c = config(d, { include: [join(d, "missing.log")] });
    const built = await buildBundle(sources(c), 1024 * 1024);
    if (!built.ok) throw new Error(built.detail);
    const { files } = await readBundle(built.bytes);
    for (const [name, text] of files) expect(text.includes("the-device-secret"), name).toBe(false);
    expect(JSON.parse(files.get("config.json")!)).toMatchObject(redactConfig(c));
    expect((JSON.parse(files.get("bundle.json")!) as { files: unknown[] }).files).toEqual(expect.arrayContaining([{ name: "logs/include/missing.log", bytes: 0, error: "ENOENT" }]));
    expect(JSON.parse(files.get("transitions.json")!)).toEqual([{ state: "rolled_back", releaseId: "rel-2" }]);
  });

  it("refuses a cap too small for the state itself", async () => {
    const built = await buildBundle(sources(config(dir())), 4 * 1024);
    expect(built).toMatchObject({ ok: false, reason: "too_large" });
  });
});
