// The hub's MQTT adapter: one persistent session (clean: false, fixed client id) so telemetry published while the
// hub is away is queued by the broker, and each QoS 1 message is acknowledged only after it is stored in SQLite.
import mqtt from "mqtt";
import type { IClientOptions, MqttClient, Packet } from "mqtt";
import type { Logger } from "pino";
import { topics } from "../../proto/index.js";
import type { Db } from "../db/database.js";
import type { IngestOutcome, TelemetryIngest } from "../services/ingest.service.js";
import type { MqttPublisher } from "../services/rollouts.service.js";

export const HUB_MQTT_USERNAME = "verge-hub";

export interface HubMqttOptions {
  url: string;
  password: string;
  logger: Logger;
}

export class HubMqttClient implements MqttPublisher {
  private client: MqttClient | undefined;

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
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    };
    const client = mqtt.connect(this.options.url, opts);
    this.client = client;
    client.handleMessage = (packet, callback) => this.handleMessage(packet, callback);
    client.on("error", (err) => this.options.logger.error({ err }, "hub MQTT client error"));
    client.on("offline", () => this.options.logger.warn("hub MQTT client offline"));
    client.on("connect", (connack) => this.options.logger.info({ sessionPresent: connack.sessionPresent }, "hub MQTT client connected"));
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
    await client.subscribeAsync({ [topics.allUp]: { qos: 1 }, [topics.allStatus]: { qos: 1 } });
  }

  private handleMessage(packet: Packet, callback: (err?: Error) => void): void {
    if (packet.cmd !== "publish") {
      callback();
      return;
    }
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    let outcome: IngestOutcome;
    try {
      outcome = this.db.transaction(() => this.ingest.handle(packet.topic, payload, this.now()))();
    } catch (err) {
      // Unexpected (e.g. disk full): do not acknowledge, so the broker redelivers after the session resumes.
      this.options.logger.error({ err, topic: packet.topic }, "telemetry could not be stored; not acknowledged");
      callback(err as Error);
      return;
    }
    callback();
    try {
      this.onStored([outcome]);
    } catch (err) {
      this.options.logger.error({ err, topic: packet.topic }, "post-ingest step failed");
    }
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

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
  }
}
