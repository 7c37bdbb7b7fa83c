// Pause-rule verdicts (hub/rollout/rules.ts): what each metric measures, when a breach becomes a firing (`for`), and
// the sentence a pause event carries.
import { describe, expect, it } from "vitest";
import { EMPTY_SUMS } from "../../hub/rollout/kpi.js";
import type { KpiSums } from "../../hub/rollout/kpi.js";
import { assessRule, breaches, explainFiring, formatDurationShort, formatMetric, measure } from "../../hub/rollout/rules.js";
import type { Assessment, Measurement, RuleDef, RuleMetricName, RuleOp, RuleState, RuleVerdict, ScopeFigures } from "../../hub/rollout/rules.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);
const FRESH: RuleState = { breachSince: null, firingSince: null };

function rule(over: Partial<RuleDef> = {}): RuleDef {
  return {
    name: "availability",
    metric: "availability",
    op: "<",
    threshold: 0.995,
    forMs: 15 * M,
    windowMs: H,
    minDevices: 3,
    scope: "stage",
    action: "pause",
    ...over,
  };
}

function figures(over: Partial<Omit<ScopeFigures, "kpi">> & { kpi?: Partial<KpiSums> } = {}): ScopeFigures {
  return { started: 10, failed: 0, selfRolledBack: 0, openSev1: 0, ...over, kpi: { ...EMPTY_SUMS, ...over.kpi } };
}

describe("measure: every metric from the scope's figures", () => {
  const reporting = figures({
    started: 20,
    failed: 3,
    selfRolledBack: 2,
    openSev1: 1,
    kpi: { devices: 8, secondsUp: 3590, secondsDown: 10, eventsProcessed: 9990, eventsDropped: 10, lagBuckets: [0, 0, 0, 0, 0, 0, 0, 0, 10] },
  });

  it.each<{ metric: RuleMetricName; value: number; devices: number }>([
    { metric: "availability", value: 3590 / 3600, devices: 8 },
    { metric: "dropped_ratio", value: 10 / 10_000, devices: 8 },
    // All 10 events in (2000, 3000]: interpolated inside that bucket.
    { metric: "event_lag_p50", value: 2500, devices: 8 },
    { metric: "event_lag_p95", value: 2950, devices: 8 },
    // Rates are over the devices whose desired state was issued, not over the devices reporting KPIs.
    { metric: "rollback_rate", value: 2 / 20, devices: 20 },
    { metric: "failure_rate", value: 3 / 20, devices: 20 },
    { metric: "sev1_incidents", value: 1, devices: 20 },
  ])("$metric is $value over $devices devices", ({ metric, value, devices }) => {
    const m = measure(metric, reporting);
    expect(m.value).toBeCloseTo(value, 9);
    expect(m.devices).toBe(devices);
  });

  it("rollback_rate counts only self-rolled-back devices: failures do not weigh on it", () => {
    expect(measure("rollback_rate", figures({ started: 10, failed: 5, selfRolledBack: 0 })).value).toBe(0);
  });

  it.each<{ metric: RuleMetricName; why: string; f: ScopeFigures }>([
    { metric: "availability", why: "no seconds reported", f: figures() },
    { metric: "dropped_ratio", why: "no events", f: figures({ kpi: { devices: 2, secondsUp: 60 } }) },
    { metric: "event_lag_p50", why: "an empty histogram", f: figures({ kpi: { devices: 2, lagBuckets: [] } }) },
    { metric: "event_lag_p95", why: "a histogram of zeros", f: figures({ kpi: { devices: 2, lagBuckets: new Array<number>(16).fill(0) } }) },
    { metric: "rollback_rate", why: "no device started", f: figures({ started: 0 }) },
    { metric: "failure_rate", why: "no device started", f: figures({ started: 0 }) },
  ])("$metric has no value (null, not 0) with $why", ({ metric, f }) => {
    expect(measure(metric, f).value).toBeNull();
  });

  it("sev1_incidents is a count, 0 when none is open (never 'no data')", () => {
    expect(measure("sev1_incidents", figures({ started: 0, openSev1: 0 }))).toEqual({ value: 0, devices: 0 });
  });
});

