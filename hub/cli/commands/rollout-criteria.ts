// verge rollout validate (a stage's entry and exit criteria judged now; exit 0 only when all pass) and verge rollout
// health (a stage's KPIs over a span against its thresholds, with a trend). The renderers are pure: view in, text out.
import { InvalidArgumentError, Option } from "commander";
import type { Command } from "commander";
import type { HealthThreshold, MetricHealth } from "../../rollout/health.js";
import type { HealthView, ValidationView } from "../../services/criteria.service.js";
import { EXIT } from "../client.js";
import { duration } from "../context.js";
import type { Cli } from "../context.js";
import { metricValue, millis, table, timestamp, truncate } from "../format.js";

const MAX_BUCKETS = 120;

function buckets(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUCKETS) throw new InvalidArgumentError(`--buckets expects a whole number from 1 to ${MAX_BUCKETS}, got "${value}"`);
  return n;
}

export function registerRolloutCriteriaCommands(cli: Cli, rollout: Command): void {
  rollout
    .command("validate")
    .argument("<id>", "rollout id")
    .option("--stage <name>", "judge this stage's entry criteria (and its exit criteria once it started)")
    .description("judge a stage's entry and exit criteria now, each with its observed value; exit 0 only when all pass")
    .addHelpText(
      "after",
      `
What is judged:
  no --stage     "before expanding": the active stage's exit criteria and the next stage's entry criteria (while the
                 active stage waits to start, its own entry criteria). The stage before counts as done once it
                 converged and its observation window is over: its exit criteria are in the same list.
  --stage NAME   that stage's entry criteria, and its exit criteria once it started.

EXPECTED is the condition that PASSES (availability >= 99.5%), unlike a rule's threshold, which states the breach.
Entry criteria: previous stage completed, no open incident of the listed severities (linked to the release, or
fleet-wide), a KPI of the devices started so far met over its \`for\` span with reports covering all of it, approval
(verge rollout promote). Exit criteria: a KPI of the stage's devices over its observation window (or its last
\`window\`), no open incident. Plan syntax: config/plans/README.md.

Exit codes: 0 every criterion passes (or there is none), ${EXIT.unmet} at least one is not met (the table and stderr name
it), 5 no such rollout or stage, 1 the rollout is over (name a stage with --stage).

Examples:
  verge rollout validate ro-20250501-a1b2c3                 # before expanding to the next stage
  verge rollout validate ro-20250501-a1b2c3 --stage pilot
  until verge rollout validate ro-20250501-a1b2c3 >/dev/null; do sleep 60; done`,
    )
    .action(async (id: string, opts: { stage?: string }) => {
      const res = await cli.client().get<ValidationView>(`/api/rollouts/${encodeURIComponent(id)}/validate`, { stage: opts.stage });
      cli.print(res, () => describeValidation(res));
      if (!res.pass) {
        const unmet = res.results.filter((r) => !r.pass);
        process.stderr.write(`verge: ${unmet.length} criterion(s) not met: ${unmet.map((r) => `${r.phase} of ${r.stage}: ${r.description}`).join("; ")}\n`);
        process.exitCode = EXIT.unmet;
      }
    });

  rollout
    .command("health")
    .argument("<id>", "rollout id")
    .addOption(new Option("--duration <duration>", "the span to look at, back from now (30s, 10m, 1h, 7d)").argParser(duration("--duration", 1000)).default(3_600_000, "1h"))
    .addOption(new Option("--buckets <n>", `how many buckets the span is cut into for the series and the trend (1-${MAX_BUCKETS})`).argParser(buckets).default(12))
    .option("--stage <name>", "this stage instead of the active one")
    .description("the active stage's KPIs over a span: value, thresholds (rules and exit criteria), verdict, trend and a per-bucket series")
    .addHelpText(
      "after",
      `
Reading it:
  VALUE      over the whole span, summed over the stage's devices (a stage that has not started: the devices started
             so far); failure_rate and rollback_rate are shares of the stage's started devices now
  THRESHOLD  "pause if < 99.5%" is a pause rule's breach condition ("alert if", "pause+rollback if" by its action);
             "exit needs >= 99.5%" is an exit criterion's pass condition
  OK         the value is on the good side of every threshold; - without a value or a threshold
  TREND      the latest bucket with data against the whole first half of the span: steady within 0.1 percentage
             point (ratios) or 10% and at least 100ms (lags); else improving or worsening; "no data" without both
  SERIES     one mark per bucket, oldest first (low to high: ▁ to █; · no data), then the first and last values

Exit code 0 whatever the KPIs say (use verge rollout validate to gate on them).

Examples:
  verge rollout health ro-20250501-a1b2c3 --duration 1h
  verge rollout health ro-20250501-a1b2c3 --duration 24h --buckets 24 --stage canary -o json`,
    )
    .action(async (id: string, opts: { duration: number; buckets: number; stage?: string }) => {
      const res = await cli.client().get<HealthView>(`/api/rollouts/${encodeURIComponent(id)}/health`, { duration: `${opts.duration}ms`, buckets: opts.buckets, stage: opts.stage });
      cli.print(res, () => describeHealth(res));
    });
}

