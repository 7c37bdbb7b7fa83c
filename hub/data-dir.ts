// The hub's data dir: created private (0700), and owned by one hub process at a time through a lock file holding
// its pid. Two hubs on one data dir would write the same SQLite file and fight over the broker's level store (the
// second used to fail with "Iterator is not open"); the lock turns that into "data dir in use by pid N".
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** verge-hub's exit code when another live process holds the data dir's lock. */
export const DATA_DIR_IN_USE_EXIT_CODE = 3;

export const LOCK_FILE = "hub.lock";

export class DataDirInUseError extends Error {
  readonly code = "data_dir_in_use";
  readonly exitCode = DATA_DIR_IN_USE_EXIT_CODE;
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(`data dir ${dir} in use by pid ${pid} (lock ${lockFile}); stop that hub first, or give this one another data dir`);
    this.name = "DataDirInUseError";
  }
}

/** Creates the data dir if needed and makes it private to the hub's user (it holds keys, tokens and telemetry). */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Makes the database file (and its -wal/-shm when present) 0600. Creating an empty file first means SQLite never
 * creates it with the umask's 0644; SQLite gives -wal and -shm the mode of the database file.
 */
export function preparePrivateDatabase(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists and belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/**
 * Takes `<dir>/hub.lock` (O_EXCL, contents: the pid). A lock whose pid is not running (a hub killed with -9, a power
 * cut), is unreadable, or is this very pid (a container restarted with the same pid) is stale and taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 2) throw err;
      let pid = NaN;
      try {
        pid = Number(readFileSync(file, "utf8").trim());
      } catch {
        // Removed meanwhile, or unreadable: treated as stale below.
      }
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirInUseError(dir, pid, file);
      try {
        unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (err) {
      // A full disk can refuse even these few bytes: leave no empty lock behind.
      closeSync(fd);
      unlinkSync(file);
      throw err;
    }
    closeSync(fd);
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        try {
          // Only our own lock: never remove one another process took over.
          if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      },
    };
  }
}
