// What the demo prints: timeline lines for rollout events (as they arrive on the SCADA topic) and for progress (from
// the rollout status API), and the closing summary. Pure: data in, text out.
import type { EventView, StatusView } from "../cli/api-types.js";
import { bar, metricValue } from "../cli/format.js";

/** `[ 12.3s] ` in front of every timeline line: seconds since the demo started. */
export function stamp(sinceStartMs: number): string {
  return `[${(sinceStartMs / 1000).toFixed(1).padStart(5)}s]`;
}

const IN_FLIGHT = ["pending", "downloading", "verified", "failed", "cancelled", "rolling_back", "rolled_back"] as const;

/** Devices per state, the non-zero ones: `activated 9, downloading 3, not started 38`. */
export function stateCounts(p: StatusView["progress"]): string {
  const parts = [`activated ${p.activated}`, ...IN_FLIGHT.filter((k) => p[k] > 0).map((k) => `${k.replace("_", " ")} ${p[k]}`)];
  if (p.notStarted > 0) parts.push(`not started ${p.notStarted}`);
  return parts.join(", ");
}

/**
 * One progress line: the active stage's bar and its devices by state, then the whole rollout's.
 * `pilot [####------] 2/5 active (downloading 3) | rollout 50 devices: activated 4, downloading 3, not started 43`
 */
export function progressLine(s: StatusView): string {
  const stage = s.stages.find((st) => st.name === s.activeStage) ?? s.stages.at(-1);
  const parts: string[] = [];
  if (stage) {
    const c = stage.progress;
    const busy = IN_FLIGHT.filter((k) => c[k] > 0).map((k) => `${k.replace("_", " ")} ${c[k]}`);
    parts.push(`${stage.name} ${bar(c.activated, c.total)} ${c.activated}/${c.total} ${stage.status}${busy.length ? ` (${busy.join(", ")})` : ""}`);
  }
  parts.push(`rollout ${s.progress.total} devices: ${stateCounts(s.progress)}`);
  if (s.rollback.requested > 0) parts.push(`rollback ${s.rollback.confirmed}/${s.rollback.requested} confirmed`);
  return parts.join(" | ");
}

/** What must change for a new progress line to be printed. */
export function progressKey(s: StatusView): string {
  return JSON.stringify([s.rollout.status, s.activeStage, s.progress, s.rollback, s.stages.map((st) => [st.status, st.progress.activated])]);
}

/** Long explanations are cut for the timeline (the pause keeps its whole explanation, see pauseLines). */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Wraps `text` at spaces to lines of at most `width` characters, each indented by `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** One event from verge/v1/rollouts/{id}/events as a timeline line (a pause gets a block: see pauseLines). */
export function eventLine(e: EventView): string {
  const where = e.stage ? ` ${e.stage}` : "";
  return `${e.rolloutId} ${e.type}${where}: ${cut(e.explanation, 150)}`;
}

/** `availability 92.4% < 99.5% (2 devices, over 10s)` for a rule-caused event. */
export function ruleVerdict(e: EventView): string | undefined {
  const r = e.rule;
  if (!r) return undefined;
  const metric = r.metric ?? r.name;
  const window = r.windowMs ? `, over ${Math.round(r.windowMs / 1000)}s` : "";
  const devices = r.devices !== null ? `${r.devices} device${r.devices === 1 ? "" : "s"}` : "";
  return `${metric} ${metricValue(r.metric, r.observed)} ${r.op ?? "?"} ${metricValue(r.metric, r.threshold)} (${devices}${window})`;
}

/** A pause: which rule, what it saw, the hub's whole explanation, and where to look next. */
export function pauseLines(e: EventView): string[] {
  const verdict = ruleVerdict(e);
  const head = `${e.rolloutId} PAUSED${e.stage ? ` at ${e.stage}` : ""}${e.rule ? ` by rule "${e.rule.name}": ${verdict}` : ""}`;
  const links = e.links.slice(0, 2).map((l) => `          ${l.title}: ${l.url}`);
  return [head, ...wrap(e.explanation, 100, "          "), ...links];
}

export interface RolloutOutcome {
  label: string;
  status: StatusView;
  /** When the rollout was created and when the demo stopped following it (epoch ms). */
  createdAt: number;
  endedAt: number;
  /** The pause event, if it paused. */
  pause?: EventView;
  /** When the first device of the paused stage activated the release (epoch ms), for the time to detection. */
  firstActivatedAt?: number;
}

/** The closing summary: one block per rollout, then where the fleet stands. */
export function summaryLines(outcomes: RolloutOutcome[], fleet: Map<string, number>, totalMs: number): string[] {
  const lines = [`Summary (${(totalMs / 1000).toFixed(1)} s)`];
  for (const o of outcomes) {
    const s = o.status;
    const took = ((o.endedAt - o.createdAt) / 1000).toFixed(1);
    const stages = s.stages.map((st) => `${st.name} ${st.progress.total}`).join(", ");
    lines.push(`  ${o.label}: rollout ${s.rollout.id} of ${s.release.id} (${stages})`);
    if (s.rollout.status === "completed") {
      lines.push(`    completed: ${s.progress.activated}/${s.progress.total} devices activated in ${took} s`);
    } else if (o.pause) {
      const verdict = ruleVerdict(o.pause);
      const detected = o.firstActivatedAt !== undefined ? `, ${((Date.parse(o.pause.at) - o.firstActivatedAt) / 1000).toFixed(1)} s after its first device activated it` : "";
      lines.push(`    ${s.rollout.status} at ${o.pause.stage ?? "?"} by rule "${o.pause.rule?.name ?? "?"}"${verdict ? `: ${verdict}` : ""}${detected}`);
      const reached = s.progress.total - s.progress.notStarted;
      lines.push(
        `    rolled back: ${s.rollback.confirmed}/${s.rollback.requested} device(s) back on their previous release; ${reached} of ${s.progress.total} devices ever got the release, ${s.progress.notStarted} never did`,
      );
    } else {
      lines.push(`    ${s.rollout.status}: ${stateCounts(s.progress)}`);
    }
  }
  const running = [...fleet].sort((a, b) => b[1] - a[1]).map(([release, n]) => `${n} on ${release || "the factory image"}`);
  lines.push(`  fleet now: ${running.join(", ")}`);
  return lines;
}
