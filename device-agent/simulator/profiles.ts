// Behaviour profiles of the fleet simulator: what a simulated device does when it runs (or installs) a release. A test
// release names its profile in its notes, which the hub signs into the manifest, so every simulated device reads the
// same profile from the same verified manifest. Pure: notes in, profile out; profile and window in, counts out.
import { LAG_BUCKET_BOUNDS_MS } from "../../proto/index.js";
import type { KpiCounts } from "../kpi.js";

export const SIM_PROFILES = ["good", "availability_drop", "lag_rise", "dropped_events", "install_failure", "crash_on_activation", "slow_download"] as const;
export type SimProfile = (typeof SIM_PROFILES)[number];

export function isSimProfile(name: string): name is SimProfile {
  return (SIM_PROFILES as readonly string[]).includes(name);
}

/** `sim-profile: NAME` on a line of its own in the release notes (key case-insensitive, spaces around allowed). */
const PROFILE_LINE = /^[ \t]*sim-profile[ \t]*:[ \t]*(\S*)[ \t]*$/im;

export type ProfileVerdict = { ok: true; profile: SimProfile; named: boolean } | { ok: false; profile: "good"; detail: string };

/**
 * The profile a release's notes name. No `sim-profile:` line: `good` (a release made for real devices behaves well in
 * the simulator). A name the simulator does not know: `good` too, with the problem said, so the caller can warn.
 */
export function profileFromNotes(notes: string | null | undefined): ProfileVerdict {
  const match = PROFILE_LINE.exec(notes ?? "");
  if (!match) return { ok: true, profile: "good", named: false };
  const name = (match[1] ?? "").toLowerCase();
  if (isSimProfile(name)) return { ok: true, profile: name, named: true };
  return { ok: false, profile: "good", detail: `unknown sim-profile "${match[1] ?? ""}" (known: ${SIM_PROFILES.join(", ")}); simulated as good` };
}

/** The notes line that names `profile`, for releases made by demos and tests. */
export function profileNotes(profile: SimProfile, text = ""): string {
  return `${text ? `${text}\n` : ""}sim-profile: ${profile}`;
}

/** Bytes per second a `slow_download` release's artifacts arrive at, per device. */
export const SLOW_DOWNLOAD_BYTES_PER_S = 2048;

/** Events a simulated controller handles per second of uptime (detector calls, phase changes). */
export const EVENTS_PER_SECOND = 20;

/**
 * Share of events per lag bucket (LAG_BUCKET_BOUNDS_MS: <=50, <=100, <=250, <=500, <=750, <=1000, <=1500, <=2000,
 * <=3000, <=5000, <=7500, <=10000, <=15000, <=30000, <=60000, +Inf ms).
 */
const LAG_SHARES: Record<"normal" | "slow", readonly number[]> = {
  // median ~300 ms, p95 ~1 s
  normal: [0.05, 0.15, 0.3, 0.3, 0.1, 0.05, 0.03, 0.015, 0.005, 0, 0, 0, 0, 0, 0, 0],
  // median ~3.5 s, p95 ~13 s: both default lag rules (median < 2 s, p95 < 10 s) breach
  slow: [0, 0, 0, 0, 0, 0.05, 0.05, 0.1, 0.2, 0.3, 0.12, 0.08, 0.07, 0.03, 0, 0],
};

/** What one profile looks like in counts: availability, dropped share and lag shape, each with a noise span. */
interface KpiShape {
  /** Share of seconds down: base + random * spread, drawn per window. */
  down: [base: number, spread: number];
  /** Share of arrived events dropped: base + random * spread, drawn per window. */
  dropped: [base: number, spread: number];
  lag: keyof typeof LAG_SHARES;
}

/**
 * Good: up all the time, nothing dropped, lag median ~300 ms and p95 ~1 s, with noise in the event rate (+-10%) and the
 * lag histogram (+-20% per bucket): every default rule passes with room, even on a 1-device cohort over a 1 s window
 * (a good release never trips a rule by chance). Each failure profile breaches one default rule by far.
 */
