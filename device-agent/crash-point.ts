// A test hook that cuts the power at a named point: with VERGE_AGENT_CRASH_AT=<point>[:<nth>] in its environment,
// verge-agent sends itself SIGKILL the nth time (default 1) it reaches <point>, so an end-to-end test can hit an
// exact moment between two durable writes of a deployment step. Read once at start (main.ts); unset, it does nothing.
// The points are listed in CRASH_POINTS and described in device-agent/README.md ("Power cuts").
import { writeSync } from "node:fs";

/**
 * `announced-<state>`: a transition to <state> is in the outbox journal (fsynced), state.json not written yet.
 * `persisted-<state>`: state.json says <state>. The rest are the activation's own durable writes, in order.
 */
export const CRASH_POINTS = [
  "activation-recorded", // the activation record (slots) is in state.json, nothing installed yet
  "installing", // the update module has written the first component into the inactive slot, release.json not yet
  "switch-recorded", // switchedAt is in state.json, `current` still points at the old slot
  "switched", // `current` points at the new slot, not health-checked or committed yet
  "committed", // the update module committed the new slot, `activated` not announced yet
  "rollback-switched", // a hub-asked rollback: switched back and committed, `installed` and `rolled_back` not written
] as const;

export type CrashAt = (point: string) => void;

/** Parses VERGE_AGENT_CRASH_AT; undefined when unset or empty (the hook is inert). Throws on a malformed value. */
export function crashAtFromEnv(value: string | undefined): CrashAt | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const m = /^([a-z_-]+)(?::(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`VERGE_AGENT_CRASH_AT "${value}": expected <point>[:<nth>]`);
  const point = m[1]!;
  const nth = m[2] === undefined ? 1 : Number(m[2]);
  let reached = 0;
  return (at: string) => {
    if (at !== point || ++reached !== nth) return;
    // Straight to the file descriptor: a buffered log line would die with the process.
    writeSync(2, `verge-agent: VERGE_AGENT_CRASH_AT=${value}: SIGKILL at ${at} (${reached})\n`);
    process.kill(process.pid, "SIGKILL");
  };
}
