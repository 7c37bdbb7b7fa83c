// The fleet simulator's API as the fleet and detection benchmarks use it (device-agent/simulator/index.ts, built in
// parallel with the benchmarks). Until it is merged, it is loaded by a computed path so this branch typechecks
// without it, and a missing simulator makes those two benchmarks report "skipped" instead of failing. Once merged,
// replace loadSimulator's body by a static import and these interfaces by the simulator's own types.
import type { EventEmitter } from "node:events";
import { BenchUnavailable } from "./util.js";

export interface SimulatorOptions {
  hubHttpUrl: string;
  adminToken?: string;
  count: number;
  idPrefix?: string;
  dataDir: string;
  variant?: string;
  site?: string;
  region?: string;
  corridor?: string;
  kpiIntervalS?: number;
  heartbeatIntervalS?: number;
  agentConfig?: Record<string, unknown>;
}

export interface Simulator {
  readonly deviceIds: string[];
  /** "transition"(deviceId, verge.v1.StateTransition), "connected"(deviceId), "kpi"(deviceId, report). */
  readonly events: EventEmitter;
  connectedCount(): number;
  stop(): Promise<void>;
}

export type StartSimulator = (opts: SimulatorOptions) => Promise<Simulator>;

/** The release-notes line that gives a release a behaviour profile in the simulator (its profiles.ts). */
export function simProfileNotes(profile: string): string {
  return `sim-profile: ${profile}`;
}

const SIMULATOR_MODULE = "../../device-agent/simulator/index.js";

export async function loadSimulator(): Promise<StartSimulator> {
  let mod: { startSimulator?: unknown };
  try {
    mod = (await import(SIMULATOR_MODULE)) as { startSimulator?: unknown };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || /Cannot find module|Failed to load url/.test(String(err))) {
      throw new BenchUnavailable("needs the fleet simulator (device-agent/simulator), not merged on this branch yet");
    }
    throw err;
  }
  if (typeof mod.startSimulator !== "function") throw new BenchUnavailable("device-agent/simulator has no startSimulator()");
  return mod.startSimulator as StartSimulator;
}
