// Hub configuration: one zod schema, parsed once at start from an optional YAML/JSON file plus VERGE_* environment
// overrides. A bad config reports every problem at once.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { inspect } from "node:util";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import cron from "node-cron";
import { NOTIFIABLE_EVENT_TYPES } from "./webhooks/decisions.js";

const port = z.number().int().min(0).max(65535);
const durationMs = z.number().int().positive();

/** Shortest webhook secret accepted: an HMAC key anyone could guess signs nothing. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** The telemetry ingest bounds by default (config `ingest`; hub/services/ingest.service.ts). */
export const INGEST_DEFAULTS = {
  maxFutureSkewMs: 5 * 60 * 1000,
  maxPastAgeMs: 30 * 24 * 3600 * 1000,
  maxKpiWindowMs: 30 * 24 * 3600 * 1000,
  kpiSecondsSlackS: 5,
  maxEventsPerSecond: 1_000_000,
  seqReorderWindow: 10_000,
} as const;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** One webhook as written in the config file; its secret comes from exactly one of secret, secretEnv, secretFile. */
const webhookSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "1-64 characters of A-Z a-z 0-9 . _ -"),
    url: z.string().refine(isHttpUrl, { message: "not an http:// or https:// URL" }),
    secret: z.string().optional(),
    /** The name of an environment variable holding the secret. */
    secretEnv: z.string().min(1).optional(),
    /** A file holding the secret (surrounding whitespace ignored); relative to the working directory. */
    secretFile: z.string().min(1).optional(),
    /** Event types sent to it (default: every notifiable type). */
    events: z.array(z.enum(NOTIFIABLE_EVENT_TYPES)).min(1, "list at least one event type, or leave `events` out for all").default([...NOTIFIABLE_EVENT_TYPES]),
    /** One attempt (connect, send, answer) gives up after this long. */
    timeoutMs: durationMs.default(10_000),
    /** Attempts per delivery before it is given up (`verge webhook retry` re-queues it). */
    maxAttempts: z.number().int().min(1).max(100).default(10),
  })
  .strict()
  .superRefine((hook, ctx) => {
    const sources = (["secret", "secretEnv", "secretFile"] as const).filter((k) => hook[k] !== undefined);
    if (sources.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `webhook "${hook.name}" has no secret: give secret, secretEnv or secretFile (every notification is HMAC-signed; verge sends none unsigned)`,
      });
    } else if (sources.length > 1) {
      ctx.addIssue({ code: "custom", message: `webhook "${hook.name}": give one of secret, secretEnv, secretFile, not ${sources.join(" and ")}` });
    }
  });

