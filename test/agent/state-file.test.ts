// The state file: atomic writes, and a fresh state from a missing or corrupt file.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crashAtFromEnv } from "../../device-agent/crash-point.js";
import { freshState, loadSeqMark, loadState, saveSeqMark, saveState, seqMarkPath, stateFilePath, writeFileAtomic } from "../../device-agent/state-file.js";
import { tempDir, testLogger } from "../helpers/wait.js";

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir("verge-state-")));
afterEach(() => cleanup());

describe("state file", () => {
  it("writes a file that parses back, with no temp file left behind", () => {
    const state = freshState();
    state.desired = { seq: 7, envelope: "AAEC" };
    state.telemetry.reservedSeq = 2001;
    saveState(dir, state);
    state.desired.seq = 8;
    saveState(dir, state);

    expect(JSON.parse(readFileSync(stateFilePath(dir), "utf8"))).toEqual(state);
    expect(readdirSync(dir)).toEqual(["state.json"]);
    expect(loadState(dir, testLogger())).toEqual(state);
  });

  it("overwrites atomically into a new directory", () => {
    const file = join(dir, "sub", "x.json");
    writeFileAtomic(file, "one");
    writeFileAtomic(file, Buffer.from("two"));
    expect(readFileSync(file, "utf8")).toBe("two");
    expect(readdirSync(join(dir, "sub"))).toEqual(["x.json"]);
  });

  it.each([
    ["missing", undefined],
    ["not JSON", "{ half a write"],
    ["wrong shape", JSON.stringify({ version: 1, desired: "nope" })],
  ])("starts fresh when the file is %s", (_name, content) => {
    if (content !== undefined) writeFileSync(stateFilePath(dir), content);
    expect(loadState(dir, testLogger())).toEqual(freshState());
  });
});

describe("telemetry seq mark", () => {
  it("reads back what was written, beside state.json and apart from it", () => {
    saveSeqMark(dir, 1_800_000_000_001_000);
    expect(loadSeqMark(dir, testLogger())).toBe(1_800_000_000_001_000);
    writeFileSync(stateFilePath(dir), "garbage");
    expect(loadSeqMark(dir, testLogger())).toBe(1_800_000_000_001_000);
  });

  it.each([
    ["missing", undefined],
    ["garbage bytes", "\u0000\u00ff{{"],
    ["not a positive safe integer", JSON.stringify({ reserved: 2 ** 60 })],
    ["negative", JSON.stringify({ reserved: -5 })],
  ])("is undefined when the file is %s (the other marks and the clock floor then decide)", (_name, content) => {
    if (content !== undefined) writeFileSync(seqMarkPath(dir), content);
    expect(loadSeqMark(dir, testLogger())).toBeUndefined();
  });
});

describe("VERGE_AGENT_CRASH_AT", () => {
  it.each([[undefined], [""], ["  "]])("unset (%j): no hook", (value) => {
    expect(crashAtFromEnv(value)).toBeUndefined();
  });
  it.each([["announced-verified"], ["installing:3"]])("%s: a hook, inert at other points", (value) => {
    const hook = crashAtFromEnv(value);
    expect(hook).toBeTypeOf("function");
    hook!("some-other-point"); // does not kill the test process
  });
  it.each([["Installing"], ["installing:x"], ["a:1:2"]])("%s: refused with the expected form", (value) => {
    expect(() => crashAtFromEnv(value)).toThrow(/expected <point>\[:<nth>\]/);
  });
});
