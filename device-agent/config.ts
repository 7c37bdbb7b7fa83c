// Agent configuration: one zod schema, parsed once at start. The hub's enrollment writes exactly this shape.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEVICE_ID_PATTERN } from "../proto/index.js";

/** Where the agent's KPI counts come from (see device-agent/kpi.ts). */
export const kpiSourceConfigSchema = z.discriminatedUnion("kind", [
  // What the agent itself knows: the agent process was up for the whole window. A real device plugs in its application.
  z.object({ kind: z.literal("agent") }).strict(),
  // The application writes cumulative counters as JSON to `path`; the agent reports the difference per window.
  z.object({ kind: z.literal("file"), path: z.string().min(1) }).strict(),
  // A command (no shell) prints the window's counts as JSON on stdout.
  z
    .object({
      kind: z.literal("command"),
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      timeoutMs: z.number().int().positive().default(10_000),
    })
    .strict(),
]);
export type KpiSourceConfig = z.infer<typeof kpiSourceConfigSchema>;

/**
 * The health check after the switch to the new slot, before commit (DESIGN.md "Device deployment states"). The update
 * module's own check (the running slot holds the release intact) always runs; `command`, when set, must pass too.
 * Checks are retried every `intervalS` until one passes or `spanS` has passed since the switch.
 */
export const healthCheckConfigSchema = z
  .object({
    /** Run without a shell; exit 0 = healthy. Env: VERGE_RELEASE_ID, VERGE_RELEASE_VERSION, VERGE_SLOT, VERGE_DEVICE_ID. */
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    /** One run of the command; killed (SIGKILL) past it, which counts as a failed check. */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Between a failed check and the next one; fractions allowed. */
    intervalS: z.number().positive().default(5),
    /** How long after the switch the release may take to become healthy; 0 = one check, no retry. */
    spanS: z.number().min(0).default(60),
  })
  .strict()
  .refine((h) => h.command !== undefined || h.args.length === 0, { message: "args given without a command", path: ["args"] });
export type HealthCheckConfig = z.infer<typeof healthCheckConfigSchema>;

/**
 * The safety check right before an activation (a maintenance window, if any, is open by then). While it fails the
 * device stays `verified` (reason `safety_check`, the output's tail as the detail) and checks again every `intervalS`.
 * `AgentDeps.safetyCheck` (built in, e.g. the controller's incident-plan state read in-process) runs too: both must pass.
 */
export const safetyCheckConfigSchema = z
  .object({
    /** Run without a shell; exit 0 = safe. Env: VERGE_RELEASE_ID, VERGE_RELEASE_VERSION, VERGE_ROLLOUT_ID, VERGE_CURRENT_RELEASE_ID, VERGE_DEVICE_ID. */
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    /** One run of the command; killed (SIGKILL) past it, which counts as failing. */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Between a failing check and the next one; fractions allowed. */
    intervalS: z.number().positive().default(30),
  })
  .strict()
  .refine((c) => c.command !== undefined || c.args.length === 0, { message: "args given without a command", path: ["args"] });
export type SafetyCheckConfig = z.infer<typeof safetyCheckConfigSchema>;

/**
 * Remote diagnostics (device-agent/diagnostics.ts): the agent's own log on disk and the bundles it uploads when the hub
 * asks (COLLECT_DIAGNOSTICS).
 */
export const diagnosticsConfigSchema = z
  .object({
    /** verge-agent writes its log to <dataDir>/logs/agent.log too, rotated at this size ... */
    logMaxBytes: z.number().int().min(4096).default(1024 * 1024),
    /** ... keeping this many files in all (agent.log, agent.log.1, ...): at most logMaxBytes * logFiles on disk. */
    logFiles: z.number().int().min(1).max(10).default(3),
    /** Other files put into bundles (e.g. the application's log), each cut to its newest bytes when the cap asks. */
    include: z.array(z.string().min(1)).default([]),
    /** Cap of one bundle (gzip'd tar, built in memory); logs are cut, oldest bytes first, to fit. The hub may ask less. */
    maxBundleBytes: z.number().int().min(64 * 1024).default(4 * 1024 * 1024),
    /** Upload retries: capped exponential backoff with jitter between these bounds ... */
    retryMinMs: z.number().int().positive().default(1000),
    retryMaxMs: z.number().int().positive().default(60_000),
    /** ... giving up after this many passes in a row that stored no byte (0 = only stop() ends it). */
    maxAttempts: z.number().int().min(0).default(20),
  })
  .strict()
  .refine((d) => d.retryMaxMs >= d.retryMinMs, { message: "retryMaxMs must be >= retryMinMs", path: ["retryMaxMs"] });
export type DiagnosticsConfig = z.infer<typeof diagnosticsConfigSchema>;

const base64Key = z
  .string()
  .refine((s) => Buffer.from(s, "base64").length === 32, { message: "must be base64 of a raw 32-byte Ed25519 public key" });

