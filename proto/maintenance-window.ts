// What a MaintenanceWindow (verge.proto) means: when a device may activate. The agent evaluates it on the device with
// its own clock (so it holds offline); the hub uses the same code to validate plans and to set device deadlines, so
// both sides agree to the second. Pure: the clock is passed in as `now`.
//
// A window opens at every match of `cron` (node-cron syntax: 5 fields, or 6 with seconds first; nicknames such as
// @daily) read in the IANA zone `timezone`, and stays open for `durationS` seconds: it is open at `t` when some
// match `m` has m <= t < m + durationS. node-cron only looks forward from the real clock (`getNextRuns` starts at
// `new Date()`, and a task's next run exists only while it is scheduled), so the search is done here: candidate start
// times are generated from node-cron's parsed seconds/minutes/hours, turned into instants in the zone, and node-cron's
// own matcher (`task.match`, zone-aware, knowing L, W and # tokens) decides each day. "Open now" is then "the first
// match after now - duration is not after now", which works from any point, so an agent restarted mid-window knows
// at once that it is inside one.
//
// Daylight-saving time follows node-cron: a start time that does not exist that day (spring forward) is skipped; one
// that occurs twice (fall back) opens the window once, at its first occurrence.
import { createTask, parse, validateDetailed } from "node-cron";

export interface MaintenanceWindowRule {
  /** When windows open: node-cron expression, 5 fields or 6 with seconds. */
  cron: string;
  /** How long each window stays open, seconds. */
  durationS: number;
  /** IANA zone the expression is read in, e.g. America/Chicago. */
  timezone: string;
}

export type WindowState =
  | { kind: "open"; openedAt: number; closesAt: number }
  | { kind: "closed"; opensAt: number }
  | { kind: "invalid"; detail: string };

/** How far ahead a window must open at least once (covers 29 February). */
export const WINDOW_HORIZON_DAYS = 5 * 366;
const DAY_MS = 86_400_000;

