// The hub, played by the tests: a real Aedes broker and a real HTTP artifact server on port 0, signing keys, and a
// real mqtt.js client that publishes signed desired states and manifests and records what devices report.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo, Server as NetServer } from "node:net";
import { join } from "node:path";
import { Aedes } from "aedes";
import { afterEach, beforeEach } from "vitest";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { PAYLOAD_TYPES, generateSigningKey, pb, publicKeyToBase64, signEnvelope, topics } from "../../proto/index.js";
import type { SigningKey, verge } from "../../proto/index.js";
import type { Agent } from "../../device-agent/agent.js";
import { parseAgentConfig } from "../../device-agent/config.js";
import type { AgentConfig } from "../../device-agent/config.js";
import { tempDir } from "../helpers/wait.js";

export interface TestBroker {
  url: string;
  close(): Promise<void>;
}

export async function startBroker(): Promise<TestBroker> {
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 64 });
  const server: NetServer = createNetServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One artifact: bytes as stored on the server, plus the sha256/size the manifest should claim. */
export interface Artifact {
  bytes: Buffer;
  sha256: string;
  size: number;
  url: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Serves <dir>/<sha256> at /artifacts/<sha256> with Range support; counts bytes served and records Range headers.
 * `stallAfter`, when set, makes the next full or ranged response stop after that many body bytes and hang until the
 * client goes away: a link that dies mid-transfer, driven by the test.
 */
export class ArtifactServer {
  bytesServed = 0;
  readonly ranges: (string | undefined)[] = [];
  stallAfter: number | undefined;
  private server: HttpServer | undefined;
  private readonly stalled = new Set<ServerResponse>();
  baseUrl = "";

  constructor(readonly dir: string) {}

  async start(): Promise<this> {
    this.server = createHttpServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  /** Stores `bytes` under the sha256 the manifest will claim (`claimed`, default: their own hash). */
  add(bytes: Buffer, claimed?: { sha256?: string; size?: number }): Artifact {
    const hash = claimed?.sha256 ?? sha256(bytes);
    writeFileSync(join(this.dir, hash), bytes);
    return { bytes, sha256: hash, size: claimed?.size ?? bytes.length, url: `/artifacts/${hash}` };
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/artifacts\/([0-9a-f]{64})$/.exec(req.url ?? "");
    let body: Buffer;
    try {
      body = readFileSync(join(this.dir, match?.[1] ?? "missing"));
    } catch {
      res.writeHead(404).end();
      return;
    }
    const range = req.headers.range;
    this.ranges.push(range);
    let start = 0;
    if (range) {
      const m = /^bytes=(\d+)-$/.exec(range);
      start = m ? Number(m[1]) : 0;
      if (start >= body.length) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { "content-range": `bytes ${start}-${body.length - 1}/${body.length}`, "content-length": body.length - start });
    } else {
      res.writeHead(200, { "content-length": body.length });
    }
    const part = body.subarray(start);
    if (this.stallAfter !== undefined) {
      const first = part.subarray(0, this.stallAfter);
      this.stallAfter = undefined;
      this.stalled.add(res);
      res.on("close", () => this.stalled.delete(res));
      res.write(first, () => (this.bytesServed += first.length));
      return; // hang: the rest never comes on this connection
    }
    res.end(part, () => (this.bytesServed += part.length));
  }
}

/** The hub's side of MQTT: publishes signed messages and records device telemetry. */
export class TestHub {
  readonly hubKey: SigningKey = generateSigningKey();
  readonly releaseKey: SigningKey = generateSigningKey();
  readonly transitions: verge.v1.StateTransition[] = [];
  readonly inventories: verge.v1.Inventory[] = [];
  readonly acks: verge.v1.CommandAck[] = [];
  readonly heartbeats: verge.v1.Heartbeat[] = [];
  readonly kpis: verge.v1.KpiReport[] = [];
  readonly status: string[] = [];
  private readonly seen = new Set<string>();
  private client: MqttClient | undefined;

  constructor(private readonly brokerUrl: string) {}