describe("breaches: each comparison at and around the threshold", () => {
  it.each<[RuleOp, number, boolean]>([
    ["<", 0.994, true],
    ["<", 0.995, false],
    ["<", 0.996, false],
    ["<=", 0.994, true],
    ["<=", 0.995, true],
    ["<=", 0.996, false],
    [">", 0.994, false],
    [">", 0.995, false],
    [">", 0.996, true],
    [">=", 0.994, false],
    [">=", 0.995, true],
    [">=", 0.996, true],
  ])("%s 0.995 with value %d breaches: %s", (op, value, expected) => {
    expect(breaches(value, op, 0.995)).toBe(expected);
  });

  it.each<[RuleOp, boolean]>([
    ["<", false],
    ["<=", true],
    [">", false],
    [">=", true],
  ])("assessRule with op %s and the value exactly at the threshold: breach %s", (op, breach) => {
    const r = rule({ op, forMs: 0, minDevices: 1 });
    const a = assessRule(r, { value: r.threshold, devices: 5 }, FRESH, T0);
    expect(a.verdict).toBe(breach ? "firing" : "ok");
  });
});

describe("assessRule: `for` semantics, like a Prometheus alert", () => {
  /** One evaluation: minutes after T0, the measured value and devices, and what the rule should say. */
  interface Step {
    at: number;
    value: number | null;
    devices?: number;
    verdict: RuleVerdict;
    fired?: boolean;
    breachSince: number | null;
    firingSince: number | null;
  }

  /** Runs the evaluations in order, carrying the rule's state from one to the next as the service does. */
  function run(r: RuleDef, steps: Step[]): Assessment[] {
    let state = FRESH;
    return steps.map((step) => {
      const a = assessRule(r, { value: step.value, devices: step.devices ?? 5 }, state, T0 + step.at * M);
      const at = `at +${step.at} min`;
      expect(a.verdict, at).toBe(step.verdict);
      expect(a.fired, at).toBe(step.fired ?? false);
      expect(a.state, at).toEqual({
        breachSince: step.breachSince === null ? null : T0 + step.breachSince * M,
        firingSince: step.firingSince === null ? null : T0 + step.firingSince * M,
      });
      state = a.state;
      return a;
    });
  }

  const BAD = 0.98;
  const GOOD = 0.999;

  it("a breach first seen at t0 is pending until `for` has passed, then fires exactly once and keeps firing", () => {
    const results = run(rule({ forMs: 15 * M }), [
      { at: 0, value: BAD, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 5, value: BAD, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 14, value: BAD, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 15, value: BAD, verdict: "firing", fired: true, breachSince: 0, firingSince: 15 },
      { at: 20, value: BAD, verdict: "firing", fired: false, breachSince: 0, firingSince: 15 },
      { at: 25, value: BAD, verdict: "firing", fired: false, breachSince: 0, firingSince: 15 },
    ]);
    expect(results.filter((a) => a.fired)).toHaveLength(1);
  });

  it("the measurement travels with the verdict (what the pause event shows)", () => {
    const m: Measurement = { value: BAD, devices: 7 };
    expect(assessRule(rule({ forMs: 0 }), m, FRESH, T0).measurement).toEqual(m);
  });

  it("one good evaluation in the span resets the run: `for` starts again at the next breach", () => {
    run(rule({ forMs: 15 * M }), [
      { at: 0, value: BAD, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 10, value: GOOD, verdict: "ok", breachSince: null, firingSince: null },
      { at: 12, value: BAD, verdict: "pending", breachSince: 12, firingSince: null },
      { at: 26, value: BAD, verdict: "pending", breachSince: 12, firingSince: null },
      { at: 27, value: BAD, verdict: "firing", fired: true, breachSince: 12, firingSince: 27 },
    ]);
  });

  it("a firing rule that recovers stops firing, and fires again (once) after a new full span", () => {
    run(rule({ forMs: 5 * M }), [
      { at: 0, value: BAD, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 5, value: BAD, verdict: "firing", fired: true, breachSince: 0, firingSince: 5 },
      { at: 6, value: GOOD, verdict: "ok", breachSince: null, firingSince: null },
      { at: 7, value: BAD, verdict: "pending", breachSince: 7, firingSince: null },
      { at: 12, value: BAD, verdict: "firing", fired: true, breachSince: 7, firingSince: 12 },
      { at: 13, value: BAD, verdict: "firing", fired: false, breachSince: 7, firingSince: 12 },
    ]);
  });

  it("too few devices reporting gives no verdict and breaks the run", () => {
    run(rule({ forMs: 15 * M, minDevices: 3 }), [
      { at: 0, value: BAD, devices: 3, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 10, value: BAD, devices: 2, verdict: "insufficient", breachSince: null, firingSince: null },
      { at: 20, value: BAD, devices: 3, verdict: "pending", breachSince: 20, firingSince: null },
      { at: 35, value: BAD, devices: 3, verdict: "firing", fired: true, breachSince: 20, firingSince: 35 },
      // A firing rule that loses its devices is no longer firing either.
      { at: 36, value: BAD, devices: 0, verdict: "insufficient", breachSince: null, firingSince: null },
    ]);
  });

  it("no data (value null) gives no verdict and breaks the run, whatever the device count", () => {
    run(rule({ forMs: 15 * M, minDevices: 1 }), [
      { at: 0, value: BAD, verdict: "pending", breachSince: 0, firingSince: null },
      { at: 10, value: null, devices: 50, verdict: "insufficient", breachSince: null, firingSince: null },
      { at: 15, value: BAD, verdict: "pending", breachSince: 15, firingSince: null },
    ]);
  });

  it("exactly minDevices devices is enough", () => {
    expect(assessRule(rule({ minDevices: 3, forMs: 0 }), { value: BAD, devices: 3 }, FRESH, T0).verdict).toBe("firing");
    expect(assessRule(rule({ minDevices: 3, forMs: 0 }), { value: BAD, devices: 2 }, FRESH, T0).verdict).toBe("insufficient");
  });

  it("`for` 0 fires at the first breach", () => {
    run(rule({ forMs: 0 }), [
      { at: 0, value: GOOD, verdict: "ok", breachSince: null, firingSince: null },
      { at: 1, value: BAD, verdict: "firing", fired: true, breachSince: 1, firingSince: 1 },
      { at: 2, value: BAD, verdict: "firing", fired: false, breachSince: 1, firingSince: 1 },
    ]);
  });

  it("a healthy value is ok and leaves nothing remembered", () => {
    run(rule(), [{ at: 0, value: GOOD, verdict: "ok", breachSince: null, firingSince: null }]);
  });

  it("sev1_incidents ignores minDevices: an incident needs no devices to matter", () => {
    const sev1 = rule({ name: "no-sev1", metric: "sev1_incidents", op: ">=", threshold: 1, forMs: 0, minDevices: 5 });
    expect(assessRule(sev1, { value: 1, devices: 0 }, FRESH, T0)).toMatchObject({ verdict: "firing", fired: true });
    expect(assessRule(sev1, { value: 0, devices: 0 }, FRESH, T0).verdict).toBe("ok");
    // Other metrics with the same device count have no verdict.
    expect(assessRule(rule({ minDevices: 5, forMs: 0 }), { value: BAD, devices: 0 }, FRESH, T0).verdict).toBe("insufficient");
  });
});

