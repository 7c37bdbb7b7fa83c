// The built `verge` binary for remote diagnostics, as an operator would use it after a failed deployment: a real hub
// (broker, SQLite), a real agent whose health check fails on the new release, `verge device diag collect --wait`,
// `list` and `get --out`, and a bundle whose contents show the failure. A viewer reads bundles but cannot ask for one.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readBundle } from "../helpers/bundle.js";
import { startTestAgent } from "../helpers/agents.js";
import { startTestHub, token } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { makeRelease, waitForStatus } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";
import { verge } from "../helpers/cli.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function subscribedToCommands(h: TestHub, id: string): Promise<boolean> {
  const { persistence } = h.hub.broker.aedes as unknown as { persistence: { subscriptionsByClient(c: { id: string }): Promise<Array<{ topic: string }>> } };
  return (await persistence.subscriptionsByClient({ id })).some((s) => s.topic === `verge/v1/devices/${id}/cmd`);
}

describe("verge device diag", () => {
  it("after a release fails its health check on a device: collect --wait, list, get --out; the bundle shows the failure; a viewer fetches but cannot collect (403, audited)", async () => {
    const t = tempDir("verge-cli-diag-");
    cleanups.push(t.cleanup);
    const h = await startTestHub(join(t.dir, "hub"), { rollout: { evaluateCron: "* * * * * *" } });
    cleanups.push(() => h.stop());
    const home = join(t.dir, "home");
    mkdirSync(home);
    const agent = await startTestAgent(h, join(t.dir, "dev"), "sc-fail", {
      logToDisk: {},
      healthCheck: (target) => Promise.resolve(target.releaseId === "rel-bad" ? { ok: false as const, detail: "controller app exited with status 3" } : { ok: true as const }),
      extraConfig: { healthCheck: { intervalS: 0.1, spanS: 0.3 }, diagnostics: { retryMinMs: 20, retryMaxMs: 200 } },
    });
    cleanups.push(() => agent.agent.stop());
    await waitFor("sc-fail subscribed to its commands", () => subscribedToCommands(h, "sc-fail"));

    await makeRelease(h, "rel-bad");
    expect((await h.api("POST", "/api/rollouts", { id: "ro-bad", releaseId: "rel-bad", devices: ["sc-fail"] })).status).toBe(201);
    await waitForStatus(h, "ro-bad", "rolled back after its health check", (s) => s.devices[0]?.state === "rolled_back");

    const base = { HOME: home, VERGE_HUB_URL: h.hub.addresses.httpUrl };
    const operator = { ...base, VERGE_TOKEN: await token(h, "on-call", "operator") };
    const viewer = { ...base, VERGE_TOKEN: await token(h, "wall-screen", "viewer") };

    const collected = await verge(["device", "diag", "collect", "sc-fail", "--wait", "--timeout", "60s", "--interval", "200ms", "--reason", "rel-bad rolled back"], operator);
    expect(collected.code, collected.stderr).toBe(0);
    const [, bundleId] = /^bundle (dg-\S+) of sc-fail complete: [\d.]+ KiB, sha256 [0-9a-f]{64}\n/.exec(collected.stdout) ?? [];
    expect(bundleId, collected.stdout).toBeDefined();
    expect(collected.stdout).toContain(`fetch it: verge device diag get sc-fail ${bundleId}`);
    expect(collected.stdout).toContain(`url: ${h.hub.addresses.httpUrl}/api/devices/sc-fail/diagnostics/bundles/${bundleId}`);
    expect(collected.stderr).toContain(`${bundleId}: complete`);

    // the hub asked on its own when the device rolled back; both are listed, newest first
    const list = await verge(["device", "diag", "list", "sc-fail"], viewer);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^BUNDLE\s+STATUS\s+TRIGGER\s+REQUESTED\s+BY\s+SIZE\s+ROLLOUT\s+WHY\n/);
    expect(list.stdout).toMatch(new RegExp(`${bundleId}\\s+complete\\s+operator\\s+\\d+s ago\\s+token:\\S+\\(on-call\\)\\s+[\\d.]+ KiB\\s+ro-bad\\s+rel-bad rolled back`));
    expect(list.stdout).toMatch(/dg-\S+\s+\S+\s+auto\s+\d+s ago\s+hub\s+.*ro-bad\s+rolled_back \(health_check\) in rollout ro-bad of rel-bad/);

    // the newest complete bundle, fetched by a viewer into a file of its choosing
    const out = join(t.dir, "sc-fail.tar.gz");
    const got = await verge(["device", "diag", "get", "sc-fail", "--out", out], viewer);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toMatch(new RegExp(`^wrote ${out}: bundle dg-\\S+ of sc-fail, [\\d.]+ KiB, sha256 checked\\n  open it: tar xzf ${out}\\n$`));
    const { files } = await readBundle(readFileSync(out));
    const state = JSON.parse(files.get("state.json")!) as { deployment: Record<string, unknown>; installed: { currentReleaseId: string } };
    expect(state.deployment).toMatchObject({ rolloutId: "ro-bad", releaseId: "rel-bad", state: "rolled_back", reason: "health_check" });
    const log = files.get("logs/agent.log")!;
    expect(log).toContain("controller app exited with status 3");
    expect(log).toMatch(/"releaseId":"rel-bad".*"to":"rolled_back"/);
    expect(JSON.parse(files.get("transitions.json")!)).toEqual(expect.arrayContaining([expect.objectContaining({ releaseId: "rel-bad", state: "rolling_back", reason: "health_check" })]));

    // a named bundle, never over an existing file; JSON for scripts
    const named = await verge(["device", "diag", "get", "sc-fail", bundleId!, "--out", out], viewer);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain("already exists (not overwritten)");
    const json = await verge(["device", "diag", "get", "sc-fail", bundleId!, "-o", "json"], viewer, t.dir);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ deviceId: "sc-fail", bundleId, file: `sc-fail-${bundleId}.tar.gz` });
    expect(existsSync(join(t.dir, `sc-fail-${bundleId}.tar.gz`))).toBe(true);

    // a viewer cannot ask a device for anything: refused, exit 4, and the attempt is in the audit log
    const denied = await verge(["device", "diag", "collect", "sc-fail"], viewer);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain("needs role operator");
    const audit = await verge(["audit", "list", "--target", "sc-fail", "--result", "denied", "-o", "json"], { ...base, VERGE_TOKEN: h.adminToken });
    expect(audit.code, audit.stderr).toBe(0);
    const records = (JSON.parse(audit.stdout) as { records: Array<{ actor: string; action: string; result: string }> }).records;
    expect(records).toEqual([expect.objectContaining({ action: "POST /api/devices/:id/diagnostics/bundles", result: "denied", actor: expect.stringContaining("wall-screen") as unknown })]);

    // the rollout's status names the bundle of its failed device and how to fetch it
    const rollout = await verge(["rollout", "status", "ro-bad"], viewer);
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(rollout.stdout).toMatch(/DIAGNOSTICS \(bundles asked during this rollout\)\nDEVICE\s+BUNDLE\s+STATUS\s+FETCH\nsc-fail\s+dg-\S+\s+\w+\s+verge device diag get sc-fail dg-\S+ --out sc-fail.tar.gz/);

    // an unknown device: exit 5
    const missing = await verge(["device", "diag", "list", "sc-nope"], viewer);
    expect(missing.code).toBe(5);
  }, 90_000);
});
