// The plain subscriber of the ingest benchmark's forward runs (broker alone, Mosquitto), in its own process like the
// publishers, so the broker under test does not share its process with its consumer: subscribes QoS 1 to every
// device's telemetry, counts what arrives and how long after its event_time. Run by ingest.ts through forkTs.
import mqtt from "mqtt";
import { parseTopic, pb, topics } from "../../proto/index.js";
import type { SubscriberCommand, SubscriberReply } from "./ingest-protocol.js";

let received = 0;
let latencies: number[] = [];

function reply(m: SubscriberReply): void {
  process.send?.(m);
}

async function start(c: Extract<SubscriberCommand, { type: "subscribe" }>): Promise<void> {
  const client = await mqtt.connectAsync(c.url, { clientId: c.clientId, ...(c.auth ?? {}), clean: true, protocolVersion: 4, reconnectPeriod: 0 });
  client.on("message", (topic, payload) => {
    received += 1;
    const t = parseTopic(topic);
    if (t?.kind !== "up") return;
    const m = t.up === "state" ? pb.StateTransition.decode(payload) : t.up === "heartbeat" ? pb.Heartbeat.decode(payload) : pb.KpiReport.decode(payload);
    latencies.push(Date.now() - Number(m.eventTime));
  });
  await client.subscribeAsync(topics.allUp, { qos: 1 });
  reply({ type: "subscribed" });
  process.on("disconnect", () => {
    void client.endAsync(true).finally(() => process.exit(0));
  });
}

process.on("message", (m: SubscriberCommand) => {
  if (m.type === "subscribe") {
    start(m).catch((err: unknown) => {
      reply({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    });
  } else if (m.type === "count") {
    reply({ type: "counted", received });
  } else {
    reply({ type: "latencies", received, latencies });
    latencies = [];
  }
});
