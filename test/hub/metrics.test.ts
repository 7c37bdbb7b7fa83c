// /metrics as Prometheus scrapes it: a real hub, real agents reporting KPIs, a staged rollout with rules. Every scrape
// is parsed strictly as text exposition 0.0.4 (and checked by `promtool check metrics`);
// the rollout's device counts move stage by stage, the cohort KPIs and thresholds are there in base units, pauses and
// telemetry are counted, the MQTT clients are seen. Plus the retention of rollout series and the parser's own checks.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../hub/db/database.js";
import { HubMetrics } from "../../hub/metrics.js";
import { startTestAgent } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { PromParseError, parsePrometheusText, samples, sumOf } from "../helpers/prom-parse.js";
import type { MetricFamily } from "../helpers/prom-parse.js";
import { kpiByRelease, makeRelease } from "../helpers/rollouts.js";
import { requireTool } from "../helpers/tools.js";
import { tempDir, waitFor } from "../helpers/wait.js";


const ctx = { root: "", agents: [] as TestAgent[] } as { h: TestHub; root: string; agents: TestAgent[]; cleanup: () => void };
beforeEach(async () => {
  const t = tempDir("verge-metrics-");
  ctx.root = t.dir;
  ctx.cleanup = t.cleanup;
  ctx.h = await startTestHub(join(t.dir, "hub"), { rollout: { evaluateCron: "* * * * * *", rollbackTimeoutMs: 60_000 } });
});
afterEach(async () => {
  await Promise.all(ctx.agents.splice(0).map((a) => a.agent.stop()));
  await ctx.h.stop();
  ctx.cleanup();
});

const scraped: string[] = [];