  async start(): Promise<this> {
    this.client = await mqtt.connectAsync(this.brokerUrl, { clientId: `test-hub-${randomBytes(4).toString("hex")}`, protocolVersion: 4 });
    this.client.on("message", (topic, payload) => {
      const kind = topic.split("/").pop();
      // Like the real hub: each (device, seq) once. Telemetry is sent at least once (the outbox resends what was not
      // acknowledged before a restart).
      if (topic.includes("/up/")) {
        const type = { state: pb.StateTransition, inventory: pb.Inventory, ack: pb.CommandAck, heartbeat: pb.Heartbeat, kpi: pb.KpiReport }[kind as string];
        const { deviceId, seq } = (type ?? pb.Heartbeat).decode(payload) as { deviceId: string; seq: number };
        const key = `${deviceId}/${Number(seq)}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
      }
      if (topic.endsWith("/up/state")) this.transitions.push(pb.StateTransition.decode(payload));
      else if (kind === "inventory") this.inventories.push(pb.Inventory.decode(payload));
      else if (kind === "ack") this.acks.push(pb.CommandAck.decode(payload));
      else if (kind === "heartbeat") this.heartbeats.push(pb.Heartbeat.decode(payload));
      else if (kind === "kpi") this.kpis.push(pb.KpiReport.decode(payload));
      else if (kind === "status") this.status.push(payload.toString());
    });
    await this.client.subscribeAsync({ [topics.allUp]: { qos: 1 }, [topics.allStatus]: { qos: 1 } });
    return this;
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true);
  }

  /** Transition states by name, in arrival order, e.g. ["pending", "downloading", "verified", "activated"]. */
  states(deviceId: string, releaseId?: string): string[] {
    return this.transitions
      .filter((t) => t.deviceId === deviceId && (releaseId === undefined || t.releaseId === releaseId))
      .map((t) => stateName(t.state));
  }

  last(deviceId: string): verge.v1.StateTransition | undefined {
    return this.transitions.filter((t) => t.deviceId === deviceId).at(-1);
  }

  async publishDesired(desired: verge.v1.DesiredState.$Properties, keys: SigningKey[] = [this.hubKey]): Promise<void> {
    const payload = pb.DesiredState.encode(pb.DesiredState.create(desired)).finish();
    await this.client!.publishAsync(topics.desired(desired.deviceId ?? ""), Buffer.from(signEnvelope(PAYLOAD_TYPES.desired, payload, keys)), {
      qos: 1,
      retain: true,
    });
  }

  async publishManifest(manifest: verge.v1.ReleaseManifest.$Properties, keys: SigningKey[] = [this.releaseKey]): Promise<void> {
    const payload = pb.ReleaseManifest.encode(pb.ReleaseManifest.create(manifest)).finish();
    await this.client!.publishAsync(topics.manifest(manifest.releaseId ?? ""), Buffer.from(signEnvelope(PAYLOAD_TYPES.manifest, payload, keys)), {
      qos: 1,
      retain: true,
    });
  }

  async sendCommand(command: verge.v1.Command.$Properties, keys: SigningKey[] = [this.hubKey]): Promise<void> {
    const payload = pb.Command.encode(pb.Command.create(command)).finish();
    await this.client!.publishAsync(topics.cmd(command.deviceId ?? ""), Buffer.from(signEnvelope(PAYLOAD_TYPES.command, payload, keys)), { qos: 1 });
  }

  agentConfig(opts: { deviceId: string; dataDir: string; mqttUrl: string; httpUrl: string }): AgentConfig {
    const parsed = parseAgentConfig({
      deviceId: opts.deviceId,
      secret: "s3cret",
      variant: "sc-x1",
      hub: { mqttUrl: opts.mqttUrl, httpUrl: opts.httpUrl },
      trustedKeys: { release: [publicKeyToBase64(this.releaseKey.publicKey)], hub: [publicKeyToBase64(this.hubKey.publicKey)] },
      dataDir: opts.dataDir,
      heartbeatIntervalS: 3600,
      mqtt: { reconnectJitterMs: 100, connectJitterMs: 100, reconnectMinMs: 100, reconnectMaxMs: 1000 },
      logLevel: "silent",
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.config;
  }
}

export function stateName(state: verge.v1.DeploymentState | number): string {
  return (pb.DeploymentState[state] ?? "UNKNOWN").replace("DEPLOYMENT_STATE_", "").toLowerCase();
}

/** A manifest for one `app` artifact, compatible with sc-x1, counter `counter`. */
export function appManifest(releaseId: string, counter: number, app: Artifact, extra: Partial<verge.v1.ReleaseManifest.$Properties> = {}): verge.v1.ReleaseManifest.$Properties {
  return {
    releaseId,
    counter,
    version: `1.${counter}.0`,
    components: [{ name: "app", version: `1.${counter}.0`, size: app.size, sha256: app.sha256, urls: [app.url] }],
    compatibleVariants: ["sc-x1"],
    createdAt: Date.now(),
    expiresAt: 0,
    ...extra,
  };
}

export function installDesired(deviceId: string, seq: number, releaseId: string, extra: Partial<verge.v1.DesiredState.$Properties> = {}): verge.v1.DesiredState.$Properties {
  return {
    deviceId,
    seq,
    issuedAt: Date.now(),
    expiresAt: Date.now() + 3_600_000,
    action: pb.DesiredAction.DESIRED_ACTION_INSTALL,
    releaseId,
    rolloutId: "ro-1",
    stage: "canary",
    activate: true,
    ...extra,
  };
}

/** What useAgentFixture sets up for each test. */
export interface AgentFixture {
  broker: TestBroker;
  artifacts: ArtifactServer;
  hub: TestHub;
  /** The agent's data dir, and a scratch dir for the test's own files. */
  dataDir: string;
  workDir: string;
  /** The harness's agent config for the device, pointing at this broker and artifact server. */
  config: AgentConfig;
  /** Agents to stop (abruptly) after the test. */
  agents: Agent[];
}

/**
 * Per-test fixture: a broker, an artifact server, a TestHub and temp dirs before each test; after it the agents pushed
 * to `agents` are stopped, then everything is closed and removed. Read the fields inside tests (they change per test).
 */
export function useAgentFixture(deviceId: string): AgentFixture {
  const f = {} as AgentFixture;
  let cleanups: (() => void)[] = [];
  beforeEach(async () => {
    const files = tempDir("verge-artifacts-");
    const data = tempDir("verge-agent-");
    const work = tempDir("verge-work-");
    cleanups = [files.cleanup, data.cleanup, work.cleanup];
    f.agents = [];
    f.dataDir = data.dir;
    f.workDir = work.dir;
    f.broker = await startBroker();
    f.artifacts = await new ArtifactServer(files.dir).start();
    f.hub = await new TestHub(f.broker.url).start();
    f.config = f.hub.agentConfig({ deviceId, dataDir: f.dataDir, mqttUrl: f.broker.url, httpUrl: f.artifacts.baseUrl });
  });
  afterEach(async () => {
    for (const agent of f.agents) await agent.stop({ abrupt: true });
    await f.hub.close();
    await f.artifacts.close();
    await f.broker.close();
    for (const cleanup of cleanups.reverse()) cleanup();
  });
  return f;
}
