// A publisher process of the ingest benchmark: logs in as its share of the enrolled devices (one mqtt.js connection
// each, as real devices), then, on "go", publishes protobuf telemetry like an agent's (heartbeats and KPI windows
// in equal parts, a state transition every 25th message), QoS 1, at most `window` unacknowledged per device. Each
// message's event_time is stamped when it is handed to mqtt.js, so the hub's received_at minus event_time is the
// publish-to-stored latency. Run by ingest.ts through forkTs; talks over the IPC channel only.
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import type { PublisherCommand, PublisherReply } from "./ingest-protocol.js";
import { telemetryMessage } from "./ingest-messages.js";

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
      const { topic, payload } = telemetryMessage(d.id, d.seq, d.seq, Date.now(), startedAt);
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