/** GET /metrics without a token, parsed strictly (a parse error fails the test with its line). */
async function scrape(h: TestHub): Promise<MetricFamily[]> {
  const res = await fetch(`${h.hub.addresses.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  scraped.push(text);
  return parsePrometheusText(text);
}

/** The value of the one sample named `name` with these labels (fails if there is not exactly one). */
function one(families: MetricFamily[], name: string, labels: Record<string, string>): number {
  const found = samples(families, name, labels);
  expect(found, `${name}${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

describe("/metrics during a staged rollout", () => {
  it("parses as Prometheus text; device counts move by stage and state, cohort KPIs against thresholds in base units, pauses, telemetry and MQTT clients counted", async () => {
    const { h } = ctx;
    const ids = ["sc-001", "sc-002", "sc-003"];
    const behaviour = kpiByRelease({ "rel-m": { availability: 0.999, lagMs: 300 } });
    ctx.agents.push(...(await Promise.all(ids.map((id) => startTestAgent(h, ctx.root, id, { kpiSource: behaviour, kpiIntervalS: 1 })))));
    await makeRelease(h, "rel-m");

    // before any rollout: the families are declared, with help text, and no rollout has series yet
    const before = await scrape(h);
    const byName = new Map(before.map((f) => [f.name, f]));
    for (const [name, type] of [
      ["verge_rollout_devices", "gauge"],
      ["verge_rollout_status", "gauge"],
      ["verge_rollout_stage_status", "gauge"],
      ["verge_rollout_gate", "gauge"],
      ["verge_cohort_kpi", "gauge"],
      ["verge_cohort_kpi_devices", "gauge"],
      ["verge_rule_threshold", "gauge"],
      ["verge_rule_firing", "gauge"],
      ["verge_rule_evaluations_total", "counter"],
      ["verge_rollout_evaluation_seconds", "histogram"],
      ["verge_pause_events_total", "counter"],
      ["verge_rollbacks_requested_total", "counter"],
      ["verge_rollbacks_overdue_total", "counter"],
      ["verge_telemetry_accepted_total", "counter"],
      ["verge_telemetry_rejected_total", "counter"],
      ["verge_mqtt_clients_connected", "gauge"],
      ["verge_devices_online", "gauge"],
    ] as const) {
      expect(byName.get(name)?.type, name).toBe(type);
      expect(byName.get(name)?.help, name).toMatch(/\w/);
    }
    expect(samples(before, "verge_rollout_devices")).toEqual([]);

    const rules = [
      { name: "availability", metric: "availability", op: "<", threshold: "99.5%", for: "2s", window: "5s", minDevices: 1, action: "pause" },
      { name: "lag-p95", metric: "event_lag_p95", op: ">", threshold: "2s", for: "2s", window: "5s", minDevices: 1, action: "pause" },
    ];
    // the canary waits (an hour of observation) until the test promotes it: each step is observed for certain
    const plan = { name: "metrics", defaults: { observe: "1s", deviceTimeout: "60s", failureThreshold: "50%" }, rules, stages: [{ name: "canary", select: { count: 1 }, observe: "1h" }, { name: "wave-1", select: { percent: 100 } }] };
    const created = await h.api("POST", "/api/rollouts", { id: "ro-m", releaseId: "rel-m", plan });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const started = await scrape(h);
    const ro = { rollout: "ro-m" };
    expect(one(started, "verge_rollout_status", { ...ro, status: "active" })).toBe(1);
    expect(samples(started, "verge_rollout_status", { ...ro, status: "active" })[0]!.labels.release).toBe("rel-m");
    expect(one(started, "verge_rollout_status", { ...ro, status: "completed" })).toBe(0);
    expect(sumOf(started, "verge_rollout_devices", { ...ro, stage: "canary" })).toBe(1);
    expect(one(started, "verge_rollout_devices", { ...ro, stage: "wave-1", state: "not_started" })).toBe(2);
    expect(one(started, "verge_rollout_devices", { ...ro, stage: "wave-1", state: "activated" })).toBe(0);
    // every state is there from the start (0 when empty), so a graph starts at 0 rather than from nothing
    expect(samples(started, "verge_rollout_devices", { ...ro, stage: "wave-1" }).map((s) => s.labels.state).sort()).toEqual(
      ["activated", "cancelled", "downloading", "failed", "not_started", "pending", "rolled_back", "rolling_back", "verified"],
    );

    // the canary activates, reports KPIs, and the rules measure them; the gates follow once the status is published
    // (verge_rollout_gate is set after the evaluation's messages went out, so it can trail the KPI gauges)
    const canary = await waitFor("canary activated and its KPIs measured", async () => {
      const m = await scrape(h);
      const measured = one(m, "verge_rollout_devices", { ...ro, stage: "canary", state: "activated" }) === 1 && samples(m, "verge_cohort_kpi", { ...ro, stage: "canary" }).length === 2;
      return measured && one(m, "verge_rollout_stage_status", { ...ro, stage: "canary", status: "converged" }) === 1 && samples(m, "verge_rollout_gate", { ...ro, gate: "canaryHealthy" })[0]?.value === 1 && m;
    });
    expect(one(canary, "verge_rollout_devices", { ...ro, stage: "wave-1", state: "activated" })).toBe(0);
    expect(one(canary, "verge_rollout_devices", { ...ro, stage: "wave-1", state: "not_started" })).toBe(2);
    expect(one(canary, "verge_rollout_stage_status", { ...ro, stage: "canary", status: "converged" })).toBe(1);
    expect(one(canary, "verge_rollout_stage_status", { ...ro, stage: "wave-1", status: "pending" })).toBe(1);
    const availability = { ...ro, stage: "canary", rule: "availability", metric: "availability" };
    expect(one(canary, "verge_cohort_kpi", availability)).toBeCloseTo(0.999, 9); // a ratio, 999 s up of every 1000
    expect(one(canary, "verge_rule_threshold", availability)).toBeCloseTo(0.995, 9);
    expect(one(canary, "verge_cohort_kpi_devices", availability)).toBe(1);
    const lag = { ...ro, stage: "canary", rule: "lag-p95", metric: "event_lag_p95" };
    expect(one(canary, "verge_rule_threshold", lag)).toBe(2); // seconds, written "2s" in the plan
    const lagSeconds = one(canary, "verge_cohort_kpi", lag);
    expect(lagSeconds).toBeGreaterThan(0.1); // 300 ms of lag, in seconds
    expect(lagSeconds).toBeLessThan(1);
    expect(one(canary, "verge_rule_firing", { ...ro, stage: "canary", rule: "availability" })).toBe(0);
    expect(sumOf(canary, "verge_rule_evaluations_total", { ...ro, rule: "availability", firing: "false" })).toBeGreaterThan(0);
    // every evaluation is timed: how long the rollout's rules and state machine held the hub
    expect(sumOf(canary, "verge_rollout_evaluation_seconds_count")).toBeGreaterThanOrEqual(sumOf(before, "verge_rollout_evaluation_seconds_count") + 1);
    expect(sumOf(canary, "verge_rollout_evaluation_seconds_sum")).toBeGreaterThan(0);
    expect(one(canary, "verge_rollout_gate", { ...ro, gate: "canaryHealthy" })).toBe(1);
    // the pause counters are there at 0 before the first pause, so increase() counts the first one
    expect(one(canary, "verge_pause_events_total", { ...ro, reason: "operator" })).toBe(0);
    expect(one(canary, "verge_pause_events_total", { ...ro, reason: "availability" })).toBe(0);

    // an operator pause is counted, the status follows
    expect((await h.api("POST", "/api/rollouts/ro-m/pause", { reason: "metrics test" })).status).toBe(200);
    const paused = await scrape(h);
    expect(one(paused, "verge_pause_events_total", { ...ro, reason: "operator" })).toBe(1);
    expect(one(paused, "verge_rollout_status", { ...ro, status: "paused" })).toBe(1);
    expect(one(paused, "verge_rollout_status", { ...ro, status: "active" })).toBe(0);
    expect((await h.api("POST", "/api/rollouts/ro-m/resume", {})).status).toBe(200);

    // promoted: the wave's devices go from 0 to 2 activated, the rollout completes
    expect((await h.api("POST", "/api/rollouts/ro-m/promote", { force: true, reason: "metrics test" })).status).toBe(200);
    const done = await waitFor("rollout completed in /metrics", async () => {
      const m = await scrape(h);
      return one(m, "verge_rollout_status", { ...ro, status: "completed" }) === 1 && m;
    }, 30_000);
    expect(one(done, "verge_rollout_devices", { ...ro, stage: "wave-1", state: "activated" })).toBe(2);
    expect(one(done, "verge_rollout_devices", { ...ro, stage: "wave-1", state: "not_started" })).toBe(0);
    expect(sumOf(done, "verge_rollout_devices", { ...ro, state: "activated" })).toBe(3);
    expect(one(done, "verge_rollout_stage_status", { ...ro, stage: "wave-1", status: "completed" })).toBe(1);
    // a finished rollout keeps its series (for 24 h)
    expect(one(done, "verge_cohort_kpi", availability)).toBeCloseTo(0.999, 9);
    expect(one(done, "verge_pause_events_total", { ...ro, reason: "operator" })).toBe(1);

    // telemetry and the broker's clients, on the same registry
    expect(sumOf(done, "verge_telemetry_accepted_total", { kind: "kpi" })).toBeGreaterThan(0);
    expect(sumOf(done, "verge_telemetry_accepted_total")).toBeGreaterThan(sumOf(done, "verge_telemetry_accepted_total", { kind: "kpi" }));
    expect(samples(done, "verge_telemetry_rejected_total")).toEqual([]);
    expect(one(done, "verge_mqtt_clients_connected", {})).toBeGreaterThanOrEqual(ids.length);
    expect(one(done, "verge_devices_online", {})).toBe(ids.length);

    // promtool (package prometheus, installed by .ci/run) lints naming as Prometheus does; a missing one fails here.
    const promtool = requireTool("promtool");
    for (const text of [scraped[0]!, scraped.at(-1)!]) {
      const r = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(r.status, `promtool check metrics: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });
});

describe("retention of rollout series", () => {
  it("a rollout that finished more than 24 h ago has no series left; one in progress or finished since keeps them", async () => {
    const t = tempDir("verge-metrics-db-");
    const db = openDatabase(join(t.dir, "hub.db"));
    try {
      const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);
      let now = T0;
      db.prepare(`INSERT INTO releases (id, counter, version, variants_json, manifest_envelope, signed_by, created_at, created_by) VALUES ('rel', 1, '1', '["sc-x1"]', x'00', 'k', ?, 'test')`).run(T0);
      const addRollout = db.prepare(`INSERT INTO rollouts (id, release_id, status, created_at, created_by, updated_at, completed_at) VALUES (?, 'rel', ?, ?, 'test', ?, ?)`);
      addRollout.run("ro-old", "completed", T0 - 3_600_000, T0, T0);
      addRollout.run("ro-recent", "completed", T0, T0 + 20 * 3_600_000, T0 + 20 * 3_600_000);
      addRollout.run("ro-live", "active", T0, T0, null);
      const metrics = new HubMetrics();
      metrics.registerDatabaseGauges(db, () => now);
      for (const rollout of ["ro-old", "ro-recent", "ro-live"]) {
        metrics.observeRollout({ rollout: { id: rollout }, gates: { canaryHealthy: true } });
        metrics.ruleEvaluated({ rollout, stage: "canary", rule: { name: "avail", metric: "availability", threshold: 0.995, action: "pause" }, verdict: "ok", measurement: { value: 0.999, devices: 1 } });
        metrics.pauseEvent(rollout, ["operator"]);
      }
      const rolloutsIn = async () => {
        const m = parsePrometheusText(await metrics.registry.metrics());
        return ["verge_rollout_status", "verge_rollout_gate", "verge_cohort_kpi", "verge_rule_threshold", "verge_pause_events_total", "verge_rollbacks_requested_total"].map((name) => [
          name,
          [...new Set(samples(m, name).map((s) => s.labels.rollout))].sort(),
        ]);
      };
      expect(await rolloutsIn()).toEqual([
        ["verge_rollout_status", ["ro-live", "ro-old", "ro-recent"]],
        ["verge_rollout_gate", ["ro-live", "ro-old", "ro-recent"]],
        ["verge_cohort_kpi", ["ro-live", "ro-old", "ro-recent"]],
        ["verge_rule_threshold", ["ro-live", "ro-old", "ro-recent"]],
        ["verge_pause_events_total", ["ro-live", "ro-old", "ro-recent"]],
        ["verge_rollbacks_requested_total", ["ro-live", "ro-old", "ro-recent"]],
      ]);
      now = T0 + 25 * 3_600_000;
      expect(await rolloutsIn()).toEqual([
        ["verge_rollout_status", ["ro-live", "ro-recent"]],
        ["verge_rollout_gate", ["ro-live", "ro-recent"]],
        ["verge_cohort_kpi", ["ro-live", "ro-recent"]],
        ["verge_rule_threshold", ["ro-live", "ro-recent"]],
        ["verge_pause_events_total", ["ro-live", "ro-recent"]],
        ["verge_rollbacks_requested_total", ["ro-live", "ro-recent"]],
      ]);
    } finally {
      db.close();
      t.cleanup();
    }
  });
});

describe("the exposition parser", () => {
  const ok = [
    "# HELP a_total Things, with a \\\\ and a \\n in the help\n# TYPE a_total counter\na_total{x=\"q\\\"uo\\\\te\\nd\",y=\"\"} 3\na_total 1.5e3\n",
    "# HELP g G\n# TYPE g gauge\ng NaN\ng{s=\"1\"} +Inf\ng{s=\"2\"} -Inf 1700000000000\ng{s=\"3\",} -0.25\ng{s=\"4\"} Nan\n",
    "# HELP h H\n# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.3\nh_count 2\n",
    "# HELP s S\n# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 3\ns_count 2\n",
  ];
  it("reads counters, gauges with NaN and infinities, histograms, summaries, escaped label values and help", () => {
    const [counter, gauge, histogram, summary] = ok.map(parsePrometheusText);
    expect(counter![0]).toMatchObject({ name: "a_total", type: "counter", help: "Things, with a \\ and a \n in the help" });
    expect(counter![0]!.samples).toEqual([
      { name: "a_total", labels: { x: 'q"uo\\te\nd', y: "" }, value: 3 },
      { name: "a_total", labels: {}, value: 1500 },
    ]);
    expect(gauge![0]!.samples.map((s) => s.value)).toEqual([NaN, Infinity, -Infinity, -0.25, NaN]); // prom-client writes Nan, as Go's ParseFloat reads it
    expect(gauge![0]!.samples[2]!.timestampMs).toBe(1_700_000_000_000);
    expect(histogram![0]!.samples.map((s) => s.name)).toEqual(["h_bucket", "h_bucket", "h_sum", "h_count"]);
    expect(summary![0]!.samples).toHaveLength(3);
  });

  it.each([
    ["a sample without TYPE", "x 1\n", "no TYPE line"],
    ["a family without HELP", "# TYPE x gauge\nx 1\n", "no HELP text"],
    ["a counter sample without _total", "# HELP c C\n# TYPE c counter\nc 1\n", "must end with _total"],
    ["a bad metric name", "# HELP 1x X\n", "bad metric name"],
    ["a bad label name", '# HELP g G\n# TYPE g gauge\ng{1a="x"} 1\n', "bad label name"],
    ["an unquoted label value", "# HELP g G\n# TYPE g gauge\ng{a=x} 1\n", "double quotes"],
    ["a bad escape", '# HELP g G\n# TYPE g gauge\ng{a="\\t"} 1\n', "bad escape"],
    ["a repeated label", '# HELP g G\n# TYPE g gauge\ng{a="1",a="2"} 1\n', "given twice"],
    ["a bad value", "# HELP g G\n# TYPE g gauge\ng one\n", "bad value"],
    ["a duplicate series", '# HELP g G\n# TYPE g gauge\ng{a="1"} 1\ng{a="1"} 2\n', "duplicate series"],
    ["a family in two groups", "# HELP g G\n# TYPE g gauge\ng 1\n# HELP k K\n# TYPE k gauge\nk 1\ng{a=\"1\"} 2\n", "not grouped together"],
    ["TYPE after samples", "# HELP g G\n# TYPE g gauge\ng 1\n# TYPE g counter\n", "after its samples"],
    ["an unknown type", "# HELP g G\n# TYPE g thing\n", "unknown type"],
    ["a histogram without +Inf", '# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', "+Inf"],
    ["a histogram not cumulative", '# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', "not cumulative"],
    ["a histogram sample without suffix", "# HELP h H\n# TYPE h histogram\nh 1\n", "must end with _bucket"],
    ["a summary without quantile", "# HELP s S\n# TYPE s summary\ns 1\n", "without quantile"],
    ["no final newline", "# HELP g G\n# TYPE g gauge\ng 1", "end with a newline"],
  ])("refuses %s", (_what, text, message) => {
    expect(() => parsePrometheusText(text)).toThrow(PromParseError);
    expect(() => parsePrometheusText(text)).toThrow(message);
  });
});
