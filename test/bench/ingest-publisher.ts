// A publisher process of the ingest benchmark: logs in as its share of the enrolled devices (one mqtt.js connection
// each, as real devices), then, on "go", publishes protobuf telemetry like an agent's (heartbeats and KPI windows
// in equal parts, a state transition every 25th message), QoS 1, at most `window` unacknowledged per device. Each
// message's event_time is stamped when it is handed to mqtt.js, so the hub's received_at minus event_time is the
// publish-to-stored latency. Run by ingest.ts through forkTs; talks over the IPC channel only.
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { LAG_BUCKET_BOUNDS_MS, pb, stateToWire, topics } from "../../proto/index.js";
import type { PublisherCommand, PublisherReply } from "./ingest-protocol.js";

interface Device {
  id: string;
  client: MqttClient;
  seq: number;
}

const devices: Device[] = [];
const startedAt = Date.now();

function reply(m: PublisherReply): void {
  process.send?.(m);
}

/** One telemetry message of device `d` (the n-th this run): its topic and protobuf payload. */
export function telemetryMessage(deviceId: string, seq: number, n: number, now: number): { topic: string; payload: Uint8Array } {
  if (n % 25 === 0) {
    const m = pb.StateTransition.create({
      deviceId,
      seq,
      eventTime: now,
      rolloutId: "",
      releaseId: "rel-2.4.1",
      fromState: stateToWire("downloading"),
      state: stateToWire("downloading"),
      bytesDone: 262_144 * ((n / 25) % 32),
      bytesTotal: 8_388_608,
      desiredSeq: 3,
    });
    return { topic: topics.up(deviceId, "state"), payload: pb.StateTransition.encode(m).finish() };
  }
  if (n % 2 === 1) {
    const m = pb.Heartbeat.create({
      deviceId,
      seq,
      eventTime: now,
      uptimeS: Math.floor((now - startedAt) / 1000) + 86_400,
      currentReleaseId: "rel-2.4.0",
      deploymentState: stateToWire("activated"),
      agentVersion: "0.1.0",
      rejected: {},
      outboxDepth: 0,
      outboxBytes: 0,
      outboxDropped: {},
      outboxMerged: 0,
    });
    return { topic: topics.up(deviceId, "heartbeat"), payload: pb.Heartbeat.encode(m).finish() };
  }
  // A minute of a signal controller: ~1,200 detector events, most within 250 ms, a tail to 2 s.
  const counts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  counts[0] = 700 + (seq % 50);
  counts[1] = 300;
  counts[2] = 150;
  counts[3] = 40;
  counts[5] = 8;
  counts[7] = 2;
  const m = pb.KpiReport.create({
    deviceId,
    seq,
    eventTime: now,
    windowStart: now - 60_000,
    windowEnd: now,
    releaseId: "rel-2.4.0",
    secondsUp: 60,
    secondsDown: 0,
    eventsProcessed: counts.reduce((a, b) => a + b, 0),
    eventsDropped: 0,
    lagBucketBoundsMs: [...LAG_BUCKET_BOUNDS_MS],
    lagBucketCounts: counts,
  });
  return { topic: topics.up(deviceId, "kpi"), payload: pb.KpiReport.encode(m).finish() };
}

async function setup(c: Extract<PublisherCommand, { type: "setup" }>): Promise<void> {
  for (const d of c.devices) {
    const client = await mqtt.connectAsync(c.url, { clientId: d.id, username: d.id, password: d.secret, clean: true, protocolVersion: 4, reconnectPeriod: 0, keepalive: 60 });
    devices.push({ id: d.id, client, seq: d.seqStart });
  }
  reply({ type: "ready" });
}

async function go(c: Extract<PublisherCommand, { type: "go" }>): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  let published = 0;
  let failed = 0;
  // Paced: message k is due at t0 + k / rate; unpaced: as fast as the windows allow.
  const due = (k: number) => (c.ratePerS > 0 ? t0 + (k * 1000) / c.ratePerS : 0);
  const take = () => (next < c.messages ? next++ : -1);
  const device = async (d: Device) => {
    for (;;) {
      const k = take();
      if (k < 0) return;
      const wait = due(k) - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      d.seq += 1;
      const { topic, payload } = telemetryMessage(d.id, d.seq, d.seq, Date.now());
      try {
        await d.client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
        published += 1;
      } catch {
        failed += 1;
      }
    }
  };
  const lanes: Array<Promise<void>> = [];
  for (const d of devices) for (let w = 0; w < c.window; w++) lanes.push(device(d));
  await Promise.all(lanes);
  reply({ type: "done", published, failed, elapsedMs: performance.now() - t0, seqs: Object.fromEntries(devices.map((d) => [d.id, d.seq])) });
}

process.on("message", (m: PublisherCommand) => {
  const work = m.type === "setup" ? setup(m) : m.type === "go" ? go(m) : Promise.all(devices.map((d) => d.client.endAsync(true))).then(() => process.exit(0));
  work.catch((err: unknown) => {
    reply({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
});
process.on("disconnect", () => process.exit(0));
