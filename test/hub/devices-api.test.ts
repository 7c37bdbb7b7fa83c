// The device API over real HTTP: list with filters and pages, each device with its last hour's KPIs (reported by a
// real agent over MQTT) and its place in a running rollout; one device in full; bulk import where a bad row fails alone.
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../../proto/index.js";
import { startTestAgent } from "../helpers/agents.js";
import type { TestAgent } from "../helpers/agents.js";
import { connectAsDevice, enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { baseline, kpiByRelease, makeRelease } from "../helpers/rollouts.js";
import type { Behaviour } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";

interface DeviceView {
  id: string;
  variant: string;
  site: string | null;
  region: string | null;
  corridor: string | null;
  online: boolean;
  lastHeartbeatAt: number | null;
  currentReleaseId: string | null;
  deploymentState: string | null;
  agentVersion: string | null;
  kpi: { windowMs: number; availability: number | null; eventLagP50Ms: number | null; eventLagP95Ms: number | null; droppedRatio: number | null; reports: number } | null;
  rollout: { rolloutId: string; stage: string; state: string; reason: string | null } | null;
}
interface DevicePage {
  devices: DeviceView[];
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}
type ErrorBody = { error: { code: string; message: string } };

let h: TestHub;
let root: string;
let cleanup: () => void;
const agents: TestAgent[] = [];

beforeEach(async () => {
  const t = tempDir("verge-devices-");
  root = t.dir;
  cleanup = t.cleanup;
  h = await startTestHub(join(t.dir, "hub"));
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.agent.stop()));
  await h.stop();
  cleanup();
});

