// Maintenance windows (proto/maintenance-window.ts, shared by agent and hub) and the activation gate's pure decisions
// (device-agent/activation-gate.ts): window evaluation tables across time zones with half-hour offsets and daylight
// saving, an evaluation from scratch in the middle of a window (an agent restarted), the next opening, bad windows.
import { describe, expect, it } from "vitest";
import { checkMaintenanceWindow, formatInZone, nextOpening, windowAt } from "../../proto/maintenance-window.js";
import type { MaintenanceWindowRule, WindowState } from "../../proto/maintenance-window.js";
import { WINDOW_RECHECK_MAX_MS, isNewHold, safetyHold, windowGate, windowRuleOf } from "../../device-agent/activation-gate.js";

const at = (iso: string): number => Date.parse(iso);
const open = (openedAt: string, closesAt: string): WindowState => ({ kind: "open", openedAt: at(openedAt), closesAt: at(closesAt) });
const closed = (opensAt: string): WindowState => ({ kind: "closed", opensAt: at(opensAt) });

describe("windowAt: open or closed, in the window's zone", () => {
  // 02:30 in India (+05:30, no DST) is 21:00 UTC the day before.
  const kolkata: MaintenanceWindowRule = { cron: "30 2 * * *", durationS: 3600, timezone: "Asia/Kolkata" };
  // 03:00 in Chicago: 09:00 UTC in winter (CST, -06:00), 08:00 UTC in summer (CDT, -05:00).
  const chicago: MaintenanceWindowRule = { cron: "0 3 * * *", durationS: 7200, timezone: "America/Chicago" };
  // 23:15 on weekdays in Nepal (+05:45): 17:30 UTC.
  const kathmandu: MaintenanceWindowRule = { cron: "15 23 * * 1-5", durationS: 900, timezone: "Asia/Kathmandu" };
  const utc: MaintenanceWindowRule = { ...kolkata, timezone: "UTC" };

  it.each<[string, MaintenanceWindowRule, string, WindowState]>([
    ["Kolkata: a second before the opening", kolkata, "2025-01-01T20:59:59.999Z", closed("2025-01-01T21:00:00Z")],
    ["Kolkata: at the opening (inclusive)", kolkata, "2025-01-01T21:00:00Z", open("2025-01-01T21:00:00Z", "2025-01-01T22:00:00Z")],
    ["Kolkata: the last millisecond", kolkata, "2025-01-01T21:59:59.999Z", open("2025-01-01T21:00:00Z", "2025-01-01T22:00:00Z")],
    ["Kolkata: at the close (exclusive): the next day's", kolkata, "2025-01-01T22:00:00Z", closed("2025-01-02T21:00:00Z")],
    ["the same cron read in UTC opens 5.5 h later", utc, "2025-01-01T21:30:00Z", closed("2025-01-02T02:30:00Z")],
    ["Chicago in winter (CST)", chicago, "2025-01-15T08:59:00Z", closed("2025-01-15T09:00:00Z")],
    ["Chicago in winter: open", chicago, "2025-01-15T10:30:00Z", open("2025-01-15T09:00:00Z", "2025-01-15T11:00:00Z")],
    ["Chicago in summer (CDT): an hour earlier in UTC", chicago, "2025-07-15T08:00:00Z", open("2025-07-15T08:00:00Z", "2025-07-15T10:00:00Z")],
    ["Chicago in summer: at the winter time it is still open", chicago, "2025-07-15T09:00:00Z", open("2025-07-15T08:00:00Z", "2025-07-15T10:00:00Z")],
    ["Chicago the day clocks spring forward (03:00 CDT exists)", chicago, "2025-03-09T07:00:00Z", closed("2025-03-09T08:00:00Z")],
    ["Chicago the day clocks fall back: 03:00 CST", chicago, "2025-11-02T08:30:00Z", closed("2025-11-02T09:00:00Z")],
    ["Kathmandu +05:45 on a Friday", kathmandu, "2025-01-03T17:35:00Z", open("2025-01-03T17:30:00Z", "2025-01-03T17:45:00Z")],
    ["Kathmandu on a Friday after the window: Monday next", kathmandu, "2025-01-03T17:45:00Z", closed("2025-01-06T17:30:00Z")],
    // Saturday 2025-01-04 in UTC is already Saturday in Nepal: no window before Monday.
    ["Kathmandu at the weekend", kathmandu, "2025-01-04T17:35:00Z", closed("2025-01-06T17:30:00Z")],
  ])("%s", (_name, rule, now, expected) => {
    expect(windowAt(rule, at(now))).toEqual(expected);
  });

  it("evaluated from scratch in the middle of a window (an agent restarted), it is open since the original opening", () => {
    // Nothing is remembered between evaluations: 1 h 37 min into a 2 h window, it is open and closes on time.
    expect(windowAt(chicago, at("2025-01-15T10:37:12.345Z"))).toEqual(open("2025-01-15T09:00:00Z", "2025-01-15T11:00:00Z"));
    // Restarted after the close: the next one.
    expect(windowAt(chicago, at("2025-01-15T11:00:00.001Z"))).toEqual(closed("2025-01-16T09:00:00Z"));
  });

  it("seconds in the expression (6 fields): short windows for tests", () => {
    const rule: MaintenanceWindowRule = { cron: "*/10 * * * * *", durationS: 3, timezone: "Asia/Kolkata" };
    expect(windowAt(rule, at("2025-01-01T10:00:13Z"))).toEqual(closed("2025-01-01T10:00:20Z"));
    expect(windowAt(rule, at("2025-01-01T10:00:21.500Z"))).toEqual(open("2025-01-01T10:00:20Z", "2025-01-01T10:00:23Z"));
    expect(windowAt(rule, at("2025-01-01T10:00:59.999Z"))).toEqual(closed("2025-01-01T10:01:00Z"));
  });

  it("windows longer than the gap between openings overlap: open from the earliest opening still running", () => {
    const rule: MaintenanceWindowRule = { cron: "0 * * * *", durationS: 5400, timezone: "Europe/Berlin" };
    expect(windowAt(rule, at("2025-01-01T10:20:00Z"))).toEqual(open("2025-01-01T09:00:00Z", "2025-01-01T10:30:00Z"));
  });
});

