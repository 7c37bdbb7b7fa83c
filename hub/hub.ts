// Composition root of the hub process: config, logger and adapters wired explicitly. Starts the embedded broker,
// the hub's MQTT session, and the HTTP server; stops them in reverse order.
import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { FastifyInstance } from "fastify";
import { startBroker } from "../broker/broker.js";
import type { RunningBroker } from "../broker/broker.js";
import { SqliteCredentialStore } from "../broker/credentials-sqlite.js";
import { generateSecret, hashSecret } from "../broker/secrets.js";
import { ArtifactStore } from "./artifact-store.js";
import { Auditor } from "./audit.js";
import { AuditCheckpoints, CHECKPOINT_TOPIC } from "./audit-checkpoints.js";
import type { HubConfig } from "./config.js";
import { openDatabase } from "./db/database.js";
import type { Db } from "./db/database.js";
import { buildHttpServer } from "./http/server.js";
import { loadOrCreateKeys, loadOrCreateSecret } from "./keys.js";
import type { HubKeys } from "./keys.js";
import { HubMetrics } from "./metrics.js";
import { HUB_MQTT_USERNAME, HubMqttClient } from "./mqtt/hub-client.js";
import { AuditRepo } from "./repos/audit.repo.js";
import { DevicesRepo } from "./repos/devices.repo.js";
import { ReleasesRepo } from "./repos/releases.repo.js";
import { RolloutsRepo } from "./repos/rollouts.repo.js";
import { BrakesRepo } from "./repos/brakes.repo.js";
import { CohortsRepo } from "./repos/cohorts.repo.js";
import { IncidentsRepo } from "./repos/incidents.repo.js";
import { KpiRepo } from "./repos/kpi.repo.js";
import { BrakesService } from "./services/brakes.service.js";
import { CohortsService } from "./services/cohorts.service.js";
import { IncidentsService } from "./services/incidents.service.js";
import { CriteriaService } from "./services/criteria.service.js";
import { RolloutScheduler } from "./scheduler.js";
import { RetentionService } from "./services/retention.service.js";
import { packageRoot } from "./db/database.js";
import { TelemetryRepo } from "./repos/telemetry.repo.js";
import { TokensRepo } from "./repos/tokens.repo.js";
import { TelemetryIngest } from "./services/ingest.service.js";
import { RegistryService } from "./services/registry.service.js";
import type { HubAddresses } from "./services/registry.service.js";
import { ReleasesService } from "./services/releases.service.js";
import { RolloutsService } from "./services/rollouts.service.js";
import { ScadaService } from "./services/scada.service.js";
import { BrokerSessions } from "./mqtt/broker-sessions.js";
import { DiagnosticsRepo } from "./repos/diagnostics.repo.js";
import { DiagnosticsService } from "./services/diagnostics.service.js";
import { WebhooksRepo } from "./repos/webhooks.repo.js";
import { WebhooksService } from "./services/webhooks.service.js";
import { openFileLimit, openFileWarning } from "./fd-limit.js";
import { lockDataDir, preparePrivateDatabase, preparePrivateDir } from "./data-dir.js";
import { StorageHealth, checkStartSpace } from "./storage-health.js";
import { TelemetryCommitter } from "./mqtt/telemetry-commit.js";
import type { IngestOutcome } from "./services/ingest.service.js";

export interface Hub {
  readonly config: HubConfig;
  readonly db: Db;
  readonly keys: HubKeys;
  readonly broker: RunningBroker;
  readonly mqtt: HubMqttClient;
  readonly http: FastifyInstance;
  readonly metrics: HubMetrics;
  readonly storage: StorageHealth;
  readonly addresses: HubAddresses;
  readonly dbFile: string;
  /** Set on the first start only: the admin token created for bootstrapping (also written to its file). */
  readonly bootstrapToken: { token: string; file: string } | undefined;
  /** Set when the process's open-file limit is too low for the enrolled fleet (hub/fd-limit.ts); printed at start. */
  readonly fileLimitWarning: string | undefined;
  readonly services: {
    registry: RegistryService;
    releases: ReleasesService;
    rollouts: RolloutsService;
    cohorts: CohortsService;
    incidents: IncidentsService;
    diagnostics: DiagnosticsService;
    retention: RetentionService;
    webhooks: WebhooksService;
  };
  readonly repos: {
    devices: DevicesRepo;
    releases: ReleasesRepo;
    rollouts: RolloutsRepo;
    telemetry: TelemetryRepo;
    tokens: TokensRepo;
    audit: AuditRepo;
    kpi: KpiRepo;
    cohorts: CohortsRepo;
    brakes: BrakesRepo;
    incidents: IncidentsRepo;
    diagnostics: DiagnosticsRepo;
    webhooks: WebhooksRepo;
  };
  stop(): Promise<void>;
}

