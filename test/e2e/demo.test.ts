// `npm run demo` as a newcomer runs it: the built demo with its real settings (a hub, 50 simulated devices, a good
// release to completion, a bad one paused at the canary by a KPI rule and rolled back), exit 0, nothing left behind.
// Ctrl-C in the middle cleans up too.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";

const running: Array<() => void> = [];
afterEach(() => {
  for (const kill of running.splice(0)) kill();
});

function demo(args: string[] = []) {
  const child = spawn(process.execPath, ["dist/hub/demo/main.js", ...args], { env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let exited = false;
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const done = new Promise<number>((resolve) => child.once("close", (code) => resolve(code ?? -1)));
  void done.then(() => (exited = true));
  running.push(() => {
    if (!exited) child.kill("SIGKILL");
  });
  return { child, done, out: () => out, err: () => err };
}

/** The temp dir the demo announced ("data in /tmp/verge-demo-XXXXXX (removed at the end)"). */
function dataDirOf(out: string): string {
  const dir = /data in (\S+) \(removed at the end\)/.exec(out)?.[1];
  expect(dir, out).toBeDefined();
  return dir!;
}

describe("npm run demo", () => {
  it("shows a completed rollout and a paused, rolled-back bad release, prints a summary, exits 0 and leaves nothing behind", async () => {
    const startedAt = Date.now();
    const d = demo();
    const code = await d.done;
    const out = d.out();
    expect(code, `${out}\n${d.err()}`).toBe(0);
    expect(d.err()).toBe("");
    expect(Date.now() - startedAt).toBeLessThan(90_000);

    // the timeline: devices, stages starting with progress by state, the good rollout completing
    expect(out).toMatch(/^\[ *\d+\.\ds\] 50 simulated devices enrolled and connected/m);
    for (const stage of ["canary", "pilot", "wave-1", "wave-2"]) expect(out).toMatch(new RegExp(`event ro-2\\.4\\.0 stage_started ${stage}: Stage ${stage} started`));
    expect(out).toMatch(/ {2}wave-1 \[[#-]{10}\] \d+\/22 active \((pending|downloading|verified) \d+/);
    expect(out).toMatch(/event ro-2\.4\.0 completed: Rollout ro-2\.4\.0 completed: every stage passed\./);
    expect(out).toContain("ro-2.4.0 completed: 50/50 devices run rel-2.4.0");

    // the bad release: paused at the canary by the availability rule, with the hub's explanation, and rolled back
    expect(out).toMatch(/event ro-2\.5\.0 PAUSED at canary by rule "availability": availability \d+(\.\d+)?% < 99\.5% \(2 devices, over 10s\)/);
    expect(out).toMatch(/Rule "availability" fired on rollout ro-2\.5\.0: availability of stage canary was/);
    expect(out).toMatch(/event ro-2\.5\.0 rollback_started: Rolling back 2 device\(s\) to their previous release/);
    expect(out).toMatch(/canary \[-{10}\] 0\/2 failed \(rolled back 2\) .* \| rollback 2\/2 confirmed/);
    expect(out).not.toMatch(/event ro-2\.5\.0 stage_started pilot/);

    // the summary
    const summary = out.slice(out.indexOf("\nSummary ("));
    expect(summary).toMatch(/completed: 50\/50 devices activated in \d+\.\d s/);
    expect(summary).toMatch(/paused at canary by rule "availability": availability [\d.]+% < 99\.5%/);
    expect(summary).toContain("rolled back: 2/2 device(s) back on their previous release; 2 of 50 devices ever got the release, 48 never did");
    expect(summary).toContain("fleet now: 50 on rel-2.4.0");

    expect(existsSync(dataDirOf(out))).toBe(false);
  }, 120_000);

  it("Ctrl-C in the middle stops the devices and the hub, removes the temp dir, exit 130", async () => {
    const d = demo(["--devices", "10"]);
    await waitFor("the first stage", () => d.out().includes("stage_started canary"), 60_000);
    const dir = dataDirOf(d.out());
    expect(existsSync(dir)).toBe(true);
    d.child.kill("SIGINT");
    expect(await d.done, d.err()).toBe(130);
    expect(d.out()).toContain("SIGINT: stopping the devices and the hub, removing the temp dir");
    expect(existsSync(dir)).toBe(false);
  }, 90_000);

  it.each([[["--devices", "3"]], [["--devices", "many"]], [["--fast"]]])("bad flags %j: a clear error, exit 2", async (args) => {
    const d = demo(args);
    expect(await d.done).toBe(2);
    expect(d.err()).toMatch(/^error: /);
    expect(d.out()).toBe("");
  });
});
