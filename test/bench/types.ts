// The contract every benchmark follows, so `npm run bench` can run them all (or one) and print one table.
// Benchmarks print figures; they never assert timings (npm test only smoke-runs them with tiny sizes).

/** One measured figure, e.g. { name: "telemetry stored", value: 41234, unit: "msg/s" }. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What it means or how it was measured, one line (printed under the table). */
  note?: string;
}

export interface BenchResult {
  /** The benchmark's name: ingest, fleet, rules, wire, agent, detection. */
  bench: string;
  /** The sizes and settings it ran with (from its flags), so a figure can be reproduced. */
  params: Record<string, string | number | boolean>;
  figures: Figure[];
  /** Wall time of the whole run, ms. */
  durationMs: number;
}

/** A benchmark module exports `bench`: its name, flags with defaults, and run(). */
export interface Bench<P extends Record<string, string | number | boolean>> {
  name: string;
  /** One line: what it measures. */
  description: string;
  /** Default flags (sizes etc.); `--flag value` on the command line overrides, with the same type. */
  defaults: P;
  /** Tiny sizes for the smoke test in npm test. */
  smoke: Partial<P>;
  run(params: P, log: (line: string) => void): Promise<Omit<BenchResult, "bench" | "durationMs">>;
}