async function list(query = ""): Promise<DevicePage> {
  const res = await h.api<DevicePage>("GET", `/api/devices${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const ids = (p: DevicePage) => p.devices.map((d) => d.id);

describe("GET /api/devices", () => {
  it("filters by variant, site, region, corridor and online, pages with totals, and refuses bad parameters", async () => {
    const fleet: Array<[string, string, Record<string, string>]> = [
      ["sc-001", "sc-x1", { site: "s1", region: "north", corridor: "I-35" }],
      ["sc-002", "sc-x1", { site: "s1", region: "north", corridor: "I-35" }],
      ["sc-003", "sc-x1", { site: "s2", region: "north", corridor: "US-77" }],
      ["sc-004", "sc-x1", { site: "s3", region: "south", corridor: "I-35" }],
      ["vms-001", "vms-a2", { site: "s3", region: "south", corridor: "I-35" }],
    ];
    for (const [id, variant, labels] of fleet) await enroll(h, id, variant, labels);
    agents.push(await startTestAgent(h, root, "sc-005")); // the only one running
    await waitFor("sc-005 online", () => h.hub.repos.devices.get("sc-005")?.online === true);

    const all = await list();
    expect(ids(all)).toEqual(["sc-001", "sc-002", "sc-003", "sc-004", "sc-005", "vms-001"]);
    expect(all).toMatchObject({ page: 1, pageSize: 50, totalCount: 6, totalPages: 1 });
    expect(ids(await list("?region=north"))).toEqual(["sc-001", "sc-002", "sc-003"]);
    expect(ids(await list("?region=south&corridor=I-35"))).toEqual(["sc-004", "vms-001"]);
    expect(ids(await list("?variant=vms-a2"))).toEqual(["vms-001"]);
    expect(ids(await list("?site=s1&corridor=I-35"))).toEqual(["sc-001", "sc-002"]);
    expect(ids(await list("?online=true"))).toEqual(["sc-005"]);
    const offline = await list("?online=false&variant=sc-x1");
    expect(ids(offline)).toEqual(["sc-001", "sc-002", "sc-003", "sc-004"]);
    expect(offline.totalCount).toBe(4);

    const page2 = await list("?pageSize=2&page=2");
    expect(page2).toMatchObject({ page: 2, pageSize: 2, totalCount: 6, totalPages: 3 });
    expect(ids(page2)).toEqual(["sc-003", "sc-004"]);
    const filteredPage = await list("?region=north&pageSize=2&page=2");
    expect(filteredPage).toMatchObject({ totalCount: 3, totalPages: 2 });
    expect(ids(filteredPage)).toEqual(["sc-003"]);
    const beyond = await list("?pageSize=2&page=9");
    expect(beyond).toMatchObject({ devices: [], totalCount: 6, totalPages: 3 });

    for (const [query, message] of [
      ["?pageSize=0", "pageSize: must be a whole number from 1 to 1000"],
      ["?page=1.5", "page: must be a whole number"],
      ["?online=yes", 'online must be "true" or "false"'],
      ["?colour=red", "colour"],
    ] as const) {
      const res = await h.api<ErrorBody>("GET", `/api/devices${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("bad_request");
      expect(res.body.error.message).toContain(message);
    }
  });

  it("shows each device's last-hour KPIs from a real agent, and its active rollout with its state there", async () => {
    const behaviour: Behaviour = { availability: 0.99, lagMs: 300, droppedRatio: 0.01 };
    // the same behaviour with no release installed ("") and on rel-1
    const agent = await startTestAgent(h, root, "sc-kpi", { kpiSource: kpiByRelease({ "": behaviour, "rel-1": behaviour }), kpiIntervalS: 1 });
    agents.push(agent);
    await enroll(h, "sc-idle");
    await makeRelease(h, "rel-1");
    await baseline(h, "ro-base", "rel-1", ["sc-kpi"]);
    await makeRelease(h, "rel-2");
    expect((await h.api("POST", "/api/rollouts", { id: "ro-idle", releaseId: "rel-2", devices: ["sc-idle"] })).status).toBe(201);

    const page = await waitFor("sc-kpi has two KPI reports", async () => {
      const p = await list();
      const d = p.devices.find((x) => x.id === "sc-kpi");
      return (d?.kpi?.reports ?? 0) >= 2 && p;
    });
    const kpiDevice = page.devices.find((d) => d.id === "sc-kpi")!;
    expect(kpiDevice).toMatchObject({ online: true, currentReleaseId: "rel-1", deploymentState: "activated", rollout: null });
    expect(kpiDevice.lastHeartbeatAt).not.toBeNull();
    expect(kpiDevice.agentVersion).not.toBeNull();
    expect(kpiDevice.kpi!.windowMs).toBe(3_600_000);
    expect(kpiDevice.kpi!.availability).toBeCloseTo(0.99, 5);
    expect(kpiDevice.kpi!.droppedRatio).toBeCloseTo(0.01, 5);
    // every event's lag fell in the bucket holding 300 ms: both percentiles lie inside it
    const bucket = lagBucketIndex(300);
    for (const p of [kpiDevice.kpi!.eventLagP50Ms!, kpiDevice.kpi!.eventLagP95Ms!]) {
      expect(p).toBeGreaterThanOrEqual(bucket === 0 ? 0 : LAG_BUCKET_BOUNDS_MS[bucket - 1]!);
      expect(p).toBeLessThanOrEqual(LAG_BUCKET_BOUNDS_MS[bucket]!);
    }
    expect(kpiDevice.kpi!.eventLagP95Ms!).toBeGreaterThanOrEqual(kpiDevice.kpi!.eventLagP50Ms!);

    const idle = page.devices.find((d) => d.id === "sc-idle")!;
    expect(idle).toMatchObject({ online: false, kpi: null, rollout: { rolloutId: "ro-idle", stage: "all", state: "pending", status: "active" } });

    // one device in full: the same view, its last transitions, its running rollout
    const one = await h.api<{ device: DeviceView; transitions: Array<{ state: string; rolloutId: string }>; activeRollout: unknown }>("GET", "/api/devices/sc-kpi");
    expect(one.status).toBe(200);
    expect(one.body.device).toMatchObject({ id: "sc-kpi", currentReleaseId: "rel-1", rollout: null });
    expect(one.body.device.kpi!.reports).toBeGreaterThanOrEqual(2);
    expect(one.body.transitions.filter((t) => t.rolloutId === "ro-base").map((t) => t.state)).toEqual(expect.arrayContaining(["downloading", "verified", "activated"]));
    expect(one.body.transitions.length).toBeLessThanOrEqual(20);
    expect(one.body.activeRollout).toBeNull();
    const idleOne = await h.api<{ activeRollout: unknown }>("GET", "/api/devices/sc-idle");
    expect(idleOne.body.activeRollout).toMatchObject({ rolloutId: "ro-idle", releaseId: "rel-2", status: "active", stage: "all", state: "pending" });
    expect((await h.api("POST", "/api/rollouts/ro-idle/pause", { reason: "wait for the site visit" })).status).toBe(200);
    expect((await list("?online=false")).devices.find((d) => d.id === "sc-idle")!.rollout).toMatchObject({ rolloutId: "ro-idle", status: "paused" });
    expect((await h.api<ErrorBody>("GET", "/api/devices/sc-nope")).status).toBe(404);
  });
});

