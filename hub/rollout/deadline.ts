// Per-device in-progress deadlines (DESIGN.md "Rollouts": a device still in progress past its deadline is `failed`
// with reason `timeout`). The timeout measures a device's own work (download, verify, install, health check), not time
// it spends waiting as it was told to: activation counts from the opening of the stage's maintenance window, and a
// device that reports it waits for the window gets its timeout counted from the window it waits for. (A device held by
// a failing safety check is not timed out at all: the repo's `overdue` leaves it out, the `safetyChecks` gate shows
// it.) Pure: `now` passed in; windows are evaluated by the same code as on the device.
import { windowAt } from "../../proto/maintenance-window.js";
import type { MaintenanceWindowRule } from "../../proto/maintenance-window.js";
import type { MaintenanceWindowSpec } from "./plan.js";

export interface DeadlineSettings {
  deviceTimeoutMs: number;
  maintenanceWindow: MaintenanceWindowSpec | null;
}

export function windowRuleOfSpec(w: MaintenanceWindowSpec): MaintenanceWindowRule {
  return { cron: w.cron, durationS: Math.round(w.durationMs / 1000), timezone: w.timezone };
}

/** When a device told at `now` to activate may begin: now if there is no window or it is open, else its next opening. */
export function activationMayBeginAt(window: MaintenanceWindowSpec | null, now: number): number {
  if (!window) return now;
  const state = windowAt(windowRuleOfSpec(window), now);
  return state.kind === "closed" ? state.opensAt : now; // invalid cannot pass plan validation; never later than now then
}

/** The deadline of a desired state issued at `now`: a download-only one counts from now, an activation from the window. */
export function issueDeadline(settings: DeadlineSettings, now: number, activate: boolean): number {
  return (activate ? activationMayBeginAt(settings.maintenanceWindow, now) : now) + settings.deviceTimeoutMs;
}

/**
 * After a device reported, at `now`, that it waits for its maintenance window (e.g. its safety check failed through the
 * last one): its timeout counts from the window it now waits for. Never earlier than the deadline it had.
 */
export function deadlineAfterWindowHold(settings: DeadlineSettings, now: number, deadlineAt: number | null): number {
  return Math.max(deadlineAt ?? 0, activationMayBeginAt(settings.maintenanceWindow, now) + settings.deviceTimeoutMs);
}