describe("nextOpening: across daylight-saving changes", () => {
  function openings(rule: MaintenanceWindowRule, from: string, n: number): string[] {
    const out: string[] = [];
    let t = at(from);
    for (let i = 0; i < n; i++) {
      const next = nextOpening(rule, t);
      if (next === null) break;
      out.push(new Date(next).toISOString());
      t = next;
    }
    return out;
  }

  it("02:30 in Chicago does not exist the day clocks spring forward: that day has no window (as node-cron skips it)", () => {
    const rule: MaintenanceWindowRule = { cron: "30 2 * * *", durationS: 1800, timezone: "America/Chicago" };
    expect(openings(rule, "2025-03-07T12:00:00Z", 3)).toEqual(["2025-03-08T08:30:00.000Z", "2025-03-10T07:30:00.000Z", "2025-03-11T07:30:00.000Z"]);
  });

  it("01:30 in Chicago happens twice the day clocks fall back: the window opens once, at the first", () => {
    const rule: MaintenanceWindowRule = { cron: "30 1 * * *", durationS: 1800, timezone: "America/Chicago" };
    expect(openings(rule, "2025-11-01T12:00:00Z", 3)).toEqual(["2025-11-02T06:30:00.000Z", "2025-11-03T07:30:00.000Z", "2025-11-04T07:30:00.000Z"]);
    // The second 01:30 (07:30 UTC) is not an opening: the window that opened at 06:30 closed at 07:00.
    expect(windowAt(rule, at("2025-11-02T07:40:00Z"))).toEqual(closed("2025-11-03T07:30:00Z"));
  });

  it("Kolkata has no daylight saving: the same UTC time all year", () => {
    const rule: MaintenanceWindowRule = { cron: "0 3 * * *", durationS: 600, timezone: "Asia/Kolkata" };
    expect(openings(rule, "2025-03-08T00:00:00Z", 2)).toEqual(["2025-03-08T21:30:00.000Z", "2025-03-09T21:30:00.000Z"]);
    expect(openings(rule, "2025-11-01T00:00:00Z", 2)).toEqual(["2025-11-01T21:30:00.000Z", "2025-11-02T21:30:00.000Z"]);
  });

  it("the last day of the month (L) and 29 February, years ahead", () => {
    expect(openings({ cron: "0 2 L * *", durationS: 60, timezone: "UTC" }, "2025-01-31T03:00:00Z", 2)).toEqual(["2025-02-28T02:00:00.000Z", "2025-03-31T02:00:00.000Z"]);
    expect(openings({ cron: "0 0 29 2 *", durationS: 60, timezone: "Europe/Berlin" }, "2025-03-01T00:00:00Z", 1)).toEqual(["2028-02-28T23:00:00.000Z"]);
  });
});

describe("windows that cannot be evaluated", () => {
  const now = at("2025-01-01T00:00:00Z");
  it.each<[string, MaintenanceWindowRule, RegExp]>([
    ["a bad cron expression", { cron: "0 2 * *", durationS: 60, timezone: "UTC" }, /invalid cron expression: expected 5 or 6 fields/],
    ["an out-of-range field", { cron: "61 2 * * *", durationS: 60, timezone: "UTC" }, /invalid cron expression: 61 is a invalid expression for minute/],
    ["an impossible day", { cron: "0 0 30 2 *", durationS: 60, timezone: "UTC" }, /invalid cron expression/],
    ["an unknown zone", { cron: "0 2 * * *", durationS: 60, timezone: "Mars/Olympus_Mons" }, /unknown time zone "Mars\/Olympus_Mons"/],
    ["no zone", { cron: "0 2 * * *", durationS: 60, timezone: "" }, /unknown time zone ""/],
    ["a zero duration", { cron: "0 2 * * *", durationS: 0, timezone: "UTC" }, /duration must be a positive whole number/],
  ])("%s", (_name, rule, detail) => {
    const state = windowAt(rule, now);
    expect(state.kind).toBe("invalid");
    expect(state.kind === "invalid" && state.detail).toMatch(detail);
    expect(checkMaintenanceWindow(rule, now)).toMatchObject({ ok: false });
    expect(nextOpening(rule, now)).toBeNull();
  });

  it("a good window checks out", () => {
    expect(checkMaintenanceWindow({ cron: "0 2 * * *", durationS: 60, timezone: "Asia/Kolkata" }, now)).toEqual({ ok: true });
  });
});