describe("POST /api/devices/import", () => {
  it("enrolls each good row with its own secret and config, answers a bad row with its error, and audits all three", async () => {
    const res = await h.api<{ results: Array<{ id: string | null; ok: boolean; secret?: string; agentConfig?: string; error?: { code: string; message: string } }> }>(
      "POST",
      "/api/devices/import",
      {
        devices: [
          { id: "imp-001", variant: "sc-x1", site: "s9", region: "east", corridor: "SH-130" },
          { id: "bad id", variant: "sc-x1" },
          { id: "imp-003", variant: "vms-a2" },
        ],
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [first, bad, third] = res.body.results;
    expect(first).toMatchObject({ id: "imp-001", ok: true });
    expect(third).toMatchObject({ id: "imp-003", ok: true });
    expect(bad).toEqual({ id: "bad id", ok: false, error: { code: "bad_request", message: expect.stringContaining("device id: 1-64 characters") as string } });
    expect(first!.secret).not.toBe(third!.secret);
    expect((parseYaml(first!.agentConfig!) as { deviceId: string; secret: string })).toMatchObject({ deviceId: "imp-001", secret: first!.secret });

    const enrolled = await list();
    expect(enrolled.devices.map((d) => [d.id, d.variant, d.site, d.region, d.corridor])).toEqual([
      ["imp-001", "sc-x1", "s9", "east", "SH-130"],
      ["imp-003", "vms-a2", null, null, null],
    ]);
    const client = await connectAsDevice(h, "imp-003", third!.secret!);
    await client.endAsync();

    const audit = h.hub.repos.audit.list().filter((r) => r.action === "device.enroll");
    expect(audit.map((r) => [r.target, r.result]).reverse()).toEqual([
      ["imp-001", "ok"],
      ["bad id", "failed"],
      ["imp-003", "ok"],
    ]);
    for (const r of audit) expect(r.actor).toContain("bootstrap-admin");

    // importing the same device again: answered as a conflict; an empty import and a viewer are refused
    const again = await h.api<{ results: Array<{ ok: boolean; error?: { code: string } }> }>("POST", "/api/devices/import", { devices: [{ id: "imp-001", variant: "sc-x1" }] });
    expect(again.body.results).toEqual([{ id: "imp-001", ok: false, error: { code: "conflict", message: "device imp-001 is already enrolled" } }]);
    expect((await h.api<ErrorBody>("POST", "/api/devices/import", { devices: [] })).status).toBe(400);
    const viewer = h.hub.repos.tokens.create("viewer-1", "viewer", "test", Date.now()).token;
    expect((await h.api("POST", "/api/devices/import", { devices: [{ id: "imp-009", variant: "sc-x1" }] }, viewer)).status).toBe(403);
    expect(h.hub.repos.devices.get("imp-009")).toBeUndefined();
  });
});
