// The agent's own log on disk, so a diagnostics bundle can carry it: <dataDir>/logs/agent.log, rotated at a size
// (agent.log -> agent.log.1 -> ...), a fixed number of files kept, so it never holds more than maxBytes * files on a
// small flash disk. Writes are synchronous appends (pino hands over one line at a time); a write that fails (a full
// disk) is counted and dropped: logging never stops the agent.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import type { Logger } from "pino";
import type { AgentConfig } from "./config.js";

export const AGENT_LOG_NAME = "agent.log";

export function logsDir(dataDir: string): string {
  return join(dataDir, "logs");
}

/** agent.log, agent.log.1, ... as found in the logs dir, newest first. */
export function agentLogFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const index = (n: string) => (n === AGENT_LOG_NAME ? 0 : Number(n.slice(AGENT_LOG_NAME.length + 1)));
  return names.filter((n) => n === AGENT_LOG_NAME || /^agent\.log\.\d+$/.test(n)).sort((a, b) => index(a) - index(b));
}

export class RotatingLogFile {
  private fd: number | null = null;
  private size = 0;
  /** Lines lost to write errors since start. */
  dropped = 0;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly files: number,
  ) {}

  get file(): string {
    return join(this.dir, AGENT_LOG_NAME);
  }

  write(line: string): void {
    const bytes = Buffer.from(line, "utf8");
    try {
      if (this.fd === null) this.openFile();
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
      writeSync(this.fd!, bytes);
      this.size += bytes.length;
    } catch {
      this.dropped++;
      this.closeFile();
    }
  }

  close(): void {
    this.closeFile();
  }

  private openFile(): void {
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(this.file, "a", 0o640);
    this.size = fstatSync(this.fd).size;
  }

  private closeFile(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already gone */
    }
    this.fd = null;
  }

  /** agent.log.(n-2) -> agent.log.(n-1), ..., agent.log -> agent.log.1; the oldest falls off. */
  private rotate(): void {
    this.closeFile();
    const name = (i: number) => join(this.dir, i === 0 ? AGENT_LOG_NAME : `${AGENT_LOG_NAME}.${i}`);
    if (this.files <= 1) {
      rmSync(name(0), { force: true });
    } else {
      rmSync(name(this.files - 1), { force: true });
      for (let i = this.files - 2; i >= 0; i--) {
        try {
          renameSync(name(i), name(i + 1));
        } catch {
          /* a gap in the series */
        }
      }
    }
    this.openFile();
  }
}

/**
 * The agent's logger: pino, JSON lines to stdout (unless `stdout` is false) and to the rotating file in
 * <dataDir>/logs, at the configured level. `close()` releases the file.
 */
export function createAgentLogger(config: Pick<AgentConfig, "dataDir" | "logLevel" | "diagnostics">, opts: { stdout?: boolean; name?: string } = {}): { logger: Logger; file: RotatingLogFile; close: () => void } {
  const file = new RotatingLogFile(logsDir(config.dataDir), config.diagnostics.logMaxBytes, config.diagnostics.logFiles);
  const streams: pino.StreamEntry[] = [{ level: "trace", stream: { write: (line: string) => file.write(line) } }];
  if (opts.stdout !== false) streams.push({ level: "trace", stream: process.stdout });
  const logger = pino({ name: opts.name ?? "verge-agent", level: config.logLevel }, pino.multistream(streams));
  return { logger, file, close: () => file.close() };
}
