// What every command needs from the program: the output format, an API client for the resolved hub and token, and
// printing in that format. Read lazily: global options are known only once the command line is parsed.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { ApiClient } from "./client.js";
import { resolveConnection } from "./config.js";
import type { Connection } from "./config.js";
import { parseDuration, parseMoment } from "./format.js";

export type Output = "table" | "json";

interface GlobalOptions {
  hub?: string;
  token?: string;
  config?: string;
  output: Output;
}

export interface Cli {
  program: Command;
  output(): Output;
  connection(): Connection;
  client(): ApiClient;
  /** Prints the API answer as JSON with -o json, else the human text. */
  print(json: unknown, human: () => string): void;
}

export function createCli(program: Command): Cli {
  let connection: Connection | undefined;
  const cli: Cli = {
    program,
    output: () => program.opts<GlobalOptions>().output,
    connection() {
      if (!connection) {
        const g = program.opts<GlobalOptions>();
        connection = resolveConnection({ hub: g.hub, token: g.token, config: g.config });
        for (const w of connection.warnings) process.stderr.write(`verge: warning: ${w}\n`);
      }
      return connection;
    },
    client() {
      const c = cli.connection();
      return new ApiClient({ hubUrl: c.hubUrl, token: c.token, tokenSource: c.tokenSource });
    },
    print(json, human) {
      process.stdout.write((cli.output() === "json" ? JSON.stringify(json, null, 2) : human()) + "\n");
    },
  };
  return cli;
}

/** Option parser: comma-separated values, repeatable. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

export function wholeNumber(flag: string, min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} expects a whole number${min > 0 ? ` of at least ${min}` : ""}, got "${value}"`);
    return n;
  };
}

export function duration(flag: string, minMs = 0): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs) throw new InvalidArgumentError(`${flag} expects a duration such as 500ms, 2s, 1m${minMs ? ` (at least ${minMs}ms)` : ""}, got "${value}"`);
    return ms;
  };
}

/** --since/--until: "1h" (back from now), an ISO date/time, or epoch milliseconds. */
export function moment(flag: string): (value: string) => number {
  return (value) => {
    const ms = parseMoment(value);
    if (ms === undefined) throw new InvalidArgumentError(`${flag} expects a duration back from now (30m, 1h, 7d), an ISO time (2025-05-01T12:00:00Z) or epoch ms, got "${value}"`);
    return ms;
  };
}
