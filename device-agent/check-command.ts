// A check run as a program (an adapter): no shell, a timeout, the verdict from the exit code and the end of the
// output as the detail of a failure. The health check (health-check.ts) and the safety check (safety-check.ts) both
// run their configured command through it.
import { execFile } from "node:child_process";

export type CheckVerdict = { ok: true } | { ok: false; detail: string };

export interface CheckCommand {
  command: string;
  args: readonly string[];
  /** One run; killed (SIGKILL) past it, which fails the check. */
  timeoutMs: number;
}

/** How much of the command's output (stdout and stderr interleaved, the end of it) goes into the failure detail. */
export const CHECK_OUTPUT_TAIL_BYTES = 4 * 1024;
/** A command printing more than this is killed and fails the check. */
const CHECK_MAX_OUTPUT = 1024 * 1024;

/** Runs `check` with `env` added to the agent's environment: exit 0 passes; anything else fails, saying why. */
export function runCheckCommand(check: CheckCommand, env: Record<string, string>, signal?: AbortSignal): Promise<CheckVerdict> {
  const output = new OutputTail(CHECK_OUTPUT_TAIL_BYTES);
  return new Promise((resolve) => {
    const child = execFile(
      check.command,
      [...check.args],
      {
        env: { ...process.env, ...env },
        timeout: check.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: CHECK_MAX_OUTPUT,
        signal,
        encoding: "buffer",
        windowsHide: true,
      },
      (err) => {
        if (!err) return resolve({ ok: true });
        const why =
          err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
            ? `printed more than ${CHECK_MAX_OUTPUT} bytes, killed`
            : signal?.aborted
              ? "stopped with the agent"
              : err.killed
                ? `no answer within ${check.timeoutMs} ms, killed`
                : typeof err.code === "number"
                  ? `exited with code ${err.code}`
                  : err.signal
                    ? `killed by ${err.signal}`
                    : `could not run: ${err.message}`;
        const tail = output.text().trim();
        resolve({ ok: false, detail: `${check.command} ${why}${tail ? `; output: ${tail}` : ""}` });
      },
    );
    child.stdout?.on("data", (chunk: Buffer) => output.add(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.add(chunk));
  });
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
