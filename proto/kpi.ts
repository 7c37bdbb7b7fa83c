// The KPI histogram contract shared by agent and hub. Devices report event lag as counts per bucket with exactly these
// upper bounds (ms, ascending) plus a final +Inf bucket, so the hub can add buckets across devices and windows and get
// exact cohort histograms. Bounds sit on the thresholds of the release process (2 s median, 10 s p95) so a verdict at
// a threshold never depends on interpolation. Changing the set is a wire change: add a new set, do not edit this one.
export const LAG_BUCKET_BOUNDS_MS: readonly number[] = [50, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 30000, 60000];

/** Index of the bucket a lag value falls in: the first bound >= value, or the +Inf bucket (bounds.length). */
export function lagBucketIndex(lagMs: number, bounds: readonly number[] = LAG_BUCKET_BOUNDS_MS): number {
  for (let i = 0; i < bounds.length; i++) if (lagMs <= bounds[i]!) return i;
  return bounds.length;
}

/** Whether `bounds` is exactly the fixed set. */
export function isStandardLagBounds(bounds: readonly number[]): boolean {
  return bounds.length === LAG_BUCKET_BOUNDS_MS.length && bounds.every((b, i) => b === LAG_BUCKET_BOUNDS_MS[i]);
}
