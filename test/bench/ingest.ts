// ingest: telemetry messages per second decoded and stored by a real hub (embedded Aedes broker, SQLite in a temp dir)
// from publisher processes logged in as enrolled devices, with the publish-to-stored latency; beside it, the same
// load through the same broker with no hub (a plain subscriber), and through Mosquitto when it is installed.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import { pino } from "pino";
import { startBroker } from "../../broker/broker.js";
import { SqliteCredentialStore } from "../../broker/credentials-sqlite.js";
import { HUB_MQTT_USERNAME } from "../../hub/mqtt/hub-client.js";
import { startTestHub } from "../helpers/hub.js";
import { findTool } from "../helpers/tools.js";
import type { TestHub } from "../helpers/hub.js";
import { TelemetryIngest } from "../../hub/services/ingest.service.js";
import { isReply, isSubscriberReply } from "./ingest-protocol.js";
import type { PublisherCommand, SubscriberCommand, SubscriberReply } from "./ingest-protocol.js";
import { telemetryMessage } from "./ingest-messages.js";
import type { Bench, Figure } from "./types.js";
import { forkTs, nextMessage, percentile, reap, round, until } from "./util.js";

const PUBLISHER = fileURLToPath(new URL("./ingest-publisher.ts", import.meta.url));
const SUBSCRIBER = fileURLToPath(new URL("./ingest-subscriber.ts", import.meta.url));

const defaults = {
  /** Enrolled devices, one MQTT connection each, spread over the publisher processes. */
  devices: 200,
  /** Publisher processes (other processes than the hub's, as devices are). */
  publishers: 2,
  /** Messages in the saturated run (each target: hub, plain broker, Mosquitto). */
  messages: 20_000,
  /** Unacknowledged QoS 1 publishes per device connection. */
  window: 1,
  /** The paced run offers this share of the saturated hub rate, to show latency below saturation (0: skip). */
  pacedFraction: 0.5,
  pacedSeconds: 5,
  /** Also measure the plain broker (no hub) and Mosquitto (if installed). */
  compare: true,
};
type Params = typeof defaults;

interface Publishers {
  children: ChildProcess[];
  go(messages: number, window: number, ratePerS: number): Promise<{ published: number; failed: number }>;
  close(): Promise<void>;
}

async function startPublishers(url: string, devices: Array<{ id: string; secret: string }>, processes: number, seqStart: Record<string, number>): Promise<Publishers> {
  const n = Math.max(1, Math.min(processes, devices.length));
  const children: ChildProcess[] = [];
  try {
    for (let p = 0; p < n; p++) {
      const child = forkTs(PUBLISHER);
      children.push(child);
      const share = devices.filter((_, i) => i % n === p).map((d) => ({ ...d, seqStart: seqStart[d.id] ?? 0 }));
      child.send({ type: "setup", url, devices: share } satisfies PublisherCommand);
    }
    for (const child of children) {
      const r = await nextMessage(child, isReply("ready"), 120_000);
      if (r.type === "error") throw new Error(`publisher: ${r.message}`);
    }
  } catch (err) {
    for (const c of children) c.kill("SIGKILL");
    throw err;
  }
  return {
    children,
    async go(messages, window, ratePerS) {
      const per = children.map((_, i) => Math.floor(messages / children.length) + (i < messages % children.length ? 1 : 0));
      const answers = children.map((c) => nextMessage(c, isReply("done"), 600_000));
      children.forEach((c, i) => c.send({ type: "go", messages: per[i]!, window, ratePerS: ratePerS / children.length } satisfies PublisherCommand));
      let published = 0;
      let failed = 0;
      for (const a of answers) {
        const r = await a;
        if (r.type === "error") throw new Error(`publisher: ${r.message}`);
        published += r.published;
        failed += r.failed;
        for (const [id, seq] of Object.entries(r.seqs)) seqStart[id] = seq;
      }
      return { published, failed };
    },
    async close() {
      for (const c of children) if (c.connected) c.send({ type: "exit" } satisfies PublisherCommand);
      await Promise.all(children.map((c) => reap(c)));
    },
  };
}

