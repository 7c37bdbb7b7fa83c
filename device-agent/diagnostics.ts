// Remote diagnostics on the device: answers COLLECT_DIAGNOSTICS (ACCEPTED at once, then DONE or FAILED with a
// reason), builds the bundle of logs and state (diag-bundle.ts) and uploads it resumably (diag-upload.ts), in the
// background so desired states and other commands are not held up. One bundle at a time, a few more queued behind it
// (an operator asking while the hub's automatic request is uploading); stop() aborts the upload and drops the queue.
import type { Logger } from "pino";
import { pb } from "../proto/index.js";
import type { verge } from "../proto/index.js";
import type { AgentConfig } from "./config.js";
import { buildBundle } from "./diag-bundle.js";
import { parseDiagnosticsArgs } from "./diag-plan.js";
import { uploadBundle } from "./diag-upload.js";
import { stateFromWire } from "../proto/index.js";
import type { AgentState } from "./state-file.js";
import type { SlotStatus } from "./update-module.js";

export type AckFn = (status: verge.v1.AckStatus, reason: string, detail: string) => void;

export interface DiagnosticsCollectorDeps {
  config: AgentConfig;
  logger: Logger;
  now: () => number;
  agentVersion: string;
  snapshot: () => AgentState;
  slots: () => Promise<SlotStatus[]>;
  /** What the running agent knows beyond its files (uptime, connection, counters), for bundle.json. */
  runtime: () => Record<string, unknown>;
}

/** Transitions kept in memory for bundles (the log on disk has the older ones). */
export const RECENT_TRANSITIONS = 100;
/** Requests waiting or running at once; more are refused (busy). */
export const MAX_QUEUED = 3;

export class DiagnosticsCollector {
  private readonly log: Logger;
  private readonly recent: Array<Record<string, unknown>> = [];
  private readonly abort = new AbortController();
  private queue: Promise<void> = Promise.resolve();
  private readonly queued: string[] = [];

  constructor(private readonly d: DiagnosticsCollectorDeps) {
    this.log = d.logger.child({ module: "diagnostics" });
  }

  /** Every transition the agent reports, for transitions.json. */
  noteTransition(t: verge.v1.StateTransition): void {
    this.recent.push({
      at: new Date(Number(t.eventTime)).toISOString(),
      seq: Number(t.seq),
      rolloutId: t.rolloutId,
      releaseId: t.releaseId,
      from: stateFromWire(t.fromState) ?? null,
      state: stateFromWire(t.state) ?? null,
      reason: t.reason,
      detail: t.detail,
      ...(t.bytesTotal ? { bytesDone: Number(t.bytesDone), bytesTotal: Number(t.bytesTotal) } : {}),
    });
    if (this.recent.length > RECENT_TRANSITIONS) this.recent.splice(0, this.recent.length - RECENT_TRANSITIONS);
  }

  /** A verified COLLECT_DIAGNOSTICS command for this device. Returns at once; the upload goes on in the background. */
  handle(command: verge.v1.Command, ack: AckFn): void {
    const parsed = parseDiagnosticsArgs(command.args);
    if (!parsed.ok) return ack(pb.AckStatus.ACK_STATUS_REJECTED, "bad_args", parsed.detail);
    if (this.abort.signal.aborted) return ack(pb.AckStatus.ACK_STATUS_REJECTED, "stopping", "the agent is stopping");
    if (this.queued.length >= MAX_QUEUED) return ack(pb.AckStatus.ACK_STATUS_REJECTED, "busy", `bundles ${this.queued.join(", ")} are still on their way; ask again once they are done`);
    const { bundleId, uploadPath, maxBytes } = parsed.args;
    ack(pb.AckStatus.ACK_STATUS_ACCEPTED, "", this.queued.length ? `queued behind bundle ${this.queued.join(", ")}` : `collecting bundle ${bundleId}`);
    this.queued.push(bundleId);
    this.queue = this.queue
      .then(() => (this.abort.signal.aborted ? undefined : this.run(bundleId, uploadPath, maxBytes, ack)))
      .catch((err: unknown) => {
        this.log.error({ err, bundleId }, "diagnostics failed unexpectedly");
        ack(pb.AckStatus.ACK_STATUS_FAILED, "internal", (err as Error).message);
      })
      .finally(() => this.queued.splice(this.queued.indexOf(bundleId), 1));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.queue;
  }

  private async run(bundleId: string, uploadPath: string, hubMax: number | undefined, ack: AckFn): Promise<void> {
    const { config } = this.d;
    const cap = Math.min(config.diagnostics.maxBundleBytes, hubMax ?? Number.POSITIVE_INFINITY);
    const log = this.log.child({ bundleId });
    log.info({ cap }, "building diagnostics bundle");
    const built = await buildBundle(
      {
        bundleId,
        now: this.d.now(),
        agentVersion: this.d.agentVersion,
        config,
        state: this.d.snapshot(),
        slots: await this.d.slots().catch(() => []),
        transitions: [...this.recent],
        runtime: this.d.runtime(),
      },
      cap,
    );
    if (!built.ok) {
      log.warn({ reason: built.reason, detail: built.detail }, "diagnostics bundle not built");
      return ack(pb.AckStatus.ACK_STATUS_FAILED, built.reason, built.detail);
    }
    const cut = built.files.filter((f) => f.cutFrom !== undefined).map((f) => f.name);
    log.info({ bytes: built.bytes.length, sha256: built.sha256, files: built.files.length, cut }, "diagnostics bundle built; uploading");
    const result = await uploadBundle({
      url: new URL(uploadPath, config.hub.httpUrl).toString(),
      deviceId: config.deviceId,
      secret: config.secret,
      bytes: built.bytes,
      sha256: built.sha256,
      signal: this.abort.signal,
      logger: log,
      retryMinMs: config.diagnostics.retryMinMs,
      retryMaxMs: config.diagnostics.retryMaxMs,
      maxAttempts: config.diagnostics.maxAttempts,
    });
    if (result.ok) {
      ack(pb.AckStatus.ACK_STATUS_DONE, "", `bundle ${bundleId} uploaded: ${built.bytes.length} bytes, sha256 ${built.sha256}${cut.length ? `; cut to fit: ${cut.join(", ")}` : ""}`);
      return;
    }
    if (result.reason === "aborted") {
      log.info("diagnostics upload stopped with the agent; the hub sees the bundle expire");
      return;
    }
    log.warn({ reason: result.reason, detail: result.detail }, "diagnostics upload failed");
    ack(pb.AckStatus.ACK_STATUS_FAILED, result.reason, result.detail);
  }
}
