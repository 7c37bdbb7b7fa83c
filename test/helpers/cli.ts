// The built `verge` CLI run as a process, as an operator runs it. No CLI config file of the machine's user is read:
// only PATH and `env` reach it, and without a HOME of the test's own XDG_CONFIG_HOME points at a dir that does not exist.
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export type Env = Record<string, string | undefined>;

const NO_CONFIG_DIR = join(tmpdir(), "verge-cli-test-no-config");
export const VERGE_BIN = join(process.cwd(), "dist/hub/cli/main.js");

export const HUB_BIN = join(process.cwd(), "dist/hub/main.js");

/** Runs a built entry point to completion with only PATH and `env`: its exit code and output. */
function run(bin: string, args: string[], env: Env, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, ...env }, cwd }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `verge` to completion: its exit code and output. */
export function verge(args: string[], env: Env, cwd?: string): Promise<Run> {
  const config = env.HOME === undefined ? { XDG_CONFIG_HOME: NO_CONFIG_DIR } : {};
  return run(VERGE_BIN, args, { ...config, ...env }, cwd);
}

/** Runs `verge-hub` until it exits (a bad config, say): its exit code and output. */
export function vergeHub(args: string[], env: Env): Promise<Run> {
  return run(HUB_BIN, args, env);
}
