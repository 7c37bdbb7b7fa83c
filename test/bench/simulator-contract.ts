// The fleet simulator as the fleet and detection benchmarks use it: its own API and types
// (device-agent/simulator), under the names the benchmarks import.
import { startSimulator } from "../../device-agent/simulator/index.js";
import type { Simulator, SimulatorOptions } from "../../device-agent/simulator/index.js";
import { profileNotes } from "../../device-agent/simulator/profiles.js";
import type { SimProfile } from "../../device-agent/simulator/profiles.js";

export type { Simulator, SimulatorOptions };
export type StartSimulator = typeof startSimulator;

/** The release-notes line that gives a release a behaviour profile in the simulator. */
export function simProfileNotes(profile: SimProfile): string {
  return profileNotes(profile);
}

export function loadSimulator(): Promise<StartSimulator> {
  return Promise.resolve(startSimulator);
}
