// Whether an activation the hub asked for may begin now (DESIGN.md "Device deployment states"): only inside the
// desired state's maintenance window, if it sets one, and only when the safety check passes. Pure decisions, `now`
// passed in; the agent runs the check, reports the hold and sets the timer that looks again.
import type { verge } from "../proto/index.js";
import { describeWindow, formatInZone, windowAt } from "../proto/maintenance-window.js";
import type { MaintenanceWindowRule } from "../proto/maintenance-window.js";

/** Why a `verified` device does not activate yet: the reason of its `verified -> verified` report. */
export type HoldReason = "maintenance_window" | "safety_check";

export interface Hold {
  reason: HoldReason;
  detail: string;
  /** When to evaluate again. */
  recheckInMs: number;
}

/**
 * Longest wait between two evaluations of a closed window. The wait is on the device clock, which may be set (NTP
 * after a boot without a real-time clock) while the agent waits: a change is noticed within this.
 */
export const WINDOW_RECHECK_MAX_MS = 60_000;

export type WindowGate =
  /** Activation may begin. `closesAt` null: no window is set. */
  | { kind: "open"; closesAt: number | null }
  | { kind: "hold"; opensAt: number; hold: Hold }
  /** The window cannot be evaluated on this device (bad cron, unknown zone, never opens): the deployment fails. */
  | { kind: "invalid"; detail: string };

/** The desired state's window; null when it sets none (absent, or an empty message). */
export function windowRuleOf(w: verge.v1.MaintenanceWindow.$Properties | null | undefined): MaintenanceWindowRule | null {
  if (!w) return null;
  const rule = { cron: w.cron ?? "", durationS: w.durationS ?? 0, timezone: w.timezone ?? "" };
  if (rule.cron === "" && rule.durationS === 0 && rule.timezone === "") return null;
  return rule;
}

export function windowGate(rule: MaintenanceWindowRule | null, now: number): WindowGate {
  if (!rule) return { kind: "open", closesAt: null };
  const state = windowAt(rule, now);
  switch (state.kind) {
    case "open":
      return { kind: "open", closesAt: state.closesAt };
    case "invalid":
      return { kind: "invalid", detail: `cannot evaluate the ${state.detail}; not activating outside a window` };
    case "closed": {
      const { opensAt } = state;
      return {
        kind: "hold",
        opensAt,
        hold: {
          reason: "maintenance_window",
          detail: `waiting for the ${describeWindow(rule)}: next opens ${new Date(opensAt).toISOString()} (${formatInZone(opensAt, rule.timezone)})`,
          recheckInMs: Math.min(WINDOW_RECHECK_MAX_MS, Math.max(0, opensAt - now)),
        },
      };
    }
  }
}

/** A failing safety check: hold, and check again after `intervalMs`. */
export function safetyHold(detail: string, intervalMs: number): Hold {
  return { reason: "safety_check", detail: `safety check failing: ${detail}`, recheckInMs: intervalMs };
}

/**
 * Whether a hold is news to the hub. It is reported once per reason and detail, not at every re-check: bytes cost
 * money on a cellular plan (a check should print a stable reason, not a timestamp).
 */
export function isNewHold(current: { state: string; reason: string; detail: string }, hold: Pick<Hold, "reason" | "detail">): boolean {
  return current.state !== "verified" || current.reason !== hold.reason || current.detail !== hold.detail;
}