export const agentConfigSchema = z
  .object({
    deviceId: z.string().regex(DEVICE_ID_PATTERN, "must be 1-64 characters of [A-Za-z0-9._-]"),
    secret: z.string().min(1),
    variant: z.string().min(1),
    hub: z
      .object({
        mqttUrl: z.string().regex(/^(mqtts?|wss?|tcp|tls):\/\//, "must be an mqtt://, mqtts://, ws:// or wss:// URL"),
        httpUrl: z.url(),
      })
      .strict(),
    trustedKeys: z
      .object({
        release: z.array(base64Key).min(1, "at least one release key is needed"),
        hub: z.array(base64Key).min(1, "at least one hub key is needed"),
      })
      .strict(),
    dataDir: z.string().min(1),
    heartbeatIntervalS: z.number().positive().default(60),
    inventory: z.object({ baseImageVersion: z.string().min(1).default("unknown") }).strict().default({ baseImageVersion: "unknown" }),
    mqtt: z
      .object({
        keepaliveS: z.number().int().min(0).max(65535).default(60),
        /**
         * The first connection attempt after a lost connection waits a uniform random delay in [0, reconnectJitterMs]:
         * a fleet that lost its broker at once comes back spread over this window.
         */
        reconnectJitterMs: z.number().int().min(0).default(30_000),
        /**
         * The first connection at start waits a uniform random delay in [0, connectJitterMs]: devices whose power came
         * back at once do not all connect in the same second. Shorter than reconnectJitterMs: boot and modem attach
         * times already spread a region, and a device just installed should not wait long.
         */
        connectJitterMs: z.number().int().min(0).default(5_000),
        /** Further attempts: capped exponential backoff with jitter between these bounds. */
        reconnectMinMs: z.number().int().positive().default(1000),
        reconnectMaxMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .default({ keepaliveS: 60, reconnectJitterMs: 30_000, connectJitterMs: 5_000, reconnectMinMs: 1000, reconnectMaxMs: 60_000 })
      .refine((m) => m.reconnectMaxMs >= m.reconnectMinMs, { message: "reconnectMaxMs must be >= reconnectMinMs", path: ["reconnectMaxMs"] }),
    kpi: z
      .object({
        intervalS: z.number().positive().default(60),
        source: kpiSourceConfigSchema.default({ kind: "agent" }),
      })
      .strict()
      .default({ intervalS: 60, source: { kind: "agent" } }),
    download: z
      .object({
        /** Backoff between download passes that fail: capped exponential with jitter between these bounds. */
        retryMinMs: z.number().int().positive().default(1000),
        retryMaxMs: z.number().int().positive().default(300_000),
        /** Passes in a row that fetch no byte before the deployment fails (reason download); 0 = unlimited. */
        maxAttempts: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ retryMinMs: 1000, retryMaxMs: 300_000, maxAttempts: 0 })
      .refine((d) => d.retryMaxMs >= d.retryMinMs, { message: "retryMaxMs must be >= retryMinMs", path: ["retryMaxMs"] }),
    outbox: z
      .object({
        /**
         * Byte budget of the telemetry waiting to be sent (state transitions, acks, KPI windows, heartbeats). Over it,
         * KPI windows are merged, then the oldest heartbeats and KPI windows dropped (counted); transitions and acks
         * never are. At the default intervals a minute costs about 220 bytes (KPI window 137, heartbeat 82): 2 MiB holds
         * about 6 days before anything is merged, and KPI counts for far longer after.
         */
        maxBytes: z.number().int().min(4096).default(2 * 1024 * 1024),
        /** fsync each append. Off only for the fleet simulator (thousands of agents on one disk). */
        fsync: z.boolean().default(true),
      })
      .strict()
      .default({ maxBytes: 2 * 1024 * 1024, fsync: true }),
    healthCheck: healthCheckConfigSchema.default({ args: [], timeoutMs: 30_000, intervalS: 5, spanS: 60 }),
    safetyCheck: safetyCheckConfigSchema.default({ args: [], timeoutMs: 30_000, intervalS: 30 }),
    diagnostics: diagnosticsConfigSchema.default({
      logMaxBytes: 1024 * 1024,
      logFiles: 3,
      include: [],
      maxBundleBytes: 4 * 1024 * 1024,
      retryMinMs: 1000,
      retryMaxMs: 60_000,
      maxAttempts: 20,
    }),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema>;
/** What a caller may write: defaults filled in by the schema. */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; problems: ConfigProblem[] };

/** Validates an already-parsed object; every problem is listed, none thrown. */
export function parseAgentConfig(raw: unknown): ConfigResult {
  const result = agentConfigSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)",
      message: issue.message,
    })),
  };
}

/** Reads a YAML or JSON file (YAML is a superset of JSON) and validates it. */
export function loadAgentConfig(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { ok: false, problems: [{ path: "(file)", message: `cannot read ${file}: ${(err as Error).message}` }] };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { ok: false, problems: [{ path: "(file)", message: `not valid YAML/JSON: ${(err as Error).message}` }] };
  }
  return parseAgentConfig(raw);
}
