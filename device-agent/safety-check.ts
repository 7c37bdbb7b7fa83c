// Safety checks before an activation (DESIGN.md "Device deployment states"): the device activates only when every
// check passes, e.g. "the controller is not running an incident plan". The type the agent calls, the built-in
// `command` check of the config (a program run without a shell, exit 0 = safe; see check-command.ts), and the
// combination of several. When to run them and what to report is in activation-gate.ts and the agent.
import { runCheckCommand } from "./check-command.js";
import type { CheckVerdict } from "./check-command.js";
import type { SafetyCheckConfig } from "./config.js";

/** The activation about to begin. */
export interface SafetyCheckTarget {
  releaseId: string;
  version: string;
  rolloutId: string;
  /** The release running now ("" on a factory image the agent never installed over). */
  currentReleaseId: string;
}

export type SafetyVerdict = CheckVerdict;

/**
 * One check. `signal` is aborted when the agent stops or a new desired state arrives mid-check; a check may ignore it.
 * A check that throws counts as failing.
 */
export type SafetyCheck = (target: SafetyCheckTarget, signal?: AbortSignal) => Promise<SafetyVerdict>;

/** The `command` safety check of the config; env VERGE_RELEASE_ID, VERGE_RELEASE_VERSION, VERGE_ROLLOUT_ID, VERGE_CURRENT_RELEASE_ID, VERGE_DEVICE_ID. */
export function commandSafetyCheck(config: Pick<SafetyCheckConfig, "args" | "timeoutMs"> & { command: string }, deviceId: string): SafetyCheck {
  return (target, signal) =>
    runCheckCommand(
      config,
      {
        VERGE_RELEASE_ID: target.releaseId,
        VERGE_RELEASE_VERSION: target.version,
        VERGE_ROLLOUT_ID: target.rolloutId,
        VERGE_CURRENT_RELEASE_ID: target.currentReleaseId,
        VERGE_DEVICE_ID: deviceId,
      },
      signal,
    );
}

/** Runs `checks` in order until one fails (its verdict is the answer); null when there is none to run. */
export function allSafetyChecks(checks: ReadonlyArray<SafetyCheck | null | undefined>): SafetyCheck | null {
  const list = checks.filter((c): c is SafetyCheck => typeof c === "function");
  if (list.length === 0) return null;
  return async (target, signal) => {
    for (const check of list) {
      let verdict: SafetyVerdict;
      try {
        verdict = await check(target, signal);
      } catch (err) {
        verdict = { ok: false, detail: `safety check threw: ${(err as Error).message}` };
      }
      if (!verdict.ok) return verdict;
    }
    return { ok: true };
  };
}
