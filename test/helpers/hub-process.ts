// The built verge-hub run as its own process (a crash shows as an exit), on free ports, with a YAML config the test
// writes. Resolves at its banner with the addresses and the bootstrap admin token it printed.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { HUB_BIN } from "./cli.js";
import { waitFor } from "./wait.js";

export interface HubProcess {
  child: ChildProcess;
  httpUrl: string;
  mqttUrl: string;
  /** The bootstrap token (first start) or the one passed in. */
  token: string;
  /** Everything the process wrote to stdout and stderr so far (banner and JSON log lines). */
  output(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Writes `config` (merged over ports 0, 127.0.0.1) to `configFile` and starts the hub on it. */
export async function startHubProcess(configFile: string, config: Record<string, unknown>, token?: string): Promise<HubProcess> {
  const mqtt = { host: "127.0.0.1", port: 0, ...(config.mqtt as object | undefined) };
  const http = { host: "127.0.0.1", port: 0, ...(config.http as object | undefined) };
  writeFileSync(configFile, stringify({ logLevel: "info", ...config, mqtt, http }));
  const child = spawn(process.execPath, [HUB_BIN, "--config", configFile], { env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  try {
    await waitFor("the hub's banner", () => {
      if (ended) throw new Error(`verge-hub exited before its banner:\n${out}`);
      return out.includes("Ctrl-C stops the hub.");
    }, 30_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const httpUrl = /HTTP API\s+(http:\/\/\S+)\/api/.exec(out)?.[1];
  const mqttUrl = /MQTT broker\s+(mqtt:\/\/\S+)/.exec(out)?.[1];
  const printed = /Bootstrap admin token[^\n]*\n\s+(vrg_\S+)/.exec(out)?.[1];
  const adminToken = printed ?? token;
  if (!httpUrl || !mqttUrl || !adminToken) throw new Error(`banner without addresses or token:\n${out}`);
  return {
    child,
    httpUrl,
    mqttUrl,
    token: adminToken,
    output: () => out,
    exited,
    async api(method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(httpUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
    },
    async stop() {
      if (!ended) child.kill("SIGTERM");
      return exited;
    },
  };
}

export const hubConfigFile = (dir: string) => join(dir, "hub.yaml");
