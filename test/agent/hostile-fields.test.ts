// Hub->device fields that reach a path, a topic or a check command, signed by a trusted key but hostile (a leaked
// release key): refused with the field named, counted, logged, and nothing outside the agent's data dir is touched.
// Also desired states and commands without an expiry (expiresAt 0, proto3's "not set"): refused, never eternal.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { startAgent } from "../../device-agent/agent.js";
import type { Agent } from "../../device-agent/agent.js";
import { pb } from "../../proto/index.js";
import { capturingLogger, waitFor } from "../helpers/wait.js";
import { appManifest, installDesired, stateName, useAgentFixture } from "./harness.js";

const DEVICE = "sc-0001";
const f = useAgentFixture(DEVICE);

/** Every file, dir and link under `root` except `skip` (the data dir), with the bytes' sha256 for files. */
function tree(root: string, skip: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (path === skip) continue;
      const st = lstatSync(path);
      const key = relative(root, path);
      if (st.isDirectory()) {
        out[key] = "dir";
        walk(path);
      } else if (st.isSymbolicLink()) {
        out[key] = "link";
      } else {
        out[key] = `${st.size}:${createHash("sha256").update(readFileSync(path)).digest("hex")}:${st.mtimeMs}`;
      }
    }
  };
  walk(root);
  return out;
}

/**
 * The agent's data dir two levels down (<site>/inner/agent), with sentinel files where a `../../x` joined to
 * downloads/ would land (<site>/inner/x and x.part) and beside it.
 */
async function agentWithSentinels(): Promise<{ agent: Agent; site: string; dataDir: string; lines: Array<Record<string, unknown>> }> {
  const site = join(f.workDir, "site");
  const dataDir = join(site, "inner", "agent");
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(site, "inner", "neighbour"));
  writeFileSync(join(site, "inner", "x"), "sentinel x: must keep these bytes\n");
  writeFileSync(join(site, "inner", "x.part"), "sentinel x.part\n");
  writeFileSync(join(site, "inner", "y"), "sentinel y\n");
  writeFileSync(join(site, "inner", "neighbour", "app"), "another program's file\n");
  writeFileSync(join(site, "outside.txt"), "sentinel outside\n");
  const { logger, lines } = capturingLogger();
  const config = f.hub.agentConfig({ deviceId: DEVICE, dataDir, mqttUrl: f.broker.url, httpUrl: f.artifacts.baseUrl });
  const agent = await startAgent(config, { logger });
  f.agents.push(agent);
  return { agent, site, dataDir, lines };
}

describe("agent: hostile manifest fields", () => {
  it.each([
    ["a sha256 that is a path (../../x)", (_sha: string, url: string) => ({ name: "app", sha256: "../../x", url }), "components[0].sha256", void 0],
    ["an uppercase sha256", (sha: string, url: string) => ({ name: "app", sha256: sha.toUpperCase(), url }), "components[0].sha256", void 0],
    ["a component name that is a path (../../y)", (sha: string, url: string) => ({ name: "../../y", sha256: sha, url }), "components[0].name", void 0],
    ["a file: URL", (sha: string) => ({ name: "app", sha256: sha, url: "file:///etc/passwd" }), "components[0].urls[0]", void 0],
  ])("a manifest signed by the release key with %s is refused (bad_manifest, the field named) and nothing outside the data dir is touched", async (_name, component, field) => {
    const bytes = randomBytes(8 * 1024);
    const real = f.artifacts.add(bytes);
    const { sha256, url, name } = { ...component(real.sha256, real.url) };
    const manifest = appManifest("rel-2", 2, real);
    manifest.components = [{ name, version: "1.2.0", size: bytes.length, sha256, urls: [url] }];
    const { agent, site, dataDir, lines } = await agentWithSentinels();
    const before = tree(site, dataDir);

    await f.hub.publishManifest(manifest);
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2"));
    const failed = await waitFor("failed transition", () => f.hub.transitions.find((t) => t.deviceId === DEVICE && stateName(t.state) === "failed"));

    expect(failed).toMatchObject({ releaseId: "rel-2", reason: "bad_manifest" });
    expect(failed.detail).toContain(field);
    expect(f.hub.states(DEVICE)).toEqual(["pending", "failed"]);
    expect(agent.rejected.bad_manifest).toBe(1);
    expect(lines.find((l) => l.msg === "hub message rejected" && l.reason === "bad_manifest")?.detail).toContain(field);
    // nothing downloaded, nothing installed, and every byte around the data dir as it was
    expect(existsSync(join(dataDir, "downloads")) ? readdirSync(join(dataDir, "downloads")) : []).toEqual([]);
    expect(readdirSync(join(dataDir, "slots", "b"))).toEqual([]);
    expect(tree(site, dataDir)).toEqual(before);
    expect(readFileSync(join(site, "inner", "x"), "utf8")).toBe("sentinel x: must keep these bytes\n");
    // the agent keeps running: a good manifest under a new release is followed
    const good = f.artifacts.add(randomBytes(4 * 1024));
    await f.hub.publishManifest(appManifest("rel-3", 3, good));
    await f.hub.publishDesired(installDesired(DEVICE, 2, "rel-3"));
    await waitFor("rel-3 activated", () => f.hub.states(DEVICE, "rel-3").includes("activated"));
    expect(readFileSync(join(dataDir, "current", "app")).equals(good.bytes)).toBe(true);
    expect(tree(site, dataDir)).toEqual(before);
  });

  it("a desired state whose rollout or release id is not an id is refused (bad_desired_state), nothing reported", async () => {
    const { agent, lines } = await agentWithSentinels();
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { rolloutId: "../../ro" }));
    await waitFor("bad_desired_state counted", () => agent.rejected.bad_desired_state === 1);
    await f.hub.publishDesired(installDesired(DEVICE, 2, "rel/2+#"));
    await waitFor("second bad_desired_state counted", () => agent.rejected.bad_desired_state === 2);
    expect(lines.filter((l) => l.reason === "bad_desired_state").map((l) => l.detail)).toEqual([
      expect.stringContaining("rolloutId"),
      expect.stringContaining("releaseId"),
    ]);
    expect(agent.snapshot().desired).toBeNull();
    expect(f.hub.transitions.filter((t) => t.deviceId === DEVICE)).toEqual([]);
  });
});

