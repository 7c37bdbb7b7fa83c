// A device that publishes heartbeats the way the agent's outbox does: one QoS 1 message at a time, each sent again
// until the broker acknowledges it (PUBACK), reconnecting after a short backoff when the connection is closed.
// Records exactly which seqs were acknowledged, to compare against the rows the hub stored.
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import { pb, topics } from "../../proto/index.js";

export class TelemetryDevice {
  readonly acked = new Set<number>();
  /** Publishes that ended without a PUBACK (the connection was closed under them). */
  refusals = 0;
  connections = 0;
  private target = 0;
  private next = 1;
  private client: MqttClient | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly id: string,
    private readonly secret: string,
    private readonly url: string,
    private readonly backoffMs = 100,
  ) {}

  /** Sends heartbeats up to seq `n` (from where it is), in the background. */
  sendUpTo(n: number): void {
    this.target = Math.max(this.target, n);
    this.running ??= this.loop();
    this.wake?.();
  }

  get done(): boolean {
    return this.next > this.target;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.next > this.target) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      try {
        this.client ??= await this.connect();
        const seq = this.next;
        const payload = pb.Heartbeat.encode({ deviceId: this.id, seq, eventTime: Date.now(), uptimeS: seq }).finish();
        await publishOrClose(this.client, topics.up(this.id, "heartbeat"), Buffer.from(payload));
        this.acked.add(seq);
        this.next++;
      } catch {
        if (this.stopped) return;
        this.refusals++;
        this.client?.end(true);
        this.client = undefined;
        // The device's reconnect backoff (what the agent does), not a synchronisation.
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs));
      }
    }
  }

  private async connect(): Promise<MqttClient> {
    // As the agent does: a persistent session, a retained "offline" will, its own desired and cmd topics, "online" retained.
    const client = mqtt.connect(this.url, {
      clientId: this.id,
      username: this.id,
      password: this.secret,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      will: { topic: topics.status(this.id), payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    // A connection the broker closes fails the publish in flight; errors are only that here.
    client.on("error", () => undefined);
    try {
      // As the agent: a CONNECT unanswered within the timeout counts as failed and is retried.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no CONNACK")), 5000);
        client.once("connect", () => {
          clearTimeout(timer);
          resolve();
        });
        client.once("close", () => {
          clearTimeout(timer);
          reject(new Error("connection closed before CONNACK"));
        });
      });
      this.connections++;
      await client.subscribeAsync({ [topics.desired(this.id)]: { qos: 1 }, [topics.cmd(this.id)]: { qos: 1 } });
      await publishOrClose(client, topics.status(this.id), Buffer.from("online"), true);
    } catch (err) {
      client.end(true);
      throw err;
    }
    return client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.client?.endAsync(true);
    await this.running;
  }
}

/** Resolves on the PUBACK; rejects when the publish fails or the connection closes first. */
function publishOrClose(client: MqttClient, topic: string, payload: Buffer, retain = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error("connection closed before PUBACK"));
    client.once("close", onClose);
    client.publish(topic, payload, { qos: 1, retain }, (err) => {
      client.off("close", onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}
