// The agent's composition root: MQTT session, desired-state and manifest handling, download/verify/activate through
// an update module, commands, telemetry. Decisions live in decisions.ts; this file does the I/O around them.
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import type { MqttClient } from "mqtt";
import type { Logger } from "pino";
import {
  LAG_BUCKET_BOUNDS_MS,
  PAYLOAD_TYPES,
  decodeCommand,
  decodeDesiredState,
  decodeManifest,
  openEnvelope,
  parseTopic,
  pb,
  stateFromWire,
  stateToWire,
  topics,
  trustedKeyFromBase64,
} from "../proto/index.js";
import type { DeploymentStateName, TrustedKey, verge } from "../proto/index.js";
import { AbDirModule } from "./ab-dir-module.js";
import { isNewHold, safetyHold, windowGate, windowRuleOf } from "./activation-gate.js";
import type { Hold } from "./activation-gate.js";
import type { AgentConfig } from "./config.js";
import {
  TELEMETRY_SEQ_RESERVE,
  acceptCommand,
  acceptDesired,
  canTransition,
  firstTelemetrySeq,
  isInProgress,
  isSameTransition,
  checkManifest,
  mergeKpiReports,
  needsReservation,
  nextHealthCheck,
  reconnectDelay,
  shouldReportProgress,
} from "./decisions.js";
import { DiagnosticsCollector } from "./diagnostics.js";
import type { ReconnectPolicy } from "./decisions.js";
import { artifactPath, checkDiskSpace, downloadComponent, partPath, remainingBytes } from "./download.js";
import type { ComponentRef } from "./download.js";
import { commandHealthCheck } from "./health-check.js";
import type { HealthCheck, HealthVerdict } from "./health-check.js";
import { createKpiSource, parseKpiCounts } from "./kpi.js";
import type { KpiSource, KpiWindow } from "./kpi.js";
import { Outbox } from "./outbox.js";
import type { OutboxKind, OutboxStats } from "./outbox.js";
import { allSafetyChecks, commandSafetyCheck } from "./safety-check.js";
import type { SafetyCheck } from "./safety-check.js";
import type { CrashAt } from "./crash-point.js";
import { loadSeqMark, loadState, saveSeqMark, saveState } from "./state-file.js";
import type { AgentState, DeploymentRecord } from "./state-file.js";
import type { InstallRelease, SlotStatus, UpdateModule } from "./update-module.js";
import { checkCommandFields, checkDesiredFields, checkManifestFields } from "./wire-fields.js";

export interface AgentDeps {
  logger: Logger;
  now?: () => number;
  /** Defaults to the A/B directory module on <dataDir>. */
  updateModule?: UpdateModule;
  /** Replaces the KPI source the config names (tests, the fleet simulator, an application linked in-process). */
  kpiSource?: KpiSource;
  /**
   * Replaces the configured health-check command (tests, the fleet simulator). Runs after the switch to the new slot,
   * after the update module's own check, until it passes or `healthCheck.spanS` has passed since the switch.
   */
  healthCheck?: HealthCheck;
  /** Free bytes in a directory, for the disk-space check before a download; statfs by default (tests inject one). */
  freeBytes?: (dir: string) => Promise<number>;
  /**
   * A built-in safety check (e.g. "the controller is not running an incident plan", read in-process), run right before
   * an activation together with the configured `safetyCheck.command`: both must pass.
   */
  safetyCheck?: SafetyCheck;
  /** HTTP for artifact downloads; global fetch by default (the fleet simulator wraps it to throttle a slow download). */
  fetch?: typeof fetch;
  /**
   * false: state.json writes skip fsync (still temp file + rename). Only the fleet simulator, running thousands of
   * agents on one disk, turns it off; a real device keeps the default (true), which is what survives a power cut.
   */
  stateFsync?: boolean;
  /**
   * Test hook: called at each named crash point (crash-point.ts); main.ts passes the VERGE_AGENT_CRASH_AT one, which
   * SIGKILLs the process at the point it names. Absent: nothing happens.
   */
  crashAt?: CrashAt;
}

export interface RejectedEvent {
  reason: string;
  detail: string;
  topic: string;
}

export interface Agent {
  /**
   * "transition" (verge.v1.StateTransition), "rejected" (RejectedEvent), "connected" (), "kpi" (verge.v1.KpiReport,
   * once published).
   */
  readonly events: EventEmitter;
  /** Hub->device messages refused since start, by reason. */
  readonly rejected: Record<string, number>;
  /**
   * KPI windows not reported since start, by reason: "file_missing", "file_unreadable", "file_invalid",
   * "command_failed", "command_timeout", "command_invalid" (built-in sources), "source_error" (the source threw),
   * "invalid_counts" (a source returned counts of the wrong shape), "busy" (a tick came while the source was still
   * collecting the previous window).
   */
  readonly kpiProblems: Record<string, number>;
  /** A copy of the persisted state. */
  snapshot(): AgentState;
  /** The telemetry outbox: what waits to be sent, what the byte budget cost. */
  outboxStats(): OutboxStats;
  /** Whether the MQTT session is up now. */
  readonly connected: boolean;
  /** abrupt: drop the connection without DISCONNECT (the will fires) and abort downloads keeping part files. */
  stop(opts?: { abrupt?: boolean }): Promise<void>;
}

export async function startAgent(config: AgentConfig, deps: AgentDeps): Promise<Agent> {
  const agent = new DeviceAgent(config, deps);
  await agent.start();
  return agent;
}

/** How long a graceful stop waits for the broker before closing the connection anyway. */
const STOP_GRACE_MS = 3000;
/** Telemetry messages awaiting their PUBACK at once. */
const OUTBOX_WINDOW = 32;

type TransitionFields = { reason?: string; detail?: string; bytesDone?: number; bytesTotal?: number };
type RollbackOutcome = { ok: true; detail: string } | { ok: false; reason: string; detail: string };

class DeviceAgent implements Agent {
  readonly events = new EventEmitter();
  readonly rejected: Record<string, number> = {};
  readonly kpiProblems: Record<string, number> = {};

  private readonly log: Logger;
  private readonly now: () => number;
  private readonly module: UpdateModule;
  private readonly hubKeys: TrustedKey[];
  private readonly releaseKeys: TrustedKey[];
  private readonly downloadsDir: string;
  private readonly freeBytes: ((dir: string) => Promise<number>) | undefined;
  private readonly fetch: typeof fetch | undefined;
  private readonly stateFsync: boolean;
  private readonly agentVersion = readAgentVersion();
  private readonly startedAt: number;

  private state!: AgentState;
  private outbox!: Outbox;
  /** Outbox entries handed to the MQTT client and not acknowledged yet. */
  private inFlight = 0;
  private desired: verge.v1.DesiredState | null = null;
  private nextSeq = 0;
  /** Every seq below this mark may be used; it is in the seq file (telemetry-seq) before the first use. */
  private reservedSeq = 0;
  /**
   * The last state transition the outbox journal holds when state.json does not reflect it (a power cut between the
   * two writes): the step is redone, and when it reaches this same transition it is not announced a second time.
   */
  private unreflected: verge.v1.StateTransition | null = null;
  private readonly crashAt: CrashAt;
  private client: MqttClient | null = null;
  /** Index of the next connection attempt in the current series (reconnectDelay); 0 right after a connect. */
  private nextConnectAttempt = 0;
  /** The first connection, waiting out the start jitter. */
  private connectTimer: NodeJS.Timeout | null = null;
  private manifestTopic: string | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  private kpiSource: KpiSource | null;
  private kpiTimer: NodeJS.Timeout | null = null;
  /** Start of the next KPI window: the end of the last reported one (the agent's start at first). */
  private kpiWindowStart = 0;
  /** The KPI collection in flight; ticks while it runs are skipped. */
  private kpiCollecting: Promise<void> | null = null;
  private readonly kpiAbort = new AbortController();

