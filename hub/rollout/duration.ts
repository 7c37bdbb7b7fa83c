// Durations as operators write them in plan files ("30s", "48h", "7d", "1h30m") and as the hub computes with them
// (milliseconds). Pure: no I/O.
import { z } from "zod";

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Largest first: compound durations must list their units in this order, each at most once. */
const UNIT_ORDER: readonly Unit[] = ["w", "d", "h", "m", "s", "ms"];
const PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)\s*/y;
const HINT = "use a number with a unit, like 30s, 10m, 48h or 7d (units ms, s, m, h, d, w; combine them as 1h30m)";

/**
 * Milliseconds from a duration. Strings: one or more `<number><unit>` parts, units ms s m h d w, largest first, each
 * once ("500ms", "30s", "1h30m", "1.5h"); "0" alone is zero. A number is milliseconds (a whole, non-negative number).
 * A string without a unit is refused: "30" could mean seconds or milliseconds.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isSafeInteger(text) || text < 0) {
      throw new Error(`invalid duration ${text}: a plain number means milliseconds and must be a whole number, 0 or more`);
    }
    return text;
  }
  if (typeof text !== "string") throw new Error(`invalid duration ${String(text)}: ${HINT}`);
  const s = text.trim();
  if (s === "0") return 0;
  if (/^\d+(\.\d+)?$/.test(s)) throw new Error(`invalid duration "${text}": the unit is missing; write ${s}s for seconds or ${s}ms for milliseconds`);
  if (s === "") throw new Error(`invalid duration "${text}": ${HINT}`);
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const match = PART.exec(s);
    if (!match || match.index !== at) throw new Error(`invalid duration "${text}": ${HINT}`);
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) throw new Error(`invalid duration "${text}": write the units from largest to smallest, each once (like 1h30m)`);
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms)) throw new Error(`invalid duration "${text}": too long`);
  return ms;
}

/**
 * The shortest readable form of a duration in milliseconds, which `parseDuration` reads back to the same value:
 * 0 -> "0s", 500 -> "500ms", 90000 -> "1m30s", 172800000 -> "48h" (hours up to two days, as the release process
 * says "48 hours"), 604800000 -> "7d" (whole days from three days up).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`cannot format ${ms} as a duration: expected milliseconds, 0 or more`);
  let rest = Math.round(ms);
  if (rest === 0) return "0s";
  if (rest % UNIT_MS.d === 0 && rest >= 3 * UNIT_MS.d) return `${rest / UNIT_MS.d}d`;
  let out = "";
  for (const unit of ["h", "m", "s", "ms"] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * UNIT_MS[unit];
  }
  return out;
}

/** A duration field of a zod schema: accepts a string ("30s") or a number (ms), outputs milliseconds. */
export const durationSchema = z
  .union([z.string(), z.number()], { error: `expected a duration: ${HINT}` })
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message, input: value });
      return z.NEVER;
    }
  });