/** A secret that does not print: JSON, pino and console show "[secret]"; reveal() gives the value. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return "[secret]";
  }
  toString(): string {
    return "[secret]";
  }
  [inspect.custom](): string {
    return "[secret]";
  }
}

export const hubConfigSchema = z
  .object({
    dataDir: z.string().min(1).default("./data"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    mqtt: z
      .object({
        host: z.string().min(1).default("0.0.0.0"),
        port: port.default(1883),
        /** level: retained messages and offline QoS 1 queues survive a restart (in <dataDir>/mqtt). */
        persistence: z.enum(["level", "memory"]).default("level"),
        /** The address devices use to reach the broker, written into enrolled agents' config files. */
        publicUrl: z.string().url().optional(),
        maxPayloadBytes: z.number().int().positive().default(256 * 1024),
      })
      .strict()
      .default({ host: "0.0.0.0", port: 1883, persistence: "level", maxPayloadBytes: 256 * 1024 }),
    http: z
      .object({
        host: z.string().min(1).default("0.0.0.0"),
        port: port.default(8080),
        /** The address devices and operators use to reach the HTTP server. */
        publicUrl: z.string().url().optional(),
        maxArtifactBytes: z.number().int().positive().default(4 * 1024 * 1024 * 1024),
      })
      .strict()
      .default({ host: "0.0.0.0", port: 8080, maxArtifactBytes: 4 * 1024 * 1024 * 1024 }),
    rollout: z
      .object({
        /** How long a signed desired state stays valid; the hub re-signs before expiry. */
        desiredStateTtlMs: durationMs.default(7 * 24 * 3600 * 1000),
        /** Release manifests expire after this (0 = never). */
        manifestTtlMs: z.number().int().min(0).default(0),
        /** Where `plan: NAME` is looked up (NAME.yaml, .yml or .json). Default: the shipped config/plans. */
        plansDir: z.string().min(1).optional(),
        /** node-cron expression (6 fields = with seconds) for evaluating rules and advancing stages. */
        evaluateCron: z
          .string()
          .default("*/10 * * * * *")
          .refine((expr) => cron.validate(expr), { message: "not a valid node-cron expression (e.g. */10 * * * * * for every 10 s)" }),
        /** A device asked to roll back that has not confirmed within this is flagged `investigate` and alerted on. */
        rollbackTimeoutMs: durationMs.default(10 * 60 * 1000),
        /** Validity of signed commands (rollback, diagnostics); a device offline longer converges from its desired state. */
        commandTtlMs: durationMs.default(60 * 60 * 1000),
      })
      .strict()
      .default({ desiredStateTtlMs: 7 * 24 * 3600 * 1000, manifestTtlMs: 0, evaluateCron: "*/10 * * * * *", rollbackTimeoutMs: 10 * 60 * 1000, commandTtlMs: 60 * 60 * 1000 }),
    retention: z
      .object({
        /** Heartbeats older than this are deleted (the device keeps its latest state; transitions are kept). */
        heartbeatsMs: durationMs.default(7 * 24 * 3600 * 1000),
        /**
         * Raw KPI windows older than this are rolled up to one row per device, release and hour (sums unchanged). Keep
         * it above the longest rule window and observation you use (the default plan observes a pilot for 7 days).
         */
        kpiRawMs: durationMs.default(30 * 24 * 3600 * 1000),
        /** node-cron expression for the retention pass (default: hourly, at minute 17). */
        cron: z
          .string()
          .default("0 17 * * * *")
          .refine((expr) => cron.validate(expr), { message: "not a valid node-cron expression (e.g. 0 17 * * * * for hourly)" }),
      })
      .strict()
      .default({ heartbeatsMs: 7 * 24 * 3600 * 1000, kpiRawMs: 30 * 24 * 3600 * 1000, cron: "0 17 * * * *" }),
    /**
     * Telemetry ingest bounds (hub/services/ingest.service.ts): what a device reports that cannot be true is refused
     * with a reason (verge_telemetry_rejected_total{reason}) instead of stored.
     */
    ingest: z
      .object({
        /** An event time (or KPI window end) further ahead of the hub's clock than this is refused (event_time_future). */
        maxFutureSkewMs: durationMs.default(5 * 60 * 1000),
        /**
         * An event time older than this is refused (event_time_too_old). Generous: an agent's outbox holds days of
         * telemetry through an outage, and sends it when the link is back.
         */
        maxPastAgeMs: durationMs.default(30 * 24 * 3600 * 1000),
        /** A KPI window longer than this is refused (window_too_long); the agent's outbox merges windows to save room. */
        maxKpiWindowMs: durationMs.default(30 * 24 * 3600 * 1000),
        /** Seconds up + down may exceed the window's length by this many seconds plus 2% (rounding per merged window). */
        kpiSecondsSlackS: z.number().int().min(0).default(5),
        /** Events processed + dropped per second of window a device can report at most (kpi_events_beyond_ceiling). */
        maxEventsPerSecond: z.number().int().positive().default(1_000_000),
        /**
         * A message whose seq is below the device's last stored one is stored late when it is less than this below it
         * (the broker may deliver a device's messages out of order under load), refused (seq_not_increasing) beyond.
         */
        seqReorderWindow: z.number().int().min(0).default(10_000),
      })
      .strict()
      .default(INGEST_DEFAULTS),
    audit: z
      .object({
        /** Repeated denials from one source (address or token, reason, route) within this long share one audit row. */
        denialFoldMs: durationMs.default(60_000),
        /** A signed checkpoint of the audit chain's head follows a write within this long (hub/audit-checkpoints.ts). */
        checkpointDebounceMs: durationMs.default(1000),
      })
      .strict()
      .default({ denialFoldMs: 60_000, checkpointDebounceMs: 1000 }),
    diagnostics: z
      .object({
        /** Largest bundle a device may upload (what it declares in Content-Range); agents cut their logs to fit. */
        maxBundleBytes: z.number().int().positive().default(16 * 1024 * 1024),
        /** Finished bundles (complete or failed) kept per device; older ones and their files are deleted. */
        keepPerDevice: z.number().int().min(1).default(5),
        /** Free space the hub keeps in its data dir: an upload that would eat into it is refused (507). */
        minFreeBytes: z.number().int().min(0).default(256 * 1024 * 1024),
        /** A bundle on its way with no sign of life (ack, bytes) for this long reads `expired`. */
        staleAfterMs: durationMs.default(60 * 60 * 1000),
        /** Ask a device for its diagnostics when it reports a failed deployment or rolls back after a failed health check. */
        autoCollect: z
          .object({
            enabled: z.boolean().default(true),
            /** At most one automatic request per device in this span. */
            minIntervalMs: z.number().int().min(0).default(60 * 60 * 1000),
            /** At most this many automatic requests per rollout (a wave failing everywhere pulls a few bundles, not all). */
            maxPerRollout: z.number().int().min(0).default(10),
          })
          .strict()
          .default({ enabled: true, minIntervalMs: 60 * 60 * 1000, maxPerRollout: 10 }),
      })
      .strict()
      .default({
        maxBundleBytes: 16 * 1024 * 1024,
        keepPerDevice: 5,
        minFreeBytes: 256 * 1024 * 1024,
        staleAfterMs: 60 * 60 * 1000,
        autoCollect: { enabled: true, minIntervalMs: 60 * 60 * 1000, maxPerRollout: 10 },
      }),
    /** Where notifications go (README "Notifications (webhooks)"). */
    webhooks: z
      .array(webhookSchema)
      .default([])
      .superRefine((hooks, ctx) => {
        const seen = new Set<string>();
        hooks.forEach((hook, i) => {
          if (seen.has(hook.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `a second webhook named "${hook.name}": names must be unique` });
          seen.add(hook.name);
        });
      }),
    /** Backoff between attempts of a webhook delivery: minMs doubled per failure up to maxMs, with jitter. */
    webhookRetry: z
      .object({ minMs: durationMs.default(30_000), maxMs: durationMs.default(3_600_000) })
      .strict()
      .refine((r) => r.minMs <= r.maxMs, { path: ["maxMs"], message: "must be at least minMs" })
      .default({ minMs: 30_000, maxMs: 3_600_000 }),
    /** The data dir's storage (hub/storage-health.ts, README "Full disk"). */
    storage: z
      .object({
        /** The hub refuses to start with less free space than this on its data dir's filesystem, and counts storage as recovered only above it. */
        minFreeBytes: z.number().int().min(0).default(32 * 1024 * 1024),
        /** How often the storage probe runs (free space; while writes fail, a committed write that detects recovery). */
        probeIntervalMs: durationMs.default(5000),
      })
      .strict()
      .default({ minFreeBytes: 32 * 1024 * 1024, probeIntervalMs: 5000 }),
    links: z
      .object({
        /** Grafana base URL used in pause-event links (the shipped dashboard has uid verge-rollouts). */
        grafanaUrl: z.string().url().default("http://localhost:3000"),
      })
      .strict()
      .default({ grafanaUrl: "http://localhost:3000" }),
  })
  .strict();