describe("formatInZone", () => {
  it.each([
    ["2025-01-01T21:00:00Z", "Asia/Kolkata", "2025-01-02T02:30:00+05:30[Asia/Kolkata]"],
    ["2025-01-15T09:00:00Z", "America/Chicago", "2025-01-15T03:00:00-06:00[America/Chicago]"],
    ["2025-07-15T08:00:00Z", "America/Chicago", "2025-07-15T03:00:00-05:00[America/Chicago]"],
    ["2025-01-03T17:30:00Z", "Asia/Kathmandu", "2025-01-03T23:15:00+05:45[Asia/Kathmandu]"],
    ["2025-01-03T17:30:00Z", "UTC", "2025-01-03T17:30:00+00:00[UTC]"],
  ])("%s in %s", (iso, zone, expected) => {
    expect(formatInZone(at(iso), zone)).toBe(expected);
  });
});

describe("activation gate", () => {
  it.each([
    ["no window", undefined, null],
    ["null", null, null],
    ["an empty message (proto3 defaults)", { cron: "", durationS: 0, timezone: "" }, null],
    ["a window", { cron: "0 2 * * *", durationS: 60, timezone: "UTC" }, { cron: "0 2 * * *", durationS: 60, timezone: "UTC" }],
    ["a half-set window is a window (and fails its check)", { cron: "0 2 * * *" }, { cron: "0 2 * * *", durationS: 0, timezone: "" }],
  ])("windowRuleOf: %s", (_name, w, expected) => {
    expect(windowRuleOf(w)).toEqual(expected);
  });

  const rule: MaintenanceWindowRule = { cron: "0 3 * * *", durationS: 7200, timezone: "America/Chicago" };

  it("no window: activation may begin", () => {
    expect(windowGate(null, at("2025-01-15T00:00:00Z"))).toEqual({ kind: "open", closesAt: null });
  });

  it("inside the window: activation may begin, and the gate says until when the window is open", () => {
    expect(windowGate(rule, at("2025-01-15T09:30:00Z"))).toEqual({ kind: "open", closesAt: at("2025-01-15T11:00:00Z") });
  });

  it("outside: hold with reason maintenance_window, the next opening in ISO and in the zone; looks again at the opening", () => {
    const gate = windowGate(rule, at("2025-01-15T08:59:30Z"));
    expect(gate).toEqual({
      kind: "hold",
      opensAt: at("2025-01-15T09:00:00Z"),
      hold: {
        reason: "maintenance_window",
        detail: 'waiting for the maintenance window "0 3 * * *" for 7200 s in America/Chicago: next opens 2025-01-15T09:00:00.000Z (2025-01-15T03:00:00-06:00[America/Chicago])',
        recheckInMs: 30_000,
      },
    });
  });

  it("a far opening is looked at again at least every minute (a device clock set meanwhile is noticed)", () => {
    const gate = windowGate(rule, at("2025-01-15T12:00:00Z"));
    expect(gate.kind === "hold" && gate.hold.recheckInMs).toBe(WINDOW_RECHECK_MAX_MS);
  });

  it("a window the device cannot evaluate: invalid, never open", () => {
    const gate = windowGate({ ...rule, timezone: "Europe/Atlantis" }, at("2025-01-15T09:30:00Z"));
    expect(gate).toEqual({ kind: "invalid", detail: expect.stringMatching(/^cannot evaluate the maintenance window .*unknown time zone "Europe\/Atlantis".*not activating outside a window$/) as unknown });
  });

  it("safetyHold: reason safety_check, the check's detail, re-checked after the interval", () => {
    expect(safetyHold("controller in incident plan 7", 30_000)).toEqual({ reason: "safety_check", detail: "safety check failing: controller in incident plan 7", recheckInMs: 30_000 });
  });

  it.each([
    ["first hold after verified", { state: "verified", reason: "", detail: "3 component(s) verified" }, { reason: "safety_check", detail: "a" }, true],
    ["the same hold again (a re-check): not reported", { state: "verified", reason: "safety_check", detail: "a" }, { reason: "safety_check", detail: "a" }, false],
    ["the detail changed", { state: "verified", reason: "safety_check", detail: "a" }, { reason: "safety_check", detail: "b" }, true],
    ["the reason changed (the window closed meanwhile)", { state: "verified", reason: "safety_check", detail: "a" }, { reason: "maintenance_window", detail: "a" }, true],
  ] as const)("isNewHold: %s", (_name, current, hold, expected) => {
    expect(isNewHold(current, hold)).toBe(expected);
  });
});
