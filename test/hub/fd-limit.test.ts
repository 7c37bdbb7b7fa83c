// The open-file limit check behind the start banner's warning (hub/fd-limit.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HUB_OWN_FILES, openFileLimit, openFileWarning } from "../../hub/fd-limit.js";
import { tempDir } from "../helpers/wait.js";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

describe("open-file limit", () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  function limitsFile(text: string): string {
    const t = tempDir("verge-limits-");
    cleanups.push(t.cleanup);
    const file = join(t.dir, "limits");
    writeFileSync(file, text);
    return file;
  }

  it("reads the soft limit from /proc/self/limits, and nothing where it is unlimited, unreadable or odd", () => {
    expect(openFileLimit(limitsFile(LIMITS))).toBe(20000);
    expect(openFileLimit(limitsFile(LIMITS.replace("20000                20000", "unlimited            unlimited")))).toBeUndefined();
    expect(openFileLimit(limitsFile("nothing here\n"))).toBeUndefined();
    expect(openFileLimit("/nonexistent/limits")).toBeUndefined();
    // this process's own (Linux): a number
    expect(openFileLimit()).toBeGreaterThan(0);
  });

  it("warns when the limit is below a socket per device, one more while downloading, and the hub's own files", () => {
    expect(openFileWarning(20000, 10_000)).toContain("the open-file limit (20000) is below what 10000 enrolled device(s) can need (21024");
    expect(openFileWarning(20000, 9_488)).toBeUndefined();
    expect(openFileWarning(2 * 9_489 + HUB_OWN_FILES - 1, 9_489)).toContain("ulimit -n");
    expect(openFileWarning(undefined, 1_000_000)).toBeUndefined();
  });
});