type ParsedConfig = z.infer<typeof hubConfigSchema>;
/** A webhook ready to use: its secret read from wherever the file said. */
export type WebhookConfig = Omit<ParsedConfig["webhooks"][number], "secret" | "secretEnv" | "secretFile"> & { secret: Secret };
export type HubConfig = Omit<ParsedConfig, "webhooks"> & { webhooks: WebhookConfig[] };
export type HubConfigInput = z.input<typeof hubConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid hub configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Environment variables that override the file, with the config path they set and how to parse them. */
const ENV_OVERRIDES: Array<[string, string[], "string" | "int"]> = [
  ["VERGE_DATA_DIR", ["dataDir"], "string"],
  ["VERGE_LOG_LEVEL", ["logLevel"], "string"],
  ["VERGE_MQTT_HOST", ["mqtt", "host"], "string"],
  ["VERGE_MQTT_PORT", ["mqtt", "port"], "int"],
  ["VERGE_MQTT_PERSISTENCE", ["mqtt", "persistence"], "string"],
  ["VERGE_MQTT_PUBLIC_URL", ["mqtt", "publicUrl"], "string"],
  ["VERGE_HTTP_HOST", ["http", "host"], "string"],
  ["VERGE_HTTP_PORT", ["http", "port"], "int"],
  ["VERGE_HTTP_PUBLIC_URL", ["http", "publicUrl"], "string"],
  ["VERGE_PLANS_DIR", ["rollout", "plansDir"], "string"],
  ["VERGE_GRAFANA_URL", ["links", "grafanaUrl"], "string"],
  ["VERGE_STORAGE_MIN_FREE_BYTES", ["storage", "minFreeBytes"], "int"],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Reads each webhook's secret from the config, the environment or a file; problems name the config path. */
function resolveWebhookSecrets(hooks: ParsedConfig["webhooks"], env: NodeJS.ProcessEnv): { webhooks: WebhookConfig[]; problems: string[] } {
  const problems: string[] = [];
  const webhooks = hooks.map((hook, i): WebhookConfig => {
    const { secret: inline, secretEnv, secretFile, ...rest } = hook;
    let value = inline;
    let path = `webhooks.${i}.secret`;
    if (secretEnv !== undefined) {
      path = `webhooks.${i}.secretEnv`;
      value = env[secretEnv];
      if (!value) problems.push(`${path}: environment variable ${secretEnv} is not set (webhook "${hook.name}" needs its secret)`);
    } else if (secretFile !== undefined) {
      path = `webhooks.${i}.secretFile`;
      try {
        value = readFileSync(resolve(secretFile), "utf8").trim();
      } catch (err) {
        problems.push(`${path}: cannot read ${secretFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    if (value && value.length < MIN_WEBHOOK_SECRET_LENGTH) {
      problems.push(`${path}: the secret of webhook "${hook.name}" is ${value.length} characters; use at least ${MIN_WEBHOOK_SECRET_LENGTH} random ones (e.g. openssl rand -hex 32)`);
    }
    return { ...rest, secret: new Secret(value ?? "") };
  });
  return { webhooks, problems };
}

/** Parses a config object (already merged); throws ConfigError listing every problem. */
export function parseHubConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const result = hubConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  const { webhooks, problems } = resolveWebhookSecrets(result.data.webhooks, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...result.data, webhooks, dataDir: resolve(result.data.dataDir) };
}

/** Loads the config file (if any) and applies environment overrides. */
export function loadHubConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): HubConfig {
  let raw: Record<string, unknown> = {};
  const problems: string[] = [];
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, "utf8"));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== "object" || Array.isArray(parsed)) problems.push(`${file}: expected a mapping at the top level`);
        else raw = parsed as Record<string, unknown>;
      }
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  for (const [name, path, kind] of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    if (kind === "int") {
      if (!/^\d+$/.test(value)) problems.push(`${name}: expected a whole number, got "${value}"`);
      else setPath(raw, path, Number(value));
    } else {
      setPath(raw, path, value);
    }
  }
  try {
    const config = parseHubConfig(raw, env);
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (err) {
    if (err instanceof ConfigError && err.problems !== problems) throw new ConfigError([...problems, ...err.problems]);
    throw err;
  }
}
