// Telemetry ingest inside the embedded broker's publish path (BrokerOptions.commitPublish): a device->hub message
// is committed in SQLite before Aedes sends its PUBACK. When the commit fails the message is refused: no PUBACK,
// the broker closes that device's connection, and the agent's outbox sends it again after reconnecting (README,
// Decisions: "PUBACK after commit"). The post-ingest step (rollout evaluation, diagnostics) runs after the commit,
// off the publish path, in the order the messages were stored.
import type { PublishPacket } from "aedes";
import type { Logger } from "pino";
import { TOPIC_ROOT } from "../../proto/index.js";
import type { Db } from "../db/database.js";
import type { IngestOutcome, TelemetryIngest } from "../services/ingest.service.js";
import type { StorageHealth } from "../storage-health.js";

/** Whether `topic` is one the hub ingests: what its session subscribes to otherwise (`devices/+/up/+`, `devices/+/status`). */
export function isTelemetryTopic(topic: string): boolean {
  if (!topic.startsWith(`${TOPIC_ROOT}/devices/`)) return false;
  const parts = topic.split("/");
  if (parts.length === 6) return parts[4] === "up" && parts[3] !== "" && parts[5] !== "";
  return parts.length === 5 && parts[4] === "status" && parts[3] !== "";
}

export class TelemetryNotStoredError extends Error {
  readonly code = "telemetry_not_stored";
  constructor(
    readonly topic: string,
    override readonly cause: unknown,
  ) {
    super(`telemetry on ${topic} could not be stored: ${(cause as Error).message}`);
    this.name = "TelemetryNotStoredError";
  }
}

export class TelemetryCommitter {
  private pending: IngestOutcome[] = [];
  private drainScheduled = false;

  constructor(
    private readonly db: Db,
    private readonly ingest: TelemetryIngest,
    private readonly storage: StorageHealth,
    private readonly onStored: (outcomes: IngestOutcome[]) => void,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** BrokerOptions.commitPublish: stores the message or throws (the broker then refuses it). */
  readonly commit = (clientId: string | null, packet: PublishPacket): void => {
    if (!isTelemetryTopic(packet.topic)) return;
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    let outcome: IngestOutcome;
    try {
      outcome = this.db.transaction(() => this.ingest.handle(packet.topic, payload, this.now()))();
    } catch (err) {
      const wasHealthy = this.storage.ok;
      const storageFailure = this.storage.failed("telemetry", err);
      // While storage is known to fail every message fails the same way: one error line when it starts, then debug.
      const level = storageFailure && !wasHealthy ? "debug" : "error";
      this.logger[level]({ err, clientId, topic: packet.topic }, "telemetry could not be stored; refused (no PUBACK), the device sends it again");
      throw new TelemetryNotStoredError(packet.topic, err);
    }
    this.pending.push(outcome);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drain);
    }
  };

  private readonly drain = (): void => {
    this.drainScheduled = false;
    const outcomes = this.pending;
    this.pending = [];
    try {
      this.onStored(outcomes);
    } catch (err) {
      this.logger.error({ err, messages: outcomes.length }, "post-ingest step failed");
    }
  };
}
