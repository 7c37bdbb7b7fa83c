// Outside tools the tests run (promtool, openssl, ...). Each comes from a Debian package that `.ci/run` installs; a
// test whose tool is missing fails with the package to install, it never passes or returns early.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The tools the suite uses and the Debian package of each (keep in step with `.ci/run`). */
export const TOOL_PACKAGES = {
  promtool: "prometheus",
  openssl: "openssl",
  mosquitto: "mosquitto",
} as const;

export type Tool = keyof typeof TOOL_PACKAGES;

/** Absolute path of `tool`, looked up on PATH and in the sbin folders Debian installs daemons into. */
export function findTool(tool: Tool): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  if (r.status === 0 && r.stdout.trim() !== "") return r.stdout.trim();
  return ["/usr/sbin", "/usr/local/sbin", "/usr/bin"].map((d) => `${d}/${tool}`).find((f) => existsSync(f));
}

/** Like findTool, but a missing tool is an error that names its package. */
export function requireTool(tool: Tool): string {
  const path = findTool(tool);
  if (path === undefined) {
    const pkg = TOOL_PACKAGES[tool];
    throw new Error(`${tool} is not installed: this test needs it (apt-get install ${pkg}; .ci/run installs it)`);
  }
  return path;
}
