// The built `verge` binary driving staged rollouts, cohorts and incidents against a real hub and real agents:
// what an operator types and what they see (tables, JSON, exit codes).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestAgent } from "../helpers/agents.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { makeRelease } from "../helpers/rollouts.js";
import type { StatusView } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";
import { verge } from "../helpers/cli.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A hub that evaluates rollouts every second, in a temp dir; everything is stopped and removed after the test. */
async function hubFor(prefix: string): Promise<{ h: TestHub; dir: string; env: Record<string, string> }> {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  const h = await startTestHub(join(t.dir, "hub"), { rollout: { evaluateCron: "* * * * * *" } });
  cleanups.push(() => h.stop());
  return { h, dir: t.dir, env: { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken } };
}

const PLAN_YAML = `# canary waits for approval, then one wave takes the rest
name: cli-staged
defaults:
  observe: 1s
  deviceTimeout: 60s
  failureThreshold: 50%
  activation: download_then_activate
rules:
  - { name: availability, metric: availability, op: "<", threshold: 99%, for: 3s, window: 30s, minDevices: 1, action: pause }
stages:
  - { name: canary, select: { count: 1 }, approval: true }
  - { name: wave-1, select: { percent: 100 } }
`;

describe("verge CLI: staged rollouts", () => {
  it("plan dry run, create from a local plan file, status with gates and stages, pause/resume/promote to completion, events", async () => {
    const { h, dir, env } = await hubFor("verge-cli-staged-");
    const agents = await Promise.all(["sc-001", "sc-002", "sc-003"].map((id) => startTestAgent(h, join(dir, "dev"), id, { kpiIntervalS: 1 })));
    cleanups.push(() => Promise.all(agents.map((a) => a.agent.stop())).then(() => undefined));
    await enroll(h, "vms-001", "vms-a2");
    await makeRelease(h, "rel-cli");
    const planFile = join(dir, "cli-staged.yaml");
    writeFileSync(planFile, PLAN_YAML);

    // dry run with the local file: stages, devices, the blocked device and why
    const plan = await verge(["rollout", "plan", "--release", "rel-cli", "--plan", planFile, "--seed", "s1"], env);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("plan cli-staged for release rel-cli: 3 device(s) in 2 stage(s), 1 blocked");
    expect(plan.stdout).toMatch(/STAGE\s+KIND\s+DEVICES\s+OBSERVE\s+APPROVAL\s+ACTIVATION/);
    expect(plan.stdout).toMatch(/canary\s+canary\s+1\s+1s\s+yes\s+download_then_activate/);
    expect(plan.stdout).toMatch(/wave-1\s+wave\s+2\s+1s\s+no/);
    expect(plan.stdout).toContain("availability: availability < 99% for 3s -> pause");
    expect(plan.stdout).toMatch(/blocked \(1\):\nDEVICE\s+REASON\s+DETAIL\nvms-001\s+incompatible_variant\s+\S/);
    expect(plan.stdout).toContain("--seed s1");
    const planJson = await verge(["rollout", "plan", "--release", "rel-cli", "--plan", planFile, "--seed", "s1", "-o", "json"], env);
    const preview = (JSON.parse(planJson.stdout) as { preview: { plan: string; seed: string; stages: Array<{ name: string; devices: string[] }>; excluded: Array<{ deviceId: string; reason: string }> } }).preview;
    expect(preview).toMatchObject({ plan: "cli-staged", seed: "s1", excluded: [{ deviceId: "vms-001", reason: "incompatible_variant" }] });
    expect(preview.stages.map((s) => [s.name, s.devices.length])).toEqual([
      ["canary", 1],
      ["wave-1", 2],
    ]);
    // a plan named by the hub (config/plans/fast.yaml), and a plan path that does not exist
    const named = await verge(["rollout", "plan", "--release", "rel-cli", "--plan", "fast"], env);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^plan fast for release rel-cli/);
    expect(named.stdout).toMatch(/pilot\s+pilot\s+2/);
    const missing = await verge(["rollout", "plan", "--release", "rel-cli", "--plan", join(dir, "nope.yaml")], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such plan file");

    // create from the file: the same assignment as the dry run with the same seed
    const created = await verge(["rollout", "create", "--release", "rel-cli", "--plan", planFile, "--seed", "s1", "--id", "ro-staged"], env);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("rollout ro-staged created: release rel-cli (rel-cli) to 3 device(s) with plan cli-staged");
    expect(created.stdout).toMatch(/canary\s+canary\s+1\s+1s\s+yes/);
    expect(created.stdout).toMatch(/vms-001\s+incompatible_variant/);
    expect(created.stdout).toContain("follow it with: verge rollout status ro-staged");

    const statusJson = async (): Promise<StatusView> => {
      const s = await verge(["rollout", "status", "ro-staged", "-o", "json"], env);
      expect(s.code, s.stderr).toBe(0);
      return JSON.parse(s.stdout) as StatusView;
    };
    const waiting = await waitFor("canary awaiting approval", async () => {
      const s = await statusJson();
      return s.events.some((e) => e.type === "awaiting_approval") && s;
    });
    expect(waiting.stages[0]).toMatchObject({ name: "canary", status: "converged", awaitingApproval: true });
    // rollout status reads every device page by page: all of them, not the status view's first page
    expect(waiting.devices).toHaveLength(waiting.progress.total!);

    const table = await verge(["rollout", "status", "ro-staged"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/rollout ro-staged\s+release rel-cli \(rel-cli\)\s+status active\s+plan cli-staged\s+active stage canary/);
    expect(table.stdout).toContain("GATES  canaryHealthy yes  failureThreshold yes  safetyChecks yes");
    expect(table.stdout).toContain("stage canary awaits approval: verge rollout promote ro-staged");
    expect(table.stdout).toContain("devices 3: not started 2, activated 1   activated 1/3");
    expect(table.stdout).toMatch(/sc-\d+\s+wave-1\s+pending\s+stage not started/);
    expect(table.stdout).toMatch(/STAGES\nSTAGE\s+KIND\s+STATUS\s+DEVICES\s+ACTIVATED\s+FAILED\s+IN PROGRESS\s+OBSERVE UNTIL\s+RULES/);
    expect(table.stdout).toMatch(/canary\s+canary\s+converged, awaiting approval\s+1\s+1\s+0\s+0\s+\S+ ago\s+availability=(ok|insufficient)/);
    expect(table.stdout).toMatch(/wave-1\s+wave\s+pending\s+2\s+0\s+0\s+0\s+-\s+availability=-/);
    expect(table.stdout).toMatch(/EVENTS\nTIME\s+TYPE\s+STAGE\s+EXPLANATION/);
    expect(table.stdout).toMatch(/awaiting_approval\s+canary\s+Stage canary passed its observation window/);
    expect(table.stdout).toMatch(/DEVICES\nDEVICE\s+STAGE\s+STATE/);

    const pause = await verge(["rollout", "pause", "ro-staged", "--reason", "shift change"], env);
    expect(pause).toMatchObject({ code: 0, stdout: "rollout ro-staged paused: status paused, active stage canary\n" });
    const paused = await verge(["rollout", "status", "ro-staged"], env);
    expect(paused.stdout).toMatch(/paused \d+s ago by \S+: shift change/);
    const refused = await verge(["rollout", "promote", "ro-staged"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^verge: .*resume it first.*\[conflict\]\n$/);
    expect((await verge(["rollout", "resume", "ro-staged"], env)).stdout).toBe("rollout ro-staged resumed: status active, active stage canary\n");
    const promote = await verge(["rollout", "promote", "ro-staged", "--reason", "canary looks fine"], env);
    expect(promote.code).toBe(0);
    expect(promote.stdout).toMatch(/^rollout ro-staged promoted: status (active|completed), /);

    const done = await waitFor("completed", async () => {
      const s = await statusJson();
      return s.rollout.status === "completed" && s;
    });
    expect(done.progress).toMatchObject({ total: 3, activated: 3 });
    const final = await verge(["rollout", "status", "ro-staged"], env);
    expect(final.stdout).toMatch(/status completed\s+plan cli-staged\s+active stage -/);
    expect(final.stdout).toContain("activated 3/3");
    expect(final.stdout).toMatch(/wave-1\s+wave\s+completed\s+2\s+2\s+0\s+0/);

    const events = await verge(["rollout", "events", "ro-staged", "-o", "json"], env);
    const list = (JSON.parse(events.stdout) as { events: Array<{ id: number; type: string; actor: string }> }).events;
    expect(list.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "awaiting_approval", "paused", "resumed", "promoted", "completed"]));
    const after = list.find((e) => e.type === "promoted")!.id;
    const tail = await verge(["rollout", "events", "ro-staged", "--after", String(after)], env);
    expect(tail.stdout).toMatch(/^ID\s+TIME\s+TYPE\s+STAGE\s+ACTOR\s+RULE\s+EXPLANATION\n/);
    expect(tail.stdout).toMatch(/completed\s+-\s+hub\s+-\s+Rollout ro-staged completed: every stage passed\./);
    expect(tail.stdout).not.toContain("promoted");

    const rollouts = await verge(["rollout", "list"], env);
    expect(rollouts.stdout).toMatch(/ro-staged\s+rel-cli\s+cli-staged\s+completed/);
  });
});

