// Per-device deadlines with maintenance windows (hub/rollout/deadline.ts): the device timeout counts the device's own
// work, from the window's opening, not the wait for it.
import { describe, expect, it } from "vitest";
import { activationMayBeginAt, deadlineAfterWindowHold, issueDeadline } from "../../hub/rollout/deadline.js";
import type { DeadlineSettings } from "../../hub/rollout/deadline.js";

const at = (iso: string): number => Date.parse(iso);
const H = 3_600_000;
// 02:00-04:00 in Chicago: 08:00 UTC in winter.
const nightly: DeadlineSettings = { deviceTimeoutMs: 6 * H, maintenanceWindow: { cron: "0 2 * * *", durationMs: 2 * H, timezone: "America/Chicago" } };
const none: DeadlineSettings = { deviceTimeoutMs: 6 * H, maintenanceWindow: null };

describe("device deadlines with a maintenance window", () => {
  it.each<[string, DeadlineSettings, string, boolean, string]>([
    ["no window: from now", none, "2025-01-15T12:00:00Z", true, "2025-01-15T18:00:00Z"],
    ["download only: from now, whatever the window", nightly, "2025-01-15T12:00:00Z", false, "2025-01-15T18:00:00Z"],
    ["activation outside the window: from its next opening", nightly, "2025-01-15T12:00:00Z", true, "2025-01-16T14:00:00Z"],
    ["activation inside the window: from now", nightly, "2025-01-15T09:00:00Z", true, "2025-01-15T15:00:00Z"],
  ])("%s", (_name, settings, now, activate, expected) => {
    expect(issueDeadline(settings, at(now), activate)).toBe(at(expected));
  });

  it("activationMayBeginAt: now inside or without a window, the next opening outside", () => {
    expect(activationMayBeginAt(null, at("2025-01-15T12:00:00Z"))).toBe(at("2025-01-15T12:00:00Z"));
    expect(activationMayBeginAt(nightly.maintenanceWindow, at("2025-01-15T08:30:00Z"))).toBe(at("2025-01-15T08:30:00Z"));
    expect(activationMayBeginAt(nightly.maintenanceWindow, at("2025-01-15T10:00:00Z"))).toBe(at("2025-01-16T08:00:00Z"));
  });

  it("a device that missed its window (safety check failing) and waits for the next gets its timeout from that one", () => {
    const deadline = at("2025-01-15T14:00:00Z"); // from the window that opened at 08:00
    expect(deadlineAfterWindowHold(nightly, at("2025-01-15T10:00:01Z"), deadline)).toBe(at("2025-01-16T14:00:00Z"));
  });

  it("never moves a deadline earlier", () => {
    const late = at("2025-02-01T00:00:00Z");
    expect(deadlineAfterWindowHold(nightly, at("2025-01-15T10:00:01Z"), late)).toBe(late);
  });
});
