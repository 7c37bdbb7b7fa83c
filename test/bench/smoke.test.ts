// Keeps the benchmarks working: each runs once with its tiny `smoke` sizes and must return its figures as finite
// numbers. No timing is asserted here (figures depend on the machine); `npm run bench` is where they are read.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/db/database.js";
import { parseBenchArgs, UsageError } from "./cli.js";
import { BENCHES } from "./registry.js";
import { requireTool } from "../helpers/tools.js";

/** Figures each benchmark must report (the ingest benchmark's Mosquitto comparison needs mosquitto, from .ci/run). */
const EXPECTED: Record<string, string[]> = {
  ingest: [
    "hub: telemetry stored",
    "hub: publish-to-stored p50 (saturated)",
    "hub: publish-to-stored p99 (saturated)",
    "hub: CPU per stored message",
    "hub: publish-to-stored p50 (paced)",
    "hub: publish-to-stored p99 (paced)",
    "broker alone: forwarded",
    "broker alone: latency p50",
    "broker alone: latency p99",
    "mosquitto: forwarded",
    "mosquitto: latency p50",
    "mosquitto: latency p99",
  ],
  rules: ["20 devices, 1 h stored: evaluation", "20 devices, 2 h stored: evaluation", "20 devices: seeding"],
  wire: ["MQTT per device per day (protobuf)", "MQTT per device per day (as JSON)", "idle hour (protobuf)", "heartbeat PUBLISH", "KPI report PUBLISH", "one rollout (protobuf)"],
  agent: ["RSS (median)", "RSS (max)", "CPU", "CPU per hour"],
  fleet: [
    "connect: first to last device",
    "connect: start to all connected",
    "hub RSS with N connected",
    "hub bytes per connection",
    "desired state: reached all N",
    "desired state: all N activated",
    "rollback: reached all N",
    "rollback: all N rolled back",
  ],
  detection: ["breach held -> pause event (SCADA)", "breach held -> rollback at all devices", "pause event -> rollback at all devices"],
};

describe("benchmarks (smoke sizes)", () => {
  for (const bench of BENCHES) {
    it(`${bench.name} returns its figures`, async () => {
      const params = { ...bench.defaults, ...bench.smoke } as typeof bench.defaults;
      // A benchmark that cannot run here (BenchUnavailable: no /proc, a missing tool) fails with its reason.
      if (bench.name === "ingest") requireTool("mosquitto");
      const result = await bench.run(params, () => {});
      const names = result.figures.map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(EXPECTED[bench.name] ?? []));
      for (const f of result.figures) expect(Number.isFinite(f.value), `${bench.name}: ${f.name} = ${f.value}`).toBe(true);
      expect(result.params).toEqual(params);
    }, 60_000);
  }
});

describe("bench command line", () => {
  const fake = [{ name: "ingest", description: "", defaults: { messages: 10, compare: true, sizes: "1,2" }, smoke: {}, run: () => Promise.reject(new Error("not run")) }];

  it.each([
    [[], { messages: 10, compare: true, sizes: "1,2" }],
    [["ingest", "--messages", "20000"], { messages: 20000, compare: true, sizes: "1,2" }],
    [["ingest", "--messages=5", "--no-compare", "--sizes", "7"], { messages: 5, compare: false, sizes: "7" }],
    [["ingest", "--compare", "false"], { messages: 10, compare: false, sizes: "1,2" }],
    [["ingest", "--compare"], { messages: 10, compare: true, sizes: "1,2" }],
  ])("%j gives %j", (argv, params) => {
    expect(parseBenchArgs(argv, fake).runs.map((r) => r.params)).toEqual([params]);
  });

  it.each([
    [["nope"], /unknown benchmark "nope"/],
    [["ingest", "--bogus", "1"], /unknown flag --bogus for ingest/],
    [["ingest", "--messages", "many"], /--messages must be a number/],
    [["ingest", "--messages"], /--messages needs a value/],
    [["--messages", "3"], /comes before any benchmark name/],
  ])("%j is refused", (argv, message) => {
    expect(() => parseBenchArgs(argv, fake)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv, fake)).toThrow(message);
  });

  it("npm run bench with an unknown flag exits 2 and says why", () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const r = spawnSync(process.execPath, [tsx, "test/bench/run.ts", "ingest", "--bogus", "1"], { cwd: packageRoot(), encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown flag --bogus for ingest");
  });
});
