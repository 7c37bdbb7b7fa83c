// wire: bytes per device per day on the MQTT link at the default intervals (heartbeat 60 s, KPI 60 s, keepalive 60 s),
// counted at a TCP proxy between one real agent and the hub's broker, plus what one rollout costs; beside it the same
// messages encoded as JSON.
//
// Time is compressed: every interval is divided by `scale` (heartbeat, KPI window and keepalive: 1 s at scale 60), so a
// simulated hour takes 3600 / scale seconds and carries the same messages an hour at the defaults does; the bytes of
// that hour are scaled to a day (x 24). The messages are the agent's own (protobuf, QoS 1); only their timestamps'
// varint lengths can differ by a byte from real time. JSON: every MQTT payload the broker saw for the device is
// decoded and re-encoded as JSON (protobufjs toObject with every field, enums as names; signed envelopes carry their
// inner message as base64 JSON), and the difference in PUBLISH packet sizes is applied to the bytes counted.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AedesPublishPacket } from "aedes";
import { parse as parseYaml } from "yaml";
import { startAgent } from "../../device-agent/agent.js";
import { parseAgentConfig } from "../../device-agent/config.js";
import { parseTopic, pb, stateFromWire } from "../../proto/index.js";
import { startTestHub } from "../helpers/hub.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import { testLogger } from "../helpers/wait.js";
import type { Bench, Figure } from "./types.js";
import { round, sleep, until } from "./util.js";

const defaults = {
  /** Intervals are divided by this; the simulated hour takes 3600 / scale seconds. */
  scale: 60,
  /** Simulated hours of idle running measured (bytes scaled to 24 h). */
  hours: 1,
  /** Size of the release's one artifact (downloaded over HTTP, counted apart from MQTT). */
  artifactBytes: 1_048_576,
};
type Params = typeof defaults;

const DEVICE = "wire-0001";

