// Starts a real hub (embedded Aedes broker, SQLite file, HTTP server) on ephemeral ports in a temp data dir.
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { parseHubConfig } from "../../hub/config.js";
import type { HubConfigInput } from "../../hub/config.js";
import { startHub } from "../../hub/hub.js";
import type { Hub } from "../../hub/hub.js";
import { testLogger } from "./wait.js";

export interface TestHub {
  hub: Hub;
  dataDir: string;
  adminToken: string;
  /** Calls the API as admin (or with the given token); returns status and parsed JSON. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** Uploads bytes as an artifact and returns its sha256. */
  upload(bytes: Uint8Array): Promise<string>;
  stop(): Promise<void>;
}

/** The seconds slack test hubs run with (see startTestHub): 10^9 s, over 30 years. */
export const TEST_KPI_SECONDS_SLACK_S = 1_000_000_000;

export async function startTestHub(dataDir: string, overrides: Partial<HubConfigInput> = {}, adminToken?: string): Promise<TestHub> {
  const config = parseHubConfig({
    dataDir,
    logLevel: (process.env.VERGE_TEST_LOG as "silent" | undefined) ?? "silent",
    ...overrides,
    // kpiByRelease (helpers/rollouts.ts) reports 1,000 s up + down per KPI window whatever its length, so that ratios
    // like 99.5% are exact in 1 s windows, and an agent's outbox merges such windows during an outage: more than a
    // window can hold, which the hub refuses by default. So the seconds bound is as good as off here; tests of that
    // bound (e2e/absurd-input.test.ts) set it back.
    ingest: { kpiSecondsSlackS: TEST_KPI_SECONDS_SLACK_S, ...overrides.ingest },
    mqtt: { host: "127.0.0.1", port: 0, persistence: "memory", ...overrides.mqtt },
    http: { host: "127.0.0.1", port: 0, ...overrides.http },
  });
  const hub = await startHub(config, testLogger("hub"));
  const token = hub.bootstrapToken?.token ?? adminToken;
  if (!token) throw new Error("no admin token: pass the one from the first start when restarting on the same data dir");
  const base = hub.addresses.httpUrl;
  const api: TestHub["api"] = async (method, path, body, asToken = token) => {
    const headers: Record<string, string> = { authorization: `Bearer ${asToken}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
  };
  return {
    hub,
    dataDir,
    adminToken: token,
    api,
    async upload(bytes) {
      const res = await fetch(base + "/api/artifacts", {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        body: bytes,
      });
      if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { sha256: string }).sha256;
    },
    stop: () => hub.stop(),
  };
}

/** Enrolls a device through the API; returns its id, secret and agent config text. */
export async function enroll(h: TestHub, id: string, variant = "sc-x1", extra: Record<string, string> = {}) {
  const res = await h.api<{ secret: string; agentConfig: string }>("POST", "/api/devices", { id, variant, ...extra });
  if (res.status !== 201) throw new Error(`enroll ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id, secret: res.body.secret, agentConfig: res.body.agentConfig };
}

/** A raw mqtt.js client logged in as a device (for publishing forged or random payloads). */
export async function connectAsDevice(h: TestHub, id: string, secret: string): Promise<MqttClient> {
  return mqtt.connectAsync(h.hub.broker.url, { clientId: id, username: id, password: secret, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
}

/** A new API token with `role`; its secret. */
export async function token(h: TestHub, name: string, role: string): Promise<string> {
  const res = await h.api<{ secret: string }>("POST", "/api/tokens", { name, role });
  if (res.status !== 201) throw new Error(`token ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.secret;
}
