// Every list answer of the API is paged (`?page=&pageSize=`, default 50, at most 1000, 400 beyond) with its totals,
// over real HTTP against a real hub: a device's transitions reported over MQTT, a rollout of 500 devices whose GET
// answer stays small, and each other list route with its defaults and its refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pb, stateToWire, topics } from "../../proto/index.js";
import { verge } from "../helpers/cli.js";
import { connectAsDevice, enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { makeRelease } from "../helpers/rollouts.js";
import { tempDir, waitFor } from "../helpers/wait.js";

interface Page {
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}
type ErrorBody = { error: { code: string; message: string } };

let h: TestHub;
let cleanup: () => void;
const FLEET = 500;
const TRANSITIONS = 1200;

beforeAll(async () => {
  const t = tempDir("verge-paging-");
  cleanup = t.cleanup;
  h = await startTestHub(t.dir);
  const devices = Array.from({ length: FLEET }, (_, i) => ({ id: `pg-${String(i).padStart(4, "0")}`, variant: "sc-x1" }));
  const imported = await h.api("POST", "/api/devices/import", { devices });
  expect(imported.status).toBe(201);
  await makeRelease(h, "rel-page");
  const created = await h.api("POST", "/api/rollouts", { id: "ro-page", releaseId: "rel-page", devices: devices.map((d) => d.id) });
  expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(201);
}, 120_000);

afterAll(async () => {
  await h.stop();
  cleanup();
});

describe("a device's transitions", () => {
  it("come a page at a time in the device's order: default 50, at most 1000, the next page, totals, and a 400 for a bad size", async () => {
    const dev = await enroll(h, "chatty");
    const client = await connectAsDevice(h, dev.id, dev.secret);
    try {
      const states = ["pending", "downloading", "verified"] as const;
      const t0 = Date.now() - TRANSITIONS;
      for (let seq = 1; seq <= TRANSITIONS; seq++) {
        const msg = pb.StateTransition.encode({ deviceId: dev.id, seq, eventTime: t0 + seq, state: stateToWire(states[seq % 3]!), detail: `step ${seq}` }).finish();
        await client.publishAsync(topics.up(dev.id, "state"), Buffer.from(msg), { qos: 1 });
      }
    } finally {
      await client.endAsync();
    }
    const path = `/api/devices/${dev.id}/transitions`;
    await waitFor("all transitions stored", async () => (await h.api<Page>("GET", path)).body.totalCount === TRANSITIONS, 30_000);

    const first = await h.api<Page & { transitions: Array<{ seq: number }> }>("GET", path);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 50, totalCount: TRANSITIONS, totalPages: TRANSITIONS / 50 });
    expect(first.body.transitions.map((t) => t.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    const big = await h.api<Page & { transitions: Array<{ seq: number }> }>("GET", `${path}?pageSize=1000`);
    expect(big.body.transitions).toHaveLength(1000);
    expect(big.body.totalPages).toBe(2);
    const next = await h.api<Page & { transitions: Array<{ seq: number }> }>("GET", `${path}?pageSize=1000&page=2`);
    expect(next.body.transitions.map((t) => t.seq)).toEqual(Array.from({ length: TRANSITIONS - 1000 }, (_, i) => 1001 + i));
    const past = await h.api<Page & { transitions: unknown[] }>("GET", `${path}?pageSize=1000&page=3`);
    expect(past.body).toMatchObject({ transitions: [], page: 3, totalCount: TRANSITIONS });

    for (const [query, message] of [
      ["pageSize=1001", 'pageSize must be a whole number from 1 to 1000, got "1001"'],
      ["pageSize=0", 'pageSize must be a whole number from 1 to 1000, got "0"'],
      ["pageSize=-5", 'pageSize must be a whole number from 1 to 1000, got "-5"'],
      ["page=0", 'page must be a whole number >= 1, got "0"'],
      ["page=two", 'page must be a whole number >= 1, got "two"'],
    ]) {
      const res = await h.api<ErrorBody>("GET", `${path}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toEqual({ code: "bad_request", message });
    }
    // each refusal is counted by route
    const metrics = await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text();
    expect(metrics).toContain('verge_api_bad_requests_total{route="/api/devices/:id/transitions"} 5');
    // the device view shows the last 20 of them, not the whole history
    const shown = await h.api<{ transitions: Array<{ seq: number }> }>("GET", `/api/devices/${dev.id}`);
    expect(shown.body.transitions.map((t) => t.seq)).toEqual(Array.from({ length: 20 }, (_, i) => TRANSITIONS - 19 + i));
  }, 60_000);
});

describe("a rollout of 500 devices", () => {
  it("GET /api/rollouts/{id} carries the counts and only the first 50 devices; ?devices=0 is the summary alone; both stay small", async () => {
    const res = await fetch(`${h.hub.addresses.httpUrl}/api/rollouts/ro-page`, { headers: { authorization: `Bearer ${h.adminToken}` } });
    const text = await res.text();
    const view = JSON.parse(text) as { progress: { total: number }; devices: Array<{ deviceId: string }>; devicesPage: Page };
    expect(view.progress.total).toBe(FLEET);
    expect(view.devices.map((d) => d.deviceId)).toEqual(Array.from({ length: 50 }, (_, i) => `pg-${String(i).padStart(4, "0")}`));
    expect(view.devicesPage).toEqual({ page: 1, pageSize: 50, totalCount: FLEET, totalPages: 10 });
    // every device listed would be ~250 KB; the summary with its first page stays under 64 KB whatever the fleet
    expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024);

    const summary = await fetch(`${h.hub.addresses.httpUrl}/api/rollouts/ro-page?devices=0`, { headers: { authorization: `Bearer ${h.adminToken}` } });
    const summaryText = await summary.text();
    expect(JSON.parse(summaryText)).toMatchObject({ devices: [], devicesPage: { pageSize: 0, totalCount: FLEET }, progress: { total: FLEET } });
    expect(Buffer.byteLength(summaryText)).toBeLessThan(16 * 1024);

    for (const bad of ["-1", "1001", "all"]) {
      const r = await h.api<ErrorBody>("GET", `/api/rollouts/ro-page?devices=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.message).toBe(`devices must be a whole number from 0 to 1000, got "${bad}"`);
    }
  });

  it("its devices come paged from /api/rollouts/{id}/devices: default, maximum, next page, every device once, 400 for a bad size", async () => {
    const path = "/api/rollouts/ro-page/devices";
    const first = await h.api<Page & { devices: Array<{ deviceId: string }> }>("GET", path);
    expect(first.body).toMatchObject({ page: 1, pageSize: 50, totalCount: FLEET, totalPages: 10 });
    expect(first.body.devices).toHaveLength(50);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const p = await h.api<Page & { devices: Array<{ deviceId: string }> }>("GET", `${path}?pageSize=200&page=${page}`);
      expect(p.body).toMatchObject({ page, pageSize: 200, totalCount: FLEET, totalPages: 3 });
      seen.push(...p.body.devices.map((d) => d.deviceId));
    }
    expect(seen).toHaveLength(FLEET);
    expect(new Set(seen).size).toBe(FLEET);
    expect((await h.api<{ devices: unknown[] }>("GET", `${path}?pageSize=1000`)).body.devices).toHaveLength(FLEET);
    const bad = await h.api<ErrorBody>("GET", `${path}?pageSize=5000`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: "bad_request", message: 'pageSize must be a whole number from 1 to 1000, got "5000"' });
  });
});

