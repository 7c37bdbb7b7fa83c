// Remote diagnostics end to end: a real hub (broker, SQLite, HTTP) asks real agents for bundles of their logs and
// state; the agents upload them resumably, through a link that keeps dropping too; the hub refuses wrong
// credentials, another device's bundle, oversize bundles and uploads its disk cannot hold; a failed deployment gets
// its bundle on its own, linked from the rollout.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { HubConfigInput } from "../../hub/config.js";
import type { BundleView } from "../../hub/services/diagnostics.service.js";
import { readBundle } from "../helpers/bundle.js";
import { startTestAgent } from "../helpers/agents.js";
import type { StartTestAgentOptions, TestAgent } from "../helpers/agents.js";
import { enroll, startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { parsePrometheusText, sumOf } from "../helpers/prom-parse.js";
import { makeRelease, status, waitForStatus } from "../helpers/rollouts.js";
import type { StatusView } from "../helpers/rollouts.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function hubFor(prefix: string, overrides: Partial<HubConfigInput> = {}): Promise<{ h: TestHub; dir: string }> {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  const h = await startTestHub(join(t.dir, "hub"), { rollout: { evaluateCron: "* * * * * *" }, ...overrides });
  cleanups.push(() => h.stop());
  return { h, dir: t.dir };
}

/** A real agent logging to its own data dir as verge-agent does, with quick upload retries. */
async function agentFor(h: TestHub, dir: string, id: string, opts: StartTestAgentOptions = {}): Promise<TestAgent> {
  const { diagnostics, ...extra } = (opts.extraConfig ?? {}) as { diagnostics?: Record<string, unknown> };
  const a = await startTestAgent(h, join(dir, "dev"), id, {
    logToDisk: {},
    ...opts,
    extraConfig: { ...extra, diagnostics: { retryMinMs: 20, retryMaxMs: 200, ...diagnostics } },
  });
  cleanups.push(() => a.agent.stop());
  // A command is only delivered once the broker holds the device's subscription to its command topic.
  await waitFor(`${id} subscribed to its commands`, () => subscribedToCommands(h, id));
  return a;
}

async function subscribedToCommands(h: TestHub, id: string): Promise<boolean> {
  const { persistence } = h.hub.broker.aedes as unknown as { persistence: { subscriptionsByClient(c: { id: string }): Promise<Array<{ topic: string }>> } };
  return (await persistence.subscriptionsByClient({ id })).some((s) => s.topic === `verge/v1/devices/${id}/cmd`);
}

async function collect(h: TestHub, id: string, body: unknown = {}, token?: string): Promise<{ status: number; body: { bundle: BundleView; error?: { code: string; message: string } } }> {
  return h.api("POST", `/api/devices/${id}/diagnostics/bundles`, body, token);
}

async function bundles(h: TestHub, id: string): Promise<BundleView[]> {
  const res = await h.api<{ bundles: BundleView[] }>("GET", `/api/devices/${id}/diagnostics/bundles`);
  expect(res.status).toBe(200);
  return res.body.bundles;
}

async function waitForBundle(h: TestHub, id: string, bundleId: string, until: BundleView["status"][] = ["complete"], timeoutMs = 30_000): Promise<BundleView> {
  return waitFor(
    `bundle ${bundleId} of ${id} ${until.join("|")}`,
    async () => {
      const b = (await bundles(h, id)).find((x) => x.bundleId === bundleId);
      return b && until.includes(b.status) && b;
    },
    timeoutMs,
  );
}

