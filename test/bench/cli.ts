// Command-line parsing and table output of the benchmark runner (pure: no I/O), so the smoke test can check them.
import type { Bench, BenchResult } from "./types.js";

type Params = Record<string, string | number | boolean>;

export class UsageError extends Error {}

export interface ParsedArgs {
  help: boolean;
  outDir: string | undefined;
  runs: Array<{ bench: Bench<Params>; params: Params }>;
}

/**
 * `[--out DIR] [NAME [--flag value | --flag | --no-flag] ...] ...`: no name runs every benchmark with its defaults;
 * flags follow the benchmark they belong to and take the type of its default (number, boolean, string).
 */
export function parseBenchArgs(argv: readonly string[], benches: ReadonlyArray<Bench<Params>>): ParsedArgs {
  const byName = new Map(benches.map((b) => [b.name, b]));
  const out: ParsedArgs = { help: false, outDir: undefined, runs: [] };
  let current: { bench: Bench<Params>; params: Params } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      out.help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      const bench = byName.get(arg);
      if (!bench) throw new UsageError(`unknown benchmark "${arg}" (known: ${benches.map((b) => b.name).join(", ")})`);
      current = { bench, params: { ...bench.defaults } };
      out.runs.push(current);
      continue;
    }
    const [rawName, inline] = splitFlag(arg.slice(2));
    if (!current) {
      if (rawName === "out") {
        const value = inline ?? argv[++i];
        if (value === undefined || value === "") throw new UsageError("--out needs a directory");
        out.outDir = value;
        continue;
      }
      throw new UsageError(`flag --${rawName} comes before any benchmark name; write it after the benchmark it is for (e.g. ingest --messages 20000)`);
    }
    const negated = rawName.startsWith("no-") && !(rawName in current.bench.defaults);
    const name = negated ? rawName.slice(3) : rawName;
    if (!(name in current.bench.defaults)) {
      const known = Object.keys(current.bench.defaults).map((k) => `--${k}`);
      throw new UsageError(`unknown flag --${rawName} for ${current.bench.name} (its flags: ${known.join(", ") || "none"})`);
    }
    const def = current.bench.defaults[name]!;
    if (typeof def === "boolean") {
      if (negated) {
        current.params[name] = false;
      } else if (inline !== undefined || argv[i + 1] === "true" || argv[i + 1] === "false") {
        const value = inline ?? argv[++i]!;
        if (value !== "true" && value !== "false") throw new UsageError(`--${name} is true or false, not "${value}"`);
        current.params[name] = value === "true";
      } else {
        current.params[name] = true;
      }
      continue;
    }
    if (negated) throw new UsageError(`--no-${name}: ${name} is not a boolean flag`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`--${name} needs a value (${typeof def}, default ${String(def)})`);
    if (typeof def === "number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, not "${value}"`);
      current.params[name] = n;
    } else {
      current.params[name] = value;
    }
  }
  if (out.runs.length === 0) out.runs = benches.map((bench) => ({ bench, params: { ...bench.defaults } }));
  return out;
}

function splitFlag(s: string): [string, string | undefined] {
  const eq = s.indexOf("=");
  return eq < 0 ? [s, undefined] : [s.slice(0, eq), s.slice(eq + 1)];
}

export function usage(benches: ReadonlyArray<Bench<Params>>): string {
  const lines = [
    "usage: npm run bench [-- [--out DIR] [NAME [--flag value ...]] ...]",
    "  no NAME: every benchmark with its defaults; results are printed and written to data/bench/bench-<time>.json",
    "",
  ];
  for (const b of benches) {
    lines.push(`${b.name}: ${b.description}`);
    for (const [k, v] of Object.entries(b.defaults)) lines.push(`    --${k} ${typeof v === "boolean" ? "[true|false]" : `<${typeof v}>`}  (default ${String(v)})`);
  }
  return lines.join("\n") + "\n";
}

/** A figure as a person reads it: thousands separated, up to 3 significant decimals for small values. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatResult(r: BenchResult): string {
  const rows = r.figures.map((f) => [f.name, formatValue(f.value), f.unit]);
  const w0 = Math.max(6, ...rows.map((x) => x[0]!.length));
  const w1 = Math.max(5, ...rows.map((x) => x[1]!.length));
  const lines = [`   ${"figure".padEnd(w0)}  ${"value".padStart(w1)}  unit`, `   ${"-".repeat(w0)}  ${"-".repeat(w1)}  ----`];
  for (const [name, value, unit] of rows) lines.push(`   ${name!.padEnd(w0)}  ${value!.padStart(w1)}  ${unit}`);
  const notes = r.figures.filter((f) => f.note);
  if (notes.length > 0) {
    lines.push("   notes:");
    for (const f of notes) lines.push(`     ${f.name}: ${f.note}`);
  }
  lines.push(`   (${(r.durationMs / 1000).toFixed(1)} s)`);
  return lines.join("\n") + "\n";
}