describe("every other list", () => {
  const lists: Array<[string, string]> = [
    ["/api/devices", "devices"],
    ["/api/releases", "releases"],
    ["/api/rollouts", "rollouts"],
    ["/api/rollouts/ro-page/events", "events"],
    ["/api/incidents", "incidents"],
    ["/api/audit", "records"],
    ["/api/tokens", "tokens"],
    ["/api/cohorts", "cohorts"],
    ["/api/scada", "principals"],
    ["/api/webhooks", "webhooks"],
    ["/api/webhooks/deliveries", "deliveries"],
    ["/api/telemetry/rejections", "rejections"],
    ["/api/devices/pg-0000/diagnostics/bundles", "bundles"],
  ];
  it.each(lists)("%s answers a page with its totals and refuses a page size above 1000", async (path, key) => {
    const res = await h.api<Page & Record<string, unknown>>("GET", path);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(Array.isArray(res.body[key])).toBe(true);
    expect(res.body).toMatchObject({ page: 1, pageSize: 50, totalCount: expect.any(Number) as number, totalPages: expect.any(Number) as number });
    expect((res.body[key] as unknown[]).length).toBeLessThanOrEqual(50);
    const small = await h.api<Page & Record<string, unknown>>("GET", `${path}?pageSize=1`);
    expect((small.body[key] as unknown[]).length).toBe(Math.min(1, res.body.totalCount));
    expect(small.body.totalPages).toBe(Math.max(1, res.body.totalCount));
    const bad = await h.api<ErrorBody>("GET", `${path}?pageSize=1001`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("bad_request");
    expect(bad.body.error.message).toContain("pageSize");
  });
});

describe("the CLI reads every page where it shows a whole list", () => {
  it("rollout status -o json has all 500 devices, device show --all-transitions all 1,200, audit list --all every record", async () => {
    const env = { VERGE_HUB_URL: h.hub.addresses.httpUrl, VERGE_TOKEN: h.adminToken };
    const status = await verge(["rollout", "status", "ro-page", "-o", "json"], env);
    expect(status.code, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout) as { devices: Array<{ deviceId: string }>; progress: { total: number } };
    expect(view.devices).toHaveLength(FLEET);
    expect(new Set(view.devices.map((d) => d.deviceId)).size).toBe(FLEET);

    const shown = await verge(["device", "show", "chatty", "-o", "json"], env);
    expect((JSON.parse(shown.stdout) as { transitions: unknown[] }).transitions).toHaveLength(20);
    const all = await verge(["device", "show", "chatty", "--all-transitions", "-o", "json"], env);
    expect(all.code, all.stderr).toBe(0);
    expect((JSON.parse(all.stdout) as { transitions: Array<{ seq: number }> }).transitions.map((t) => t.seq)).toEqual(Array.from({ length: TRANSITIONS }, (_, i) => i + 1));

    const total = (await h.api<Page>("GET", "/api/audit")).body.totalCount;
    expect(total).toBeGreaterThan(FLEET);
    const records = await verge(["audit", "list", "--all", "-o", "json"], env);
    expect((JSON.parse(records.stdout) as { records: unknown[] }).records).toHaveLength(total);
    const limited = await verge(["audit", "list", "--limit", "300"], env);
    expect(limited.stdout.trimEnd().split("\n").at(-1)).toBe(`300 of ${total} records: --limit N or --all for more`);
  }, 60_000);
});