async function download(h: TestHub, url: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${h.adminToken}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

async function metric(h: TestHub, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sumOf(parsePrometheusText(await (await fetch(`${h.hub.addresses.httpUrl}/metrics`)).text()), name, labels);
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

describe("remote diagnostics", () => {
  it("a device uploads a bundle of its logs and state: it opens with tar, shows the release it runs, and keeps its secret out", async () => {
    const { h, dir } = await hubFor("verge-diag-");
    const agent = await agentFor(h, dir, "sc-diag");
    await makeRelease(h, "rel-1");
    expect((await h.api("POST", "/api/rollouts", { id: "ro-1", releaseId: "rel-1", devices: ["sc-diag"] })).status).toBe(201);
    await waitForStatus(h, "ro-1", "activated", (s) => s.devices[0]?.state === "activated");

    const asked = await collect(h, "sc-diag", { reason: "checking the logs" });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body.bundle).toMatchObject({ deviceId: "sc-diag", trigger: "operator", reason: "checking the logs" });
    const done = await waitForBundle(h, "sc-diag", asked.body.bundle.bundleId);
    expect(done.size).toBeGreaterThan(0);
    expect(done.received).toBe(done.size);

    const got = await download(h, done.url);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/gzip");
    expect(got.bytes.length).toBe(done.size);
    const { top, files } = await readBundle(got.bytes);
    expect(top).toBe(`sc-diag-${done.bundleId}`);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(["bundle.json", "README.txt", "state.json", "transitions.json", "config.json", "slots.json", "downloads.json", "logs/agent.log"]),
    );
    const state = JSON.parse(files.get("state.json")!) as { deployment: { releaseId: string; state: string }; installed: { currentReleaseId: string } };
    expect(state.installed.currentReleaseId).toBe("rel-1");
    expect(state.deployment).toMatchObject({ releaseId: "rel-1", state: "activated" });
    expect(files.get("logs/agent.log")).toContain('"msg":"release activated"');
    expect(JSON.parse(files.get("transitions.json")!)).toEqual(expect.arrayContaining([expect.objectContaining({ releaseId: "rel-1", state: "activated" })]));
    const slotRelease = [...files.entries()].find(([name, text]) => /^slots\/[ab]\/release\.json$/.test(name) && text.includes("rel-1"));
    expect(slotRelease).toBeDefined();
    const downloads = JSON.parse(files.get("downloads.json")!) as Array<{ name: string; size: number }>;
    expect(downloads).toEqual([expect.objectContaining({ size: 16 * 1024 })]);
    expect(JSON.parse(files.get("config.json")!)).toMatchObject({ deviceId: "sc-diag", secret: "[redacted]" });
    for (const [name, text] of files) expect(text.includes(agent.config.secret), `${name} holds the device secret`).toBe(false);
    expect(JSON.parse(files.get("bundle.json")!)).toMatchObject({ deviceId: "sc-diag", bundleId: done.bundleId, agentVersion: expect.any(String) as unknown });

    // the device's diagnostics view links it; collect and get are audited; the metrics count it
    const view = await h.api<{ bundles: BundleView[] }>("GET", "/api/devices/sc-diag/diagnostics");
    expect(view.body.bundles[0]).toMatchObject({ bundleId: done.bundleId, status: "complete", url: done.url });
    const audit = await h.api<{ records: Array<{ action: string; target: string; result: string }> }>("GET", "/api/audit?target=sc-diag");
    expect(audit.body.records.map((r) => r.action)).toEqual(expect.arrayContaining(["device.diag.collect", "device.diag.get"]));
    expect(await metric(h, "verge_diagnostics_bundles_requested_total", { trigger: "operator" })).toBe(1);
    expect(await metric(h, "verge_diagnostics_bundles_completed_total")).toBe(1);
    expect(await metric(h, "verge_diagnostics_upload_bytes_total")).toBe(done.size);
  });

  it("the upload resumes from the hub's offset through a link cut every 48 KB: every byte crosses once", async () => {
    const { h, dir } = await hubFor("verge-diag-cut-");
    const proxy = await startTcpProxy(Number(new URL(h.hub.addresses.httpUrl).port));
    cleanups.push(() => proxy.close());
    // an application log that does not compress: the bundle is ~400 KB on the wire
    const appLog = join(dir, "app.log");
    writeFileSync(appLog, randomBytes(400 * 1024).toString("base64"));
    await agentFor(h, dir, "sc-cut", { httpUrl: proxy.url("http"), extraConfig: { diagnostics: { include: [appLog] } } });
    proxy.cutEvery(48 * 1024, "up");

    const asked = await collect(h, "sc-cut");
    const done = await waitForBundle(h, "sc-cut", asked.body.bundle.bundleId, ["complete"], 60_000);
    expect(done.size).toBeGreaterThan(400 * 1024);
    expect(proxy.cuts()).toBeGreaterThanOrEqual(Math.floor(done.size! / (48 * 1024)));
    // resumed, not restarted: the hub stored each byte once, and the bundle checks out
    expect(await metric(h, "verge_diagnostics_upload_bytes_total")).toBe(done.size);
    const { files } = await readBundle((await download(h, done.url)).bytes);
    expect(files.get("logs/include/app.log")?.length).toBe(Math.ceil((400 * 1024) / 3) * 4);
  }, 90_000);

  it("refuses wrong credentials (401, counted), another device's bundle (403), a bundle over the limit (413), a resume at the wrong offset (409) and bytes that do not match their sha256", async () => {
    const { h } = await hubFor("verge-diag-auth-", { diagnostics: { maxBundleBytes: 64 * 1024 } });
    const quiet = await enroll(h, "sc-quiet"); // never runs an agent: the test speaks for it
    const other = await enroll(h, "sc-other");
    const asked = await collect(h, "sc-quiet");
    expect(asked.status).toBe(201);
    const url = `${h.hub.addresses.httpUrl}/diagnostics/${asked.body.bundle.bundleId}`;
    const put = (auth: string | undefined, body: Buffer, range: string, sha: string) =>
      fetch(url, {
        method: "PUT",
        headers: { ...(auth ? { authorization: auth } : {}), "content-type": "application/octet-stream", "content-range": range, "x-verge-sha256": sha },
        body,
      });
    const head = (auth: string | undefined) => fetch(url, { method: "HEAD", headers: auth ? { authorization: auth } : {} });

    expect((await head(undefined)).status).toBe(401);
    const wrong = await put(basic("sc-quiet", "not-the-secret"), Buffer.from("x"), "bytes 0-0/1", "0".repeat(64));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Basic");
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    expect(await metric(h, "verge_diagnostics_upload_denied_total", { reason: "bad_credentials" })).toBe(1);
    const foreign = await put(basic("sc-other", other.secret), Buffer.from("x"), "bytes 0-0/1", "0".repeat(64));
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toContain("not asked of device sc-other");
    expect(await metric(h, "verge_diagnostics_upload_denied_total", { reason: "other_device" })).toBe(1);

    const own = basic("sc-quiet", quiet.secret);
    const first = await head(own);
    expect(first.status).toBe(200);
    expect(first.headers.get("upload-offset")).toBe("0");

    // the bytes, in two chunks; the second first at a wrong offset
    const bytes = randomBytes(40 * 1024);
    const { createHash } = await import("node:crypto");
    const sha = createHash("sha256").update(bytes).digest("hex");
    const half = 16 * 1024;
    expect((await put(own, bytes.subarray(0, half), `bytes 0-${half - 1}/${bytes.length}`, sha)).status).toBe(200);
    expect((await head(own)).headers.get("upload-offset")).toBe(String(half));
    const gap = await put(own, bytes.subarray(half + 10), `bytes ${half + 10}-${bytes.length - 1}/${bytes.length}`, sha);
    expect(gap.status).toBe(409);
    expect(((await gap.json()) as { error: { message: string } }).error.message).toContain(`resume at byte ${half}`);
    const rest = await put(own, bytes.subarray(half), `bytes ${half}-${bytes.length - 1}/${bytes.length}`, sha);
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({ complete: true, offset: bytes.length });
    expect((await download(h, asked.body.bundle.url)).bytes.equals(bytes)).toBe(true);

    // over the hub's limit: refused before any byte, and the bundle ends failed
    const big = await collect(h, "sc-quiet");
    const bigUrl = `${h.hub.addresses.httpUrl}/diagnostics/${big.body.bundle.bundleId}`;
    const tooLarge = await fetch(bigUrl, {
      method: "PUT",
      headers: { authorization: own, "content-type": "application/octet-stream", "content-range": `bytes 0-0/${1024 * 1024}`, "x-verge-sha256": sha },
      body: Buffer.from("x"),
    });
    expect(tooLarge.status).toBe(413);
    expect((await bundles(h, "sc-quiet")).find((b) => b.bundleId === big.body.bundle.bundleId)).toMatchObject({ status: "failed", statusReason: "too_large" });

    // bytes that do not hash to what was declared: dropped, never complete
    const bad = await collect(h, "sc-quiet");
    const badUrl = `${h.hub.addresses.httpUrl}/diagnostics/${bad.body.bundle.bundleId}`;
    const mismatch = await fetch(badUrl, {
      method: "PUT",
      headers: { authorization: own, "content-type": "application/octet-stream", "content-range": `bytes 0-${bytes.length - 1}/${bytes.length}`, "x-verge-sha256": "ab".repeat(32) },
      body: bytes,
    });
    expect(mismatch.status).toBe(400);
    const failed = (await bundles(h, "sc-quiet")).find((b) => b.bundleId === bad.body.bundle.bundleId)!;
    expect(failed).toMatchObject({ status: "failed", statusReason: "checksum" });
    const refused = await download(h, failed.url);
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.bytes.toString())).toMatchObject({ error: { code: "conflict" } });
    const stored = readdirSync(join(h.dataDir, "diagnostics"));
    expect(stored).toEqual([`${asked.body.bundle.bundleId}.tar.gz`]);
  });

  it("a hub whose disk cannot take the bundle refuses it (507): the bundle ends failed with the hub's reason, nothing is stored", async () => {
    const { h, dir } = await hubFor("verge-diag-full-", { diagnostics: { minFreeBytes: 2 ** 50 } });
    await agentFor(h, dir, "sc-full");
    const asked = await collect(h, "sc-full");
    const failed = await waitForBundle(h, "sc-full", asked.body.bundle.bundleId, ["failed"]);
    expect(failed.statusReason).toBe("hub_disk_full");
    expect(failed.statusDetail).toContain("diagnostics.minFreeBytes");
    expect(readdirSync(join(h.dataDir, "diagnostics"))).toEqual([]);
    expect(await metric(h, "verge_diagnostics_bundles_failed_total", { reason: "hub_disk_full" })).toBe(1);
    // the device answered the command as failed too
    await waitFor("the device's FAILED ack", () => h.hub.db.prepare("SELECT 1 FROM command_acks WHERE command_id = ? AND status = 'ACK_STATUS_FAILED' AND reason = 'hub_storage'").get(asked.body.bundle.bundleId));
  });

  it("keeps the newest bundles of a device (diagnostics.keepPerDevice) and deletes the older ones with their files", async () => {
    const { h, dir } = await hubFor("verge-diag-keep-", { diagnostics: { keepPerDevice: 2 } });
    await agentFor(h, dir, "sc-keep");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const asked = await collect(h, "sc-keep");
      await waitForBundle(h, "sc-keep", asked.body.bundle.bundleId);
      ids.push(asked.body.bundle.bundleId);
    }
    expect((await bundles(h, "sc-keep")).map((b) => b.bundleId)).toEqual([ids[2], ids[1]]);
    expect(readdirSync(join(h.dataDir, "diagnostics")).sort()).toEqual([`${ids[1]}.tar.gz`, `${ids[2]}.tar.gz`].sort());
    expect((await download(h, `${h.hub.addresses.httpUrl}/api/devices/sc-keep/diagnostics/bundles/${ids[0]}`)).status).toBe(404);
  });

  it("a device that rolls back after a failed health check gets its diagnostics collected on its own, linked from the rollout event and device view", async () => {
    const { h, dir } = await hubFor("verge-diag-auto-");
    await agentFor(h, dir, "sc-auto", {
      healthCheck: (target) => Promise.resolve(target.releaseId === "rel-crash" ? { ok: false as const, detail: "signal plan service did not start" } : { ok: true as const }),
      extraConfig: { healthCheck: { intervalS: 0.1, spanS: 0.3 } },
    });
    await makeRelease(h, "rel-crash");
    expect((await h.api("POST", "/api/rollouts", { id: "ro-crash", releaseId: "rel-crash", devices: ["sc-auto"] })).status).toBe(201);
    await waitForStatus(h, "ro-crash", "rolled back on its own", (s) => s.devices[0]?.state === "rolled_back");

    const auto = await waitFor("an automatic bundle", async () => (await bundles(h, "sc-auto")).find((b) => b.trigger === "auto"));
    expect(auto).toMatchObject({ requestedBy: "hub", rolloutId: "ro-crash", releaseId: "rel-crash" });
    expect(auto.reason).toContain("rolled_back (health_check)");
    const done = await waitForBundle(h, "sc-auto", auto.bundleId);

    const s: StatusView & { devices: Array<{ diagnostics: { bundleId: string; status: string; url: string } | null }> } = (await status(h, "ro-crash")) as never;
    expect(s.devices[0]!.diagnostics).toEqual({ bundleId: done.bundleId, status: "complete", url: done.url });
    const event = s.events.find((e) => e.type === "diagnostics_requested")!;
    expect(event.explanation).toContain("sc-auto");
    expect(event.links.map((l) => l.url)).toContain(done.url);
    const pageOfDevices = await h.api<{ devices: Array<{ diagnostics: { url: string } | null }> }>("GET", "/api/rollouts/ro-crash/devices");
    expect(pageOfDevices.body.devices[0]!.diagnostics?.url).toBe(done.url);

    const { files } = await readBundle((await download(h, event.links[0]!.url)).bytes);
    expect(JSON.parse(files.get("state.json")!)).toMatchObject({ deployment: { releaseId: "rel-crash", state: "rolled_back", reason: "health_check" } });
    expect(files.get("logs/agent.log")).toContain("signal plan service did not start");
    expect(await metric(h, "verge_diagnostics_bundles_requested_total", { trigger: "auto" })).toBe(1);
    expect(existsSync(join(h.dataDir, "diagnostics", `${done.bundleId}.tar.gz`))).toBe(true);
  });
});
