// Cohort KPI math. The database sums counts over devices and windows (hub/repos/kpi.repo.ts); these functions turn the
// sums into the metrics rules compare. Ratios are ratios of sums, never means of per-device ratios, and percentiles
// come from the summed histogram, so a cohort's figures are exact aggregates.
import { LAG_BUCKET_BOUNDS_MS } from "../../proto/kpi.js";

/** Sums over a cohort and a time window, as the KPI query returns them. */
export interface KpiSums {
  /** Distinct devices with at least one report in the window. */
  devices: number;
  secondsUp: number;
  secondsDown: number;
  eventsProcessed: number;
  eventsDropped: number;
  /** Summed event-lag histogram: counts per bucket of LAG_BUCKET_BOUNDS_MS, the last entry the +Inf bucket. */
  lagBuckets: number[];
}

export const EMPTY_SUMS: KpiSums = { devices: 0, secondsUp: 0, secondsDown: 0, eventsProcessed: 0, eventsDropped: 0, lagBuckets: [] };

/** Share of reported seconds the devices were up; null with no seconds reported. */
export function availability(s: Pick<KpiSums, "secondsUp" | "secondsDown">): number | null {
  const total = s.secondsUp + s.secondsDown;
  return total > 0 ? s.secondsUp / total : null;
}

/** Share of events dropped among all events seen (processed + dropped); null with no events. */
export function droppedRatio(s: Pick<KpiSums, "eventsProcessed" | "eventsDropped">): number | null {
  const total = s.eventsProcessed + s.eventsDropped;
  return total > 0 ? s.eventsDropped / total : null;
}

/**
 * The q-quantile (0 < q <= 1) of a histogram, interpolating linearly inside the bucket where the rank falls (as
 * Prometheus' histogram_quantile does): exact to within that bucket's width. A rank in the +Inf bucket answers the
 * highest finite bound (a lag "at least this"). null for an empty histogram.
 */
export function histogramQuantile(q: number, counts: readonly number[], bounds: readonly number[] = LAG_BUCKET_BOUNDS_MS): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0 && cumulative + count >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1] ?? null;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * (rank - cumulative)) / count;
    }
    cumulative += count;
  }
  return bounds[bounds.length - 1] ?? null;
}

/** Adds histograms bucket by bucket (arrays of different lengths are padded with zeros). */
export function addBuckets(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(Math.max(a.length, b.length)).fill(0);
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}