describe("verge CLI: cohorts and incidents", () => {
  it("creates cohorts and adds members; a second active canary cohort of the same release is refused with the hub's message (exit 1); incidents open and list", async () => {
    const { h, env } = await hubFor("verge-cli-cohort-");
    for (const id of ["sc-001", "sc-002", "sc-003"]) await enroll(h, id);
    await makeRelease(h, "rel-co");

    const east = await verge(["cohort", "create", "canary-east", "--kind", "canary", "--release", "rel-co", "--device", "sc-001", "--description", "east side"], env);
    expect(east.stderr).toBe("");
    expect(east.code).toBe(0);
    expect(east.stdout).toMatch(/cohort canary-east\s+kind canary\s+release rel-co\s+active yes/);
    expect(east.stdout).toContain("members (1):\n  sc-001");
    const add = await verge(["cohort", "add", "canary-east", "sc-002"], env);
    expect(add).toMatchObject({ code: 0, stdout: "cohort canary-east: added sc-002; 2 member(s) now\n" });
    expect((await verge(["cohort", "create", "canary-west", "--kind", "canary", "--release", "rel-co"], env)).code).toBe(0);

    const refused = await verge(["cohort", "add", "canary-west", "sc-001"], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain('verge: device sc-001 is already in active cohort "canary-east" for release rel-co');
    expect(refused.stderr).toContain("[conflict]");
    // all or nothing: one refused device leaves the cohort as it was, and the CLI says where the cohort stands
    const partly = await verge(["cohort", "add", "canary-west", "sc-003,sc-001"], env);
    expect(partly.code).toBe(1);
    expect(partly.stderr).toContain('device sc-001 is already in active cohort "canary-east"');
    expect(partly.stderr).toContain("None of the 2 devices was added.");
    expect(partly.stderr).toContain("cohort canary-west members now: none");

    const list = await verge(["cohort", "list"], env);
    expect(list.stdout).toMatch(/canary-east\s+canary\s+rel-co\s+yes\s+on\s+2\s+\S+ ago\s+east side/);
    expect(list.stdout).toMatch(/canary-west\s+canary\s+rel-co\s+yes\s+on\s+0/);
    // once canary-east retires, sc-001 is free for canary-west
    expect((await verge(["cohort", "retire", "canary-east"], env)).stdout).toBe("cohort canary-east retired (2 member(s) kept)\n");
    expect((await verge(["cohort", "add", "canary-west", "sc-001"], env)).code).toBe(0);
    expect((await verge(["cohort", "remove", "canary-west", "sc-001"], env)).stdout).toBe("cohort canary-west: removed sc-001; 0 member(s) now\n");
    const show = await verge(["cohort", "show", "canary-east", "-o", "json"], env);
    expect(JSON.parse(show.stdout)).toMatchObject({ cohort: { name: "canary-east", active: false, members: ["sc-001", "sc-002"] } });
    expect((await verge(["cohort", "show", "nope"], env)).code).toBe(5);

    const opened = await verge(["incident", "open", "--severity", "sev2", "--title", "detector loops dropping at site-12", "--release", "rel-co", "--id", "inc-1"], env);
    expect(opened).toMatchObject({ code: 0, stdout: 'incident inc-1 opened: sev2 "detector loops dropping at site-12" on release rel-co\n' });
    const incidents = await verge(["incident", "list", "--status", "open", "-o", "json"], env);
    expect(JSON.parse(incidents.stdout)).toMatchObject({ incidents: [{ id: "inc-1", severity: "sev2", status: "open", releaseId: "rel-co" }] });
    const closed = await verge(["incident", "close", "inc-1", "--reason", "power restored"], env);
    expect(closed.stdout).toBe("incident inc-1 closed: power restored\n");
    expect((await verge(["incident", "list", "--release", "rel-co"], env)).stdout).toMatch(/inc-1\s+sev2\s+closed\s+rel-co/);
    const badSeverity = await verge(["incident", "open", "--severity", "sev9", "--title", "x"], env);
    expect(badSeverity.code).toBe(2);
    expect(badSeverity.stderr).toContain("Allowed choices are sev1, sev2, sev3, sev4");
  });

  it("exit codes for the new commands: missing argument 2, unknown rollout 5, unknown plan name 5", async () => {
    const { h, env } = await hubFor("verge-cli-codes-");
    await makeRelease(h, "rel-x");
    const noId = await verge(["rollout", "promote"], env);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain("missing required argument 'id'");
    expect((await verge(["cohort", "remove", "c"], env)).code).toBe(2);
    expect((await verge(["rollout", "events", "x", "--after", "soon"], env)).code).toBe(2);
    const unknown = await verge(["rollout", "pause", "nope"], env);
    expect(unknown).toMatchObject({ code: 5, stderr: "verge: rollout nope not found [not_found]\n" });
    expect((await verge(["rollout", "status", "nope"], env)).code).toBe(5);
    const noPlan = await verge(["rollout", "plan", "--release", "rel-x", "--plan", "no-such-plan"], env);
    expect(noPlan.code).toBe(5);
    expect(noPlan.stderr).toContain('plan "no-such-plan"');
  });
});
