#!/usr/bin/env node
// verge-broker: the composition root of the broker running alone. Credentials come from the hub's SQLite database.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { startBroker } from "./broker.js";
import { parseBrokerArgs, USAGE_EXIT_CODE } from "./config.js";
import { SqliteCredentialStore } from "./credentials-sqlite.js";

async function main(): Promise<void> {
  const parsed = parseBrokerArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.exitCode = parsed.exitCode;
    return;
  }
  const { config } = parsed;
  const databaseFile = join(config.dataDir, "verge.db");
  if (!existsSync(databaseFile)) {
    process.stderr.write(`verge-broker: ${databaseFile} does not exist; run the hub once to create it\n`);
    process.exitCode = USAGE_EXIT_CODE;
    return;
  }
  let credentials: SqliteCredentialStore;
  try {
    credentials = SqliteCredentialStore.open(databaseFile);
  } catch (err) {
    process.stderr.write(`verge-broker: cannot read MQTT credentials from ${databaseFile}: ${(err as Error).message}\n`);
    process.exitCode = USAGE_EXIT_CODE;
    return;
  }

  const logger = pino({ name: "verge-broker" });
  const broker = await startBroker({
    host: config.host,
    port: config.port,
    persistence: config.persistence === "level" ? { kind: "level", dir: join(config.dataDir, "mqtt") } : { kind: "memory" },
    credentials,
    logger,
    tls: config.tls,
    maxServicePublishBytes: config.maxServicePublishBytes,
  }).catch((err: unknown) => {
    credentials.close();
    throw err;
  });
  logger.info({ url: broker.url, host: broker.host, port: broker.port, tlsPort: broker.tlsPort }, "verge-broker listening");

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    logger.info({ signal }, "verge-broker stopping");
    await broker.close();
    credentials.close();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop(signal).catch((err: unknown) => {
        logger.error({ err }, "verge-broker did not stop cleanly");
        process.exitCode = 1;
      });
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`verge-broker: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
