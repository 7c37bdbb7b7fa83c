// Reproducible randomness for tests: the same seed draws the same numbers on every run and machine. One PRNG for
// the whole project: the simulator's (mulberry32).
export { seededRandom } from "../../device-agent/simulator/profiles.js";