describe("formatMetric: the unit a person reads", () => {
  it.each<[RuleMetricName, number | null, string]>([
    ["availability", 0.995, "99.50%"],
    ["availability", 1, "100.00%"],
    ["dropped_ratio", 0.001, "0.10%"],
    ["rollback_rate", 0.05, "5.00%"],
    ["failure_rate", 0.25, "25.00%"],
    ["event_lag_p50", 2000, "2.00 s"],
    ["event_lag_p95", 12_345, "12.35 s"],
    ["sev1_incidents", 2, "2"],
    ["availability", null, "no data"],
    ["event_lag_p95", null, "no data"],
  ])("%s %j reads %j", (metric, value, text) => {
    expect(formatMetric(metric, value)).toBe(text);
  });
});

describe("formatDurationShort", () => {
  it.each<[number, string]>([
    [0, "0s"],
    [-5, "0s"],
    [500, "500ms"],
    [1000, "1s"],
    [90 * S, "1m30s"],
    [H, "1h"],
    [48 * H, "2d"],
    [26 * H + 15 * M, "1d2h15m"],
  ])("%d ms is %j", (ms, text) => {
    expect(formatDurationShort(ms)).toBe(text);
  });
});

describe("explainFiring: the sentence of a pause event", () => {
  const availabilityRule = rule({ name: "availability", threshold: 0.995, forMs: 15 * M, windowMs: H, action: "pause" });
  const explain = (r: RuleDef, m: Measurement = { value: 0.9812, devices: 4 }, heldForMs = 16 * M) =>
    explainFiring({ rule: r, measurement: m, rolloutId: "ro-42", stage: "pilot", heldForMs });

  it("names the rule, the rollout, the observed value, the threshold, the window, the stage and the devices", () => {
    const text = explain(availabilityRule);
    expect(text).toContain('Rule "availability"');
    expect(text).toContain("ro-42");
    expect(text).toContain("98.12%");
    expect(text).toContain("availability < 99.50%");
    expect(text).toContain("over the last 1h");
    expect(text).toContain("stage pilot");
    expect(text).toContain("across 4 devices");
    expect(text).toContain("for 16m (rule asks 15m)");
  });

  it("says 1 device, not 1 devices", () => {
    expect(explain(availabilityRule, { value: 0.5, devices: 1 })).toContain("across 1 device,");
  });

  it("a rollout-scoped rule speaks of every device started so far", () => {
    const text = explain(rule({ scope: "rollout" }));
    expect(text).toContain("every device started so far");
    expect(text).not.toContain("stage pilot");
  });

  it("a lag rule shows seconds", () => {
    const text = explain(rule({ name: "event-lag-p95", metric: "event_lag_p95", op: ">=", threshold: 10_000 }), { value: 14_200, devices: 6 });
    expect(text).toContain("p95 event lag");
    expect(text).toContain("14.20 s");
    expect(text).toContain("event_lag_p95 >= 10.00 s");
  });

  it("a Sev1 rule names the incidents", () => {
    const text = explain(rule({ name: "no-sev1", metric: "sev1_incidents", op: ">=", threshold: 1, forMs: 0 }), { value: 2, devices: 5 });
    expect(text).toContain("2 open Sev1 incident(s) are linked to the release");
    expect(text).toContain("sev1_incidents >= 1");
  });

  it.each<{ action: RuleDef["action"]; says: string }>([
    { action: "pause", says: "The rollout is paused" },
    { action: "pause_and_rollback", says: "being rolled back to their previous release" },
  ])("a $action rule says what happened and gives the commands to resume or roll back", ({ action, says }) => {
    const text = explain(rule({ action }));
    expect(text).toContain(says);
    expect(text).toContain("`verge rollout resume ro-42`");
    expect(text).toContain("`verge rollout rollback ro-42`");
  });

  it("an alert rule says the rollout carries on and gives no resume/rollback command", () => {
    const text = explain(rule({ action: "alert" }));
    expect(text).toContain("the rollout carries on");
    expect(text).not.toContain("verge rollout resume");
    expect(text).not.toContain("verge rollout rollback");
  });
});