interface RunFigures {
  rate: number;
  p50: number;
  p99: number;
  count: number;
}

/** Latencies (received_at - event_time) of every message stored since `sinceWall`. */
function storedLatencies(dbFile: string, sinceWall: number): number[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT received_at - event_time AS ms FROM heartbeats WHERE received_at >= @t
         UNION ALL SELECT received_at - event_time FROM kpi_reports WHERE received_at >= @t
         UNION ALL SELECT received_at - event_time FROM state_transitions WHERE received_at >= @t`,
      )
      .pluck()
      .all({ t: sinceWall }) as number[];
    return rows;
  } finally {
    db.close();
  }
}

/** CPU time per message of the hub's ingest path without MQTT: the same mix, fresh seqs, one transaction each. */
function ingestPathAlone(h: TestHub, deviceIds: string[], messages: number): number {
  const { repos, metrics, db } = h.hub;
  const ingest = new TelemetryIngest(repos.devices, repos.telemetry, repos.rollouts, metrics, pino({ level: "silent" }));
  const seqBase = 1_000_000_000;
  const batch = Array.from({ length: messages }, (_, i) => {
    const id = deviceIds[i % deviceIds.length]!;
    const n = seqBase + Math.floor(i / deviceIds.length);
    return telemetryMessage(id, n, n, Date.now());
  });
  const t0 = performance.now();
  for (const m of batch) db.transaction(() => ingest.handle(m.topic, m.payload, Date.now()))();
  return ((performance.now() - t0) * 1000) / messages;
}

async function storedCount(h: TestHub): Promise<number> {
  const m = await h.hub.metrics.telemetryAccepted.get();
  return m.values.reduce((a, v) => a + v.value, 0);
}

/** One run against the hub: `messages` published (paced at `ratePerS` if > 0), timed until all are stored. */
async function hubRun(h: TestHub, pubs: Publishers, messages: number, window: number, ratePerS: number): Promise<RunFigures & { cpuUsPerMsg: number }> {
  const base = await storedCount(h);
  const sinceWall = Date.now();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const sent = pubs.go(messages, window, ratePerS);
  let t1 = 0;
  await until(`${messages} messages stored`, async () => (await storedCount(h)) - base >= messages && (t1 = performance.now()) > 0, 600_000, 5);
  const r = await sent;
  if (r.failed > 0) throw new Error(`${r.failed} publishes failed`);
  const cpu = process.cpuUsage(cpu0);
  const lat = storedLatencies(h.hub.dbFile, sinceWall);
  return { rate: (messages * 1000) / (t1 - t0), p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), count: lat.length, cpuUsPerMsg: (cpu.user + cpu.system) / messages };
}

/** A plain QoS 1 subscriber to every device's telemetry, in a process of its own (ingest-subscriber.ts). */
async function plainSubscriber(url: string, auth: { username: string; password: string } | undefined) {
  const child = forkTs(SUBSCRIBER);
  child.send({ type: "subscribe", url, clientId: `${HUB_MQTT_USERNAME}:bench-${process.pid}`, ...(auth ? { auth } : {}) } satisfies SubscriberCommand);
  const ok = await nextMessage(child, isSubscriberReply("subscribed"), 60_000);
  if (ok.type === "error") throw new Error(`subscriber: ${ok.message}`);
  const ask = async (command: SubscriberCommand, type: "counted" | "latencies"): Promise<SubscriberReply> => {
    const answer = nextMessage(child, isSubscriberReply(type), 60_000);
    child.send(command);
    const r: SubscriberReply = await answer;
    if (r.type === "error") throw new Error(`subscriber: ${r.message}`);
    return r;
  };
  return {
    received: async () => {
      const r = await ask({ type: "count" }, "counted");
      return r.type === "counted" ? r.received : 0;
    },
    takeLatencies: async () => {
      const r = await ask({ type: "take" }, "latencies");
      return r.type === "latencies" ? r.latencies : [];
    },
    close: async () => {
      child.disconnect();
      await reap(child);
    },
  };
}

async function forwardRun(url: string, auth: { username: string; password: string } | undefined, devices: Array<{ id: string; secret: string }>, p: Params, log: (l: string) => void, what: string): Promise<RunFigures> {
  const sub = await plainSubscriber(url, auth);
  const pubs = await startPublishers(url, devices, p.publishers, {});
  try {
    const warm = Math.min(2000, Math.ceil(p.messages / 10));
    await pubs.go(warm, p.window, 0);
    await until("warm-up forwarded", async () => (await sub.received()) >= warm, 120_000, 20);
    await sub.takeLatencies();
    const base = await sub.received();
    const t0 = performance.now();
    const sent = pubs.go(p.messages, p.window, 0);
    let t1 = 0;
    await until(`${p.messages} messages forwarded`, async () => (await sub.received()) - base >= p.messages && (t1 = performance.now()) > 0, 600_000, 5);
    await sent;
    const lat = await sub.takeLatencies();
    const r = { rate: (p.messages * 1000) / (t1 - t0), p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), count: lat.length };
    log(`${what}: ${Math.round(r.rate)} msg/s forwarded, latency p50 ${r.p50} ms, p99 ${r.p99} ms`);
    return r;
  } finally {
    await pubs.close();
    await sub.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function startMosquitto(bin: string, dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 100\nmax_queued_messages 100000\n`);
  const child = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  const url = `mqtt://127.0.0.1:${port}`;
  await until(
    "mosquitto listening",
    async () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
      try {
        const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 });
        await c.endAsync(true);
        return true;
      } catch {
        return false;
      }
    },
    10_000,
    50,
  );
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await reap(child);
    },
  };
}

