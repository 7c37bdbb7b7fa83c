// The open-file limit against the fleet: every device holds one socket to the broker, one more while it downloads,
// and the hub needs some for itself (SQLite, the broker's database, artifacts, the API). Below that the hub fails with
// EMFILE: new devices are refused, downloads fail and back off, its own MQTT client is reset. The fleet benchmark ran
// a 20,000 limit out with 10,000 devices downloading at once. Checked at start, so the operator reads it before then.
import { readFileSync } from "node:fs";

/** Descriptors the hub keeps for itself besides devices' sockets. */
export const HUB_OWN_FILES = 1024;

/** The soft "Max open files" of this process (Linux /proc), or undefined where that cannot be read or is unlimited. */
export function openFileLimit(limitsFile = "/proc/self/limits"): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, "utf8");
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\S+)/m.exec(text);
  if (!m || m[1] === "unlimited") return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A warning when `limit` is below what `devices` need at worst (each connected and downloading at once, plus the hub's
 * own files); undefined when it is enough or unknown.
 */
export function openFileWarning(limit: number | undefined, devices: number): string | undefined {
  if (limit === undefined) return undefined;
  const needed = 2 * devices + HUB_OWN_FILES;
  if (limit >= needed) return undefined;
  return (
    `the open-file limit (${limit}) is below what ${devices} enrolled device(s) can need (${needed}: a socket each, ` +
    `one more while downloading, ${HUB_OWN_FILES} for the hub); past it connections and downloads fail with EMFILE. ` +
    "Raise it: `ulimit -n` in the shell that starts the hub, LimitNOFILE= in its systemd unit"
  );
}