  /** The application's health check (deps or the configured command); null: the update module's check only. */
  private readonly healthCheck: HealthCheck | null;
  /** Aborted by stop(): ends a health-check span at once, leaving the activation record for the next start. */
  private readonly activationAbort = new AbortController();
  /** Every safety check (deps and config); null: none. */
  private readonly safetyCheck: SafetyCheck | null;
  /** The safety check in flight before an activation; aborted by stop() and by a new desired state. */
  private safetyAbort: AbortController | null = null;
  /** Looks at a held activation again: when the window opens, or the next safety check. */
  private holdTimer: NodeJS.Timeout | null = null;

  /** The running drive loop and the abort switch of its download, if any. */
  private driving: Promise<void> | null = null;
  private redrive = false;
  private downloadAbort: AbortController | null = null;
  /** Serialises handlers of incoming messages so state changes never interleave. */
  private inbox: Promise<void> = Promise.resolve();
  /** Diagnostics bundles asked by the hub (COLLECT_DIAGNOSTICS), built and uploaded in the background. */
  private readonly diagnostics: DiagnosticsCollector;

  constructor(
    private readonly config: AgentConfig,
    deps: AgentDeps,
  ) {
    this.log = deps.logger.child({ module: "agent", deviceId: config.deviceId });
    this.now = deps.now ?? Date.now;
    this.freeBytes = deps.freeBytes;
    this.fetch = deps.fetch;
    this.stateFsync = deps.stateFsync ?? true;
    this.crashAt = deps.crashAt ?? (() => undefined);
    this.module = deps.updateModule ?? new AbDirModule(config.dataDir, this.log.child({ module: "ab-dir" }), deps.crashAt);
    this.hubKeys = config.trustedKeys.hub.map(trustedKeyFromBase64);
    this.releaseKeys = config.trustedKeys.release.map(trustedKeyFromBase64);
    this.downloadsDir = join(config.dataDir, "downloads");
    this.startedAt = this.now();
    this.kpiSource = deps.kpiSource ?? null;
    const { command, args, timeoutMs } = config.healthCheck;
    this.healthCheck = deps.healthCheck ?? (command === undefined ? null : commandHealthCheck({ command, args, timeoutMs }, config.deviceId));
    const safety = config.safetyCheck;
    this.safetyCheck = allSafetyChecks([deps.safetyCheck, safety.command === undefined ? null : commandSafetyCheck({ ...safety, command: safety.command }, config.deviceId)]);
    this.diagnostics = new DiagnosticsCollector({
      config,
      logger: this.log,
      now: this.now,
      agentVersion: this.agentVersion,
      snapshot: () => this.snapshot(),
      slots: () => this.module.slots(),
      runtime: () => ({
        uptimeS: Math.floor((this.now() - this.startedAt) / 1000),
        mqttConnected: this.client?.connected ?? false,
        rejected: { ...this.rejected },
        kpiProblems: { ...this.kpiProblems },
        updateModule: this.module.name,
        node: process.version,
        platform: `${process.platform}/${process.arch}`,
      }),
    });
    this.events.on("transition", (t: verge.v1.StateTransition) => this.diagnostics.noteTransition(t));
  }

  async start(): Promise<void> {
    mkdirSync(this.config.dataDir, { recursive: true });
    this.state = loadState(this.config.dataDir, this.log);
    this.outbox = new Outbox(join(this.config.dataDir, "outbox"), {
      maxBytes: this.config.outbox.maxBytes,
      fsync: this.config.outbox.fsync,
      logger: this.log,
      mergeKpi: (older, newer) => {
        const merged = mergeKpiReports(pb.KpiReport.decode(older), pb.KpiReport.decode(newer));
        return merged ? Buffer.from(pb.KpiReport.encode(pb.KpiReport.create(merged)).finish()) : null;
      },
    });
    // Continue telemetry above every seq the previous run may have used (whichever mark survived, and never below the
    // clock floor), and reserve the next block.
    this.nextSeq = firstTelemetrySeq({
      fileMark: loadSeqMark(this.config.dataDir, this.log),
      stateMark: this.state.telemetry.reservedSeq,
      outboxHighSeq: this.outbox.highestSeq(),
      nowMs: this.now(),
    });
    this.reserveSeqs(this.nextSeq + TELEMETRY_SEQ_RESERVE);
    this.persist(); // state.json exists from the first start on, with the reserved mark
    this.findUnreflectedTransition();

    await this.module.init();
    await this.adoptFactoryRelease();
    const d = this.state.deployment;
    // A rollback the hub asked for, cut by a power cut after `rolling_back` was recorded: finished before anything else.
    if (d?.state === "rolling_back" && d.reason === "rollback" && !d.activation) await this.resumeRollback(d);
    this.desired = this.loadDesired();
    if (this.desired && this.state.deployment?.desiredSeq !== this.desired.seq) {
      // Accepted and persisted, but the power went before the agent acted on it.
      await this.actOnDesired(this.desired);
    }

    this.kpiSource ??= createKpiSource(this.config.kpi.source, {
      deviceId: this.config.deviceId,
      dataDir: this.config.dataDir,
      logger: this.log,
      problems: this.kpiProblems,
    });
    this.kpiWindowStart = this.startedAt;

    this.connect();
    this.heartbeatTimer = setInterval(() => this.publishHeartbeat(), this.config.heartbeatIntervalS * 1000);
    this.heartbeatTimer.unref();
    this.kpiTimer = setInterval(() => this.onKpiTick(), this.config.kpi.intervalS * 1000);
    this.kpiTimer.unref();
    this.log.info(
      { deployment: this.state.deployment, current: this.state.installed.currentReleaseId, agentVersion: this.agentVersion },
      "agent started",
    );
    // Resume what was in progress before the restart: the network is not needed for that.
    this.kick();
  }

  snapshot(): AgentState {
    return structuredClone(this.state);
  }

