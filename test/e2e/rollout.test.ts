// End to end: a real hub (embedded broker, SQLite, HTTP) and five real agents (mqtt.js sessions, HTTP downloads,
// A/B slots in temp dirs). A release made from a file reaches every device; a tampered artifact does not.
import { randomBytes } from "node:crypto";
import { readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTestAgent, stateNames, useHubWithAgents } from "../helpers/agents.js";
import { waitFor } from "../helpers/wait.js";

const ctx = useHubWithAgents("verge-e2e-");

interface RolloutView {
  rollout: { id: string; status: string; pauseReason: string | null };
  progress: Record<string, number> & { total: number };
  devices: Array<{ deviceId: string; state: string; reason: string | null }>;
}

async function rolloutStatus(id: string): Promise<RolloutView> {
  const res = await ctx.h.api<RolloutView>("GET", `/api/rollouts/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Makes a release from a file on disk, as an operator would. */
async function releaseFromFile(id: string, bytes: Buffer): Promise<string> {
  const file = join(ctx.root, `${id}.bin`);
  writeFileSync(file, bytes);
  const sha = await ctx.h.upload(readFileSync(file));
  const res = await ctx.h.api("POST", "/api/releases", { id, version: id.replace(/^rel-/, ""), variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
  expect(res.status).toBe(201);
  return sha;
}

describe("a signed release travels end to end", () => {
  it("rolls a release made from a file out to 5 agents: every current slot holds the new bytes, 5/5 activated, transitions stored in order", async () => {
    const { h, root } = ctx;
    const agents = await Promise.all(["sc-0001", "sc-0002", "sc-0003", "sc-0004", "sc-0005"].map((id) => startTestAgent(h, root, id)));
    ctx.agents.push(...agents);
    const bytes = randomBytes(512 * 1024);
    await releaseFromFile("rel-2.4.1", bytes);
    const created = await h.api<RolloutView>("POST", "/api/rollouts", { id: "ro-e2e", releaseId: "rel-2.4.1", devices: agents.map((a) => a.id) });
    expect(created.status).toBe(201);

    await waitFor("5/5 activated", async () => (await rolloutStatus("ro-e2e")).progress.activated === 5, 30_000);
    const status = await waitFor("rollout completed", async () => {
      const s = await rolloutStatus("ro-e2e");
      return s.rollout.status === "completed" && s;
    });
    expect(status.progress).toMatchObject({ total: 5, activated: 5, failed: 0, pending: 0 });

    for (const a of agents) {
      expect(readFileSync(join(a.dataDir, "current", "app")).equals(bytes)).toBe(true);
      const stored = h.hub.repos.telemetry.transitions(a.id, "ro-e2e");
      expect(stateNames(stored)).toEqual(["pending", "downloading", "verified", "activated"]);
      const seqs = stored.map((t) => t.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      // the hub holds exactly what the agent emitted
      expect(seqs).toEqual(a.transitions.filter((t) => t.rolloutId === "ro-e2e").map((t) => t.seq));
    }
    // inventory reached the registry: each device reports the new release
    await waitFor("inventory shows the release", () => agents.every((a) => h.hub.repos.devices.get(a.id)?.currentReleaseId === "rel-2.4.1"));
  });

  it("a tampered artifact ends failed with reason checksum and leaves the running slot untouched", async () => {
    const { h, root } = ctx;
    const a = await startTestAgent(h, root, "sc-0100");
    ctx.agents.push(a);
    const good = randomBytes(64 * 1024);
    const sha = await releaseFromFile("rel-3.0.0", good);
    const slotBefore = readlinkSync(join(a.dataDir, "current"));
    // someone with disk access to the hub swaps the stored bytes (same length) after the manifest was signed
    const tampered = Buffer.from(good);
    tampered[100] = tampered[100]! ^ 0xff;
    writeFileSync(join(h.dataDir, "artifacts", sha.slice(0, 2), sha), tampered);

    await h.api("POST", "/api/rollouts", { id: "ro-tamper", releaseId: "rel-3.0.0", devices: [a.id] });
    const s = await waitFor("device failed", async () => {
      const st = await rolloutStatus("ro-tamper");
      return st.devices[0]?.state === "failed" && st;
    });
    expect(s.devices[0]).toMatchObject({ deviceId: a.id, state: "failed", reason: "checksum" });
    // 1 of 1 failed reaches the stage's failure threshold: the rollout stops and says why
    const paused = await waitFor("rollout paused", async () => {
      const st = await rolloutStatus("ro-tamper");
      return st.rollout.status === "paused" && st;
    });
    expect(paused.rollout.pauseReason).toContain("1 of 1 device(s) failed");
    expect(s.progress).toMatchObject({ failed: 1, activated: 0 });
    expect(readlinkSync(join(a.dataDir, "current"))).toBe(slotBefore);
    expect(() => readFileSync(join(a.dataDir, "current", "app"))).toThrow(/ENOENT/);
  });

  it("a device already running the release answers a new rollout with activated (already_installed) and downloads nothing", async () => {
    const { h, root } = ctx;
    const a = await startTestAgent(h, root, "sc-0200");
    ctx.agents.push(a);
    const bytes = randomBytes(128 * 1024);
    await releaseFromFile("rel-4.0.0", bytes);
    await h.api("POST", "/api/rollouts", { id: "ro-first", releaseId: "rel-4.0.0", devices: [a.id] });
    await waitFor("first rollout completed", async () => (await rolloutStatus("ro-first")).rollout.status === "completed");
    const served = await (await fetch(h.hub.addresses.httpUrl + "/metrics")).text();
    const bytesBefore = /verge_artifact_bytes_served_total (\d+)/.exec(served)?.[1];

    await h.api("POST", "/api/rollouts", { id: "ro-again", releaseId: "rel-4.0.0", devices: [a.id] });
    const s = await waitFor("second rollout completed", async () => {
      const st = await rolloutStatus("ro-again");
      return st.rollout.status === "completed" && st;
    });
    expect(s.devices[0]).toMatchObject({ state: "activated", reason: "already_installed" });
    const after = await (await fetch(h.hub.addresses.httpUrl + "/metrics")).text();
    expect(/verge_artifact_bytes_served_total (\d+)/.exec(after)?.[1]).toBe(bytesBefore);
  });
});
