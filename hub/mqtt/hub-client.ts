// The hub's MQTT adapter: one persistent session (clean: false, fixed client id) for what the hub publishes (desired
// states, commands, manifests, SCADA topics). Telemetry reaches the hub one of two ways (`telemetry` option):
// - "in-process" (the embedded broker, the hub's normal mode): the broker commits it before its PUBACK
//   (mqtt/telemetry-commit.ts); this session does not subscribe to it, so nothing is stored twice.
// - "session" (a broker running alone, e.g. verge-broker): this session subscribes to every device's up/# and
//   status, and acknowledges each QoS 1 message only after it is stored. A message that cannot be stored is not
//   acknowledged and the session is dropped and resumed after a backoff, so the broker delivers it again (it would
//   never resend within one connection).
import mqtt from "mqtt";
import type { IClientOptions, MqttClient, Packet } from "mqtt";
import type { Logger } from "pino";
import { topics } from "../../proto/index.js";
import type { Db } from "../db/database.js";
import type { IngestOutcome, TelemetryIngest } from "../services/ingest.service.js";
import type { MqttPublisher } from "../services/rollouts.service.js";
import type { StorageHealth } from "../storage-health.js";

export const HUB_MQTT_USERNAME = "verge-hub";

export interface HubMqttOptions {
  url: string;
  password: string;
  logger: Logger;
  telemetry: "in-process" | "session";
  /** Storage failures of session ingest are reported here (the same health the broker path reports to). */
  storage?: StorageHealth;
}

/** Reconnect delays of the session after a telemetry message could not be stored: doubled per failure, capped. */
const RESUME_MIN_MS = 1000;
const RESUME_MAX_MS = 30_000;

export class HubMqttClient implements MqttPublisher {
  private client: MqttClient | undefined;
  /** Session mode: set when a message could not be stored; no further message is acknowledged until the session resumes. */
  private refusing = false;
  private resumeDelayMs = RESUME_MIN_MS;
  /** Set by stop(): messages still queued in mqtt.js are not acknowledged (the socket is ending; the broker keeps them). */
  private stopping = false;

  constructor(
    private readonly options: HubMqttOptions,
    private readonly db: Db,
    private readonly ingest: TelemetryIngest,
    private readonly onStored: (outcomes: IngestOutcome[]) => void,
    private readonly now: () => number,
  ) {}

  async start(): Promise<void> {
    const opts: IClientOptions = {
      clientId: HUB_MQTT_USERNAME,
      username: HUB_MQTT_USERNAME,
      password: this.options.password,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: RESUME_MIN_MS,
      connectTimeout: 10_000,
    };
    const client = mqtt.connect(this.options.url, opts);
    this.client = client;
    client.handleMessage = (packet, callback) => this.handleMessage(packet, callback);
    client.on("error", (err) => this.options.logger.error({ err }, "hub MQTT client error"));
    client.on("offline", () => this.options.logger.warn("hub MQTT client offline"));
    client.on("connect", (connack) => {
      this.refusing = false;
      client.options.reconnectPeriod = RESUME_MIN_MS;
      this.options.logger.info({ sessionPresent: connack.sessionPresent }, "hub MQTT client connected");
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        client.off("connect", onConnect);
        reject(err);
      };
      const onConnect = () => {
        client.off("error", onError);
        resolve();
      };
      client.once("connect", onConnect);
      client.once("error", onError);
    });
    if (this.options.telemetry === "session") {
      await client.subscribeAsync({ [topics.allUp]: { qos: 1 }, [topics.allStatus]: { qos: 1 } });
    } else {
      // A persistent session of an earlier hub (level persistence) may still hold these subscriptions: drop them, or
      // every message would be stored by the broker path and delivered here too.
      await client.unsubscribeAsync([topics.allUp, topics.allStatus]);
    }
  }

  private handleMessage(packet: Packet, callback: (err?: Error) => void): void {
    if (packet.cmd !== "publish") {
      callback();
      return;
    }
    if (this.refusing || this.stopping) {
      // No PUBACK: the broker delivers the message again when the session resumes. (A PUBACK written while stop()
      // ends the socket was the "write after end" error of a graceful stop.)
      callback(new Error(this.stopping ? "session stopping" : "session resuming after a storage failure"));
      return;
    }
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    let outcome: IngestOutcome;
    try {
      outcome = this.db.transaction(() => this.ingest.handle(packet.topic, payload, this.now()))();
    } catch (err) {
      this.options.storage?.failed("telemetry", err);
      this.options.logger.error({ err, topic: packet.topic, resumeInMs: this.resumeDelayMs }, "telemetry could not be stored; not acknowledged, session resumes for redelivery");
      this.resumeLater();
      callback(err as Error);
      return;
    }
    this.resumeDelayMs = RESUME_MIN_MS;
    callback();
    try {
      this.onStored([outcome]);
    } catch (err) {
      this.options.logger.error({ err, topic: packet.topic }, "post-ingest step failed");
    }
  }

  /**
   * MQTT 3.1.1 redelivers an unacknowledged message only when the session resumes: drop the connection and
   * reconnect after a backoff (mqtt.js reads reconnectPeriod at each reconnect).
   */
  private resumeLater(): void {
    const client = this.client;
    if (!client || this.refusing) return;
    this.refusing = true;
    client.options.reconnectPeriod = this.resumeDelayMs;
    this.resumeDelayMs = Math.min(this.resumeDelayMs * 2, RESUME_MAX_MS);
    client.stream.destroy();
  }

  async publish(topic: string, payload: Uint8Array | string, opts: { retain: boolean; qos: 0 | 1 }): Promise<void> {
    if (!this.client) throw new Error("hub MQTT client not started");
    await this.client.publishAsync(topic, typeof payload === "string" ? payload : Buffer.from(payload), opts);
  }

  /** The raw client, for tests that need to publish as the hub. */
  get raw(): MqttClient {
    if (!this.client) throw new Error("hub MQTT client not started");
    return this.client;
  }

  /** Ends the session: waits for its in-flight publishes, then closes it. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.stopping = true;
    if (client) await client.endAsync();
  }
}
