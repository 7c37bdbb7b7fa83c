// Every benchmark, in the order `npm run bench` runs them.
import type { Bench } from "./types.js";
import { bench as ingest } from "./ingest.js";
import { bench as rules } from "./rules.js";
import { bench as wire } from "./wire.js";
import { bench as agent } from "./agent.js";
import { bench as fleet } from "./fleet.js";
import { bench as detection } from "./detection.js";

export type AnyBench = Bench<Record<string, string | number | boolean>>;

export const BENCHES: AnyBench[] = [ingest, rules, wire, agent, fleet, detection];