function varintLen(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Size of an MQTT 3.1.1 PUBLISH packet. */
export function publishPacketBytes(topic: string, payloadBytes: number, qos: number): number {
  const rest = 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + payloadBytes;
  return 1 + varintLen(rest) + rest;
}

const JSON_OPTS = { longs: Number, enums: String, defaults: true, bytes: String } as const;

function envelopeJson(payload: Uint8Array): number {
  const env = pb.SignedEnvelope.decode(payload);
  const inner = JSON.stringify(
    env.payloadType === "verge.v1.ReleaseManifest"
      ? pb.ReleaseManifest.toObject(pb.ReleaseManifest.decode(env.payload), JSON_OPTS)
      : env.payloadType === "verge.v1.DesiredState"
        ? pb.DesiredState.toObject(pb.DesiredState.decode(env.payload), JSON_OPTS)
        : pb.Command.toObject(pb.Command.decode(env.payload), JSON_OPTS),
  );
  const signatures = env.signatures.map((s) => ({ keyId: s.keyId, sig: Buffer.from(s.sig ?? []).toString("base64") }));
  return Buffer.byteLength(JSON.stringify({ payloadType: env.payloadType, payload: Buffer.from(inner).toString("base64"), signatures }));
}

/** The same message as JSON, in bytes; undefined for payloads that are text already (status). */
export function jsonBytes(topic: string, payload: Uint8Array): number | undefined {
  const t = parseTopic(topic);
  if (!t) return undefined;
  switch (t.kind) {
    case "up": {
      const json = (o: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(o));
      switch (t.up) {
        case "state":
          return json(pb.StateTransition.toObject(pb.StateTransition.decode(payload), JSON_OPTS));
        case "heartbeat":
          return json(pb.Heartbeat.toObject(pb.Heartbeat.decode(payload), JSON_OPTS));
        case "kpi":
          return json(pb.KpiReport.toObject(pb.KpiReport.decode(payload), JSON_OPTS));
        case "ack":
          return json(pb.CommandAck.toObject(pb.CommandAck.decode(payload), JSON_OPTS));
        case "inventory":
          return json(pb.Inventory.toObject(pb.Inventory.decode(payload), JSON_OPTS));
      }
      break;
    }
    case "desired":
    case "cmd":
    case "manifest":
      return envelopeJson(payload);
    case "status":
    case "rolloutStatus":
    case "rolloutEvents":
      return undefined;
  }
}

interface Tally {
  messages: number;
  protoPackets: number;
  jsonPackets: number;
  byKind: Map<string, { n: number; bytes: number }>;
}

function newTally(): Tally {
  return { messages: 0, protoPackets: 0, jsonPackets: 0, byKind: new Map() };
}

export const bench: Bench<Params> = {
  name: "wire",
  description: "MQTT bytes per device per day at default intervals (TCP proxy, simulated hour), one rollout's bytes, and the same messages as JSON",
  defaults,
  smoke: { scale: 1800, hours: 1, artifactBytes: 16_384 },
  async run(p, log) {
    if (!(p.scale >= 1) || !(p.hours > 0)) throw new Error("--scale >= 1 and --hours > 0");
    const dir = mkdtempSync(join(tmpdir(), "verge-bench-wire-"));
    const figures: Figure[] = [];
    try {
      const h = await startTestHub(join(dir, "hub"));
      const mqttProxy = await startTcpProxy(h.hub.broker.port);
      const httpProxy = await startTcpProxy(Number(new URL(h.hub.addresses.httpUrl).port));
      let tally = newTally();
      const seen = (topic: string, payload: Uint8Array, qos: number) => {
        const t = parseTopic(topic);
        const mine =
          (t?.kind === "up" && t.deviceId === DEVICE) || ((t?.kind === "desired" || t?.kind === "cmd" || t?.kind === "status") && t.deviceId === DEVICE) || t?.kind === "manifest";
        if (!mine || !t) return;
        const proto = publishPacketBytes(topic, payload.length, qos);
        const json = jsonBytes(topic, payload);
        tally.messages += 1;
        tally.protoPackets += proto;
        tally.jsonPackets += json === undefined ? proto : publishPacketBytes(topic, json, qos);
        const kind = t.kind === "up" ? t.up : t.kind;
        const k = tally.byKind.get(kind) ?? { n: 0, bytes: 0 };
        k.n += 1;
        k.bytes += proto;
        tally.byKind.set(kind, k);
      };
      h.hub.broker.aedes.on("publish", (packet: AedesPublishPacket) => seen(packet.topic, packet.payload as Buffer, packet.qos));
      const snapshot = () => ({ up: mqttProxy.bytesUp(), down: mqttProxy.bytesDown(), at: performance.now(), tally });

      const enrolled = await h.api<{ agentConfig: string }>("POST", "/api/devices", { id: DEVICE, variant: "sc-x1" });
      if (enrolled.status !== 201) throw new Error(`enroll: ${enrolled.status}`);
      const raw = parseYaml(enrolled.body.agentConfig) as Record<string, unknown>;
      const interval = 60 / p.scale;
      const dataDir = join(dir, DEVICE);
      mkdirSync(dataDir);
      const parsed = parseAgentConfig({
        ...raw,
        dataDir,
        logLevel: "silent",
        hub: { mqttUrl: mqttProxy.url("mqtt"), httpUrl: httpProxy.url("http") },
        heartbeatIntervalS: interval,
        kpi: { intervalS: interval },
        mqtt: { keepaliveS: Math.max(1, Math.round(interval)), connectJitterMs: 0, reconnectJitterMs: 100, reconnectMinMs: 100, reconnectMaxMs: 1000 },
        healthCheck: { intervalS: 0.05, spanS: 0 },
      });
      if (!parsed.ok) throw new Error(`agent config: ${JSON.stringify(parsed.problems)}`);
      const agent = await startAgent(parsed.config, { logger: testLogger("wire-agent") });
      try {
        // Session setup: connect, subscriptions, retained status, inventory.
        await until("the agent connected", () => mqttProxy.openConnections() === 1, 10_000);
        await sleep(Math.max(200, interval * 500));
        const setup = snapshot();
        tally = newTally();

        // The idle hours.
        const idleMs = (p.hours * 3600_000) / p.scale;
        await sleep(idleMs);
        const idle = snapshot();
        const idleTally = tally;
        tally = newTally();
        const idleBytes = idle.up - setup.up + (idle.down - setup.down);
        const hourlyScale = 1 / ((idle.at - setup.at) / 1000 / (3600 / p.scale));
        const perHour = idleBytes * hourlyScale;
        const perHourJson = (idleBytes + idleTally.jsonPackets - idleTally.protoPackets) * hourlyScale;
        log(
          `idle ${p.hours} h simulated in ${((idle.at - setup.at) / 1000).toFixed(1)} s: ${idleBytes} B (${idle.up - setup.up} up, ${idle.down - setup.down} down), ` +
            [...idleTally.byKind].map(([k, v]) => `${k} ${v.n} x ${Math.round(v.bytes / v.n)} B`).join(", "),
        );

        // One rollout: release manifest, desired state, download over HTTP, transitions to activated.
        const t0 = snapshot();
        const httpBefore = httpProxy.bytesDown() + httpProxy.bytesUp();
        const sha = await h.upload(randomBytes(p.artifactBytes));
        const rel = await h.api("POST", "/api/releases", { id: "rel-wire-2", version: "2.0.0", variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
        if (rel.status !== 201) throw new Error(`release: ${rel.status} ${JSON.stringify(rel.body)}`);
        const activated = new Promise<void>((resolve) =>
          agent.events.on("transition", (t: { state: number }) => {
            if (stateFromWire(t.state) === "activated") resolve();
          }),
        );
        const ro = await h.api("POST", "/api/rollouts", { id: "ro-wire", releaseId: "rel-wire-2", devices: [DEVICE] });
        if (ro.status !== 201) throw new Error(`rollout: ${ro.status} ${JSON.stringify(ro.body)}`);
        await activated;
        await until("the activation reported", () => (tally.byKind.get("state")?.n ?? 0) >= 4, 10_000);
        await sleep(200);
        const t1 = snapshot();
        const rolloutTally = tally;
        const rolloutSpan = (t1.at - t0.at) / 1000 / (3600 / p.scale);
        const rolloutBytes = t1.up - t0.up + (t1.down - t0.down) - perHour * rolloutSpan;
        const rolloutJson = rolloutBytes + rolloutTally.jsonPackets - rolloutTally.protoPackets - (perHourJson - perHour) * rolloutSpan;
        const httpBytes = httpProxy.bytesDown() + httpProxy.bytesUp() - httpBefore;
        log(
          `rollout: ${Math.round(rolloutBytes)} B on MQTT (periodic traffic of its ${(rolloutSpan * 60).toFixed(1)} simulated min taken out), ` +
            [...rolloutTally.byKind].map(([k, v]) => `${k} ${v.n}`).join(", ") +
            `; artifact download ${httpBytes} B over HTTP for ${p.artifactBytes} B`,
        );
        const setupBytes = setup.up + setup.down;
        const setupJson = setupBytes + setup.tally.jsonPackets - setup.tally.protoPackets;
        const day = perHour * 24 + rolloutBytes + setupBytes;
        const dayJson = perHourJson * 24 + rolloutJson + setupJson;
        const hb = idleTally.byKind.get("heartbeat");
        const kpi = idleTally.byKind.get("kpi");
        figures.push(
          { name: "MQTT per device per day (protobuf)", value: Math.round(day), unit: "B", note: "24 idle hours at default intervals + one session setup + one rollout, counted at a TCP proxy (both directions, TCP payload)" },
          { name: "MQTT per device per day (as JSON)", value: Math.round(dayJson), unit: "B", note: "the same messages re-encoded as JSON (every field, enum names), PUBLISH sizes recomputed" },
          { name: "idle hour (protobuf)", value: Math.round(perHour), unit: "B", note: `heartbeats, KPI reports, their PUBACKs, keepalive pings; scale ${p.scale}` },
          { name: "idle hour (as JSON)", value: Math.round(perHourJson), unit: "B" },
          { name: "heartbeat PUBLISH", value: hb ? Math.round(hb.bytes / hb.n) : NaN, unit: "B" },
          { name: "KPI report PUBLISH", value: kpi ? Math.round(kpi.bytes / kpi.n) : NaN, unit: "B" },
          { name: "session setup", value: setupBytes, unit: "B", note: "CONNECT/CONNACK, SUBSCRIBE/SUBACK, retained online status, inventory, their PUBACKs; once per (re)connect" },
          { name: "one rollout (protobuf)", value: Math.round(rolloutBytes), unit: "B", note: "manifest, desired states, transitions, their PUBACKs (MQTT only)" },
          { name: "one rollout (as JSON)", value: Math.round(rolloutJson), unit: "B" },
          { name: "artifact download overhead", value: httpBytes - p.artifactBytes, unit: "B", note: `HTTP bytes beyond the ${p.artifactBytes} B artifact (request, headers), on its own connection` },
        );
      } finally {
        await agent.stop();
        await mqttProxy.close();
        await httpProxy.close();
        await h.stop();
      }
      return { params: p, figures: figures.map((f) => ({ ...f, value: round(f.value, 1) })) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
