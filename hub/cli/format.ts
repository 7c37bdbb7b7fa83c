// Human output: aligned tables and durations. JSON output (-o json) bypasses all of this.

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === "" ? "-" : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(headers), ...cells.map(line)].join("\n");
}

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return "never";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "-";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A moment relative to now, past or future: "12s ago", "in 4m". */
export function relative(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return "-";
  if (ms <= now) return ago(ms, now);
  const s = Math.round((ms - now) / 1000);
  if (s < 60) return `in ${s}s`;
  if (s < 3600) return `in ${Math.floor(s / 60)}m`;
  if (s < 86400) return `in ${Math.floor(s / 3600)}h`;
  return `in ${Math.floor(s / 86400)}d`;
}

/** A timestamp in UTC to the second: 2025-05-01 12:03:04Z. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ") + "Z";
}

export function yesNo(b: boolean): string {
  return b ? "yes" : "no";
}

/** Cuts text to `max` characters, ending with an ellipsis when something was cut. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** Joins items with ", " into lines of at most `width` characters, each line starting with `indent`. */
export function wrapList(items: string[], width: number, indent = "  "): string {
  const lines: string[] = [];
  let line = "";
  for (const [i, item] of items.entries()) {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (line && indent.length + line.length + 1 + piece.length > width) {
      lines.push(indent + line);
      line = piece;
    } else {
      line = line ? `${line} ${piece}` : piece;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join("\n");
}

/** Width to lay text out in: the terminal's when there is one, else a wide default (pipes, files, CI logs). */
export function outputWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 160;
}

/** A share as a percentage: 0.9995 -> "99.95%"; null -> "-". */
export function percent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined) return "-";
  return `${(ratio * 100).toFixed(digits).replace(/\.?0+$/, "")}%`;
}

/** Milliseconds as a short duration: 310 -> "310ms", 2500 -> "2.5s"; null -> "-". */
export function millis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1).replace(/\.0$/, "")}m`;
  return `${(ms / 3_600_000).toFixed(1).replace(/\.0$/, "")}h`;
}

/** A progress bar of `width` cells: bar(1, 2) -> "[#####-----]". */
export function bar(done: number, total: number, width = 10): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "2s", "1.5m", "1h", "7d" -> milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : undefined;
}

/** A moment given as a duration back from now ("1h"), an ISO date/time, or epoch milliseconds. */
export function parseMoment(text: string, now = Date.now()): number | undefined {
  const back = parseDuration(text);
  if (back !== undefined) return now - back;
  if (/^\d{10,}$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(iso) ? undefined : iso;
}

/** Epoch ms or an ISO string (the events JSON) as epoch ms. */
export function epochMs(at: number | string): number {
  return typeof at === "number" ? at : Date.parse(at);
}

const RATIO_METRICS = new Set(["availability", "dropped_ratio", "failure_rate", "rollback_rate"]);

/** A rule metric's value as people read it: shares in percent, lags in ms/s, counts as numbers. */
export function metricValue(metric: string | null, value: number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (metric !== null && RATIO_METRICS.has(metric)) return percent(value);
  if (metric?.startsWith("event_lag")) return millis(value);
  return String(value);
}

/**
 * The brakes on a rollout in one line ("" when none): FROZEN (with who and why) and disabled cohorts, with the devices
 * they hold. Shown by `rollout status`, `--watch` and `rollout list`.
 */
export function brakesLine(b: { freeze: { reason: string | null; changedBy: string | null; changedAt: number | null } | null; disabledCohorts: string[]; held: number } | undefined): string {
  if (!b || (!b.freeze && b.disabledCohorts.length === 0 && b.held === 0)) return "";
  const parts: string[] = [];
  if (b.freeze) parts.push(`FLEET FROZEN ${ago(b.freeze.changedAt)} by ${b.freeze.changedBy ?? "?"}: ${b.freeze.reason ?? "no reason given"}`);
  if (b.disabledCohorts.length) parts.push(`cohort(s) disabled: ${b.disabledCohorts.join(", ")}`);
  parts.push(`${b.held} device(s) held (not activating)`);
  return `BRAKES  ${parts.join("; ")}`;
}
