import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { durationSchema, formatDuration, parseDuration } from "../../hub/rollout/duration.js";
import { describeRule, loadPlanFile, parsePlan, parsePlanText } from "../../hub/rollout/plan.js";
import type { Plan, PlanProblem, PlanResult, RuleSpec } from "../../hub/rollout/plan.js";
import { tempDir } from "../helpers/wait.js";

const DEFAULT_PLAN = fileURLToPath(new URL("../../config/plans/default.yaml", import.meta.url));
const FAST_PLAN = fileURLToPath(new URL("../../config/plans/fast.yaml", import.meta.url));
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function okPlan(result: PlanResult): Plan {
  if (!result.ok) throw new Error(`expected a valid plan, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  return result.plan;
}

function problemsOf(raw: unknown): PlanProblem[] {
  const result = parsePlan(raw);
  if (result.ok) throw new Error("expected problems, the plan parsed");
  return result.problems;
}

/** A minimal valid plan to break one piece at a time. */
function basePlan(): Record<string, unknown> {
  return {
    name: "t",
    stages: [
      { name: "canary", select: { count: 1 } },
      { name: "pilot", select: { count: 3 } },
      { name: "wave-1", select: { percent: 50 } },
      { name: "wave-2", select: { percent: 100 } },
    ],
  };
}

describe("durations", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30 * S],
    ["10m", 10 * M],
    ["48h", 48 * H],
    ["7d", 7 * D],
    ["1w", 7 * D],
    ["1h30m", H + 30 * M],
    ["1h 30m", H + 30 * M],
    ["1m30s500ms", 90 * S + 500],
    ["1.5h", 90 * M],
    ["0", 0],
    ["0s", 0],
    [" 15m ", 15 * M],
    [2500, 2500],
    [0, 0],
  ] as Array<[string | number, number]>)("%j is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ["abc", /invalid duration "abc": use a number with a unit, like 30s, 10m, 48h or 7d/],
    ["", /invalid duration ""/],
    ["30", /unit is missing; write 30s for seconds or 30ms/],
    ["10 m", /invalid duration "10 m"/],
    ["10M", /invalid duration "10M"/],
    ["-5s", /invalid duration "-5s"/],
    ["30m1h", /largest to smallest/],
    ["1h1h", /largest to smallest/],
    ["5 minutes", /invalid duration "5 minutes"/],
    [-1, /a plain number means milliseconds/],
    [1.5, /whole number/],
    [Number.NaN, /invalid duration NaN/],
  ] as Array<[string | number, RegExp]>)("refuses %j", (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it.each([
    [0, "0s"],
    [500, "500ms"],
    [1500, "1s500ms"],
    [90 * S, "1m30s"],
    [10 * M, "10m"],
    [48 * H, "48h"],
    [25 * H + 30 * M, "25h30m"],
    [3 * D, "3d"],
    [7 * D, "7d"],
    [3 * D + H, "73h"],
  ])("formats %d ms as %s, which reads back the same", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it("durationSchema turns text into ms and explains a bad value", () => {
    expect(durationSchema.parse("2s")).toBe(2000);
    expect(durationSchema.parse(250)).toBe(250);
    const bad = durationSchema.safeParse("soon");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/invalid duration "soon"/);
    expect(durationSchema.safeParse(true).error?.issues[0]?.message).toMatch(/expected a duration/);
  });
});

describe("rollout plan: shipped files", () => {
  it("config/plans/default.yaml encodes the release process", () => {
    const plan = okPlan(loadPlanFile(DEFAULT_PLAN));
    expect(plan.name).toBe("default");
    expect(plan.seed).toBeNull();
    expect(plan.stages.map((s) => [s.name, s.kind, s.select.count ?? `${s.select.percent}%`, formatDuration(s.observeMs), s.approval])).toEqual([
      ["canary", "canary", 1, "48h", true],
      ["pilot", "pilot", 5, "7d", true],
      ["wave-1", "wave", "25%", "24h", false],
      ["wave-2", "wave", "50%", "24h", false],
      ["wave-3", "wave", "100%", "24h", false],
    ]);
    for (const stage of plan.stages) {
      expect(stage).toMatchObject({ deviceTimeoutMs: 24 * H, activation: "download_then_activate", maintenanceWindow: null });
      expect(stage.rules.map((r) => r.name)).toEqual(plan.rules.map((r) => r.name));
    }
    expect(plan.stages.map((s) => s.failureThreshold)).toEqual([0, 0, 0.05, 0.05, 0.05]);
    expect(plan.rules.map(describeRule)).toEqual([
      "availability < 99.5% for 15m over 1h (min 1 device) -> pause_and_rollback",
      "event_lag_p50 > 2s for 15m over 1h (min 1 device) -> pause",
      "event_lag_p95 > 10s for 15m over 1h (min 1 device) -> pause",
      "dropped_ratio >= 0.1% for 15m over 1h (min 1 device) -> pause",
      "rollback_rate >= 5% for 15m over 1h (min 1 device) -> pause_and_rollback",
      "sev1_incidents >= 1 over 1h across the rollout (min 0 devices) -> pause",
    ]);
  });

  it("config/plans/fast.yaml has the same stages and rules in seconds, without approvals", () => {
    const fast = okPlan(loadPlanFile(FAST_PLAN));
    const slow = okPlan(loadPlanFile(DEFAULT_PLAN));
    expect(fast.stages.map((s) => [s.name, s.kind, s.select])).toEqual(slow.stages.map((s) => [s.name, s.kind, s.select]));
    expect(fast.rules.map((r) => [r.name, r.metric, r.op, r.threshold, r.action, r.scope])).toEqual(slow.rules.map((r) => [r.name, r.metric, r.op, r.threshold, r.action, r.scope]));
    expect(fast.stages.every((s) => !s.approval && s.observeMs === 5 * S && s.deviceTimeoutMs === 60 * S)).toBe(true);
    expect(fast.rules.every((r) => r.windowMs === 30 * S && r.forMs === (r.metric === "sev1_incidents" ? 0 : 3 * S))).toBe(true);
  });
});

describe("rollout plan: parsing", () => {
  it("fills the plan's defaults, then the built-in ones, into every stage; a stage overrides them", () => {
    const plan = okPlan(
      parsePlan({
        name: "p",
        seed: "fixed",
        defaults: { observe: "2h", failureThreshold: 0.1, maintenanceWindow: { cron: "0 2 * * *", duration: "2h", timezone: "Europe/Berlin" } },
        stages: [
          { name: "canary", select: { devices: ["d1"] }, approval: true, activation: "immediate", maintenanceWindow: null },
          { name: "rest", observe: 0 },
        ],
      }),
    );
    expect(plan.seed).toBe("fixed");
    expect(plan.stages[0]).toMatchObject({ observeMs: 2 * H, approval: true, deviceTimeoutMs: 6 * H, failureThreshold: 0.1, activation: "immediate", maintenanceWindow: null });
    expect(plan.stages[1]).toMatchObject({
      kind: "wave",
      observeMs: 0,
      approval: false,
      activation: "download_then_activate",
      maintenanceWindow: { cron: "0 2 * * *", durationMs: 2 * H, timezone: "Europe/Berlin" },
      select: { devices: [], cohorts: [], region: null, corridor: null, site: null, count: null, percent: null },
    });
  });

  it("puts the plan's rules, then the stage's own, into each stage with every rule default resolved", () => {
    const plan = okPlan(
      parsePlan({
        ...basePlan(),
        rules: [{ name: "avail", metric: "availability", op: "<", threshold: "99.5%" }],
        stages: [
          { name: "canary", select: { count: 1 }, rules: [{ name: "lag", metric: "event_lag_p95", op: ">", threshold: 5000, for: "1m", window: "10m", minDevices: 2, action: "alert" }] },
          { name: "wave", select: { percent: 100 } },
        ],
      }),
    );
    const expected: RuleSpec = { name: "avail", metric: "availability", op: "<", threshold: 0.995, forMs: 0, windowMs: H, minDevices: 1, scope: "stage", action: "pause", source: "plan" };
    expect(plan.rules).toEqual([expected]);
    expect(plan.stages[0]?.rules).toEqual([expected, { name: "lag", metric: "event_lag_p95", op: ">", threshold: 5000, forMs: M, windowMs: 10 * M, minDevices: 2, scope: "stage", action: "alert", source: "stage" }]);
    expect(plan.stages[1]?.rules).toEqual([expected]);
  });

  it.each([
    ["availability", "99.5%", 0.995],
    ["availability", 0.995, 0.995],
    ["availability", "0.995", 0.995],
    ["dropped_ratio", "0.1%", 0.001],
    ["rollback_rate", "5%", 0.05],
    ["failure_rate", 0, 0],
    ["event_lag_p50", "2s", 2000],
    ["event_lag_p95", 10000, 10000],
    ["event_lag_p95", "1m30s", 90000],
    ["sev1_incidents", 1, 1],
    ["sev1_incidents", "2", 2],
  ] as const)("threshold of %s written %j is %d", (metric, threshold, value) => {
    const plan = okPlan(parsePlan({ ...basePlan(), rules: [{ name: "r", metric, op: ">=", threshold }] }));
    expect(plan.rules[0]?.threshold).toBe(value);
  });

  it.each([
    ["availability", 99.5, /availability is a ratio: 99.5 is more than 1: .*write "99.5%"/],
    ["availability", "150%", /more than 100%/],
    ["dropped_ratio", "a lot", /not a fraction or a percentage/],
    ["event_lag_p50", "2", /lag in milliseconds or a duration .*unit is missing/],
    ["sev1_incidents", 1.5, /sev1_incidents is a count/],
    ["sev1_incidents", "1%", /sev1_incidents is a count/],
  ] as const)("refuses a %s threshold of %j", (metric, threshold, message) => {
    const problems = problemsOf({ ...basePlan(), rules: [{ name: "r", metric, op: ">=", threshold }] });
    expect(problems).toEqual([{ path: "rules.0.threshold", message: expect.stringMatching(message) as string }]);
  });

  it.each([
    [0.05, 0.05],
    ["5%", 0.05],
    ["0%", 0],
    [1, 1],
  ])("failureThreshold %j is the fraction %d", (written, fraction) => {
    expect(okPlan(parsePlan({ ...basePlan(), defaults: { failureThreshold: written } })).defaults.failureThreshold).toBe(fraction);
  });

  it.each([
    [50, 50],
    ["50%", 50],
    ["12.5%", 12.5],
    [0.5, 0.5],
  ])("select percent %j is %d percentage points", (written, points) => {
    const plan = okPlan(parsePlan({ name: "p", stages: [{ name: "all", select: { percent: written } }] }));
    expect(plan.stages[0]?.select.percent).toBe(points);
  });

  it("normalises cohort/cohorts and single filters to lists", () => {
    const plan = okPlan(parsePlan({ name: "p", stages: [{ name: "w", select: { cohort: "a", cohorts: ["b", "a"], region: "north", corridor: ["A9", "A92"] } }] }));
    expect(plan.stages[0]?.select).toEqual({ devices: [], cohorts: ["a", "b"], region: ["north"], corridor: ["A9", "A92"], site: null, count: null, percent: null });
  });

  it("refuses a maintenance window that does not open for years (29 February on a Monday: the devices would wait for ever)", () => {
    const problems = problemsOf({
      name: "feb-30",
      stages: [{ name: "canary", select: { count: 1 }, maintenanceWindow: { cron: "0 2 29 2 1", duration: "2h", timezone: "America/Chicago" } }],
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^stages\.0\.maintenanceWindow\.cron: .*does not open within \d+ days/)]);
  });

  it("lists every constraint violation, each with its path", () => {
    const problems = problemsOf({
      name: "bad plan!",
      colour: "blue",
      defaults: { observe: "soon", failureThreshold: "150%", maintenanceWindow: { cron: "0 2 * *", duration: "90500ms", timezone: "Mars/Olympus" } },
      rules: [
        { name: "avail", metric: "availability", op: "<", threshold: "99.5%" },
        { name: "avail", metric: "uptime", op: "=", threshold: 1 },
      ],
      stages: [
        { name: "wave-1", select: { percent: 50 } },
        { name: "canary", select: { count: 0 } },
        { name: "pilot", select: {} },
        { name: "pilot", kind: "pilot", select: { count: 2, percent: 10 } },
        { name: "wave-2", select: { percent: 150, devices: ["d1", "d1"] } },
        { name: "wave-3", select: { devices: ["d2", "d3"], count: 1, colour: "red" }, rules: [{ name: "avail", metric: "availability", op: "<", threshold: 0.9, scope: "rollout" }] },
        { name: "wave-4", select: { percent: 40 } },
        { name: "wave 5" },
      ],
    });
    const byPath = problems.map((p) => `${p.path}: ${p.message}`);
    const expectations: Array<[string, RegExp]> = [
      ["name", /plan name: 1-64 characters/],
      ["colour", /unknown key "colour"/],
      ["defaults.observe", /invalid duration "soon"/],
      ["defaults.failureThreshold", /more than 100%/],
      ["defaults.maintenanceWindow.cron", /invalid cron expression "0 2 \* \*": expected 5 or 6 fields/],
      ["defaults.maintenanceWindow.duration", /whole seconds/],
      ["defaults.maintenanceWindow.timezone", /unknown time zone "Mars\/Olympus"/],
      ["rules.1.name", /duplicate rule name "avail" \(also rules.0\)/],
      ["rules.1.metric", /metric must be one of availability, event_lag_p50/],
      ["rules.1.op", /op is the breach condition/],
      ["stages.1.select.count", /count must be 1 or more/],
      ["stages.1.name", /the canary stage "canary" must be the first stage/],
      ["stages.2.name", /the pilot stage "pilot" must come before every wave \(wave "wave-1" is stages.0\)/],
      ["stages.2.select", /the pilot stage "pilot" must say which devices it takes/],
      ["stages.3.name", /duplicate stage name "pilot" \(also stages.2\)/],
      ["stages.3.kind", /at most one pilot stage/],
      ["stages.3.select", /use count or percent, not both/],
      ["stages.4.select.percent", /percent must be more than 0 and at most 100/],
      ["stages.4.select.devices.1", /device "d1" is listed twice/],
      ["stages.5.select.colour", /unknown key "colour"/],
      ["stages.5.select.count", /count is 1 but the stage names 2 devices/],
      ["stages.5.rules.0.name", /rule "avail" is already a plan-wide rule/],
      ["stages.5.rules.0.scope", /a stage's own rules always watch that stage/],
      ["stages.6.select.percent", /wave percentages are cumulative.*40% after wave "wave-1" at 50%/],
      ["stages.7.name", /stage name: 1-64 characters/],
    ];
    for (const [path, message] of expectations) {
      expect(byPath.filter((line) => line.startsWith(`${path}: `) && message.test(line)), `${path} ${String(message)}\nin:\n${byPath.join("\n")}`).toHaveLength(1);
    }
    expect(problems).toHaveLength(expectations.length);
  });

  it.each([
    ["no stages", { name: "p", stages: [] }, "stages", /at least one stage/],
    ["stages missing", { name: "p" }, "stages", /stages is required/],
    ["name missing", { stages: [{ name: "w" }] }, "name", /plan name is required/],
    ["a list, not a mapping", [1, 2], "(root)", /a plan is a mapping/],
    ["two canaries", { name: "p", stages: [{ name: "canary", select: { count: 1 } }, { name: "c2", kind: "canary", select: { count: 1 } }] }, "stages.1.kind", /at most one canary stage \(the canary is stages.0\)/],
    ["a device in two stages", { name: "p", stages: [{ name: "canary", select: { devices: ["d1"] } }, { name: "w", select: { devices: ["d1"] } }] }, "stages.1.select.devices.0", /device "d1" is already in stage "canary"/],
    ["a canary with no select", { name: "p", stages: [{ name: "canary" }] }, "stages.0.select", /canary stage "canary" must say which devices/],
    ["an empty devices list", { name: "p", stages: [{ name: "w", select: { devices: [] } }] }, "stages.0.select.devices", /list at least one device/],
    ["a bad device id", { name: "p", stages: [{ name: "w", select: { devices: ["d 1"] } }] }, "stages.0.select.devices.0", /device id: 1-64 characters/],
    ["a fractional count", { name: "p", stages: [{ name: "w", select: { count: 1.5 } }] }, "stages.0.select.count", /whole number/],
    ["percent 0", { name: "p", stages: [{ name: "w", select: { percent: "0%" } }] }, "stages.0.select.percent", /more than 0/],
    ["a zero deviceTimeout", { name: "p", defaults: { deviceTimeout: 0 }, stages: [{ name: "w" }] }, "defaults.deviceTimeout", /longer than 0/],
    ["a zero rule window", { name: "p", rules: [{ name: "r", metric: "availability", op: "<", threshold: 0.9, window: "0s" }], stages: [{ name: "w" }] }, "rules.0.window", /longer than 0/],
    ["a rule without threshold", { name: "p", rules: [{ name: "r", metric: "availability", op: "<" }], stages: [{ name: "w" }] }, "rules.0.threshold", /threshold is required/],
    ["an unknown activation", { name: "p", stages: [{ name: "w", activation: "later" }] }, "stages.0.activation", /download_then_activate/],
  ])("%s", (_what, raw, path, message) => {
    const problems = problemsOf(raw);
    expect(problems.filter((p) => p.path === path && message.test(p.message)), JSON.stringify(problems)).toHaveLength(1);
  });

  it("infers the kind from the name unless kind is given", () => {
    const plan = okPlan(
      parsePlan({ name: "p", stages: [{ name: "Canary", select: { count: 1 } }, { name: "trial", kind: "pilot", select: { count: 2 } }, { name: "pilot-sites-north", select: { region: "north" } }] }),
    );
    expect(plan.stages.map((s) => s.kind)).toEqual(["canary", "pilot", "wave"]);
  });

  it("the parsed plan survives a JSON round trip (it is stored with the rollout)", () => {
    const plan = okPlan(loadPlanFile(DEFAULT_PLAN));
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});

describe("rollout plan: text and files", () => {
  it("reads JSON as well as YAML", () => {
    const plan = okPlan(parsePlanText(JSON.stringify({ name: "j", stages: [{ name: "all" }] })));
    expect(plan.stages.map((s) => s.name)).toEqual(["all"]);
  });

  it("reports a syntax error with its line, and a missing file by name", () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, "broken.yaml");
      writeFileSync(file, "name: p\nstages: [unclosed\n");
      const broken = loadPlanFile(file);
      expect(broken.ok).toBe(false);
      expect(!broken.ok && broken.problems).toEqual([{ path: "(file)", message: expect.stringMatching(/broken\.yaml: .*line/s) as string }]);
      const missing = loadPlanFile(join(dir, "nope.yaml"));
      expect(!missing.ok && missing.problems).toEqual([{ path: "(file)", message: expect.stringMatching(/cannot read plan file .*nope\.yaml: ENOENT/) as string }]);
      const empty = parsePlanText("");
      expect(!empty.ok && empty.problems[0]?.path).toBe("(root)");
    } finally {
      cleanup();
    }
  });
});

describe("describeRule", () => {
  const rule = (over: Partial<RuleSpec>): RuleSpec => ({
    name: "r",
    metric: "availability",
    op: "<",
    threshold: 0.995,
    forMs: 10 * M,
    windowMs: H,
    minDevices: 1,
    scope: "stage",
    action: "pause_and_rollback",
    source: "plan",
    ...over,
  });
  it.each([
    [rule({}), "availability < 99.5% for 10m over 1h (min 1 device) -> pause_and_rollback"],
    [rule({ metric: "event_lag_p50", op: ">=", threshold: 2000, forMs: 15 * M, minDevices: 3, action: "pause" }), "event_lag_p50 >= 2s for 15m over 1h (min 3 devices) -> pause"],
    [rule({ metric: "dropped_ratio", op: ">", threshold: 0.001, forMs: 0, windowMs: 30 * S, action: "alert" }), "dropped_ratio > 0.1% over 30s (min 1 device) -> alert"],
    [rule({ metric: "sev1_incidents", op: ">=", threshold: 1, forMs: 0, minDevices: 0, scope: "rollout", action: "pause" }), "sev1_incidents >= 1 over 1h across the rollout (min 0 devices) -> pause"],
    [rule({ metric: "rollback_rate", op: ">=", threshold: 0.05, forMs: 90 * S, windowMs: 7 * D }), "rollback_rate >= 5% for 1m30s over 7d (min 1 device) -> pause_and_rollback"],
  ])("%#: %s", (r, text) => {
    expect(describeRule(r)).toBe(text);
  });
});