/** The version in package.json, for the User-Agent of outgoing requests. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

function localUrl(scheme: string, host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `${scheme}://${h}:${port}`;
}

export async function startHub(config: HubConfig, logger: Logger, now: () => number = Date.now): Promise<Hub> {
  // Before anything is written: a private data dir, enough free space (InsufficientStorageError), one hub on it
  // (DataDirInUseError). Their exit codes are in main.ts.
  preparePrivateDir(config.dataDir);
  checkStartSpace(config.dataDir, config.storage.minFreeBytes);
  const lock = lockDataDir(config.dataDir);
  const dbFile = join(config.dataDir, "verge.db");
  let db: Db;
  try {
    preparePrivateDatabase(dbFile);
    db = openDatabase(dbFile);
  } catch (err) {
    lock.release();
    throw err;
  }
  const cleanups: Array<() => Promise<void> | void> = [
    () => lock.release(),
    () => {
      db.close();
    },
  ];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.error({ err }, "error while stopping");
      }
    }
    cleanups.length = 0;
  };
  try {
    const keys = loadOrCreateKeys(config.dataDir);
    // The audit chain's HMAC key: a file beside the other keys, never in the database (hub/repos/audit.repo.ts).
    const auditKey = Buffer.from(loadOrCreateSecret(join(config.dataDir, "keys", "audit-chain.key"), () => randomBytes(32).toString("hex")).secret, "hex");
    const repos = {
      devices: new DevicesRepo(db),
      releases: new ReleasesRepo(db),
      rollouts: new RolloutsRepo(db),
      telemetry: new TelemetryRepo(db),
      tokens: new TokensRepo(db),
      audit: new AuditRepo(db, auditKey),
      kpi: new KpiRepo(db),
      cohorts: new CohortsRepo(db),
      brakes: new BrakesRepo(db),
      incidents: new IncidentsRepo(db),
      diagnostics: new DiagnosticsRepo(db),
      webhooks: new WebhooksRepo(db),
    };
    const metrics = new HubMetrics();
    const auditor = new Auditor(repos.audit, logger.child({ module: "audit" }), now, { denialFoldMs: config.audit.denialFoldMs, onFolded: () => metrics.auditDenialsFolded.inc() });
    metrics.registerDatabaseGauges(db, now);
    const storage = new StorageHealth({
      dir: config.dataDir,
      minFreeBytes: config.storage.minFreeBytes,
      probeIntervalMs: config.storage.probeIntervalMs,
      probeWrite: () => void db.prepare("INSERT INTO storage_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at").run(now()),
      registry: metrics.registry,
      logger: logger.child({ module: "storage" }),
      now,
    });
    storage.start();
    cleanups.push(() => storage.stop());

    // The hub's own MQTT credential: a secret file in the data dir, its hash in mqtt_principals.
    const hubSecret = loadOrCreateSecret(join(config.dataDir, "keys", "hub-mqtt.secret"), generateSecret).secret;
    repos.devices.upsertPrincipal(HUB_MQTT_USERNAME, "hub", hashSecret(hubSecret), now());

    let bootstrapToken: Hub["bootstrapToken"];
    if (repos.tokens.count() === 0) {
      const { token } = repos.tokens.create("bootstrap-admin", "admin", "hub", now());
      const file = join(config.dataDir, "bootstrap-admin.token");
      loadOrCreateSecret(file, () => token);
      bootstrapToken = { token, file };
      auditor.record({ actor: "hub", action: "token.create", target: "bootstrap-admin", result: "ok", details: { role: "admin", bootstrap: true } });
    }

    const credentials = SqliteCredentialStore.open(dbFile);
    cleanups.push(() => credentials.close());
    // Telemetry is committed inside the broker's publish path, before its PUBACK (mqtt/telemetry-commit.ts); the
    // post-ingest step reaches the services once they exist.
    const rolloutsRef: { service?: RolloutsService; diagnostics?: DiagnosticsService } = {};
    const ingest = new TelemetryIngest(repos.devices, repos.telemetry, repos.rollouts, metrics, logger.child({ module: "ingest" }), config.ingest);
    const onStored = (outcomes: IngestOutcome[]): void => {
      rolloutsRef.service?.onTelemetry(outcomes);
      rolloutsRef.diagnostics?.onTelemetry(outcomes);
    };
    const committer = new TelemetryCommitter(db, ingest, storage, onStored, logger.child({ module: "ingest" }), now);
    committer.start();
    const broker = await startBroker({
      host: config.mqtt.host,
      port: config.mqtt.port,
      persistence: config.mqtt.persistence === "level" ? { kind: "level", dir: join(config.dataDir, "mqtt") } : { kind: "memory" },
      credentials,
      logger,
      registry: metrics.registry,
      maxPayloadBytes: config.mqtt.maxPayloadBytes,
      commitPublish: committer.commit,
    });
    cleanups.push(() => broker.close());
    // Persistence failures of the broker (level store on a full disk) mark storage unhealthy too.
    (broker.aedes as unknown as EventEmitter).on("error", (err: unknown) => void storage.failed("broker", err));

    const store = new ArtifactStore(join(config.dataDir, "artifacts"));
    const addresses: HubAddresses = { mqttUrl: config.mqtt.publicUrl ?? broker.url, httpUrl: "" };
    const mqttClient = new HubMqttClient(
      { url: broker.url, password: hubSecret, logger: logger.child({ module: "hub-mqtt" }), telemetry: "in-process", storage },
      db,
      ingest,
      onStored,
      now,
    );
    const webhooks = new WebhooksService({
      repo: repos.webhooks,
      webhooks: config.webhooks,
      retry: config.webhookRetry,
      auditor,
      metrics,
      logger: logger.child({ module: "webhooks" }),
      hubUrl: () => addresses.httpUrl,
      userAgent: `verge-hub/${packageVersion()}`,
      now,
    });
    metrics.registerWebhookGauges(
      config.webhooks.map((w) => w.name),
      () => webhooks.pendingCounts(),
    );
    const registry = new RegistryService(repos.devices, keys, () => addresses, auditor, now);
    const releases = new ReleasesService(repos.releases, store, keys, auditor, config.rollout.manifestTtlMs, now);
    const criteria = new CriteriaService({ rollouts: repos.rollouts, kpi: repos.kpi, incidents: repos.incidents, now });
    const rollouts = new RolloutsService({
      db,
      rollouts: repos.rollouts,
      kpi: repos.kpi,
      releases: repos.releases,
      devices: repos.devices,
      cohorts: repos.cohorts,
      brakes: repos.brakes,
      incidents: repos.incidents,
      keys,
      publisher: mqttClient,
      auditor,
      metrics,
      logger: logger.child({ module: "rollouts" }),
      settings: {
        desiredStateTtlMs: config.rollout.desiredStateTtlMs,
        commandTtlMs: config.rollout.commandTtlMs,
        rollbackTimeoutMs: config.rollout.rollbackTimeoutMs,
        plansDir: config.rollout.plansDir ?? join(packageRoot(), "config", "plans"),
        grafanaUrl: config.links.grafanaUrl,
        httpUrl: () => addresses.httpUrl,
      },
      now,
      notifier: webhooks,
      criteria,
    });
    rolloutsRef.service = rollouts;
    const diagnostics = new DiagnosticsService({
      repo: repos.diagnostics,
      devices: repos.devices,
      keys,
      publisher: mqttClient,
      auditor,
      metrics,
      logger: logger.child({ module: "diagnostics" }),
      settings: {
        dir: join(config.dataDir, "diagnostics"),
        maxBundleBytes: config.diagnostics.maxBundleBytes,
        keepPerDevice: config.diagnostics.keepPerDevice,
        minFreeBytes: config.diagnostics.minFreeBytes,
        staleAfterMs: config.diagnostics.staleAfterMs,
        autoCollect: config.diagnostics.autoCollect,
        commandTtlMs: config.rollout.commandTtlMs,
        httpUrl: () => addresses.httpUrl,
      },
      now,
      onAutoRequested: (rolloutId, deviceId, bundle) => rollouts.diagnosticsRequested(rolloutId, deviceId, bundle),
    });
    rolloutsRef.diagnostics = diagnostics;
    const cohorts = new CohortsService(db, repos.cohorts, repos.devices, repos.releases, auditor, now);
    const brakes = new BrakesService({ db, brakes: repos.brakes, cohorts: repos.cohorts, rollouts, publisher: mqttClient, auditor, logger: logger.child({ module: "brakes" }), now, notifier: webhooks });
    const sessions = new BrokerSessions(broker.aedes);
    sessions.start();
    const scada = new ScadaService({ devices: repos.devices, auditor, mqttUrl: () => addresses.mqttUrl, disconnect: (username) => sessions.closeAll(username), now });
    const incidents = new IncidentsService(
      repos.incidents,
      repos.releases,
      auditor,
      async (releaseId) => {
        for (const r of repos.rollouts.list({ status: "active", ...(releaseId ? { releaseId } : {}) })) await rollouts.evaluate(r.id);
      },
      now,
    );

    await mqttClient.start();
    cleanups.push(() => mqttClient.stop());
    // Signed checkpoints of the audit chain's head: a file beside the database and a retained topic. Stopped before
    // the MQTT session (cleanups run in reverse), after the folded denials are written.
    const checkpoints = new AuditCheckpoints({
      audit: repos.audit,
      key: keys.hub,
      file: join(config.dataDir, "audit-checkpoints.jsonl"),
      publish: (payload) => mqttClient.publish(CHECKPOINT_TOPIC, payload, { retain: true, qos: 1 }),
      readRetained: () => readRetained(broker, CHECKPOINT_TOPIC),
      logger: logger.child({ module: "audit-checkpoints" }),
      metrics,
      now,
      debounceMs: config.audit.checkpointDebounceMs,
    });
    auditor.onAppend(() => checkpoints.changed());
    await checkpoints.start();
    cleanups.push(async () => {
      auditor.flush();
      await checkpoints.stop();
    });

    const http = buildHttpServer({
      logger,
      metrics,
      auditor,
      audit: repos.audit,
      checkpoints,
      tokens: repos.tokens,
      devices: repos.devices,
      telemetry: repos.telemetry,
      store,
      registry,
      releases,
      rollouts,
      cohorts,
      brakes,
      incidents,
      scada,
      kpi: repos.kpi,
      diagnostics,
      webhooks,
      criteria,
      maxArtifactBytes: config.http.maxArtifactBytes,
      health: () => ({ mqttConnected: mqttClient.raw.connected }),
      storage,
      now,
    });
    await http.listen({ host: config.http.host, port: config.http.port });
    cleanups.push(() => closeHttp(http));
    const address = http.server.address();
    const httpPort = typeof address === "object" && address ? address.port : config.http.port;
    addresses.httpUrl = config.http.publicUrl ?? localUrl("http", config.http.host, httpPort);
    // Stopped after the rollouts service (cleanups run in reverse): events of its last work are queued, sent next start.
    webhooks.start();
    cleanups.push(() => webhooks.stop());

    const republished = await rollouts.republishActive();
    await brakes.publishStatus();
    await rollouts.refreshExpiring();
    const refresher = setInterval(() => {
      rollouts.refreshExpiring().catch((err: unknown) => logger.error({ err }, "re-signing desired states failed"));
    }, 3600_000);
    refresher.unref();
    cleanups.push(() => clearInterval(refresher));
    cleanups.push(() => rollouts.close());
    const scheduler = new RolloutScheduler(config.rollout.evaluateCron, () => rollouts.evaluateAll(), logger.child({ module: "scheduler" }));
    scheduler.start();
    cleanups.push(() => scheduler.stop());
    const retention = new RetentionService(db, config.retention, logger.child({ module: "retention" }), now);
    const retentionClock = new RolloutScheduler(config.retention.cron, async () => void (await retention.run()), logger.child({ module: "retention" }), "verge-retention");
    retentionClock.start();
    cleanups.push(() => retentionClock.stop());
    await rollouts.evaluateAll();
    const fileLimit = openFileLimit();
    const enrolled = repos.devices.count();
    const fileLimitWarning = openFileWarning(fileLimit, enrolled);
    if (fileLimitWarning) logger.warn({ openFileLimit: fileLimit, devices: enrolled }, fileLimitWarning);
    logger.info({ mqtt: broker.url, http: addresses.httpUrl, dataDir: config.dataDir, republished }, "hub started");

    return {
      config,
      db,
      keys,
      broker,
      mqtt: mqttClient,
      http,
      metrics,
      storage,
      addresses,
      dbFile,
      bootstrapToken,
      fileLimitWarning,
      services: { registry, releases, rollouts, cohorts, incidents, diagnostics, retention, webhooks },
      repos,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The retained message of `topic` in the embedded broker's store, if any. */
async function readRetained(broker: RunningBroker, topic: string): Promise<string | undefined> {
  const { persistence } = broker.aedes as unknown as { persistence: { createRetainedStream(pattern: string): AsyncIterable<{ payload: Buffer | string }> } };
  for await (const packet of persistence.createRetainedStream(topic)) return packet.payload.toString();
  return undefined;
}

/** How long a stopping hub lets open HTTP exchanges (a download, an upload) finish before it drops them. */
const HTTP_CLOSE_GRACE_MS = 5000;

/**
 * Stops the HTTP server: no new connections, idle ones closed, running requests given HTTP_CLOSE_GRACE_MS. Past that
 * every connection is dropped: Node's close() otherwise waits on a connection that opened and never sent a request
 * (a device whose link stalled mid-handshake) until its request timeout, a minute.
 */
async function closeHttp(http: { close(): Promise<unknown>; server: { closeAllConnections(): void } }): Promise<void> {
  const timer = setTimeout(() => http.server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
  timer.unref();
  try {
    await http.close();
  } finally {
    clearTimeout(timer);
  }
}
