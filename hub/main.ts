#!/usr/bin/env node
// verge-hub: starts the hub with its embedded broker. `npm start` runs this.
import { Command } from "commander";
import { pino } from "pino";
import { ConfigError, loadHubConfig } from "./config.js";
import { startHub } from "./hub.js";
import { DATA_DIR_IN_USE_EXIT_CODE, DataDirInUseError } from "./data-dir.js";
import { INSUFFICIENT_STORAGE_EXIT_CODE, InsufficientStorageError } from "./storage-health.js";

const program = new Command()
  .name("verge-hub")
  .description("verge hub: embedded MQTT broker, rollout engine, telemetry ingest and HTTP API")
  .option("-c, --config <file>", "config file (YAML or JSON); VERGE_* environment variables override it", process.env.VERGE_CONFIG)
  .addHelpText(
    "after",
    "\nEnvironment: VERGE_DATA_DIR, VERGE_MQTT_PORT, VERGE_HTTP_PORT, VERGE_MQTT_HOST, VERGE_HTTP_HOST, VERGE_LOG_LEVEL, ...\nSee config/hub.example.yaml.\n" +
      `\nExit codes: 0 stopped on SIGINT/SIGTERM, 1 could not start (or stop) for another reason, 2 invalid configuration,\n` +
      `  ${DATA_DIR_IN_USE_EXIT_CODE} data dir in use by another hub (its pid is named), ${INSUFFICIENT_STORAGE_EXIT_CODE} not enough free space on the data dir (storage.minFreeBytes).`,
  )
  .parse();

const { config: configFile } = program.opts<{ config?: string }>();
let config;
try {
  config = loadHubConfig(configFile);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = pino({ name: "verge-hub", level: config.logLevel });
let hub: Awaited<ReturnType<typeof startHub>>;
try {
  hub = await startHub(config, logger);
} catch (err) {
  logger.fatal({ err }, "hub failed to start");
  process.stderr.write(`verge-hub: could not start: ${(err as Error).message}\n`);
  process.exit(err instanceof DataDirInUseError || err instanceof InsufficientStorageError ? err.exitCode : 1);
}

const { mqttUrl, httpUrl } = hub.addresses;
const lines = [
  "",
  "verge hub is running",
  `  MQTT broker   ${hub.broker.url}${mqttUrl !== hub.broker.url ? ` (devices use ${mqttUrl})` : ""}`,
  `  HTTP API      ${httpUrl}/api   (health ${httpUrl}/healthz, metrics ${httpUrl}/metrics)`,
  `  data dir      ${config.dataDir}`,
];
if (hub.bootstrapToken) {
  lines.push(
    "",
    "  Bootstrap admin token (shown once; also saved, mode 0600, in " + hub.bootstrapToken.file + "):",
    `    ${hub.bootstrapToken.token}`,
  );
} else {
  lines.push("", `  Admin token: created at first start, see ${config.dataDir}/bootstrap-admin.token (if you kept it)`);
}
if (hub.fileLimitWarning) lines.push("", `  WARNING: ${hub.fileLimitWarning}`);
lines.push(
  "",
  "  Enroll a device:",
  `    export VERGE_HUB_URL=${httpUrl} VERGE_TOKEN=<admin token>`,
  "    npm run verge -- device add sc-0001 --variant sc-x1 --site site-12 --region north --corridor I-35 --agent-config sc-0001.yaml",
  "    npm run agent -- --config sc-0001.yaml   # on the device (set dataDir in the file first)",
  "",
  "  Ctrl-C stops the hub.",
  "",
);
process.stdout.write(lines.join("\n") + "\n");

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping");
  hub.stop().then(
    () => {
      logger.info("stopped");
      process.exit(0);
    },
    (err: unknown) => {
      logger.error({ err }, "error while stopping");
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