describe("agent: no expiry is not for ever", () => {
  it("a desired state with expiresAt 0 is refused (no_expiry); one with an expiry is followed", async () => {
    const { agent, lines } = await agentWithSentinels();
    const app = f.artifacts.add(randomBytes(4 * 1024));
    await f.hub.publishManifest(appManifest("rel-2", 2, app));
    await f.hub.publishDesired(installDesired(DEVICE, 1, "rel-2", { expiresAt: 0 }));
    await waitFor("no_expiry counted", () => agent.rejected.no_expiry === 1);
    expect(lines.find((l) => l.reason === "no_expiry")?.detail).toContain("expiresAt 0");
    expect(agent.snapshot().desired).toBeNull();
    expect(f.hub.transitions.filter((t) => t.deviceId === DEVICE)).toEqual([]);

    await f.hub.publishDesired(installDesired(DEVICE, 2, "rel-2"));
    await waitFor("activated", () => f.hub.states(DEVICE).includes("activated"));
    expect(f.hub.states(DEVICE)).toEqual(["pending", "downloading", "verified", "activated"]);
  });

  it("a command with expiresAt 0 is refused (no_expiry) and acked REJECTED; so is one naming a release that is not an id (bad_command)", async () => {
    const { agent } = await agentWithSentinels();
    await waitFor("agent connected", () => agent.connected);
    const base = { deviceId: DEVICE, type: pb.CommandType.COMMAND_TYPE_REPORT_INVENTORY, issuedAt: Date.now() };
    await f.hub.sendCommand({ ...base, commandId: "c-1", seq: 1, expiresAt: 0 });
    await f.hub.sendCommand({ ...base, commandId: "c-2", seq: 2, expiresAt: Date.now() + 60_000, type: pb.CommandType.COMMAND_TYPE_ROLLBACK, releaseId: "../rel" });
    await f.hub.sendCommand({ ...base, commandId: "c-3", seq: 3, expiresAt: Date.now() + 60_000 });
    await waitFor("three acks", () => f.hub.acks.filter((a) => a.deviceId === DEVICE).length >= 3);
    const acks = f.hub.acks.filter((a) => a.deviceId === DEVICE).map((a) => ({ commandId: a.commandId, status: a.status, reason: a.reason }));
    expect(acks).toEqual([
      { commandId: "c-1", status: pb.AckStatus.ACK_STATUS_REJECTED, reason: "no_expiry" },
      { commandId: "c-2", status: pb.AckStatus.ACK_STATUS_REJECTED, reason: "bad_command" },
      { commandId: "c-3", status: pb.AckStatus.ACK_STATUS_DONE, reason: "" },
    ]);
    expect(agent.rejected).toMatchObject({ no_expiry: 1, bad_command: 1 });
  });
});
