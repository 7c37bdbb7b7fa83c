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

/** Wills kept for a later commit while storage fails (see commit()); beyond this the oldest is dropped, logged. */
const MAX_DEFERRED_WILLS = 10_000;

export class TelemetryCommitter {
  private pending: IngestOutcome[] = [];
  private drainScheduled = false;
  private deferredWills: Array<{ topic: string; payload: Buffer }> = [];

  constructor(
    private readonly db: Db,
    private readonly ingest: TelemetryIngest,
    private readonly storage: StorageHealth,
    private readonly onStored: (outcomes: IngestOutcome[]) => void,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Stores the wills kept while storage failed, once it recovers. */
  start(): void {
    this.storage.onChange((ok) => {
      if (ok) this.retryDeferredWills();
    });
  }

  /**
   * BrokerOptions.commitPublish: stores the message or throws (the broker then refuses it). The exception: a will
   * Aedes publishes for a client gone before a restart (`clientId` null). No device will send that again, and Aedes
   * leaves a refusal there unhandled (its will sweep), so it is published and kept here to be stored once storage
   * recovers.
   */
  readonly commit = (clientId: string | null, packet: PublishPacket): void => {
    if (!isTelemetryTopic(packet.topic)) return;
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    let outcome: IngestOutcome;
    try {
      outcome = this.store(packet.topic, payload);
    } catch (err) {
      if (clientId === null && this.storage.failed("telemetry", err)) {
        this.deferWill(packet.topic, payload);
        return;
      }
      const wasHealthy = this.storage.ok;
      const storageFailure = this.storage.failed("telemetry", err);
      // While storage is known to fail every message fails the same way: one error line when it starts, then debug.
      const level = storageFailure && !wasHealthy ? "debug" : "error";
      this.logger[level]({ err, clientId, topic: packet.topic }, "telemetry could not be stored; refused (no PUBACK), the device sends it again");
      throw new TelemetryNotStoredError(packet.topic, err);
    }
    this.stored(outcome);
  };

  /** Wills waiting for storage to recover (the obsolete-will exception of commit()). */
  get deferred(): number {
    return this.deferredWills.length;
  }

  private store(topic: string, payload: Buffer): IngestOutcome {
    return this.db.transaction(() => this.ingest.handle(topic, payload, this.now()))();
  }

  private stored(outcome: IngestOutcome): void {
    this.pending.push(outcome);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drain);
    }
  }

  private deferWill(topic: string, payload: Buffer): void {
    if (this.deferredWills.length >= MAX_DEFERRED_WILLS) {
      const dropped = this.deferredWills.shift();
      this.logger.error({ topic: dropped?.topic }, "will dropped: too many waiting for storage");
    }
    this.deferredWills.push({ topic, payload: Buffer.from(payload) });
    this.logger.warn({ topic, waiting: this.deferredWills.length }, "will of a client gone before a restart could not be stored; kept until storage recovers");
  }

  private retryDeferredWills(): void {
    while (this.deferredWills.length > 0) {
      const will = this.deferredWills[0]!;
      try {
        this.stored(this.store(will.topic, will.payload));
      } catch (err) {
        this.storage.failed("telemetry", err);
        this.logger.warn({ err, topic: will.topic, waiting: this.deferredWills.length }, "deferred will still not stored");
        return;
      }
      this.deferredWills.shift();
    }
  }

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
