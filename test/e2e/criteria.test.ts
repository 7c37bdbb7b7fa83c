// Stage entry and exit criteria, `verge rollout validate` and `verge rollout health`, with a real broker, hub and agents
// and the built `verge` binary: what a release manager types before expanding a rollout, and what holds a stage.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KpiSource } from "../../device-agent/kpi.js";
import { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../../proto/index.js";
import type { HealthView, ValidationView } from "../../hub/services/criteria.service.js";
import { startTestAgent, useHubWithAgents } from "../helpers/agents.js";
import { verge } from "../helpers/cli.js";
import { enroll } from "../helpers/hub.js";
import { eventsOf, kpiByRelease, makeRelease, testPlan, waitForStatus } from "../helpers/rollouts.js";
import type { Behaviour, StatusView } from "../helpers/rollouts.js";
import { waitFor } from "../helpers/wait.js";

const ctx = useHubWithAgents("verge-criteria-", { rollout: { evaluateCron: "* * * * * *" } });
const env = () => ({ VERGE_HUB_URL: ctx.h.hub.addresses.httpUrl, VERGE_TOKEN: ctx.h.adminToken });

/** Agents reporting a KPI window every second from `kpi`. */
async function agents(ids: string[], kpi: KpiSource): Promise<void> {
  ctx.agents.push(...(await Promise.all(ids.map((id) => startTestAgent(ctx.h, join(ctx.root, "dev"), id, { kpiIntervalS: 1, kpiSource: kpi })))));
}

async function createRollout(id: string, releaseId: string, plan: Record<string, unknown>): Promise<void> {
  const res = await ctx.h.api("POST", "/api/rollouts", { id, releaseId, plan });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const stageNamed = (s: StatusView, name: string) => s.stages.find((x) => x.name === name)!;

describe("entry criteria: no open incident, KPIs held for a span", () => {
  it("validate fails naming the open Sev2 and the stage waits; once it is closed validate still fails until availability held for the span, then passes (exit 0) and the stage starts", async () => {
    // The canary's availability is poor (the Sev2 is about it) until the test fixes it.
    const canary: Behaviour = { availability: 0.9 };
    await agents(["sc-c1", "sc-p1"], kpiByRelease({ "rel-crit": canary }));
    await makeRelease(ctx.h, "rel-crit");
    const opened = await verge(["incident", "open", "--severity", "sev2", "--release", "rel-crit", "--id", "inc-avail", "--title", "canary availability down"], env());
    expect(opened.code, opened.stderr).toBe(0);
    await createRollout(
      "ro-crit",
      "rel-crit",
      testPlan({
        stages: [
          { name: "canary", select: { devices: ["sc-c1"] } },
          {
            name: "pilot",
            select: { devices: ["sc-p1"] },
            entry: [{ noOpenIncidents: { severities: ["sev1", "sev2"] } }, { kpi: { metric: "availability", op: ">=", threshold: "99.5%", for: "3s" } }],
          },
        ],
      }),
    );

    // The canary completes; the pilot waits on the incident (its first failing criterion), its device told nothing.
    const held = await waitForStatus(ctx.h, "ro-crit", "pilot held by the open incident", (s) => stageNamed(s, "pilot").criteria.waiting?.criterion === "entry.1");
    expect(stageNamed(held, "canary")).toMatchObject({ phase: "completed" });
    expect(stageNamed(held, "pilot")).toMatchObject({ phase: "pending", progress: { notStarted: 1 } });
    expect(held.devices.find((d) => d.deviceId === "sc-p1")?.issuedAt).toBeNull();

    const failing = await verge(["rollout", "validate", "ro-crit"], env());
    expect(failing.code, failing.stderr).toBe(6);
    expect(failing.stdout).toMatch(/^rollout ro-crit \(active\): entry of pilot, judged at /);
    expect(failing.stdout).toMatch(/CRITERION\s+PHASE\s+EXPECTED\s+OBSERVED\s+RESULT/);
    expect(failing.stdout).toMatch(/previous stage canary completed\s+entry \(pilot\)\s+completed\s+completed\s+pass/);
    expect(failing.stdout).toMatch(/no open sev1\/sev2 incident\s+entry \(pilot\)\s+none open \(sev1, sev2\)\s+1 open: inc-avail \(sev2\)\s+FAIL/);
    expect(failing.stdout).toContain("NOT MET (2 of 3):");
    expect(failing.stdout).toContain("  - entry of pilot: no open sev1/sev2 incident: 1 open: inc-avail (sev2). The stage waits until it is closed");
    expect(failing.stderr).toContain("verge: 2 criterion(s) not met: entry of pilot: no open sev1/sev2 incident; entry of pilot: availability >= 99.5% for 3s");
    const table = await verge(["rollout", "status", "ro-crit"], env());
    expect(table.stdout).toContain("stage pilot waits on entry: no open sev1/sev2 incident (1 open: inc-avail (sev2)); availability >= 99.5% for 3s");
    expect(table.stdout).toMatch(/pilot\s+pilot\s+pending, waiting on entry criteria\s+1\s+0/);

    // Closed: the incident passes, the KPI still fails (the last 3 s are at 90%), and the stage still waits.
    expect((await verge(["incident", "close", "inc-avail", "--reason", "canary power supply replaced"], env())).code).toBe(0);
    const stillFailing = await verge(["rollout", "validate", "ro-crit", "-o", "json"], env());
    expect(stillFailing.code).toBe(6);
    const afterClose = JSON.parse(stillFailing.stdout) as ValidationView;
    expect(afterClose).toMatchObject({ rolloutId: "ro-crit", stage: "pilot", pass: false });
    expect(afterClose.results.map((r) => [r.id, r.kind, r.pass])).toEqual([
      ["entry.0", "previousStage", true],
      ["entry.1", "noOpenIncidents", true],
      ["entry.2", "kpi", false],
    ]);
    expect(afterClose.results[2]).toMatchObject({ expected: ">= 99.5%", observed: "90.00% over 3s, 1 device", value: 0.9 });
    const onKpi = await waitForStatus(ctx.h, "ro-crit", "pilot held by the KPI", (s) => stageNamed(s, "pilot").criteria.waiting?.criterion === "entry.2");
    expect(stageNamed(onKpi, "pilot")).toMatchObject({ phase: "pending", progress: { notStarted: 1 } });

    // Fixed: once 3 s of reports hold 99.5%, validate passes and the pilot starts.
    canary.availability = 1;
    const passing = await waitFor(
      "validate to pass",
      async () => {
        const run = await verge(["rollout", "validate", "ro-crit", "--stage", "pilot"], env());
        return run.code === 0 && run;
      },
      30_000,
      200,
    );
    expect(passing.stdout).toMatch(/availability >= 99\.5% for 3s \(devices started so far\)\s+entry \(pilot\)\s+>= 99\.5%\s+100\.00% over 3s, 1 device\s+pass/);
    expect(passing.stdout).toMatch(/all 3 criteria pass$/m);
    expect(passing.stderr).toBe("");
    const done = await waitForStatus(ctx.h, "ro-crit", "completed", (s) => s.rollout.status === "completed");
    expect(done.progress).toMatchObject({ total: 2, activated: 2 });

    // One event when the wait started, one when it moved to the KPI, one when it cleared; then the stage started.
    const waits = eventsOf(done, "criteria_waiting");
    expect(waits.map((e) => [e.stage, e.details?.phase, (e.details?.criterion as { id: string }).id])).toEqual([
      ["pilot", "entry", "entry.1"],
      ["pilot", "entry", "entry.2"],
    ]);
    expect(waits[0]!.explanation).toContain("Stage pilot waits on its entry criteria: no open sev1/sev2 incident (expected none open (sev1, sev2), observed 1 open: inc-avail (sev2))");
    const met = eventsOf(done, "criteria_met");
    expect(met).toHaveLength(1);
    expect(met[0]!.explanation).toMatch(/^Every entry criterion of stage pilot passes after waiting \S+; it starts now\.$/);
    const started = eventsOf(done, "stage_started").find((e) => e.stage === "pilot")!;
    expect(started.id).toBeGreaterThan(met[0]!.id);
  });
});

describe("exit criteria", () => {
  it("an unmet exit criterion holds a converged stage past its observation window (it waits, it does not fail), and lets it complete once met", async () => {
    const canary: Behaviour = { availability: 0.95 };
    await agents(["sc-x1", "sc-x2"], kpiByRelease({ "rel-exit": canary }));
    await makeRelease(ctx.h, "rel-exit");
    await createRollout(
      "ro-exit",
      "rel-exit",
      testPlan({
        stages: [
          { name: "canary", select: { devices: ["sc-x1"] }, exit: [{ kpi: { metric: "availability", op: ">=", threshold: "99%", window: "2s" } }] },
          { name: "wave-1", select: { devices: ["sc-x2"] } },
        ],
      }),
    );
    const held = await waitForStatus(ctx.h, "ro-exit", "canary held by its exit criterion", (s) => stageNamed(s, "canary").criteria.waiting?.phase === "exit");
    const canaryStage = stageNamed(held, "canary");
    expect(canaryStage).toMatchObject({ phase: "converged", status: "converged" });
    const wait = eventsOf(held, "criteria_waiting")[0]!;
    expect(Date.parse(wait.at)).toBeGreaterThanOrEqual(canaryStage.observeUntil!);
    expect(wait.explanation).toContain("Its observation window is over; it completes as soon as they pass");
    expect(held.rollout.status).toBe("active");
    expect(stageNamed(held, "wave-1").progress).toMatchObject({ notStarted: 1 });

    // Before expanding: the canary's exit criterion fails; the wave's previous stage counts as done (window over).
    const before = await verge(["rollout", "validate", "ro-exit"], env());
    expect(before.code).toBe(6);
    expect(before.stdout).toMatch(/^rollout ro-exit \(active\): exit of canary, entry of wave-1, judged at /);
    expect(before.stdout).toMatch(/availability >= 99% over the last 2s of the observation window \(stage devices\)\s+exit \(canary\)\s+>= 99%\s+95\.00% over \d+s, 1 device\s+FAIL/);
    expect(before.stdout).toMatch(/previous stage canary completed\s+entry \(wave-1\)\s+completed\s+converged, window over\s+pass/);
    const table = await verge(["rollout", "status", "ro-exit"], env());
    expect(table.stdout).toMatch(/canary\s+canary\s+converged, waiting on exit criteria/);

    canary.availability = 1;
    const done = await waitForStatus(ctx.h, "ro-exit", "completed", (s) => s.rollout.status === "completed");
    const met = eventsOf(done, "criteria_met");
    expect(met.map((e) => [e.stage, e.details?.phase])).toEqual([["canary", "exit"]]);
    expect(met[0]!.explanation).toMatch(/^Every exit criterion of stage canary passes after waiting \S+; it completes now\.$/);
    const completed = eventsOf(done, "stage_completed").find((e) => e.stage === "canary")!;
    expect(completed.id).toBeGreaterThan(met[0]!.id);
    expect(eventsOf(done, "criteria_waiting")).toHaveLength(1);
    expect(eventsOf(done, "paused")).toEqual([]);
  });
});

describe("entry approval", () => {
  it("a stage whose entry needs approval waits until verge rollout promote approves its start; the promote is audited", async () => {
    await agents(["sc-a1", "sc-a2"], kpiByRelease({}));
    await makeRelease(ctx.h, "rel-appr");
    await createRollout(
      "ro-appr",
      "rel-appr",
      testPlan({ stages: [{ name: "canary", select: { devices: ["sc-a1"] } }, { name: "pilot", select: { devices: ["sc-a2"] }, entry: [{ approval: true }] }] }),
    );
    const waiting = await waitForStatus(ctx.h, "ro-appr", "pilot awaiting entry approval", (s) => stageNamed(s, "pilot").awaitingApproval);
    expect(stageNamed(waiting, "pilot")).toMatchObject({ phase: "pending", criteria: { awaitingEntryApproval: true, entryApproval: null } });
    const table = await verge(["rollout", "status", "ro-appr"], env());
    expect(table.stdout).toContain("stage pilot awaits approval: verge rollout promote ro-appr");
    expect(table.stdout).toContain("stage pilot waits on entry: entry approved (verge rollout promote) (not approved)");
    const validate = await verge(["rollout", "validate", "ro-appr"], env());
    expect(validate.code).toBe(6);
    expect(validate.stdout).toMatch(/entry approved \(verge rollout promote\)\s+entry \(pilot\)\s+approved\s+not approved\s+FAIL/);

    const promote = await verge(["rollout", "promote", "ro-appr", "--reason", "pilot sites briefed"], env());
    expect(promote.stderr).toBe("");
    expect(promote.code).toBe(0);
    expect(promote.stdout).toMatch(/^rollout ro-appr promoted: status (active|completed), /);
    const again = await verge(["rollout", "promote", "ro-appr"], env());
    expect(again.code).toBe(1); // the pilot started at once: nothing left to approve

    const done = await waitForStatus(ctx.h, "ro-appr", "completed", (s) => s.rollout.status === "completed");
    const pilot = stageNamed(done, "pilot");
    expect(pilot.criteria.entryApproval).toMatchObject({ by: expect.stringMatching(/^token:/) as string });
    const promoted = eventsOf(done, "promoted")[0]!;
    expect(promoted).toMatchObject({ stage: "pilot", details: { force: false, entry: "approved" } });
    expect(promoted.explanation).toMatch(/^Start of stage pilot approved by token:\S+ \(pilot sites briefed\); it starts once its other entry criteria pass\.$/);
    const met = eventsOf(done, "criteria_met")[0]!;
    expect(met.id).toBeGreaterThan(promoted.id);
    expect(eventsOf(done, "stage_started").find((e) => e.stage === "pilot")!.id).toBeGreaterThan(met.id);

    const audit = await ctx.h.api<{ records: Array<{ action: string; target: string; result: string; reason: string | null }> }>("GET", "/api/audit?action=rollout.promote");
    expect(audit.body.records[audit.body.records.length - 1]).toMatchObject({ action: "rollout.promote", target: "ro-appr", result: "ok", reason: "pilot sites briefed" });
  });
});

describe("verge rollout health", () => {
  it("shows each KPI of the active stage with its value, the thresholds of its rules and exit criteria, a verdict, a trend and a series; availability falling reads worsening", async () => {
    // Availability falls by a point at every report window on the new release; lag stays at 300 ms.
    let windows = 0;
    const falling: KpiSource = {
      collect(w) {
        const availability = w.releaseId === "rel-h" ? Math.max(0.6, 1 - 0.01 * ++windows) : 1;
        const lagBucketCounts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
        lagBucketCounts[lagBucketIndex(300)] = 1000;
        return { secondsUp: Math.round(1000 * availability), secondsDown: 1000 - Math.round(1000 * availability), eventsProcessed: 1000, eventsDropped: 0, lagBucketCounts };
      },
    };
    await agents(["sc-h1"], falling);
    await makeRelease(ctx.h, "rel-h");
    await createRollout(
      "ro-h",
      "rel-h",
      testPlan({
        rules: [{ name: "availability-floor", metric: "availability", op: "<", threshold: "50%", for: "1m", window: "30s", action: "alert" }],
        // The exit criterion never passes while availability falls: the stage stays the active one.
        stages: [{ name: "canary", select: { devices: ["sc-h1"] }, exit: [{ kpi: { metric: "availability", op: ">=", threshold: "99.5%" } }] }],
      }),
    );
    // Enough reports on the release for every bucket of a 10 s span.
    await waitFor(
      "10 s of reports",
      async () => {
        const res = await ctx.h.api<HealthView>("GET", "/api/rollouts/ro-h/health?duration=10s&buckets=5");
        return res.body.metrics.find((m) => m.metric === "availability")!.series.every((v) => v !== null) && res.body;
      },
      40_000,
      250,
    );

    const run = await verge(["rollout", "health", "ro-h", "--duration", "10s", "--buckets", "5"], env());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rollout ro-h \(active\), stage canary \(its devices\): last 10s in 5 buckets of 2s, /);
    expect(run.stdout).toMatch(/METRIC\s+VALUE\s+THRESHOLD\s+OK\s+TREND\s+SERIES/);
    expect(run.stdout).toMatch(/availability\s+\d+(\.\d+)?% \(1 dev\)\s+alert if < 50%; exit needs >= 99.5%\s+FAIL\s+worsening\s+[▁▂▃▄▅▆▇█·]{5}\s+\d+(\.\d+)?% -> \d+(\.\d+)?%/);
    expect(run.stdout).toMatch(/event_lag_p50\s+\d+ms \(1 dev\)\s+-\s+-\s+steady/);
    expect(run.stdout).toMatch(/failure_rate\s+0% \(1 dev\)\s+-\s+-\s+steady/);

    const json = await verge(["rollout", "health", "ro-h", "--duration", "10s", "--buckets", "5", "-o", "json"], env());
    const view = JSON.parse(json.stdout) as HealthView;
    expect(view).toMatchObject({ rolloutId: "ro-h", stage: "canary", scope: "stage", durationMs: 10_000, bucketMs: 2_000 });
    const availability = view.metrics.find((m) => m.metric === "availability")!;
    expect(availability).toMatchObject({ trend: "worsening", ok: false, devices: 1 });
    expect(availability.thresholds).toEqual([
      { source: "rule", name: "availability-floor", op: "<", threshold: 0.5, side: "breach", action: "alert", ok: true },
      { source: "exit", name: "exit.0", op: ">=", threshold: 0.995, side: "pass", action: null, ok: false },
    ]);
    const series = availability.series.filter((v): v is number => v !== null);
    expect(series[0]!).toBeGreaterThan(series[series.length - 1]!);
    expect(view.metrics.map((m) => m.metric)).toEqual(["availability", "event_lag_p50", "event_lag_p95", "dropped_ratio", "failure_rate", "rollback_rate"]);

    // Any token may read it; bad arguments are refused before the hub is asked, an unknown stage is not found.
    const viewer = await ctx.h.api<{ secret: string }>("POST", "/api/tokens", { name: "wallboard", role: "viewer" });
    const asViewer = { ...env(), VERGE_TOKEN: viewer.body.secret };
    expect((await verge(["rollout", "health", "ro-h", "--duration", "10s"], asViewer)).code).toBe(0);
    expect((await verge(["rollout", "validate", "ro-h"], asViewer)).code).toBe(6);
    const badDuration = await verge(["rollout", "health", "ro-h", "--duration", "soon"], env());
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('--duration expects a duration such as 500ms, 2s, 1m (at least 1000ms), got "soon"');
    expect((await verge(["rollout", "health", "ro-h", "--buckets", "0"], env())).code).toBe(2);
    const noStage = await verge(["rollout", "validate", "ro-h", "--stage", "pilot"], env());
    expect(noStage).toMatchObject({ code: 5, stderr: "verge: stage pilot of rollout ro-h (its stages: canary) not found [not_found]\n" });
    expect((await verge(["rollout", "health", "ro-h", "--stage", "pilot"], env())).code).toBe(5);
    for (const query of ["duration=soon", "duration=500ms", "buckets=abc", "buckets=500", "colour=red"]) {
      const res = await ctx.h.api<{ error: { code: string } }>("GET", `/api/rollouts/ro-h/health?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, "bad_request"]);
    }
  });
});

describe("plans with criteria", () => {
  it("the dry run lists each stage's entry and exit criteria; a plan with bad criteria is refused with every problem's path", async () => {
    for (const id of ["sc-d1", "sc-d2", "sc-d3"]) await enroll(ctx.h, id);
    await makeRelease(ctx.h, "rel-plan");
    const planFile = join(ctx.root, "criteria.yaml");
    writeFileSync(
      planFile,
      `name: with-criteria
defaults:
  observe: 1s
  entry:
    - noOpenIncidents: true
stages:
  - name: canary
    select: { count: 1 }
    exit:
      - kpi: { metric: availability, op: ">=", threshold: 99.5%, window: 10m, minDevices: 1 }
  - name: pilot
    select: { count: 1 }
    entry:
      - noOpenIncidents: { severities: [sev1, sev2, sev3] }
      - kpi: { metric: event_lag_p95, op: "<", threshold: 10s, for: 1h }
      - approval: true
  - name: wave-1
`,
    );
    const plan = await verge(["rollout", "plan", "--release", "rel-plan", "--plan", planFile], env());
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      [
        "canary (1 device(s)):",
        "  sc-d1",
        "  entry criteria (must pass before it starts):",
        "    no open sev1/sev2 incident",
        "  exit criteria (must pass before it completes):",
        "    availability >= 99.5% over the last 10m of the observation window (stage devices)",
      ]
        .join("\n")
        .replace("sc-d1", plan.stdout.match(/canary \(1 device\(s\)\):\n {2}(\S+)/)![1]!),
    );
    expect(plan.stdout).toContain(
      [
        "  entry criteria (must pass before it starts):",
        "    previous stage canary completed",
        "    no open sev1/sev2/sev3 incident",
        "    event_lag_p95 < 10s for 1h (devices started so far)",
        "    entry approved (verge rollout promote)",
      ].join("\n"),
    );
    expect(plan.stdout).toContain(["  entry criteria (must pass before it starts):", "    previous stage pilot completed", "    no open sev1/sev2 incident"].join("\n"));
    const json = await verge(["rollout", "plan", "--release", "rel-plan", "--plan", planFile, "-o", "json"], env());
    const preview = (JSON.parse(json.stdout) as { preview: { stages: Array<{ name: string; criteria: { entry: string[]; exit: string[] } }> } }).preview;
    expect(preview.stages.map((s) => [s.name, s.criteria.entry.length, s.criteria.exit.length])).toEqual([
      ["canary", 1, 1],
      ["pilot", 4, 0],
      ["wave-1", 2, 0],
    ]);

    const badFile = join(ctx.root, "bad.yaml");
    writeFileSync(
      badFile,
      `name: bad-criteria
stages:
  - name: canary
    select: { count: 1 }
    entry:
      - kpi: { metric: availability, op: ">=", threshold: 99%, for: 1h }
  - name: pilot
    select: { count: 1 }
    entry:
      - noOpenIncidents: { severities: [sev5] }
      - { approval: true, noOpenIncidents: true }
      - kpi: { metric: availability, op: ">=", threshold: 99% }
      - kpi: { metric: availability, op: "=>", threshold: 99%, for: 1h }
    exit:
      - kpi: { metric: availability, op: ">=", threshold: 120%, for: 1m }
`,
    );
    const bad = await verge(["rollout", "plan", "--release", "rel-plan", "--plan", badFile], env());
    expect(bad.code).toBe(1);
    for (const problem of [
      "stages.1.entry.0.noOpenIncidents.severities.0: a severity is one of sev1, sev2, sev3, sev4",
      "stages.1.entry.1: one criterion per list item: this one names noOpenIncidents and approval; write each as its own item",
      "stages.1.entry.2.kpi.for: for is required",
      "stages.1.entry.3.kpi.op: op is the condition that PASSES",
      "stages.1.exit.0.kpi.for: an exit kpi criterion is summed over the stage's observation window",
      "stages.0.entry.0.kpi: an entry kpi criterion reads the devices of earlier stages and the first stage has none",
    ]) {
      expect(bad.stderr).toContain(problem);
    }
  });
});
