// Where the CLI finds the hub and its token: flags, then environment, then a config file, then the default hub URL.
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CliError, EXIT } from "./client.js";

export const DEFAULT_HUB_URL = "http://127.0.0.1:8080";

/** ~/.config/verge/cli.yaml, or under $XDG_CONFIG_HOME when that is set. */
export function defaultConfigFile(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "verge", "cli.yaml");
}

const fileSchema = z
  .object({
    hub: z.string().regex(/^https?:\/\/\S+$/, "expected the hub's HTTP address, such as http://hub.example:8080").optional(),
    token: z.string().min(1, "expected an API token (vrg_...)").optional(),
  })
  .strict();
export type CliConfigFile = z.infer<typeof fileSchema>;

/** What the command line and environment gave (commander merges a flag over its environment variable). */
export interface ConnectionFlags {
  hub?: string | undefined;
  token?: string | undefined;
  /** --config or VERGE_CLI_CONFIG; when unset the default file is read if it exists. */
  config?: string | undefined;
}

export interface Connection {
  hubUrl: string;
  token: string | undefined;
  /** Where the token came from, for error messages: "--token or VERGE_TOKEN", "config file X". */
  tokenSource: string | undefined;
  /** The config file read, if any. */
  configFile: string | undefined;
  warnings: string[];
}

/** Reads the config file (explicit or default) and applies the precedence: flags/env > file > default. */
export function resolveConnection(flags: ConnectionFlags): Connection {
  const explicit = flags.config !== undefined && flags.config !== "";
  const file = explicit ? flags.config! : defaultConfigFile();
  const warnings: string[] = [];
  let fromFile: CliConfigFile = {};
  let configFile: string | undefined;
  if (existsSync(file)) {
    fromFile = readConfigFile(file);
    configFile = file;
    // Like ssh keys: a token others can read is a token others can use.
    if (fromFile.token && flags.token === undefined && (statSync(file).mode & 0o077) !== 0) {
      warnings.push(`${file} holds a token and is readable by other users; run: chmod 600 ${file}`);
    }
  } else if (explicit) {
    throw new CliError(`config file ${file} does not exist (from --config or VERGE_CLI_CONFIG)`, EXIT.usage);
  }
  const token = flags.token ?? fromFile.token;
  return {
    hubUrl: flags.hub ?? fromFile.hub ?? DEFAULT_HUB_URL,
    token,
    tokenSource: flags.token !== undefined ? "--token or VERGE_TOKEN" : fromFile.token !== undefined ? `config file ${file}` : undefined,
    configFile,
    warnings,
  };
}

function readConfigFile(file: string): CliConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`config file ${file}: not readable YAML: ${(err as Error).message}`, EXIT.usage);
  }
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new CliError(`config file ${file} has problems (it holds hub: URL and token: TOKEN):\n${problems.join("\n")}`, EXIT.usage);
  }
  return parsed.data;
}
