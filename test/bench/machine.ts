// The facts a benchmark figure depends on, written beside every result.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  ramBytes: number;
  node: string;
  os: string;
  arch: string;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m?.[1]) return `${m[1]} (${os.type()} ${os.release()})`;
  } catch {
    // not Linux, or no os-release
  }
  return `${os.type()} ${os.release()}`;
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model.trim() ?? "unknown", cores: cpus.length, ramBytes: os.totalmem(), node: process.version, os: osName(), arch: process.arch };
}