export function describeValidation(v: ValidationView): string {
  const head = `rollout ${v.rolloutId} (${v.rolloutStatus}): ${v.checked.length ? v.checked.join(", ") : "no stage to judge"}, judged at ${timestamp(v.evaluatedAt)}`;
  if (v.results.length === 0) return `${head}\nno criteria to judge: pass`;
  const lines = [
    head,
    "",
    table(
      ["CRITERION", "PHASE", "EXPECTED", "OBSERVED", "RESULT"],
      v.results.map((r) => [r.description, `${r.phase} (${r.stage})`, r.expected, r.observed, r.pass ? "pass" : "FAIL"]),
    ),
    "",
  ];
  const unmet = v.results.filter((r) => !r.pass);
  if (unmet.length === 0) lines.push(`all ${v.results.length} criteria pass`);
  else lines.push(`NOT MET (${unmet.length} of ${v.results.length}):`, ...unmet.map((r) => `  - ${r.phase} of ${r.stage}: ${r.description}: ${r.detail}`));
  return lines.join("\n");
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** One mark per value, scaled from the series' lowest to its highest; "·" for no data. */
export function sparkline(series: ReadonlyArray<number | null>): string {
  const values = series.filter((x): x is number => x !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return series
    .map((x) => {
      if (x === null) return "·";
      if (hi === lo) return SPARKS.charAt(3);
      return SPARKS.charAt(Math.round(((x - lo) / (hi - lo)) * (SPARKS.length - 1)));
    })
    .join("");
}

function thresholdText(metric: string, t: HealthThreshold): string {
  const figure = `${t.op} ${metricValue(metric, t.threshold)}`;
  if (t.side === "pass") return `exit needs ${figure}`;
  return `${t.action === "alert" ? "alert" : t.action === "pause_and_rollback" ? "pause+rollback" : "pause"} if ${figure}`;
}

function seriesText(m: MetricHealth): string {
  const values = m.series.filter((x): x is number => x !== null);
  if (values.length === 0) return "no data";
  const ends = values.length > 1 ? `  ${metricValue(m.metric, values[0])} -> ${metricValue(m.metric, values.at(-1))}` : "";
  return `${sparkline(m.series)}${ends}`;
}

export function describeHealth(h: HealthView): string {
  const scope = h.scope === "stage" ? `stage ${h.stage} (its devices)` : `stage ${h.stage} (not started: the devices started so far)`;
  return [
    `rollout ${h.rolloutId} (${h.rolloutStatus}), ${scope}: last ${millis(h.durationMs)} in ${h.metrics[0]?.series.length ?? 0} buckets of ${millis(h.bucketMs)}, ${timestamp(h.from)} to ${timestamp(h.to)}`,
    "",
    table(
      ["METRIC", "VALUE", "THRESHOLD", "OK", "TREND", "SERIES"],
      h.metrics.map((m) => [
        m.metric,
        m.value === null ? "no data" : `${metricValue(m.metric, m.value)}${m.devices ? ` (${m.devices} dev)` : ""}`,
        truncate(m.thresholds.map((t) => thresholdText(m.metric, t)).join("; "), 80),
        m.ok === null ? "-" : m.ok ? "ok" : "FAIL",
        m.trend,
        seriesText(m),
      ]),
    ),
  ].join("\n");
}
