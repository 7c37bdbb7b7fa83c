// Health checks of a release just switched to: the type the agent calls, and the built-in `command` check (a program
// run without a shell, exit 0 = healthy; see check-command.ts). When to retry and when to give up is decided in
// decisions.ts.
import { CHECK_OUTPUT_TAIL_BYTES, runCheckCommand } from "./check-command.js";
import type { CheckVerdict } from "./check-command.js";
import type { HealthCheckConfig } from "./config.js";

/** The release being checked, running from `slot` (switched to, not committed yet). */
export interface HealthCheckTarget {
  releaseId: string;
  version: string;
  slot: string;
}

export type HealthVerdict = CheckVerdict;

/**
 * One check of the release switched to. `signal` is aborted when the agent stops mid-check; a check may ignore it.
 * A check that throws counts as failed.
 */
export type HealthCheck = (release: HealthCheckTarget, signal?: AbortSignal) => Promise<HealthVerdict>;

/** How much of the command's output (stdout and stderr interleaved, the end of it) goes into the failure detail. */
export const HEALTH_OUTPUT_TAIL_BYTES = CHECK_OUTPUT_TAIL_BYTES;

/** The `command` health check of the config. */
export function commandHealthCheck(config: Pick<HealthCheckConfig, "args" | "timeoutMs"> & { command: string }, deviceId: string): HealthCheck {
  return (release, signal) =>
    runCheckCommand(
      config,
      { VERGE_RELEASE_ID: release.releaseId, VERGE_RELEASE_VERSION: release.version, VERGE_SLOT: release.slot, VERGE_DEVICE_ID: deviceId },
      signal,
    );
}