  outboxStats(): OutboxStats {
    return this.outbox.stats();
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async stop(opts: { abrupt?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.kpiTimer) clearInterval(this.kpiTimer);
    this.kpiAbort.abort();
    this.activationAbort.abort();
    this.downloadAbort?.abort();
    this.safetyAbort?.abort();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    await this.diagnostics.stop();
    await this.kpiCollecting;
    await this.driving?.catch(() => undefined);
    await this.inbox.catch(() => undefined);
    const client = this.client;
    if (!client) return;
    if (this.connectTimer) {
      // Still waiting out the start jitter: never connected, nothing to close (queued messages are dropped).
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.log.info({ abrupt: opts.abrupt ?? false }, "agent stopped before connecting");
      return;
    }
    if (opts.abrupt) {
      // Destroy the socket without DISCONNECT: the broker publishes the will, as after a power cut.
      await client.endAsync(true);
    } else if (!client.connected) {
      // Offline (or still trying to connect): nothing to say goodbye to. What was not acknowledged is in the outbox.
      await client.endAsync(true);
    } else {
      // Say "offline" and let in-flight messages finish, but never hang a shutdown on a link that died meanwhile.
      const graceful = (async () => {
        await client
          .publishAsync(topics.status(this.config.deviceId), "offline", { qos: 1, retain: true })
          .catch((err: unknown) => this.log.warn({ err }, "could not publish offline status"));
        await client.endAsync(false);
      })();
      const cancel = new AbortController();
      const timer = delay(STOP_GRACE_MS, "timeout" as const, { signal: cancel.signal }).catch(() => "done" as const);
      const first = await Promise.race([graceful.then(() => "done" as const), timer]);
      cancel.abort();
      if (first === "timeout") {
        this.log.warn({ graceMs: STOP_GRACE_MS }, "link did not answer the goodbye in time; closing it");
        await client.endAsync(true);
      }
    }
    this.log.info({ abrupt: opts.abrupt ?? false }, "agent stopped");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // MQTT session
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * The MQTT client is created at once (messages published before the first connection wait in its queue) and connects
   * after the start jitter. Reconnects follow `reconnectDelay`: mqtt.js schedules the next attempt with
   * options.reconnectPeriod as it stands when a connection or an attempt closes, so the period is kept equal to the
   * delay of the next attempt: the jitter window after a connect, the next backoff step when an attempt starts.
   */
  private connect(): void {
    const { deviceId, secret, mqtt: m } = this.config;
    const policy: ReconnectPolicy = { jitterMs: m.reconnectJitterMs, minMs: m.reconnectMinMs, maxMs: m.reconnectMaxMs };
    // mqtt.js takes a period of 0 for "never reconnect".
    const delayOf = (attempt: number) => Math.max(1, reconnectDelay(attempt, policy, Math.random()));
    const client = mqtt.connect(this.config.hub.mqttUrl, {
      clientId: deviceId,
      username: deviceId,
      password: secret,
      clean: false,
      // onConnect subscribes on every connection itself. mqtt.js's own resubscribe remembers a topic as soon as its
      // SUBSCRIBE is sent, then skips that topic in later subscribe() calls and, when the broker says the session is
      // present, does not resend it either: a SUBSCRIBE lost to a cut (the manifest's, just after a desired state
      // arrived) was never retried and the device waited in `pending` for good. Subscribing again to a subscription the
      // session has is harmless: the broker redelivers the retained desired state and manifest, which are deduped.
      resubscribe: false,
      protocolVersion: 4,
      keepalive: m.keepaliveS,
      manualConnect: true,
      reconnectPeriod: delayOf(1),
      will: { topic: topics.status(deviceId), payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    this.client = client;
    this.nextConnectAttempt = 1;
    client.on("connect", () => {
      this.nextConnectAttempt = 0;
      client.options.reconnectPeriod = delayOf(0);
      this.onConnect();
    });
    client.on("reconnect", () => {
      this.nextConnectAttempt++;
      client.options.reconnectPeriod = delayOf(this.nextConnectAttempt);
    });
    client.on("offline", () => this.log.info({ reconnectInMs: client.options.reconnectPeriod }, "offline"));
    client.on("error", (err) => this.log.warn({ err: err.message }, "mqtt error"));
    client.on("message", (topic, payload) => {
      this.enqueue(() => this.onMessage(topic, payload));
    });
    const startDelay = reconnectDelay(0, { ...policy, jitterMs: m.connectJitterMs }, Math.random());
    if (startDelay === 0) {
      client.connect();
      return;
    }
    this.log.info({ connectInMs: startDelay }, "connecting after the start jitter");
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      client.connect();
    }, startDelay);
  }

  private onConnect(): void {
    const client = this.client;
    if (!client || this.stopped) return;
    const id = this.config.deviceId;
    this.log.info("connected");
    client.publish(topics.status(id), "online", { qos: 1, retain: true });
    const subs: Record<string, { qos: 1 }> = { [topics.desired(id)]: { qos: 1 }, [topics.cmd(id)]: { qos: 1 } };
    client.subscribe(subs, (err) => {
      if (err) this.log.error({ err: err.message }, "subscribe failed");
    });
    this.manifestTopic = null;
    this.syncManifestSubscription();
    this.enqueue(() => this.publishInventory());
    this.pump();
    this.events.emit("connected");
  }

  /** Subscribed to exactly the manifest the current deployment still waits for, and nothing else. */
  private syncManifestSubscription(): void {
    const d = this.state.deployment;
    const wanted =
      d && (d.state === "pending" || (d.state === "failed" && d.reason === "signature")) && this.state.manifest?.releaseId !== d.releaseId
        ? topics.manifest(d.releaseId)
        : null;
    const client = this.client;
    if (!client?.connected) return;
    if (this.manifestTopic && this.manifestTopic !== wanted) {
      client.unsubscribe(this.manifestTopic);
      this.manifestTopic = null;
    }
    if (wanted && this.manifestTopic !== wanted) {
      this.manifestTopic = wanted;
      client.subscribe(wanted, { qos: 1 }, (err) => {
        if (err) this.log.error({ err: err.message, topic: wanted }, "manifest subscribe failed");
      });
    }
  }

  private enqueue(work: () => Promise<void> | void): void {
    this.inbox = this.inbox
      .then(async () => {
        if (!this.stopped) await work();
      })
      .catch((err: unknown) => this.log.error({ err }, "message handling failed"));
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const parsed = parseTopic(topic);
    if (parsed?.kind === "desired" && parsed.deviceId === this.config.deviceId) return this.onDesired(topic, payload);
    if (parsed?.kind === "cmd" && parsed.deviceId === this.config.deviceId) return this.onCommand(topic, payload);
    if (parsed?.kind === "manifest") return this.onManifest(topic, parsed.releaseId, payload);
    this.log.debug({ topic }, "message on an unexpected topic ignored");
  }

  private reject(topic: string, reason: string, detail: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.log.warn({ deviceId: this.config.deviceId, topic, reason, detail }, "hub message rejected");
    this.events.emit("rejected", { reason, detail, topic } satisfies RejectedEvent);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Desired state
  // ---------------------------------------------------------------------------------------------------------------

  private async onDesired(topic: string, bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return; // a cleared retained message
    const opened = openEnvelope(bytes, PAYLOAD_TYPES.desired, this.hubKeys);
    if (!opened.ok) return this.reject(topic, opened.reason, opened.detail);
    const decoded = decodeDesiredState(opened.payload);
    if (!decoded.ok) return this.reject(topic, decoded.reason, decoded.detail);
    const desired = decoded.message;
    const fields = checkDesiredFields(desired);
    if (!fields.ok) return this.reject(topic, "bad_desired_state", fields.detail);
    const verdict = acceptDesired(desired, { deviceId: this.config.deviceId, lastSeq: this.state.desired?.seq ?? 0, now: this.now() });
    if (!verdict.ok) {
      if (verdict.reason === "duplicate") {
        this.log.debug({ seq: desired.seq }, "desired state already accepted");
        return;
      }
      return this.reject(topic, verdict.reason, verdict.detail);
    }
    // Persist first, then act: after a power cut the agent resumes from this desired state without the network.
    this.state.desired = { seq: desired.seq, envelope: bytes.toString("base64") };
    this.persist();
    this.desired = desired;
    this.log.info(
      { seq: desired.seq, action: desired.action, releaseId: desired.releaseId, rolloutId: desired.rolloutId, activate: desired.activate },
      "desired state accepted",
    );
    await this.haltWork();
    await this.actOnDesired(desired);
  }

  /** Starts what an accepted desired state asks for. Also run at start when a crash came between accept and act. */
  private async actOnDesired(desired: verge.v1.DesiredState): Promise<void> {
    switch (desired.action) {
      case pb.DesiredAction.DESIRED_ACTION_INSTALL:
        await this.beginInstall(desired);
        break;
      case pb.DesiredAction.DESIRED_ACTION_ROLLBACK:
        await this.rollbackTo(desired.releaseId, desired.rolloutId, desired.seq);
        break;
      case pb.DesiredAction.DESIRED_ACTION_NONE:
      case pb.DesiredAction.DESIRED_ACTION_UNSPECIFIED:
        await this.cancelInProgress("desired state asks for nothing to be pending");
        break;
    }
    this.syncManifestSubscription();
    this.kick();
  }

  /**
   * Starts the deployment a desired state asks for. A deployment that ended (`activated`, `failed`, `cancelled`,
   * `rolled_back`, e.g. after a failed health check) is never resumed: a new desired seq for the same release starts a
   * new one, so the hub can retry.
   */
  private async beginInstall(desired: verge.v1.DesiredState): Promise<void> {
    const previous = this.state.deployment;
    if (this.state.installed.currentReleaseId === desired.releaseId) {
      await this.cancelInProgress(`desired seq ${desired.seq} asks for ${desired.releaseId}, which is running`);
      this.log.info({ releaseId: desired.releaseId }, "release already running, nothing to install");
      // Answer the rollout anyway, or the hub would wait forever for a device that is already where it should be.
      const record: DeploymentRecord = {
        rolloutId: desired.rolloutId,
        releaseId: desired.releaseId,
        desiredSeq: desired.seq,
        state: "activated",
        reason: "",
        detail: "",
        activation: null,
      };
      this.transition(record, null, "activated", { reason: "already_installed", detail: `${desired.releaseId} is already the running release` });
      return;
    }
    if (previous && previous.releaseId === desired.releaseId && previous.rolloutId === desired.rolloutId && isInProgress(previous.state)) {
      // The same deployment re-signed by the hub (a fresh expiry): carry on where it is, answering the new seq.
      previous.desiredSeq = desired.seq;
      this.persist();
      return;
    }
    if (previous && (previous.releaseId !== desired.releaseId || previous.rolloutId !== desired.rolloutId)) {
      await this.cancelInProgress(`superseded by desired seq ${desired.seq} (${desired.releaseId}, rollout ${desired.rolloutId})`);
    }
    if (this.state.manifest && this.state.manifest.releaseId !== desired.releaseId) this.state.manifest = null;
    const record: DeploymentRecord = {
      rolloutId: desired.rolloutId,
      releaseId: desired.releaseId,
      desiredSeq: desired.seq,
      state: "pending",
      reason: "",
      detail: "",
      activation: null,
    };
    this.transition(record, null, "pending", { detail: `waiting for the manifest of ${desired.releaseId}` });
  }

  /**
   * Ends the current deployment if it is still on its way (`pending`, `downloading`, `verified`): `cancelled` with
   * reason `superseded`, so the hub hears of it. A switch back after a failed health check that a power cut
   * interrupted is finished instead (`rolled_back`).
   */
  private async cancelInProgress(why: string): Promise<void> {
    const d = this.state.deployment;
    if (!d) return;
    if (d.state === "rolling_back" && d.activation) return this.finishSwitchBack(d);
    if (d.state === "pending" || d.state === "downloading" || d.state === "verified") await this.cancelDeployment(d, "superseded", why);
  }

  /**
   * `cancelled` for a deployment not activated. An activation left half-done (only after an unexpected error or a
   * power cut: the drive loop otherwise finishes it first) is undone: the committed slot runs again.
   */
  private async cancelDeployment(d: DeploymentRecord, reason: string, detail: string): Promise<void> {
    const undone = await this.undoActivation(d);
    this.transition(d, d.state, "cancelled", { reason, detail: `${detail}${undone}` });
  }

  /** Drops a half-done activation of `d`, switching back to its previous slot if needed; says so ("" if nothing). */
  private async undoActivation(d: DeploymentRecord): Promise<string> {
    const activation = d.activation;
    if (!activation) return "";
    d.activation = null;
    if ((await this.module.activeSlot()) === activation.fromSlot) return "";
    const back = await this.module.rollback(activation.fromSlot);
    if (back.ok) return `; switched back to slot ${activation.fromSlot}`;
    this.log.error({ releaseId: d.releaseId, slot: activation.fromSlot, detail: back.detail }, "could not switch back to the previous slot");
    return `; switching back to slot ${activation.fromSlot} failed: ${back.detail}`;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Manifest
  // ---------------------------------------------------------------------------------------------------------------

  private async onManifest(topic: string, releaseId: string, bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    const d = this.state.deployment;
    const waiting = d !== null && d.releaseId === releaseId && (d.state === "pending" || (d.state === "failed" && d.reason === "signature"));
    if (!d || !waiting || this.state.manifest?.releaseId === releaseId) {
      this.log.debug({ topic }, "manifest not waited for, ignored");
      return;
    }
    const opened = openEnvelope(bytes, PAYLOAD_TYPES.manifest, this.releaseKeys);
    if (!opened.ok) {
      this.reject(topic, opened.reason, opened.detail);
      if (d.state === "pending") this.transition(d, d.state, "failed", { reason: "signature", detail: `manifest ${opened.reason}: ${opened.detail}` });
      return;
    }
    const decoded = decodeManifest(opened.payload);
    if (!decoded.ok) {
      this.reject(topic, decoded.reason, decoded.detail);
      if (d.state === "pending") this.transition(d, d.state, "failed", { reason: "decode", detail: `manifest does not decode: ${decoded.detail}` });
      return;
    }
    // Signed is not the same as sane: the fields that become paths, topics and check environments are checked first.
    const fields = checkManifestFields(decoded.message);
    if (!fields.ok) {
      this.reject(topic, "bad_manifest", fields.detail);
      this.transition(d, d.state, "failed", { reason: "bad_manifest", detail: `manifest refused: ${fields.detail}` });
      this.syncManifestSubscription();
      return;
    }
    const inactive = (await this.module.slots()).find((s) => !s.active);
    const verdict = checkManifest(decoded.message, {
      releaseId,
      variant: this.config.variant,
      highestCounter: this.state.installed.highestCounter,
      now: this.now(),
      previousReleaseId: inactive?.release?.releaseId,
    });
    if (!verdict.ok) {
      this.transition(d, d.state, "failed", { reason: verdict.reason, detail: verdict.detail });
      this.syncManifestSubscription();
      return;
    }
    this.state.manifest = { releaseId, envelope: bytes.toString("base64") };
    this.persist();
    this.log.info({ releaseId, counter: decoded.message.counter, keyId: opened.keyId }, "manifest verified");
    this.syncManifestSubscription();
    this.kick();
  }

  /** The stored manifest of `releaseId`, re-verified (trusted keys may have changed since it was stored). */
  private storedManifest(releaseId: string): verge.v1.ReleaseManifest | undefined {
    const stored = this.state.manifest;
    if (!stored || stored.releaseId !== releaseId) return undefined;
    const opened = openEnvelope(Buffer.from(stored.envelope, "base64"), PAYLOAD_TYPES.manifest, this.releaseKeys);
    const decoded = opened.ok ? decodeManifest(opened.payload) : undefined;
    if (!decoded?.ok || !checkManifestFields(decoded.message).ok) {
      this.log.warn({ releaseId }, "stored manifest no longer verifies, dropped");
      this.state.manifest = null;
      this.persist();
      return undefined;
    }
    return decoded.message;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The drive loop: moves the current deployment forward from whatever state it is in (also after a restart)
  // ---------------------------------------------------------------------------------------------------------------

  private kick(): void {
    if (this.stopped) return;
    if (this.driving) {
      this.redrive = true;
      return;
    }
    this.driving = (async () => {
      try {
        do {
          this.redrive = false;
          while (!this.stopped && (await this.step())) {
            /* keep going while steps make progress */
          }
        } while (this.redrive && !this.stopped);
      } catch (err) {
        this.log.error({ err }, "deployment step failed unexpectedly");
      } finally {
        this.driving = null;
      }
    })();
  }

  /** Aborts a running download (part files kept) and waits for the drive loop to settle. */
  private async haltWork(): Promise<void> {
    this.downloadAbort?.abort();
    this.safetyAbort?.abort();
    await this.driving?.catch(() => undefined);
  }

  /** One step; true when it changed the deployment state and another step may follow. */
  private async step(): Promise<boolean> {
    const d = this.state.deployment;
    // Switching back after a failed health check, cut by a restart: finished whatever desired state came since.
    if (d?.state === "rolling_back" && d.activation) {
      await this.finishSwitchBack(d);
      return false;
    }
    const desired = this.desired;
    if (!d || !desired || desired.seq !== d.desiredSeq) return false;
    switch (d.state) {
      case "pending":
      case "downloading":
      case "failed": {
        if (d.state === "failed" && d.reason !== "signature") return false;
        const manifest = this.storedManifest(d.releaseId);
        if (!manifest) return false;
        return this.download(d, manifest);
      }
      case "verified": {
        // An activation already begun is finished (committed or switched back), whatever `activate` says now.
        if (!desired.activate && !d.activation) return false;
        const manifest = this.storedManifest(d.releaseId);
        if (!manifest) {
          const undone = await this.undoActivation(d);
          this.transition(d, d.state, "failed", { reason: "install", detail: `the verified manifest is no longer on the device${undone}` });
          return false;
        }
        // Not begun yet: only inside the maintenance window, with the safety check passing.
        if (!d.activation && !(await this.mayActivate(d, desired, manifest))) return false;
        await this.activate(d, manifest);
        return false;
      }
      case "activated":
      case "cancelled":
      case "rolling_back":
      case "rolled_back":
        return false;
    }
  }

  private async download(d: DeploymentRecord, manifest: verge.v1.ReleaseManifest): Promise<boolean> {
    const components = componentsOf(manifest);
    const total = components.reduce((sum, c) => sum + c.size, 0);
    const allPresent = components.every((c) => fileSize(artifactPath(this.downloadsDir, c.sha256)) === c.size);
    const have = Math.min(
      total,
      components.reduce((sum, c) => sum + (fileSize(artifactPath(this.downloadsDir, c.sha256)) ?? fileSize(partPath(this.downloadsDir, c.sha256)) ?? 0), 0),
    );
    // Before any byte: the whole release must fit, with a margin, next to what is already there.
    if (!allPresent) {
      const space = await checkDiskSpace(this.downloadsDir, await remainingBytes(this.downloadsDir, components), this.freeBytes);
      if (this.state.deployment !== d) return false; // superseded meanwhile
      if (!space.ok) {
        this.transition(d, d.state, "failed", { reason: space.reason, detail: space.detail });
        return false;
      }
    }
    // Artifacts already verified on the device (a download-only stage, then activate): straight to `verified`.
    if (!allPresent) this.transition(d, d.state, "downloading", { bytesDone: have, bytesTotal: total });
    const abort = new AbortController();
    this.downloadAbort = abort;
    let last = { at: this.now(), bytes: have };
    let doneBefore = 0;
    try {
      for (const component of components) {
        const result = await downloadComponent(component, {
          downloadsDir: this.downloadsDir,
          baseUrl: this.config.hub.httpUrl,
          signal: abort.signal,
          logger: this.log,
          maxAttempts: this.config.download.maxAttempts,
          retryMinMs: this.config.download.retryMinMs,
          retryMaxMs: this.config.download.retryMaxMs,
          freeBytes: this.freeBytes,
          fetch: this.fetch,
          onProgress: (bytes) => {
            const current = { at: this.now(), bytes: doneBefore + bytes, total };
            if (d.state === "downloading" && shouldReportProgress(last, current)) {
              last = { at: current.at, bytes: current.bytes };
              this.transition(d, "downloading", "downloading", { bytesDone: current.bytes, bytesTotal: total });
            }
          },
        });
        if (this.state.deployment !== d) return false; // superseded meanwhile
        if (!result.ok) {
          if (result.reason === "aborted") return false; // stop() or a new desired state: resume later from the part file
          this.transition(d, d.state, "failed", { reason: result.reason, detail: result.detail });
          return false;
        }
        doneBefore += component.size;
      }
    } finally {
      if (this.downloadAbort === abort) this.downloadAbort = null;
    }
    this.transition(d, d.state, "verified", {
      bytesDone: total,
      bytesTotal: total,
      detail: `${components.length} component(s) verified against the signed manifest`,
    });
    return true;
  }

  /**
   * Whether the activation of `d` may begin now (activation-gate.ts): the desired state's maintenance window is open
   * (device clock, the window's zone) and the safety checks pass, the window checked again after them. Otherwise the
   * device stays `verified` and says why, and a timer looks again; a window the device cannot evaluate fails the
   * deployment (reason `maintenance_window`): never an activation outside a window because of a bad expression.
   */
  private async mayActivate(d: DeploymentRecord, desired: verge.v1.DesiredState, manifest: verge.v1.ReleaseManifest): Promise<boolean> {
    const rule = windowRuleOf(desired.maintenanceWindow);
    const window = windowGate(rule, this.now());
    if (window.kind === "invalid") {
      this.transition(d, d.state, "failed", { reason: "maintenance_window", detail: window.detail });
      return false;
    }
    if (window.kind === "hold") return this.hold(d, window.hold);
    if (!this.safetyCheck) return true;
    const abort = new AbortController();
    this.safetyAbort = abort;
    let verdict;
    try {
      const target = { releaseId: manifest.releaseId, version: manifest.version, rolloutId: d.rolloutId, currentReleaseId: this.state.installed.currentReleaseId };
      verdict = await this.safetyCheck(target, abort.signal);
    } finally {
      if (this.safetyAbort === abort) this.safetyAbort = null;
    }
    if (abort.signal.aborted || this.state.deployment !== d) return false; // stopping, or a new desired state
    if (!verdict.ok) return this.hold(d, safetyHold(verdict.detail, this.config.safetyCheck.intervalS * 1000));
    const after = windowGate(rule, this.now()); // the check took a while: the window may have closed meanwhile
    if (after.kind === "hold") return this.hold(d, after.hold);
    return true;
  }

  /** Stays `verified`, reporting why only when that changed, and looks again after `hold.recheckInMs`. */
  private hold(d: DeploymentRecord, hold: Hold): false {
    if (isNewHold(d, hold)) this.transition(d, "verified", "verified", { reason: hold.reason, detail: hold.detail });
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      this.kick();
    }, hold.recheckInMs);
    this.holdTimer.unref();
    return false;
  }

  /**
   * Install into the inactive slot, switch, health check (retried over the span), commit. A failure before the new
   * slot ran is `failed` (`install`); a health check still failing at the end of the span switches back on the
   * device's own, with no hub involved: `rolling_back -> rolled_back` (`health_check`).
   */
  private async activate(d: DeploymentRecord, manifest: verge.v1.ReleaseManifest): Promise<void> {
    const release: InstallRelease = {
      releaseId: manifest.releaseId,
      version: manifest.version,
      counter: manifest.counter,
      components: componentsOf(manifest).map((c) => ({ ...c, file: artifactPath(this.downloadsDir, c.sha256) })),
    };
    const active = await this.module.activeSlot();
    let activation = d.activation;
    if (!activation) {
      activation = { fromSlot: active, toSlot: await this.module.inactiveSlot(), startedAt: this.now() };
      d.activation = activation;
      this.persist();
      this.crashAt("activation-recorded");
    }
    const { fromSlot, toSlot } = activation;
    const log = this.log.child({ releaseId: d.releaseId, rolloutId: d.rolloutId, fromSlot, toSlot });
    const fail = async (reason: string, detail: string): Promise<void> => {
      if ((await this.module.activeSlot()) !== fromSlot) {
        const back = await this.module.rollback(fromSlot);
        if (!back.ok) log.error({ detail: back.detail }, "could not switch back to the previous slot");
      }
      d.activation = null;
      this.transition(d, d.state, "failed", { reason, detail });
    };

    // After a restart the switch may already have happened: then only the health check and commit are left.
    if (active !== toSlot) {
      log.info("installing into the inactive slot");
      const installed = await this.module.install(toSlot, release);
      if (!installed.ok) return fail("install", installed.detail);
      // The health-check span counts from the switch, across restarts too: recorded before switching.
      activation.switchedAt = this.now();
      this.persist();
      this.crashAt("switch-recorded");
      const switched = await this.module.switchTo(toSlot);
      if (!switched.ok) return fail("install", switched.detail);
      this.crashAt("switched");
    } else {
      log.info({ switchedAt: activation.switchedAt }, "resuming an activation interrupted after the switch");
    }
    const health = await this.awaitHealthy(release, toSlot, activation.switchedAt ?? activation.startedAt, log);
    if (health === undefined) return; // the agent is stopping: the next start continues the span
    if (!health.ok) {
      this.transition(d, d.state, "rolling_back", { reason: "health_check", detail: `${health.detail}; switching back to slot ${fromSlot}` });
      await this.finishSwitchBack(d);
      return;
    }
    const committed = await this.module.commit(toSlot);
    if (!committed.ok) return fail("install", committed.detail);
    this.crashAt("committed");

    const { installed } = this.state;
    const previousReleaseId = installed.currentReleaseId;
    this.state.installed = {
      currentReleaseId: manifest.releaseId,
      currentVersion: manifest.version,
      currentCounter: manifest.counter,
      previousReleaseId,
      highestCounter: Math.max(installed.highestCounter, manifest.counter),
    };
    d.activation = null;
    this.transition(d, d.state, "activated", { detail: `running ${manifest.releaseId} (${manifest.version}) from slot ${toSlot}` });
    log.info("release activated");
    await this.publishInventory();
  }

  /**
   * Checks the release switched to until a check passes, or the span (`healthCheck.spanS` from `switchedAt`) is over:
   * then the last failure, saying what failed. undefined when the agent stops meanwhile.
   */
  private async awaitHealthy(release: InstallRelease, slot: string, switchedAt: number, log: Logger): Promise<HealthVerdict | undefined> {
    const { spanS, intervalS } = this.config.healthCheck;
    const signal = this.activationAbort.signal;
    for (let attempt = 1; ; attempt++) {
      const verdict = await this.checkHealth(release, slot, signal);
      if (signal.aborted) return undefined;
      if (verdict.ok) {
        log.info({ attempt }, "health check passed");
        return verdict;
      }
      const next = nextHealthCheck({ switchedAt, now: this.now(), spanMs: spanS * 1000, intervalMs: intervalS * 1000 });
      if (!next.retry) {
        const after = (Math.max(0, next.elapsedMs) / 1000).toFixed(1);
        log.warn({ attempt, detail: verdict.detail, spanS }, "health check still failing at the end of its span");
        return { ok: false, detail: `health check failed: ${verdict.detail} (still failing ${after} s after the switch to slot ${slot})` };
      }
      log.info({ attempt, detail: verdict.detail, retryInMs: next.delayMs }, "health check failed, checking again");
      try {
        await delay(next.delayMs, undefined, { signal });
      } catch {
        return undefined; // aborted by stop()
      }
    }
  }

  /** One check: the update module's (the slot holds the release intact), then the application's, if any. */
  private async checkHealth(release: InstallRelease, slot: string, signal: AbortSignal): Promise<HealthVerdict> {
    const integrity = await this.module.healthCheck(slot, release);
    if (!integrity.ok) return integrity;
    if (!this.healthCheck) return { ok: true };
    try {
      return await this.healthCheck({ releaseId: release.releaseId, version: release.version, slot }, signal);
    } catch (err) {
      return { ok: false, detail: `health check threw: ${(err as Error).message}` };
    }
  }

  /**
   * Switches back to the slot a failed health check came from (state `rolling_back`, activation record kept until
   * done, so a restart finishes it): `rolled_back` with the previous release running, or `failed` (`rollback`).
   */
  private async finishSwitchBack(d: DeploymentRecord): Promise<void> {
    const activation = d.activation;
    if (!activation) return;
    const { fromSlot } = activation;
    const back = await this.module.rollback(fromSlot);
    d.activation = null;
    if (!back.ok) {
      this.transition(d, "rolling_back", "failed", { reason: "rollback", detail: `switching back to slot ${fromSlot} failed: ${back.detail}` });
      return;
    }
    // Nothing was committed: `installed` still names the release that ran before.
    const running = this.state.installed.currentReleaseId || "the factory image";
    this.transition(d, "rolling_back", "rolled_back", { reason: "health_check", detail: `running ${running} from slot ${fromSlot}` });
    this.log.warn({ releaseId: d.releaseId, rolloutId: d.rolloutId, slot: fromSlot }, "switched back after a failed health check");
    await this.publishInventory();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rollback (command or desired state)
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Switches back to `releaseId` when the inactive slot holds it. When it is already running, a deployment of another
   * release still on its way (pending, downloading, verified: never activated) is cancelled instead, so a device of a
   * rolled-back stage that never switched answers too. `desiredSeq` is that of the rollback desired state, or of the
   * current deployment for a command.
   */
  private async rollbackTo(releaseId: string, rolloutId: string, desiredSeq: number): Promise<RollbackOutcome> {
    await this.haltWork();
    if (this.state.installed.currentReleaseId === releaseId) {
      const d = this.state.deployment;
      if (d && d.releaseId !== releaseId && (d.state === "pending" || d.state === "downloading" || d.state === "verified")) {
        d.desiredSeq = desiredSeq;
        await this.cancelDeployment(d, "rollback", `rollback to ${releaseId} requested: ${releaseId} is running, deployment of ${d.releaseId} cancelled`);
        this.syncManifestSubscription();
        return { ok: true, detail: d.detail };
      }
      this.log.info({ releaseId, rolloutId }, "rollback target already running, nothing in progress to cancel");
      return { ok: true, detail: `${releaseId} is already running` };
    }
    const inactive = (await this.module.slots()).find((s) => !s.active);
    if (!inactive?.release || inactive.release.releaseId !== releaseId) {
      const detail = `the inactive slot holds ${inactive?.release?.releaseId ?? "no release"}, not ${releaseId}`;
      if (desiredSeq === this.desired?.seq && this.state.deployment?.desiredSeq !== desiredSeq) {
        // A rollback desired state we cannot follow still gets an answer.
        const record: DeploymentRecord = { rolloutId, releaseId, desiredSeq, state: "rolling_back", reason: "", detail: "", activation: null };
        this.transition(record, null, "rolling_back", { reason: "rollback", detail: `rolling back to ${releaseId}` });
        this.transition(record, "rolling_back", "failed", { reason: "rollback_unavailable", detail });
      }
      return { ok: false, reason: "rollback_unavailable", detail };
    }
    const previous = this.state.deployment;
    const record: DeploymentRecord = { rolloutId, releaseId, desiredSeq, state: previous?.state ?? "activated", reason: "", detail: "", activation: null };
    this.transition(record, previous?.state ?? null, "rolling_back", { reason: "rollback", detail: `switching back to slot ${inactive.name}` });
    return this.switchBackTo(record, inactive);
  }

  /**
   * The switch of a hub-asked rollback (`rolling_back`, reason `rollback`) to `slot`, which holds the release, and
   * what it implies: `installed` names that release, `rolled_back`. Idempotent, so a restart redoes it.
   */
  private async switchBackTo(record: DeploymentRecord, slot: SlotStatus): Promise<RollbackOutcome> {
    const target = slot.release!;
    const result = await this.module.rollback(slot.name);
    if (!result.ok) {
      this.transition(record, "rolling_back", "failed", { reason: "rollback", detail: result.detail });
      return { ok: false, reason: "rollback", detail: result.detail };
    }
    this.crashAt("rollback-switched");
    const { installed } = this.state;
    if (installed.currentReleaseId !== target.releaseId) {
      this.state.installed = {
        currentReleaseId: target.releaseId,
        currentVersion: target.version,
        currentCounter: target.counter,
        previousReleaseId: installed.currentReleaseId,
        highestCounter: installed.highestCounter,
      };
    }
    this.state.manifest = null;
    const detail = `running ${target.releaseId} from slot ${slot.name}`;
    this.transition(record, "rolling_back", "rolled_back", { reason: "rollback", detail });
    await this.publishInventory();
    return { ok: true, detail };
  }

  /**
   * A hub-asked rollback cut by a power cut after `rolling_back` was recorded: finished from what the slots hold
   * (the switch may or may not have happened), never left `rolling_back` for good.
   */
  private async resumeRollback(d: DeploymentRecord): Promise<void> {
    const slots = await this.module.slots();
    const holder = slots.find((s) => s.active && s.release?.releaseId === d.releaseId) ?? slots.find((s) => s.release?.releaseId === d.releaseId);
    this.log.info({ releaseId: d.releaseId, rolloutId: d.rolloutId, slot: holder?.name }, "finishing a rollback interrupted by a restart");
    if (!holder) {
      this.transition(d, "rolling_back", "failed", { reason: "rollback_unavailable", detail: `no slot holds ${d.releaseId}` });
      return;
    }
    await this.switchBackTo(d, holder);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Commands
  // ---------------------------------------------------------------------------------------------------------------

  private async onCommand(topic: string, bytes: Buffer): Promise<void> {
    const opened = openEnvelope(bytes, PAYLOAD_TYPES.command, this.hubKeys);
    if (!opened.ok) return this.reject(topic, opened.reason, opened.detail);
    const decoded = decodeCommand(opened.payload);
    if (!decoded.ok) return this.reject(topic, decoded.reason, decoded.detail);
    const command = decoded.message;
    const fields = checkCommandFields(command);
    if (!fields.ok) {
      this.reject(topic, "bad_command", fields.detail);
      if (command.deviceId === this.config.deviceId) this.ack(command, pb.AckStatus.ACK_STATUS_REJECTED, "bad_command", fields.detail);
      return;
    }
    const verdict = acceptCommand(command, { deviceId: this.config.deviceId, lastCommandSeq: this.state.lastCommandSeq, now: this.now() });
    if (!verdict.ok) {
      this.reject(topic, verdict.reason, verdict.detail);
      // A signed command for this device gets an answer, so the hub does not wait for nothing.
      if (verdict.reason !== "wrong_device") this.ack(command, pb.AckStatus.ACK_STATUS_REJECTED, verdict.reason, verdict.detail);
      return;
    }
    this.state.lastCommandSeq = command.seq;
    this.persist();
    this.log.info({ commandId: command.commandId, type: command.type, seq: command.seq }, "command accepted");
    switch (command.type) {
      case pb.CommandType.COMMAND_TYPE_ROLLBACK: {
        const inactive = (await this.module.slots()).find((s) => !s.active);
        if (this.state.installed.currentReleaseId !== command.releaseId && inactive?.release?.releaseId !== command.releaseId) {
          this.ack(command, pb.AckStatus.ACK_STATUS_REJECTED, "rollback_unavailable", `no slot holds ${command.releaseId}`);
          return;
        }
        this.ack(command, pb.AckStatus.ACK_STATUS_ACCEPTED, "", "");
        const outcome = await this.rollbackTo(command.releaseId, command.rolloutId, this.state.deployment?.desiredSeq ?? this.desired?.seq ?? 0);
        if (outcome.ok) this.ack(command, pb.AckStatus.ACK_STATUS_DONE, "", outcome.detail);
        else this.ack(command, pb.AckStatus.ACK_STATUS_FAILED, outcome.reason, outcome.detail);
        this.kick();
        return;
      }
      case pb.CommandType.COMMAND_TYPE_REPORT_INVENTORY:
        await this.publishInventory();
        this.ack(command, pb.AckStatus.ACK_STATUS_DONE, "", "inventory published");
        return;
      case pb.CommandType.COMMAND_TYPE_COLLECT_DIAGNOSTICS:
        // Acked ACCEPTED now, DONE or FAILED once the bundle is uploaded; the upload does not hold up the inbox.
        this.diagnostics.handle(command, (status, reason, detail) => this.ack(command, status, reason, detail));
        return;
      case pb.CommandType.COMMAND_TYPE_CANCEL:
      case pb.CommandType.COMMAND_TYPE_UNSPECIFIED:
        this.ack(command, pb.AckStatus.ACK_STATUS_REJECTED, "unsupported", `command type ${command.type} is not supported by this agent`);
        return;
    }
  }

  private ack(command: verge.v1.Command, status: verge.v1.AckStatus, reason: string, detail: string): void {
    const message = pb.CommandAck.create({
      deviceId: this.config.deviceId,
      seq: this.takeSeq(),
      eventTime: this.now(),
      commandId: command.commandId,
      commandSeq: command.seq,
      status,
      reason,
      detail,
    });
    this.send("ack", message.seq, pb.CommandAck.encode(message).finish());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Telemetry
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Moves `record` from `from` to `to`, makes it the current deployment, persists, then reports it. A transition the
   * state machine does not allow is logged and dropped.
   */
  private transition(record: DeploymentRecord, from: DeploymentStateName | null, to: DeploymentStateName, fields: TransitionFields): void {
    if (!canTransition(from, to)) {
      this.log.error({ from, to, releaseId: record.releaseId }, "transition not allowed by the state machine, dropped");
      return;
    }
    record.state = to;
    record.reason = fields.reason ?? "";
    record.detail = fields.detail ?? "";
    const identity = {
      rolloutId: record.rolloutId,
      releaseId: record.releaseId,
      desiredSeq: record.desiredSeq,
      fromState: from === null ? pb.DeploymentState.DEPLOYMENT_STATE_UNSPECIFIED : stateToWire(from),
      state: stateToWire(to),
      reason: record.reason,
      bytesDone: fields.bytesDone ?? 0,
      bytesTotal: fields.bytesTotal ?? 0,
    };
    const announced = this.unreflected;
    this.unreflected = null;
    if (announced && isSameTransition(announced, identity)) {
      // Announced (in the outbox journal, maybe at the hub already) just before a power cut took the state write: the
      // step was redone up to here. Only the state write is left; a second report under a new seq would be a second row.
      this.log.info({ releaseId: record.releaseId, rolloutId: record.rolloutId, from, to, seq: announced.seq }, "transition announced before the restart; not announced again");
      this.reflect(record, announced.seq, to);
      return;
    }
    // The transition is durable (fsynced in the outbox journal) before the state that implies it: a power cut between
    // the two leaves a transition the agent redoes without announcing again, never a state the hub does not hear of.
    const message = pb.StateTransition.create({
      deviceId: this.config.deviceId,
      seq: this.takeSeq(),
      eventTime: this.now(),
      rolloutId: record.rolloutId,
      releaseId: record.releaseId,
      fromState: from === null ? pb.DeploymentState.DEPLOYMENT_STATE_UNSPECIFIED : stateToWire(from),
      state: stateToWire(to),
      reason: record.reason,
      detail: record.detail,
      bytesDone: fields.bytesDone ?? 0,
      bytesTotal: fields.bytesTotal ?? 0,
      desiredSeq: record.desiredSeq,
    });
    this.send("state", message.seq, pb.StateTransition.encode(message).finish());
    const level = to === "failed" ? "warn" : "info";
    this.log[level](
      { releaseId: record.releaseId, rolloutId: record.rolloutId, from, to, reason: record.reason, detail: record.detail, seq: message.seq },
      "deployment transition",
    );
    this.reflect(record, message.seq, to);
    this.events.emit("transition", message);
  }

  /** Writes the state a transition (seq `seq`) implies: the deployment record, and which transition it reflects. */
  private reflect(record: DeploymentRecord, seq: number, to: DeploymentStateName): void {
    this.crashAt(`announced-${to}`);
    this.state.deployment = record;
    this.state.telemetry.lastTransitionSeq = seq;
    this.persist();
    this.crashAt(`persisted-${to}`);
  }

  /**
   * At start: the outbox journal's newest state transition, if state.json does not reflect it (a power cut came between
   * the journal append and the state write). The drive loop redoes the step, and transition() recognises it.
   */
  private findUnreflectedTransition(): void {
    const last = this.outbox.lastStateEntry();
    // A state file of an older agent (no lastTransitionSeq) was written before its transitions: it reflects them all.
    const reflected = this.state.telemetry.lastTransitionSeq ?? Number.POSITIVE_INFINITY;
    if (!last || last.seq <= reflected) return;
    try {
      this.unreflected = pb.StateTransition.decode(last.payload);
    } catch (err) {
      this.log.error({ err, seq: last.seq }, "the outbox's last state transition does not decode; not matched against the redone step");
      return;
    }
    this.log.info(
      { seq: last.seq, reflectedSeq: reflected, releaseId: this.unreflected.releaseId, state: stateFromWire(this.unreflected.state) },
      "last transition announced but not in state.json (power cut between the two): redoing its step without announcing it again",
    );
  }

  private publishHeartbeat(): void {
    if (this.stopped) return;
    const message = pb.Heartbeat.create({
      deviceId: this.config.deviceId,
      seq: this.takeSeq(),
      eventTime: this.now(),
      uptimeS: Math.floor((this.now() - this.startedAt) / 1000),
      currentReleaseId: this.state.installed.currentReleaseId,
      deploymentState: this.state.deployment ? stateToWire(this.state.deployment.state) : pb.DeploymentState.DEPLOYMENT_STATE_UNSPECIFIED,
      agentVersion: this.agentVersion,
      rejected: { ...this.rejected },
      ...this.outboxFields(),
    });
    this.send("heartbeat", message.seq, pb.Heartbeat.encode(message).finish());
  }

  private async publishInventory(): Promise<void> {
    const slots = await this.module.slots();
    const active = slots.find((s) => s.active);
    const componentVersion = (name: string): string | undefined => active?.release?.components.find((c) => c.name === name)?.version;
    const { installed } = this.state;
    const message = pb.Inventory.create({
      deviceId: this.config.deviceId,
      seq: this.takeSeq(),
      eventTime: this.now(),
      variant: this.config.variant,
      components: [
        { name: "base_image", version: componentVersion("base_image") ?? this.config.inventory.baseImageVersion },
        { name: "app", version: componentVersion("app") ?? active?.release?.version ?? "unknown" },
        { name: "agent", version: this.agentVersion },
      ],
      slots: slots.map((s) => ({ name: s.name, releaseId: s.release?.releaseId ?? "", version: s.release?.version ?? "", active: s.active })),
      agentVersion: this.agentVersion,
      currentReleaseId: installed.currentReleaseId,
      previousReleaseId: installed.previousReleaseId,
      highestCounter: installed.highestCounter,
    });
    this.send("inventory", message.seq, pb.Inventory.encode(message).finish());
  }

  /** Each KPI interval: report the window since the last report, unless the previous collection is still running. */
  private onKpiTick(): void {
    if (this.stopped) return;
    if (this.kpiCollecting) {
      this.kpiProblems.busy = (this.kpiProblems.busy ?? 0) + 1;
      this.log.warn({ windowStart: this.kpiWindowStart }, "KPI source still collecting the previous window, tick skipped");
      return;
    }
    this.kpiCollecting = this.reportKpi()
      .catch((err: unknown) => this.log.error({ err }, "KPI report failed unexpectedly"))
      .finally(() => (this.kpiCollecting = null));
  }

  /**
   * Asks the source for the window [last report's end, now] and publishes it. When nothing is reported (the source
   * has nothing, fails or returns bad counts) the window start stays put: the next report covers the gap too, so the
   * reported windows stay contiguous and a delta-based source's counts match the window they are reported for.
   */
  private async reportKpi(): Promise<void> {
    const source = this.kpiSource;
    if (!source) return;
    const window: KpiWindow = { start: this.kpiWindowStart, end: this.now(), releaseId: this.state.installed.currentReleaseId };
    const log = this.log.child({ windowStart: window.start, windowEnd: window.end, releaseId: window.releaseId });
    let collected: unknown;
    try {
      collected = await source.collect(window, this.kpiAbort.signal);
    } catch (err) {
      this.kpiProblems.source_error = (this.kpiProblems.source_error ?? 0) + 1;
      log.warn({ err }, "KPI source failed, no report for this window");
      return;
    }
    if (collected === null || collected === undefined) {
      log.debug("KPI source has nothing for this window");
      return;
    }
    const parsed = parseKpiCounts(collected);
    if (!parsed.ok) {
      this.kpiProblems.invalid_counts = (this.kpiProblems.invalid_counts ?? 0) + 1;
      log.warn({ detail: parsed.detail }, "KPI source returned invalid counts, no report for this window");
      return;
    }
    const { counts } = parsed;
    const message = pb.KpiReport.create({
      deviceId: this.config.deviceId,
      seq: this.takeSeq(),
      eventTime: window.end,
      windowStart: window.start,
      windowEnd: window.end,
      releaseId: window.releaseId,
      secondsUp: counts.secondsUp,
      secondsDown: counts.secondsDown,
      eventsProcessed: counts.eventsProcessed,
      eventsDropped: counts.eventsDropped,
      lagBucketBoundsMs: [...LAG_BUCKET_BOUNDS_MS],
      lagBucketCounts: counts.lagBucketCounts,
    });
    this.kpiWindowStart = window.end;
    this.send("kpi", message.seq, pb.KpiReport.encode(message).finish());
    log.debug({ seq: message.seq, ...counts, lagBucketCounts: undefined }, "KPI report published");
    this.events.emit("kpi", message);
  }

  /** Into the durable outbox first (on disk before it may leave), then sent when the link allows. */
  private send(kind: OutboxKind, seq: number, payload: Uint8Array): void {
    this.outbox.add({ seq, kind, payload: Buffer.from(payload) });
    this.pump();
  }

  /**
   * Sends the outbox in seq order while connected, at most OUTBOX_WINDOW messages awaiting their PUBACK. An entry
   * leaves the outbox on its PUBACK; one in flight when the link drops is resent by mqtt.js on reconnect (persistent
   * session), and after a restart by the outbox. The hub stores by (device, seq), so a resend is stored once.
   */
  private pump(): void {
    const client = this.client;
    if (!client?.connected || this.stopped) return;
    const batch = this.outbox.takeForSending(OUTBOX_WINDOW - this.inFlight);
    for (const entry of batch) {
      this.inFlight++;
      const retain = entry.kind === "inventory";
      client.publish(topics.up(this.config.deviceId, entry.kind), entry.payload, { qos: 1, retain }, (err) => {
        this.inFlight--;
        if (err) {
          // The client gave up on it (it is ending): sent again after the next connect.
          this.outbox.unsent(entry.seq);
          this.log.warn({ seq: entry.seq, kind: entry.kind, err: err.message }, "publish failed; kept in the outbox");
          return;
        }
        this.outbox.acked(entry.seq);
        this.pump();
      });
    }
  }

  private outboxFields(): { outboxDepth: number; outboxBytes: number; outboxDropped: Record<string, number>; outboxMerged: number } {
    const stats = this.outbox.stats();
    return { outboxDepth: stats.depth, outboxBytes: stats.bytes, outboxDropped: stats.dropped, outboxMerged: stats.merged };
  }

  /** The next telemetry seq; persists a new reserved block before using a seq at or above the mark. */
  private takeSeq(): number {
    if (needsReservation(this.nextSeq, this.reservedSeq)) this.reserveSeqs(this.nextSeq + TELEMETRY_SEQ_RESERVE);
    return this.nextSeq++;
  }

  /**
   * Moves the reserved mark to `mark` (the seq file, fsynced; copied into state.json with its next write). A failed
   * write (full disk) is logged and the agent goes on: the outbox journal's highest seq and the clock floor still keep
   * a restart above the seqs used meanwhile.
   */
  private reserveSeqs(mark: number): void {
    this.reservedSeq = mark;
    this.state.telemetry.reservedSeq = mark;
    try {
      saveSeqMark(this.config.dataDir, mark, { fsync: this.stateFsync });
    } catch (err) {
      this.log.error({ err, mark }, "could not write the telemetry seq mark");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------------------------

  private persist(): void {
    saveState(this.config.dataDir, this.state, { fsync: this.stateFsync });
  }

  private loadDesired(): verge.v1.DesiredState | null {
    const stored = this.state.desired;
    if (!stored) return null;
    const opened = openEnvelope(Buffer.from(stored.envelope, "base64"), PAYLOAD_TYPES.desired, this.hubKeys);
    const decoded = opened.ok ? decodeDesiredState(opened.payload) : undefined;
    if (!decoded?.ok) {
      // Keep the seq (never go back below it) but do not act on something that no longer verifies.
      this.log.warn({ seq: stored.seq }, "stored desired state no longer verifies; waiting for a new one");
      return null;
    }
    return decoded.message;
  }

  /** On first start the running slot may already hold a release (the factory image): take it as current. */
  private async adoptFactoryRelease(): Promise<void> {
    if (this.state.installed.currentReleaseId !== "") return;
    const active = (await this.module.slots()).find((s) => s.active);
    if (!active?.release) return;
    this.state.installed = {
      currentReleaseId: active.release.releaseId,
      currentVersion: active.release.version,
      currentCounter: active.release.counter,
      previousReleaseId: "",
      highestCounter: Math.max(this.state.installed.highestCounter, active.release.counter),
    };
    this.persist();
  }
}

/** Manifest components with proto3 defaults filled in. */
function componentsOf(manifest: verge.v1.ReleaseManifest): (ComponentRef & { version: string })[] {
  return manifest.components.map((c) => ({
    name: c.name ?? "",
    version: c.version ?? "",
    size: c.size ?? 0,
    sha256: c.sha256 ?? "",
    urls: c.urls ?? [],
  }));
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/** The version in verge's package.json, found by walking up from this file (works from source and from dist/). */
function readAgentVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (pkg.name === "verge" && pkg.version) return pkg.version;
      } catch {
        /* keep looking */
      }
    }
    dir = dirname(dir);
  }
  return "unknown";
}