/** Whether `timezone` is a zone this runtime's time-zone data knows. */
export function isKnownTimeZone(timezone: string): boolean {
  if (timezone === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** A window that can be evaluated: valid cron, known zone, positive duration, opening at least once in the horizon. */
export function checkMaintenanceWindow(w: MaintenanceWindowRule, now: number): { ok: true } | { ok: false; detail: string } {
  const state = windowAt(w, now);
  return state.kind === "invalid" ? { ok: false, detail: state.detail } : { ok: true };
}

/** Whether the window is open at `now` (and since/until when), or when it next opens. */
export function windowAt(w: MaintenanceWindowRule, now: number): WindowState {
  return withMatcher(w, (m) => {
    const durationMs = w.durationS * 1000;
    // The first opening after now - duration: if it is not after now, the window it opened is still open.
    const first = nextMatch(m, now - durationMs);
    if (first !== null && first <= now) return { kind: "open", openedAt: first, closesAt: first + durationMs };
    const opensAt = first ?? nextMatch(m, now);
    if (opensAt === null) return { kind: "invalid", detail: `${describeWindow(w)} does not open within ${WINDOW_HORIZON_DAYS} days` };
    return { kind: "closed", opensAt };
  });
}

/** The first window opening strictly after `after`; null when the window is invalid or never opens. */
export function nextOpening(w: MaintenanceWindowRule, after: number): number | null {
  const found = withMatcher(w, (m): WindowState => {
    const at = nextMatch(m, after);
    return at === null ? { kind: "invalid", detail: "" } : { kind: "closed", opensAt: at };
  });
  return found.kind === "closed" ? found.opensAt : null;
}

/** `"0 2 * * *" for 3600 s in America/Chicago` */
export function describeWindow(w: MaintenanceWindowRule): string {
  return `maintenance window "${w.cron}" for ${w.durationS} s in ${w.timezone || "(no zone)"}`;
}

/** An instant as local time with offset in `timezone`, RFC 9557 style: `2025-03-09T03:00:00-05:00[America/Chicago]`. */
export function formatInZone(ms: number, timezone: string): string {
  const p = zoneParts(ms, timezone);
  const offsetMin = Math.round(offsetMs(ms, timezone) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}[${timezone}]`;
}

// --- evaluation -----------------------------------------------------------------------------------------------------

interface Matcher {
  timezone: string;
  seconds: number[];
  minutes: number[];
  hours: number[];
  months: Set<number>;
  /** node-cron's zone-aware match of one instant. */
  match(ms: number): boolean;
}

/** Validates the rule, builds a matcher (a node-cron task that is never started) and releases it afterwards. */
function withMatcher(w: MaintenanceWindowRule, use: (m: Matcher) => WindowState): WindowState {
  const where = describeWindow(w);
  if (!Number.isInteger(w.durationS) || w.durationS <= 0) return { kind: "invalid", detail: `${where}: the duration must be a positive whole number of seconds` };
  if (!isKnownTimeZone(w.timezone)) return { kind: "invalid", detail: `${where}: unknown time zone "${w.timezone}" (an IANA name like Europe/Berlin or UTC)` };
  const check = validateDetailed(w.cron);
  if (!check.valid) return { kind: "invalid", detail: `${where}: invalid cron expression: ${check.errors.map((e) => e.message).join("; ")}` };
  let fields: ReturnType<typeof parse>;
  let task: ReturnType<typeof createTask>;
  try {
    fields = parse(w.cron);
    // A task is the only public way to node-cron's zone-aware matcher; it is created stopped and destroyed below
    // (which also takes it out of node-cron's task registry).
    task = createTask(w.cron, () => undefined, { timezone: w.timezone, name: "verge-maintenance-window" });
  } catch (err) {
    return { kind: "invalid", detail: `${where}: ${(err as Error).message}` };
  }
  try {
    const asc = (xs: number[]) => [...xs].sort((a, b) => a - b);
    return use({
      timezone: w.timezone,
      seconds: asc(fields.second),
      minutes: asc(fields.minute),
      hours: asc(fields.hour),
      months: new Set(fields.month),
      match: (ms) => task.match(new Date(ms)),
    });
  } finally {
    void task.destroy();
  }
}

/**
 * The first window opening strictly after `after`, or null if none within the horizon. Walks the local days of the
 * zone from the one holding `after`; on each day, start times in local order map to instants in increasing order (each
 * local time taken at its first occurrence), so the first one after `after` that exists and matches is the answer.
 */
function nextMatch(m: Matcher, after: number): number | null {
  const start = zoneParts(after, m.timezone);
  // A start time at local reading L is the instant L - offset: it can only be after `after` when L > after + the lowest
  // offset of the coming day (lower than the present one just after a fall-back). Earlier ones are skipped unconverted.
  const notBefore = after + Math.min(offsetMs(after, m.timezone), offsetMs(after + DAY_MS, m.timezone));
  let day = Date.UTC(start.year, start.month - 1, start.day);
  days: for (let i = 0; i <= WINDOW_HORIZON_DAYS; i++, day += DAY_MS) {
    if (!m.months.has(new Date(day).getUTCMonth() + 1)) continue;
    for (const h of m.hours) {
      for (const min of m.minutes) {
        for (const s of m.seconds) {
          const local = day + h * 3_600_000 + min * 60_000 + s * 1000;
          if (local <= notBefore) continue;
          const at = localToInstant(local, m.timezone);
          if (at === null || at <= after) continue; // does not exist that day (DST gap), or not after `after`
          // Hours, minutes and seconds come from the expression: node-cron's match decides the day (and month).
          if (!m.match(at)) continue days;
          return at;
        }
      }
    }
  }
  return null;
}

// --- time-zone arithmetic (Intl only) --------------------------------------------------------------------------------

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneParts(ms: number, timezone: string): Parts {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  const p: Parts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of f.formatToParts(new Date(ms))) {
    if (part.type in p) p[part.type as keyof Parts] = Number(part.value);
  }
  return p;
}

/** The zone's offset from UTC at instant `ms` (local = utc + offset). */
function offsetMs(ms: number, timezone: string): number {
  const p = zoneParts(ms, timezone);
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - wholeSecond;
}

/**
 * The first instant whose local reading in `timezone` is `local` (wall-clock ms as if the zone were UTC); null when
 * that reading does not exist (a daylight-saving gap). Assumes at most one offset change within a day of it.
 */
function localToInstant(local: number, timezone: string): number | null {
  const candidates = new Set([local - offsetMs(local - DAY_MS, timezone), local - offsetMs(local + DAY_MS, timezone)]);
  let best: number | null = null;
  for (const at of candidates) {
    if (at + offsetMs(at, timezone) === local && (best === null || at < best)) best = at;
  }
  return best;
}