export const bench: Bench<Params> = {
  name: "ingest",
  description: "telemetry decoded and stored by the hub from publisher processes (msg/s, publish-to-stored latency), beside the plain broker and Mosquitto",
  defaults,
  smoke: { devices: 4, publishers: 1, messages: 200, pacedFraction: 0.5, pacedSeconds: 0.5, compare: true },
  async run(p, log) {
    const dir = mkdtempSync(join(tmpdir(), "verge-bench-ingest-"));
    const figures: Figure[] = [];
    try {
      const h = await startTestHub(join(dir, "hub"));
      let devices: Array<{ id: string; secret: string }>;
      let hubSecret: string;
      try {
        const ids = Array.from({ length: p.devices }, (_, i) => `bench-${String(i).padStart(5, "0")}`);
        const res = await h.api<{ results: Array<{ id: string; ok: boolean; secret?: string }> }>("POST", "/api/devices/import", {
          devices: ids.map((id, i) => ({ id, variant: "sc-x1", region: `r${i % 4}`, site: `site-${i % 50}` })),
        });
        if (res.status !== 201 || res.body.results.some((r) => !r.ok)) throw new Error(`import failed: ${res.status}`);
        devices = res.body.results.map((r) => ({ id: r.id, secret: r.secret! }));
        hubSecret = readFileSync(join(h.dataDir, "keys", "hub-mqtt.secret"), "utf8").trim();
        log(`hub started, ${devices.length} devices enrolled; ${p.publishers} publisher processes`);

        const seqs: Record<string, number> = {};
        const pubs = await startPublishers(h.hub.broker.url, devices, p.publishers, seqs);
        try {
          const warm = Math.min(2000, Math.ceil(p.messages / 10));
          await hubRun(h, pubs, warm, p.window, 0);
          const sat = await hubRun(h, pubs, p.messages, p.window, 0);
          log(`hub saturated: ${Math.round(sat.rate)} msg/s stored, latency p50 ${sat.p50} ms, p99 ${sat.p99} ms (${sat.count} rows), hub CPU ${sat.cpuUsPerMsg.toFixed(0)} us/msg`);
          figures.push(
            { name: "hub: telemetry stored", value: Math.round(sat.rate), unit: "msg/s", note: `QoS 1 from ${p.devices} device connections in ${p.publishers} other processes, window ${p.window} per device, heartbeat/KPI/transition mix; one SQLite transaction per message` },
            { name: "hub: publish-to-stored p50 (saturated)", value: sat.p50, unit: "ms", note: "received_at (stamped in the storing transaction) minus event_time (stamped at publish); ms resolution" },
            { name: "hub: publish-to-stored p99 (saturated)", value: sat.p99, unit: "ms" },
            { name: "hub: CPU per stored message", value: round(sat.cpuUsPerMsg, 1), unit: "us", note: "user+system CPU of the hub process (broker, ingest, SQLite) over the saturated run / messages" },
          );
          if (p.pacedFraction > 0 && p.pacedSeconds > 0) {
            const rate = Math.max(1, Math.round(sat.rate * p.pacedFraction));
            const paced = await hubRun(h, pubs, Math.max(1, Math.round(rate * p.pacedSeconds)), p.window, rate);
            log(`hub paced at ${rate} msg/s: stored ${Math.round(paced.rate)} msg/s, latency p50 ${paced.p50} ms, p99 ${paced.p99} ms`);
            figures.push(
              { name: "hub: paced load offered", value: rate, unit: "msg/s", note: `${Math.round(p.pacedFraction * 100)}% of the saturated rate for ${p.pacedSeconds} s` },
              { name: "hub: publish-to-stored p50 (paced)", value: paced.p50, unit: "ms" },
              { name: "hub: publish-to-stored p99 (paced)", value: paced.p99, unit: "ms" },
            );
          }
        } finally {
          await pubs.close();
        }
        const alone = ingestPathAlone(h, devices.map((d) => d.id), Math.max(1000, p.messages));
        log(`ingest path alone: ${alone.toFixed(1)} us per message (${Math.round(1e6 / alone)} msg/s on one core)`);
        figures.push({
          name: "hub: ingest path alone",
          value: round(alone, 1),
          unit: "us/msg",
          note: "TelemetryIngest.handle in its transaction, as the hub's MQTT adapter calls it, on the same messages with no MQTT: decode, checks, SQLite writes",
        });
      } finally {
        await h.stop();
      }

      if (p.compare) {
        // The same broker code and credentials (verge-broker alone, on the hub's database), no hub subscribed.
        const logger = pino({ level: "silent" });
        const credentials = SqliteCredentialStore.open(join(dir, "hub", "verge.db"));
        const broker = await startBroker({ host: "127.0.0.1", port: 0, persistence: { kind: "memory" }, credentials, logger });
        try {
          const r = await forwardRun(broker.url, { username: HUB_MQTT_USERNAME, password: hubSecret }, devices, p, log, "broker alone");
          figures.push(
            { name: "broker alone: forwarded", value: Math.round(r.rate), unit: "msg/s", note: "the same load through the same Aedes broker (verge-broker, device auth and ACL on) to a plain QoS 1 subscriber, no hub" },
            { name: "broker alone: latency p50", value: r.p50, unit: "ms" },
            { name: "broker alone: latency p99", value: r.p99, unit: "ms" },
          );
        } finally {
          await broker.close();
          credentials.close();
        }
        const bin = findTool("mosquitto");
        if (!bin) {
          log("mosquitto: not installed (apt-get install mosquitto to compare)");
        } else {
          const mosq = await startMosquitto(bin, dir);
          try {
            const r = await forwardRun(mosq.url, undefined, devices, p, log, "mosquitto");
            figures.push(
              { name: "mosquitto: forwarded", value: Math.round(r.rate), unit: "msg/s", note: "the same load through Mosquitto (anonymous, no persistence) to a plain QoS 1 subscriber" },
              { name: "mosquitto: latency p50", value: r.p50, unit: "ms" },
              { name: "mosquitto: latency p99", value: r.p99, unit: "ms" },
            );
          } finally {
            await mosq.stop();
          }
        }
      }
      return { params: p, figures };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
