// Storage health: whether the hub can write to its data dir right now. Every writer that meets a storage failure
// (SQLite full or failing I/O, ENOSPC on a file, the broker's level store) reports it here; while unhealthy,
// /healthz answers 503 with the reason, API writes answer 507, and devices get no PUBACK for telemetry (it stays in
// their outbox). A periodic probe (free space at or above the threshold and a committed SQLite write) detects
// recovery without a restart. Also the start check: a hub that would start on a full disk exits with
// INSUFFICIENT_STORAGE_EXIT_CODE and says how much is free.
import { statfsSync } from "node:fs";
import type { Logger } from "pino";
import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";

/** Error codes that mean "the disk is full or failing", as opposed to a bug or bad input. */
const STORAGE_ERROR_CODES = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT", "EIO", "EROFS", "LEVEL_IO_ERROR"]);

/** The storage error code of `err` (or of an error in its `cause` chain), or undefined when it is something else. */
export function storageErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === "object" && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    // SQLite extended codes: SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_IOERR_SHMSIZE, ...
    if (STORAGE_ERROR_CODES.has(code) || code.startsWith("SQLITE_IOERR")) return code;
  }
  return undefined;
}

/** Bytes an unprivileged writer can still use on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** verge-hub's exit code when it will not start because its data dir's filesystem has less free space than required. */
export const INSUFFICIENT_STORAGE_EXIT_CODE = 4;

export class InsufficientStorageError extends Error {
  readonly code = "insufficient_storage";
  readonly exitCode = INSUFFICIENT_STORAGE_EXIT_CODE;
  constructor(
    readonly dir: string,
    readonly free: number,
    readonly minFree: number,
  ) {
    super(
      `not enough free space for the data dir ${dir}: ${free} bytes (${formatBytes(free)}) free, at least ${minFree} bytes (${formatBytes(minFree)}) needed ` +
        `(storage.minFreeBytes); free some space or move the data dir`,
    );
    this.name = "InsufficientStorageError";
  }
}

/** Refuses to start below the threshold: a hub started on a full disk would fail at its first writes. */
export function checkStartSpace(dir: string, minFree: number): void {
  const free = freeBytes(dir);
  if (free < minFree) throw new InsufficientStorageError(dir, free, minFree);
}

/** Who reports storage failures: device telemetry, API requests, token bookkeeping, the broker's persistence. */
export const STORAGE_SOURCES = ["telemetry", "api", "auth", "broker"] as const;
export type StorageSource = (typeof STORAGE_SOURCES)[number];

export interface StorageState {
  ok: boolean;
  /** Set while unhealthy: what failed, e.g. "SQLITE_FULL in telemetry: database or disk is full". */
  reason?: string;
  code?: string;
  /** When the current state began (ms). */
  since: number;
  freeBytes?: number;
  minFreeBytes: number;
}

export interface StorageHealthOptions {
  dir: string;
  minFreeBytes: number;
  probeIntervalMs: number;
  /** A small committed write to the database; throws when storage fails. */
  probeWrite: () => void;
  registry: Registry;
  logger: Logger;
  now: () => number;
}

export class StorageHealth {
  private state: { ok: true; since: number } | { ok: false; since: number; reason: string; code: string };
  private lastFree: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(ok: boolean) => void>();
  private readonly healthy: Gauge;
  private readonly free: Gauge;
  private readonly refusedWrites: Counter<"source">;

  constructor(private readonly o: StorageHealthOptions) {
    this.state = { ok: true, since: o.now() };
    this.healthy = new Gauge({ name: "verge_storage_healthy", help: "1 while the hub can write to its data dir, 0 while writes fail (disk full, I/O errors)", registers: [o.registry] });
    this.healthy.set(1);
    this.free = new Gauge({ name: "verge_storage_free_bytes", help: "Free bytes on the filesystem holding the data dir (as of the last probe)", registers: [o.registry] });
    this.refusedWrites = new Counter({
      name: "verge_storage_refused_writes_total",
      help: "Writes refused or failed because storage failed, by source (telemetry: not acknowledged to the device; api: answered 507)",
      labelNames: ["source"],
      registers: [o.registry],
    });
    // From 0, so increase() sees the first refusal.
    for (const source of STORAGE_SOURCES) this.refusedWrites.inc({ source }, 0);
  }

  get ok(): boolean {
    return this.state.ok;
  }

  status(): StorageState {
    const base = { since: this.state.since, minFreeBytes: this.o.minFreeBytes, ...(this.lastFree !== undefined ? { freeBytes: this.lastFree } : {}) };
    return this.state.ok ? { ok: true, ...base } : { ok: false, reason: this.state.reason, code: this.state.code, ...base };
  }

  /** Called with the new state whenever it changes (e.g. the hub's MQTT session reconnecting after recovery). */
  onChange(listener: (ok: boolean) => void): void {
    this.listeners.add(listener);
  }

  /**
   * A write from `source` failed with `err`. A storage failure marks storage unhealthy and is counted; returns
   * whether it was one (anything else is the caller's to handle as before).
   */
  failed(source: StorageSource, err: unknown): boolean {
    const code = storageErrorCode(err);
    if (code === undefined) return false;
    this.refusedWrites.inc({ source });
    if (this.state.ok) {
      const reason = `${code} in ${source}: ${(err as Error).message}`;
      this.state = { ok: false, since: this.o.now(), reason, code };
      this.healthy.set(0);
      this.o.logger.error({ code, source, err, dir: this.o.dir }, "storage failing: writes refused until the probe succeeds");
      this.emit(false);
    }
    return true;
  }

  /** Counts a write refused up front because storage is unhealthy. */
  refused(source: StorageSource): void {
    this.refusedWrites.inc({ source });
  }

  /**
   * One probe: free space, then (while unhealthy) a committed write. Recovery needs both the threshold and a write
   * that succeeds, so a filesystem with a few bytes back does not flap between healthy and full.
   */
  probe(): boolean {
    let free: number | undefined;
    try {
      free = freeBytes(this.o.dir);
      this.lastFree = free;
      this.free.set(free);
    } catch (err) {
      this.o.logger.warn({ err, dir: this.o.dir }, "storage probe: statfs failed");
    }
    if (this.state.ok) return true;
    if (free === undefined || free < this.o.minFreeBytes) return false;
    try {
      this.o.probeWrite();
    } catch (err) {
      this.o.logger.debug({ err }, "storage probe: write still fails");
      return false;
    }
    const downMs = this.o.now() - this.state.since;
    this.state = { ok: true, since: this.o.now() };
    this.healthy.set(1);
    this.o.logger.info({ freeBytes: free, downMs, dir: this.o.dir }, "storage recovered: writes accepted again");
    this.emit(true);
    return true;
  }

  start(): void {
    this.probe();
    this.timer = setInterval(() => this.probe(), this.o.probeIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private emit(ok: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(ok);
      } catch (err) {
        this.o.logger.error({ err }, "storage health listener failed");
      }
    }
  }
}