const SHAPES: Record<SimProfile, KpiShape> = {
  good: { down: [0, 0], dropped: [0, 0], lag: "normal" },
  // availability 75-85% (the application crashes and restarts), well under 99.5%
  availability_drop: { down: [0.15, 0.1], dropped: [0, 0], lag: "normal" },
  // lag median ~3.5 s (> 2 s), p95 ~13 s (> 10 s)
  lag_rise: { down: [0, 0], dropped: [0, 0], lag: "slow" },
  // 2-3% of events dropped, over 0.1%
  dropped_events: { down: [0, 0], dropped: [0.02, 0.01], lag: "normal" },
  // These never run a release of theirs (install fails; the health check switches back) or run it well.
  install_failure: { down: [0, 0], dropped: [0, 0], lag: "normal" },
  crash_on_activation: { down: [0, 0], dropped: [0, 0], lag: "normal" },
  slow_download: { down: [0, 0], dropped: [0, 0], lag: "normal" },
};

/**
 * Synthetic KPI counts of one device, window after window. Counts, not ratios: seconds up and down add up to the
 * window, processed and dropped events to what arrived, the histogram to the processed events. A share below one
 * count per window (20% of a 1 s window down) is carried from window to window, so the counts add up to the share
 * over a few windows and a device shows its first down second (or dropped event) within a couple of seconds; the
 * carries start at a seeded random point so devices do not move in step.
 */
export class KpiModel {
  private carryDown: number;
  private carryDropped: number;

  /** `random` draws in [0, 1), seeded per device so a run is reproducible. */
  constructor(private readonly random: () => number) {
    this.carryDown = 0.5 + random() / 2;
    this.carryDropped = 0.5 + random() / 2;
  }

  /** The counts of the next window, `windowMs` long, for a device running a release of `profile`. */
  next(profile: SimProfile, windowMs: number): KpiCounts {
    const shape = SHAPES[profile];
    const random = this.random;
    const seconds = Math.max(0, Math.round(windowMs / 1000));
    const secondsDown = Math.min(seconds, this.carry("carryDown", seconds * (shape.down[0] + random() * shape.down[1])));
    const secondsUp = seconds - secondsDown;
    // Events arrive only while the application is up; +-10% around the nominal rate.
    const arrived = Math.round(secondsUp * EVENTS_PER_SECOND * (0.9 + random() * 0.2));
    const eventsDropped = Math.min(arrived, this.carry("carryDropped", arrived * (shape.dropped[0] + random() * shape.dropped[1])));
    const eventsProcessed = arrived - eventsDropped;
    return { secondsUp, secondsDown, eventsProcessed, eventsDropped, lagBucketCounts: spread(eventsProcessed, LAG_SHARES[shape.lag], random) };
  }

  /** The whole part of the carry plus `amount`; the fraction left is carried to the next window. */
  private carry(which: "carryDown" | "carryDropped", amount: number): number {
    if (amount <= 0) return 0;
    const total = this[which] + amount;
    const whole = Math.floor(total);
    this[which] = total - whole;
    return whole;
  }
}

/** `total` over the buckets by `shares` (each share jittered +-20%), rounded so the counts add up to `total` exactly. */
function spread(total: number, shares: readonly number[], random: () => number): number[] {
  const weights = shares.map((s) => s * (0.8 + random() * 0.4));
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (w / sum) * total : 0));
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  // Largest remainders first get the events rounding left over.
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  if (counts.length !== LAG_BUCKET_BOUNDS_MS.length + 1) throw new Error("lag shares do not match the bucket bounds");
  return counts;
}

/** mulberry32: a small seedable PRNG, floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a run seed and a device id (FNV-1a), so each device draws its own reproducible noise. */
export function deviceSeed(runSeed: number, deviceId: string): number {
  let h = (0x811c9dc5 ^ runSeed) >>> 0;
  for (let i = 0; i < deviceId.length; i++) {
    h ^= deviceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
