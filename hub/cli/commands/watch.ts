// `verge rollout status ID --watch`: polls the rollout and shows its progress until it ends. On a terminal the
// display is redrawn in place; into a pipe or file it prints one progress line per change (and each new event), and
// with -o json one status per change (NDJSON). The renderers are pure: status in, text out.
import type { EventView, StatusView } from "../api-types.js";
import type { ApiClient } from "../client.js";
import { CliError, EXIT } from "../client.js";
import type { Output } from "../context.js";
import { ago, bar, brakesLine, epochMs, metricValue, millis, outputWidth, timestamp, truncate, yesNo } from "../format.js";

export interface WatchOptions {
  intervalMs: number;
  output: Output;
  /** Redraw in place (stdout is a terminal and the output is a table). */
  tty: boolean;
  write: (text: string) => void;
  warn: (text: string) => void;
}

/** How a watch ends: the exit code and the closing sentence. */
export interface WatchEnd {
  exitCode: number;
  summary: string;
}

/** The rollout has ended: completed (exit 0), cancelled or rolled back with every rollback settled (exit 1). */
export function watchEnd(s: StatusView): WatchEnd | undefined {
  const r = s.rollout;
  const p = s.progress;
  switch (r.status) {
    case "completed":
      return { exitCode: EXIT.ok, summary: `rollout ${r.id} completed: ${p.activated}/${p.total} device(s) activated release ${s.release.id}` };
    case "cancelled":
      return { exitCode: EXIT.failed, summary: `rollout ${r.id} cancelled: ${p.activated}/${p.total} device(s) activated, ${p.cancelled} cancelled` };
    case "rolled_back": {
      // The rollout is marked rolled back at once; the watch waits until each device sent back confirmed or is overdue.
      const rb = s.rollback;
      if (rb.confirmed + rb.overdue < rb.requested) return undefined;
      const overdue = rb.overdue > 0 ? `, ${rb.overdue} overdue (see verge device list)` : "";
      return { exitCode: EXIT.failed, summary: `rollout ${r.id} rolled back: ${rb.confirmed}/${rb.requested} device(s) back on their previous release${overdue}` };
    }
    case "draft":
    case "active":
    case "paused":
      return undefined;
  }
}

/** What a change is: a new line (or NDJSON record) is printed only when this differs from the last one. */
export function fingerprint(s: StatusView): string {
  return JSON.stringify([
    s.rollout.status,
    s.rollout.pauseReason,
    s.activeStage,
    s.gates,
    s.progress,
    s.rollback,
    s.stages.map((st) => [st.name, st.status, st.awaitingApproval, st.progress, st.rules.map((r) => r.verdict)]),
    s.events.at(-1)?.id ?? 0,
  ]);
}

const IN_PROGRESS = ["notStarted", "pending", "downloading", "verified", "failed", "cancelled", "rolling_back", "rolled_back"] as const;
const LABEL: Record<(typeof IN_PROGRESS)[number], string> = {
  notStarted: "not started",
  pending: "pending",
  downloading: "downloading",
  verified: "verified",
  failed: "failed",
  cancelled: "cancelled",
  rolling_back: "rolling back",
  rolled_back: "rolled back",
};

/** A stage awaits approval only while its rollout can still go on. */
export function awaitsApproval(s: StatusView, st: StatusView["stages"][number]): boolean {
  return st.awaitingApproval && (s.rollout.status === "active" || s.rollout.status === "paused");
}

/** `canary [##########] 1/1 converged` (plus the devices not yet activated, by state). */
export function stageBar(s: StatusView, st: StatusView["stages"][number], nameWidth = 0): string {
  const c = st.progress;
  const others = IN_PROGRESS.filter((k) => c[k] > 0 && !(k === "notStarted" && st.status === "pending")).map((k) => `${LABEL[k]} ${c[k]}`);
  const status = awaitsApproval(s, st) ? `${st.status}, awaiting approval` : st.status;
  return `${st.name.padEnd(nameWidth)} ${bar(c.activated, c.total)} ${c.activated}/${c.total} ${status}${others.length ? ` (${others.join(", ")})` : ""}`;
}

function failingGates(s: StatusView): string[] {
  return (Object.entries(s.gates) as Array<[string, boolean]>).filter(([, ok]) => !ok).map(([name]) => name);
}

function clock(at: number): string {
  return timestamp(at).slice(11);
}

function eventLine(e: EventView, width: number): string {
  const head = `${clock(epochMs(e.at))} ${e.type}${e.stage ? ` ${e.stage}` : ""}: `;
  return head + truncate(e.explanation, Math.max(40, width - head.length - 2));
}

/** The latest pause event, if the rollout is paused (its explanation says which rule fired and why). */
function pauseEvent(s: StatusView): EventView | undefined {
  return s.rollout.status === "paused" ? s.events.findLast((e) => e.type === "paused") : undefined;
}

/** One line per change when not on a terminal. */
export function progressLine(s: StatusView, now = Date.now()): string {
  const r = s.rollout;
  const parts = [`${clock(now)} ${r.id} ${r.status}${s.activeStage ? ` stage ${s.activeStage}` : ""}`];
  for (const st of s.stages) parts.push(stageBar(s, st));
  parts.push(`activated ${s.progress.activated}/${s.progress.total}`);
  const failing = failingGates(s);
  if (failing.length) parts.push(`gates failing: ${failing.join(", ")}`);
  if (s.brakes?.freeze) parts.push("FLEET FROZEN");
  if (s.brakes?.disabledCohorts.length) parts.push(`cohort(s) disabled: ${s.brakes.disabledCohorts.join(", ")}`);
  if (s.rollback.requested > 0) parts.push(`rollback ${s.rollback.confirmed}/${s.rollback.requested} confirmed${s.rollback.overdue ? `, ${s.rollback.overdue} overdue` : ""}`);
  return parts.join(" | ");
}

