// Command-line configuration of the standalone broker (`verge-broker`), parsed once. Usage errors exit with code 2.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";

export interface BrokerCliConfig {
  dataDir: string;
  host: string;
  port: number;
  persistence: "level" | "memory";
  tls?: { port: number; keyFile: string; certFile: string };
  /** A service client's largest PUBLISH packet, refused at the frame above it (broker/frame-limit.ts). */
  maxServicePublishBytes?: number;
}

/** `ok: false` when commander already printed help, a version or a usage error; exit with `exitCode`. */
export type ParsedBrokerArgs = { ok: true; config: BrokerCliConfig } | { ok: false; exitCode: number };

export const USAGE_EXIT_CODE = 2;

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("must be a port number 0-65535");
  return port;
}

function byteCount(value: string): number {
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || bytes < 1024 || !Number.isSafeInteger(bytes)) throw new InvalidArgumentError("must be a number of bytes, at least 1024");
  return bytes;
}

interface RawOptions {
  dataDir: string;
  host: string;
  port: number;
  persistence: "level" | "memory";
  tlsPort?: number;
  tlsKey?: string;
  tlsCert?: string;
  maxServicePublishBytes?: number;
}

function brokerCommand(): Command {
  return new Command("verge-broker")
    .description("verge's MQTT broker on its own: device authentication and topic ACLs, credentials from the hub's database")
    .requiredOption("--data-dir <dir>", "the hub's data directory (reads <dir>/verge.db, keeps sessions in <dir>/mqtt)")
    .option("--host <host>", "address to listen on", "0.0.0.0")
    .option("--port <port>", "MQTT port (0 = any free port)", portNumber, 1883)
    .addOption(new Option("--persistence <kind>", "where sessions and retained messages live").choices(["level", "memory"]).default("level"))
    .option("--tls-port <port>", "also listen with TLS on this port (needs --tls-key and --tls-cert)", portNumber)
    .option("--tls-key <file>", "TLS private key (PEM)")
    .option("--tls-cert <file>", "TLS certificate chain (PEM)")
    .option("--max-service-publish-bytes <bytes>", "largest PUBLISH packet a service client (hub, scada) may send (default 16 MiB)", byteCount)
    .exitOverride()
    .allowExcessArguments(false);
}

/** Parses user arguments (without `node` and the script path). */
export function parseBrokerArgs(argv: string[]): ParsedBrokerArgs {
  const command = brokerCommand();
  try {
    command.parse(argv, { from: "user" });
    const raw = command.opts<RawOptions>();
    const tlsGiven = [raw.tlsPort, raw.tlsKey, raw.tlsCert].filter((value) => value !== undefined).length;
    if (tlsGiven !== 0 && tlsGiven !== 3) command.error("error: --tls-port, --tls-key and --tls-cert go together", { exitCode: USAGE_EXIT_CODE });
    const config: BrokerCliConfig = { dataDir: raw.dataDir, host: raw.host, port: raw.port, persistence: raw.persistence };
    if (raw.maxServicePublishBytes !== undefined) config.maxServicePublishBytes = raw.maxServicePublishBytes;
    if (raw.tlsPort !== undefined && raw.tlsKey !== undefined && raw.tlsCert !== undefined) {
      config.tls = { port: raw.tlsPort, keyFile: raw.tlsKey, certFile: raw.tlsCert };
    }
    return { ok: true, config };
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    return { ok: false, exitCode: err.exitCode === 0 ? 0 : USAGE_EXIT_CODE };
  }
}
