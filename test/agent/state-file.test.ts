// The state file: atomic writes, and a fresh state from a missing or corrupt file.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshState, loadState, saveState, stateFilePath, writeFileAtomic } from "../../device-agent/state-file.js";
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