/** The whole display, redrawn in place on a terminal. */
export function frame(s: StatusView, intervalMs: number, now = Date.now(), width = outputWidth()): string {
  const r = s.rollout;
  const nameWidth = Math.max(0, ...s.stages.map((st) => st.name.length));
  const lines = [
    `rollout ${r.id}  release ${s.release.id} (${s.release.version})  plan ${s.plan ?? "-"}  status ${r.status}  active stage ${s.activeStage ?? "-"}`,
    `updated ${timestamp(now)}, every ${millis(intervalMs)}; Ctrl-C stops watching (the rollout goes on)`,
    "",
    ...s.stages.map((st) => `  ${stageBar(s, st, nameWidth)}`),
    "",
    `devices: activated ${s.progress.activated}/${s.progress.total}`,
    `gates:   canaryHealthy ${yesNo(s.gates.canaryHealthy)}  failureThreshold ${yesNo(s.gates.failureThreshold)}  safetyChecks ${yesNo(s.gates.safetyChecks)}`,
    ...(brakesLine(s.brakes) ? [brakesLine(s.brakes)] : []),
  ];
  // The active stage's rules with their last verdict and the cohort's figure; firing or pending ones of other stages.
  const rules = s.stages.flatMap((st) =>
    st.rules
      .filter((x) => st.name === s.activeStage || x.verdict === "firing" || x.verdict === "pending")
      .map((x) => `${x.name} ${x.verdict ?? "-"}${x.value !== null ? ` ${metricValue(x.metric, x.value)}` : ""} (${st.name})`),
  );
  if (rules.length) lines.push(`rules:   ${rules.join(", ")}`);
  if (s.rollback.requested > 0) lines.push(`rollback: ${s.rollback.confirmed}/${s.rollback.requested} confirmed, ${s.rollback.overdue} overdue`);
  for (const st of s.stages.filter((x) => awaitsApproval(s, x))) lines.push(`stage ${st.name} awaits approval: verge rollout promote ${r.id}`);
  for (const st of s.stages) if (st.criteria.waitingOn) lines.push(`stage ${st.name} waits on ${truncate(st.criteria.waitingOn, Math.max(40, width - st.name.length - 16))}`);
  if (r.status === "paused") lines.push("", ...pauseBlock(s, width, now));
  const latest = s.events.at(-1);
  if (latest) lines.push("", `latest event: ${eventLine(latest, width - 14)}`);
  return lines.join("\n");
}

/** Why the rollout is paused and what to do about it. */
export function pauseBlock(s: StatusView, width: number, now = Date.now()): string[] {
  const r = s.rollout;
  const lines = [`PAUSED ${ago(r.pausedAt, now)} by ${r.pausedBy ?? "?"}: ${r.pauseReason ?? "no reason given"}`];
  const e = pauseEvent(s);
  if (e && e.explanation !== r.pauseReason) lines.push(`  ${truncate(e.explanation, Math.max(40, width - 2) * 3)}`);
  for (const l of e?.links ?? []) lines.push(`  ${l.title}: ${l.url}`);
  lines.push(`  still watching; resume: verge rollout resume ${r.id}   roll back: verge rollout rollback ${r.id}`);
  return lines;
}

const CLEAR = "\x1b[H\x1b[2J";

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls until the rollout ends; returns the exit code. Errors other than an unreachable hub end the watch. It polls
 * the summary only (`?devices=0`): progress counts, stages, gates, events; a few KB whatever the fleet's size.
 */
export async function watchRollout(api: ApiClient, id: string, opts: WatchOptions): Promise<number> {
  const path = `/api/rollouts/${encodeURIComponent(id)}?devices=0`;
  let last: string | undefined;
  let lastEventId: number | undefined;
  let wasPaused = false;
  let unreachable = false;
  let reached = false;
  for (;;) {
    let s: StatusView;
    try {
      s = await api.request<StatusView>("GET", path);
    } catch (err) {
      // A hub restart should not end a watch: say so once, keep polling. A hub never reached is an error (exit 3).
      if (!reached || !(err instanceof CliError) || err.exitCode !== EXIT.unreachable) throw err;
      if (!unreachable) opts.warn(`${err.message}; still trying every ${millis(opts.intervalMs)}`);
      unreachable = true;
      await sleep(opts.intervalMs);
      continue;
    }
    if (unreachable) opts.warn("the hub answers again");
    unreachable = false;
    reached = true;
    const now = Date.now();
    const end = watchEnd(s);
    const key = fingerprint(s);
    if (opts.output === "json") {
      if (key !== last) opts.write(JSON.stringify(s) + "\n");
    } else if (opts.tty) {
      opts.write(CLEAR + frame(s, opts.intervalMs, now) + "\n");
    } else if (key !== last) {
      const width = outputWidth();
      const lines = [progressLine(s, now)];
      // Every event since the last line; on the first, only the latest (the history is in verge rollout events).
      const fresh = lastEventId === undefined ? s.events.slice(-1) : s.events.filter((e) => e.id > lastEventId!);
      lines.push(...fresh.map((e) => `  event ${eventLine(e, width - 8)}`));
      const paused = s.rollout.status === "paused";
      if (paused && !wasPaused) lines.push(...pauseBlock(s, width, now).map((l) => `  ${l}`));
      wasPaused = paused;
      opts.write(lines.join("\n") + "\n");
    }
    last = key;
    lastEventId = s.events.at(-1)?.id ?? lastEventId ?? 0;
    if (end) {
      if (opts.output !== "json") opts.write(end.summary + "\n");
      return end.exitCode;
    }
    await sleep(opts.intervalMs);
  }
}
