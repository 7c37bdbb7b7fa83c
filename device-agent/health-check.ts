// Health checks of a release just switched to: the type the agent calls, and the built-in `command` check (an adapter:
// a program run without a shell, exit 0 = healthy). When to retry and when to give up is decided in decisions.ts.
import { execFile } from "node:child_process";
import type { HealthCheckConfig } from "./config.js";

/** The release being checked, running from `slot` (switched to, not committed yet). */
export interface HealthCheckTarget {
  releaseId: string;
  version: string;
  slot: string;
}

export type HealthVerdict = { ok: true } | { ok: false; detail: string };

/**
 * One check of the release switched to. `signal` is aborted when the agent stops mid-check; a check may ignore it.
 * A check that throws counts as failed.
 */
export type HealthCheck = (release: HealthCheckTarget, signal?: AbortSignal) => Promise<HealthVerdict>;

/** How much of the command's output (stdout and stderr interleaved, the end of it) goes into the failure detail. */
export const HEALTH_OUTPUT_TAIL_BYTES = 4 * 1024;
/** A command printing more than this is killed and fails the check. */
const HEALTH_MAX_OUTPUT = 1024 * 1024;

/** The `command` health check of the config. */
export function commandHealthCheck(config: Pick<HealthCheckConfig, "args" | "timeoutMs"> & { command: string }, deviceId: string): HealthCheck {
  return (release, signal) => {
    const env = {
      ...process.env,
      VERGE_RELEASE_ID: release.releaseId,
      VERGE_RELEASE_VERSION: release.version,
      VERGE_SLOT: release.slot,
      VERGE_DEVICE_ID: deviceId,
    };
    const output = new OutputTail(HEALTH_OUTPUT_TAIL_BYTES);
    return new Promise((resolve) => {
      const child = execFile(
        config.command,
        [...config.args],
        { env, timeout: config.timeoutMs, killSignal: "SIGKILL", maxBuffer: HEALTH_MAX_OUTPUT, signal, encoding: "buffer", windowsHide: true },
        (err) => {
          if (!err) return resolve({ ok: true });
          const why =
            err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
              ? `printed more than ${HEALTH_MAX_OUTPUT} bytes, killed`
              : signal?.aborted
                ? "stopped with the agent"
                : err.killed
                  ? `no answer within ${config.timeoutMs} ms, killed`
                  : typeof err.code === "number"
                    ? `exited with code ${err.code}`
                    : err.signal
                      ? `killed by ${err.signal}`
                      : `could not run: ${err.message}`;
          const tail = output.text().trim();
          resolve({ ok: false, detail: `${config.command} ${why}${tail ? `; output: ${tail}` : ""}` });
        },
      );
      child.stdout?.on("data", (chunk: Buffer) => output.add(chunk));
      child.stderr?.on("data", (chunk: Buffer) => output.add(chunk));
    });
  };
}

/** The last `cap` bytes written to it. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.cap) {
      this.size -= this.chunks.shift()?.length ?? 0;
      this.truncated = true;
    }
  }

  text(): string {
    let bytes = Buffer.concat(this.chunks);
    if (bytes.length > this.cap) {
      bytes = bytes.subarray(bytes.length - this.cap);
      this.truncated = true;
      // Do not start in the middle of a UTF-8 character.
      let skip = 0;
      while (skip < 3 && skip < bytes.length && ((bytes[skip] ?? 0) & 0xc0) === 0x80) skip++;
      bytes = bytes.subarray(skip);
    }
    return (this.truncated ? "…" : "") + bytes.toString("utf8");
  }
}
