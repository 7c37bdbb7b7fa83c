// `npm run bench [-- NAME [--flag value ...] [NAME ...]]`: runs every benchmark (or the named ones with their flags),
// prints a table per benchmark and writes one JSON file per run (every result and the machine's facts) under
// data/bench/ (or --out DIR). Exit codes: 0 all ran, 1 a benchmark failed, 2 bad command line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../hub/db/database.js";
import { BENCHES } from "./registry.js";
import type { AnyBench } from "./registry.js";
import { machineFacts } from "./machine.js";
import { formatResult, parseBenchArgs, UsageError, usage } from "./cli.js";
import type { BenchResult } from "./types.js";
import { BenchUnavailable } from "./util.js";

export interface RunFile {
  startedAt: string;
  command: string;
  machine: ReturnType<typeof machineFacts>;
  results: Array<BenchResult | { bench: string; params: BenchResult["params"]; skipped?: string; error?: string; durationMs: number }>;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseBenchArgs(argv, BENCHES);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n\n${usage(BENCHES)}`);
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(usage(BENCHES));
    return 0;
  }
  const outDir = parsed.outDir ?? join(packageRoot(), "data", "bench");
  const machine = machineFacts();
  const startedAt = new Date();
  const run: RunFile = { startedAt: startedAt.toISOString(), command: ["npm run bench --", ...argv].join(" "), machine, results: [] };
  process.stdout.write(`verge benchmarks on ${machine.cpuModel} (${machine.cores} cores), ${(machine.ramBytes / 2 ** 30).toFixed(1)} GiB RAM, Node ${machine.node}, ${machine.os}\n`);
  let failed = false;
  for (const { bench, params } of parsed.runs) {
    process.stdout.write(`\n== ${bench.name}: ${bench.description}\n   params: ${JSON.stringify(params)}\n`);
    const t0 = performance.now();
    const log = (line: string) => process.stdout.write(`   ${line}\n`);
    try {
      const r = await (bench as AnyBench).run(params, log);
      const result: BenchResult = { bench: bench.name, params: r.params, figures: r.figures, durationMs: Math.round(performance.now() - t0) };
      run.results.push(result);
      process.stdout.write(formatResult(result));
    } catch (err) {
      const durationMs = Math.round(performance.now() - t0);
      if (err instanceof BenchUnavailable) {
        run.results.push({ bench: bench.name, params, skipped: err.message, durationMs });
        process.stdout.write(`   skipped: ${err.message}\n`);
      } else {
        failed = true;
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        run.results.push({ bench: bench.name, params, error: message, durationMs });
        process.stdout.write(`   FAILED: ${message}\n`);
      }
    }
  }
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(run, null, 2) + "\n");
  process.stdout.write(`\nresults: ${file}\n`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
