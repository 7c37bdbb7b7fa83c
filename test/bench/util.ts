// Small shared pieces of the benchmarks: percentiles, child processes running TypeScript, the "needs something not
// here" signal, and polling.
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** Thrown by a benchmark that cannot run here (a missing part); the runner prints it as skipped, not failed. */
export class BenchUnavailable extends Error {}

/** Nearest-rank percentile (q in 0..1) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Runs a TypeScript module in its own Node process (through tsx's loader), with an IPC channel. */
export function forkTs(file: string, args: string[] = []): ChildProcess {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return fork(file, args, { execArgv: ["--import", loader], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** The next IPC message from `child` that `match` accepts. Rejects if the child exits first or on timeout. */
export function nextMessage<T>(child: ChildProcess, match: (m: unknown) => m is T, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (m: unknown) => {
      if (!match(m)) return;
      done();
      resolve(m);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`child process ${child.pid} exited (${code}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`child process ${child.pid}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** Waits for a child to exit (killing it after `timeoutMs`). */
export async function reap(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Polls `check` every `intervalMs` until it returns true; throws `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rounds to `digits` decimals (figures keep a readable precision in the JSON). */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
