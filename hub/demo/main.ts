#!/usr/bin/env node
// `npm run demo`: a hub, simulated devices, a good release rolled out to completion and a bad one caught at the
// canary and rolled back, printed as a timeline. Everything runs in this process and in a temp dir that is removed at
// the end, also on Ctrl-C. Exit 0 when both rollouts ended as they should, 1 when not, 2 on bad flags, 130 on Ctrl-C.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { DemoError, runDemo } from "./scenario.js";

function atLeast(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return Number(value);
  };
}

const program = new Command()
  .name("verge-demo")
  .description("a staged rollout to simulated devices: a good release completes, a bad one is paused at the canary and rolled back")
  .option("--devices <n>", "simulated devices", atLeast(10, 1000), 50)
  .option("--seed <n>", "seed of the KPI noise and of the plan's device picks", atLeast(0, 2 ** 31), 1)
  .exitOverride();

let flags: { devices: number; seed: number };
try {
  program.parse(process.argv);
  flags = program.opts();
} catch (err) {
  process.exit(err instanceof CommanderError && err.exitCode === 0 ? 0 : 2);
}

const abort = new AbortController();
let interrupted = false;
const onSignal = (signal: string) => {
  if (interrupted) {
    process.stderr.write(`${signal} again: exiting without cleaning up\n`);
    process.exit(130);
  }
  interrupted = true;
  process.stdout.write(`\n${signal}: stopping the devices and the hub, removing the temp dir\n`);
  abort.abort();
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));

const write = (line: string) => process.stdout.write(`${line}\n`);
write(`verge demo: a hub, ${flags.devices} simulated devices, and two releases rolled out canary -> pilot -> waves`);
try {
  const summary = await runDemo({ devices: flags.devices, seed: flags.seed, rolloutTimeoutMs: 60_000, write, signal: abort.signal });
  write("");
  for (const line of summary) write(line);
  write("");
  write("Everything the demo started is stopped and its temp dir removed. Run it yourself: npm start, then see README.md.");
  process.exit(0);
} catch (err) {
  if (interrupted) process.exit(130);
  process.stderr.write(`verge demo failed: ${err instanceof DemoError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
}
