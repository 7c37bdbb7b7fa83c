// Stage entry and exit criteria: the plan syntax (hub/rollout/plan.ts) and the pure verdicts (hub/rollout/criteria.ts),
// as tables. A criterion states what PASSES, unlike a rule, which states the breach.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeCriterion, describeWait, evaluateCriteria, nextWait, unmetOf } from "../../hub/rollout/criteria.js";
import type { CriteriaFacts, Criterion, KpiFact } from "../../hub/rollout/criteria.js";
import { loadPlanFile, parsePlan } from "../../hub/rollout/plan.js";
import type { EntryCriterion, ExitCriterion, Plan, PlanResult } from "../../hub/rollout/plan.js";

const DEFAULT_PLAN = fileURLToPath(new URL("../../config/plans/default.yaml", import.meta.url));
const FAST_PLAN = fileURLToPath(new URL("../../config/plans/fast.yaml", import.meta.url));
const S = 1000;
const H = 3600 * S;
const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

function okPlan(r: PlanResult): Plan {
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

const stages = (...extra: Array<Record<string, unknown>>) => [{ name: "canary", select: { count: 1 } }, ...extra];

describe("plan: stage criteria", () => {
  it("resolves each stage's lists: previousStage first after the first stage, defaults when a stage says nothing, a stage's own list replacing them", () => {
    const plan = okPlan(
      parsePlan({
        name: "p",
        defaults: { entry: [{ noOpenIncidents: true }, { kpi: { metric: "availability", op: ">=", threshold: "99.5%", for: "1h" } }], exit: [{ noOpenIncidents: true }] },
        stages: stages(
          { name: "pilot", select: { count: 5 }, entry: [{ previousStage: true }, { noOpenIncidents: { severities: ["sev1", "sev1", "sev3"] } }, { approval: true }] },
          { name: "wave-1", exit: [{ kpi: { metric: "failure_rate", op: "<", threshold: "2%", window: "30m", minDevices: 3 } }] },
          { name: "wave-2", entry: [], exit: [] },
        ),
      }),
    );
    const lists = plan.stages.map((s) => [s.name, s.entry, s.exit]);
    const sev12 = { kind: "noOpenIncidents", severities: ["sev1", "sev2"] };
    const availability = { kind: "kpi", metric: "availability", op: ">=", threshold: 0.995, forMs: H, minDevices: 1 };
    expect(lists).toEqual([
      // the first stage drops the inherited KPI criterion: no earlier stage has devices
      ["canary", [sev12], [sev12]],
      ["pilot", [{ kind: "previousStage" }, { kind: "noOpenIncidents", severities: ["sev1", "sev3"] }, { kind: "approval" }], [sev12]],
      ["wave-1", [{ kind: "previousStage" }, sev12, availability], [{ kind: "kpi", metric: "failure_rate", op: "<", threshold: 0.02, windowMs: 30 * 60 * S, minDevices: 3 }]],
      ["wave-2", [{ kind: "previousStage" }], []],
    ]);
    // stored with the rollout as JSON: nothing is lost
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("the shipped plans: pilot and waves wait while a Sev1/Sev2 is open, the canary does not (a hotfix must start); default's wave-1 waits for 24 h of availability", () => {
    const lists = (file: string) => okPlan(loadPlanFile(file)).stages.map((s) => [s.name, ...s.entry.map((c) => describeCriterion(c))]);
    const incidents = ["previous stage completed", "no open sev1/sev2 incident"];
    expect(lists(DEFAULT_PLAN)).toEqual([["canary"], ["pilot", ...incidents], ["wave-1", ...incidents, "availability >= 99.5% for 24h (devices started so far)"], ["wave-2", ...incidents], ["wave-3", ...incidents]]);
    expect(lists(FAST_PLAN)).toEqual([["canary"], ["pilot", ...incidents], ["wave-1", ...incidents], ["wave-2", ...incidents], ["wave-3", ...incidents]]);
  });

  it("a plan without criteria gets none but previousStage", () => {
    const plan = okPlan(parsePlan({ name: "p", stages: stages({ name: "wave-1" }) }));
    expect(plan.stages.map((s) => [s.entry, s.exit])).toEqual([
      [[], []],
      [[{ kind: "previousStage" }], []],
    ]);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["an unknown kind", { entry: [{ approvals: true }] }, "stages.1.entry.0.approvals", /unknown key "approvals"/],
    ["two kinds in one item", { entry: [{ approval: true, noOpenIncidents: true }] }, "stages.1.entry.0", /one criterion per list item: this one names noOpenIncidents and approval/],
    ["an empty item", { entry: [{}] }, "stages.1.entry.0", /a criterion is one of previousStage, noOpenIncidents, kpi, approval/],
    ["an item that is not a mapping", { entry: ["approval"] }, "stages.1.entry.0", /an entry criterion is a mapping/],
    ["entry that is not a list", { entry: { approval: true } }, "stages.1.entry", /entry is a list of criteria/],
    ["approval: false", { entry: [{ approval: false }] }, "stages.1.entry.0.approval", /approval: true \(leave it out/],
    ["an unknown severity", { entry: [{ noOpenIncidents: { severities: ["sev5"] } }] }, "stages.1.entry.0.noOpenIncidents.severities.0", /a severity is one of sev1, sev2, sev3, sev4/],
    ["no severities", { entry: [{ noOpenIncidents: { severities: [] } }] }, "stages.1.entry.0.noOpenIncidents.severities", /list at least one severity/],
    ["a KPI without for", { entry: [{ kpi: { metric: "availability", op: ">=", threshold: "99%" } }] }, "stages.1.entry.0.kpi.for", /for is required/],
    ["a KPI with a window on entry", { entry: [{ kpi: { metric: "availability", op: ">=", threshold: "99%", for: "1h", window: "1h" } }] }, "stages.1.entry.0.kpi.window", /window is for exit criteria/],
    ["failure_rate on entry", { entry: [{ kpi: { metric: "failure_rate", op: "<", threshold: "1%", for: "1h" } }] }, "stages.1.entry.0.kpi.metric", /metric must be one of availability, event_lag_p50, event_lag_p95, dropped_ratio/],
    ["sev1_incidents as a KPI", { exit: [{ kpi: { metric: "sev1_incidents", op: "<", threshold: 1 } }] }, "stages.1.exit.0.kpi.metric", /incidents are noOpenIncidents/],
    ["a bad op", { exit: [{ kpi: { metric: "availability", op: "=>", threshold: "99%" } }] }, "stages.1.exit.0.kpi.op", /op is the condition that PASSES/],
    ["a ratio over 100%", { exit: [{ kpi: { metric: "availability", op: ">=", threshold: "120%" } }] }, "stages.1.exit.0.kpi.threshold", /availability is a ratio: "120%" is more than 100%/],
    ["a lag without a unit", { exit: [{ kpi: { metric: "event_lag_p95", op: "<", threshold: "10" } }] }, "stages.1.exit.0.kpi.threshold", /the unit is missing/],
    ["for on exit", { exit: [{ kpi: { metric: "availability", op: ">=", threshold: "99%", for: "1m" } }] }, "stages.1.exit.0.kpi.for", /`for` is for entry criteria/],
    ["minDevices 0", { exit: [{ kpi: { metric: "availability", op: ">=", threshold: "99%", minDevices: 0 } }] }, "stages.1.exit.0.kpi.minDevices", /minDevices must be 1 or more/],
    ["approval on exit", { exit: [{ approval: true }] }, "stages.1.exit.0.approval", /the stage's own `approval: true`/],
    ["previousStage on exit", { exit: [{ previousStage: true }] }, "stages.1.exit.0.previousStage", /previousStage is an entry criterion/],
  ])("refuses %s with its path", (_what, criteria, path, message) => {
    const result = parsePlan({ name: "p", stages: stages({ name: "pilot", select: { count: 1 }, ...criteria }) });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.find((p) => p.path === path)?.message, JSON.stringify(problems)).toMatch(message);
  });

  it("the first stage cannot wait on earlier stages; every problem of the file is listed at once", () => {
    const result = parsePlan({
      name: "p",
      defaults: { entry: [{ kpi: { metric: "availability", op: ">=", threshold: "150%", for: "1h" } }] },
      stages: [{ name: "canary", select: { count: 1 }, entry: [{ kpi: { metric: "availability", op: ">=", threshold: "99%", for: "1h" } }, { previousStage: true }] }],
    });
    expect(result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^defaults\.entry\.0\.kpi\.threshold: .*more than 100%/) as string,
      expect.stringMatching(/^stages\.0\.entry\.0\.kpi: an entry kpi criterion reads the devices of earlier stages and the first stage has none/) as string,
      "stages.0.entry.1.previousStage: the first stage has no previous stage",
    ]);
  });
});

// --- verdicts ----------------------------------------------------------------------------------------------------------

const noIncidents = { kind: "noOpenIncidents", severities: ["sev1", "sev2"] } as const satisfies EntryCriterion;
const availabilityFor1h = { kind: "kpi", metric: "availability", op: ">=", threshold: 0.995, forMs: H, minDevices: 2 } as const satisfies EntryCriterion;
const lagOverWindow = { kind: "kpi", metric: "event_lag_p95", op: "<", threshold: 10_000, windowMs: null, minDevices: 1 } as const satisfies ExitCriterion;

function facts(over: Partial<CriteriaFacts> = {}): CriteriaFacts {
  return {
    rolloutId: "ro-1",
    stage: "pilot",
    now: NOW,
    previous: { name: "canary", status: "completed", observeUntil: NOW - H },
    openIncidents: [],
    entryApproval: null,
    kpi: new Map(),
    ...over,
  };
}

/** A KPI fact of the last hour, with reports reaching back `covered` ms. */
function kpi(value: number | null, devices: number, covered = H, from = NOW - H): Map<number, KpiFact> {
  return new Map([[0, { measurement: { value, devices }, from, to: NOW, coveredFrom: NOW - covered }]]);
}

describe("criteria verdicts", () => {
  it.each<[string, Criterion, Partial<CriteriaFacts>, { pass: boolean; expected: string; observed: string }]>([
    ["previous stage completed", { kind: "previousStage" }, {}, { pass: true, expected: "completed", observed: "completed" }],
    [
      "previous stage still observing",
      { kind: "previousStage" },
      { previous: { name: "canary", status: "converged", observeUntil: NOW + H } },
      { pass: false, expected: "completed", observed: "converged, observing until 2025-05-01T13:00:00.000Z" },
    ],
    [
      "previous stage converged, window over, judged before expanding",
      { kind: "previousStage" },
      { previous: { name: "canary", status: "converged", observeUntil: NOW - 1 }, expanding: true },
      { pass: true, expected: "completed", observed: "converged, window over" },
    ],
    ["... the same, judged for the stage alone", { kind: "previousStage" }, { previous: { name: "canary", status: "converged", observeUntil: NOW - 1 } }, { pass: false, expected: "completed", observed: "converged, observing until 2025-05-01T11:59:59.999Z" }],
    ["previous stage failed", { kind: "previousStage" }, { previous: { name: "canary", status: "failed", observeUntil: null }, expanding: true }, { pass: false, expected: "completed", observed: "failed" }],
    ["no incident open", noIncidents, {}, { pass: true, expected: "none open (sev1, sev2)", observed: "none open" }],
    [
      "a Sev2 open on the release",
      noIncidents,
      { openIncidents: [{ id: "inc-7", severity: "sev2", releaseId: "rel-1", title: "lag" }] },
      { pass: false, expected: "none open (sev1, sev2)", observed: "1 open: inc-7 (sev2)" },
    ],
    [
      "a fleet-wide Sev1 counts too",
      noIncidents,
      { openIncidents: [{ id: "inc-9", severity: "sev1", releaseId: null, title: "backhaul down" }] },
      { pass: false, expected: "none open (sev1, sev2)", observed: "1 open: inc-9 (sev1, fleet-wide)" },
    ],
    ["a Sev3 does not count for sev1/sev2", noIncidents, { openIncidents: [{ id: "inc-3", severity: "sev3", releaseId: "rel-1", title: "typo" }] }, { pass: true, expected: "none open (sev1, sev2)", observed: "none open" }],
    ["approval not given", { kind: "approval" }, {}, { pass: false, expected: "approved", observed: "not approved" }],
    ["approval given", { kind: "approval" }, { entryApproval: { at: NOW - 1, by: "token:t1(alice)" } }, { pass: true, expected: "approved", observed: "approved by token:t1(alice)" }],
    ["KPI met over its span", availabilityFor1h, { kpi: kpi(0.999, 5) }, { pass: true, expected: ">= 99.5%", observed: "99.90% over 1h, 5 devices" }],
    ["KPI exactly at the threshold passes (>=)", availabilityFor1h, { kpi: kpi(0.995, 5) }, { pass: true, expected: ">= 99.5%", observed: "99.50% over 1h, 5 devices" }],
    ["KPI short of the threshold", availabilityFor1h, { kpi: kpi(0.99, 5) }, { pass: false, expected: ">= 99.5%", observed: "99.00% over 1h, 5 devices" }],
    ["KPI met but reports reach back 20m of 1h", availabilityFor1h, { kpi: kpi(0.999, 5, 20 * 60 * S) }, { pass: false, expected: ">= 99.5%", observed: "99.90%, data for 20m of 1h" }],
    ["KPI with too few devices", availabilityFor1h, { kpi: kpi(0.999, 1) }, { pass: false, expected: ">= 99.5%", observed: "99.90%, 1 device (min 2)" }],
    ["KPI without reports", availabilityFor1h, { kpi: kpi(null, 0) }, { pass: false, expected: ">= 99.5%", observed: "no data" }],
    ["exit KPI of a stage not converged", lagOverWindow, { kpi: new Map([[0, { measurement: { value: null, devices: 0 }, from: null, to: NOW }]]) }, { pass: false, expected: "< 10s", observed: "not converged" }],
    ["exit KPI over the window (no coverage asked)", lagOverWindow, { kpi: kpi(2_500, 3, 0, NOW - 10 * 60 * S) }, { pass: true, expected: "< 10s", observed: "2.50 s over 10m, 3 devices" }],
    ["exit KPI breaching its pass condition", lagOverWindow, { kpi: kpi(12_000, 3, 0, NOW - 10 * 60 * S) }, { pass: false, expected: "< 10s", observed: "12.00 s over 10m, 3 devices" }],
  ])("%s", (_what, criterion, over, verdict) => {
    const [result] = evaluateCriteria("entry", [criterion], facts(over));
    expect(result).toMatchObject({ phase: "entry", stage: "pilot", id: "entry.0", kind: criterion.kind, ...verdict });
    expect(result!.detail.length).toBeGreaterThan(10);
  });

  it("describes each kind in a line, the pass condition first", () => {
    expect(
      [
        { kind: "previousStage" },
        noIncidents,
        { kind: "approval" },
        availabilityFor1h,
        lagOverWindow,
        { ...lagOverWindow, windowMs: 30 * 60 * S, minDevices: 1 },
      ].map((c) => describeCriterion(c as Criterion, "canary")),
    ).toEqual([
      "previous stage canary completed",
      "no open sev1/sev2 incident",
      "entry approved (verge rollout promote)",
      "availability >= 99.5% for 1h (devices started so far, min 2 devices)",
      "event_lag_p95 < 10s over the observation window (stage devices)",
      "event_lag_p95 < 10s over the last 30m of the observation window (stage devices)",
    ]);
  });

  it("the engine's wait: named by the first failing criterion, `since` kept while the phase is the same, gone when nothing fails", () => {
    const results = evaluateCriteria("entry", [{ kind: "previousStage" }, noIncidents, { kind: "approval" }], facts({ openIncidents: [{ id: "inc-7", severity: "sev2", releaseId: "rel-1", title: "x" }] }));
    const unmet = unmetOf("entry", results)!;
    expect(unmet.failing.map((r) => r.id)).toEqual(["entry.1", "entry.2"]);
    const first = nextWait(null, unmet, NOW);
    expect(first).toMatchObject({ phase: "entry", criterion: "entry.1", since: NOW });
    expect(describeWait(first!)).toBe("entry: no open sev1/sev2 incident (1 open: inc-7 (sev2)); entry approved (verge rollout promote) (not approved)");
    const later = nextWait(first, unmetOf("entry", evaluateCriteria("entry", [{ kind: "previousStage" }, noIncidents, { kind: "approval" }], facts())), NOW + H);
    expect(later).toMatchObject({ criterion: "entry.2", since: NOW });
    expect(nextWait(later, unmetOf("entry", evaluateCriteria("entry", [noIncidents], facts())), NOW + 2 * H)).toBeNull();
    expect(nextWait({ ...first!, phase: "entry" }, { phase: "exit", failing: unmet.failing }, NOW + H)).toMatchObject({ phase: "exit", since: NOW + H });
  });
});
