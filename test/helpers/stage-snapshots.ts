// Builders of the rollout engine's stage snapshots (hub/rollout/engine.ts) for its table tests.
import type { StageConfig, StageCounts, StageKind, StageSnapshot } from "../../hub/rollout/engine.js";

/** Device counts; `total` defaults to the sum of the states given. */
export function stageCounts(over: Partial<StageCounts> = {}): StageCounts {
  const c: StageCounts = {
    total: 0,
    notStarted: 0,
    pending: 0,
    downloading: 0,
    verified: 0,
    activated: 0,
    failed: 0,
    cancelled: 0,
    rolling_back: 0,
    rolled_back: 0,
    safetyBlocked: 0,
    ...over,
  };
  if (over.total === undefined) {
    c.total = c.notStarted + c.pending + c.downloading + c.verified + c.activated + c.failed + c.cancelled + c.rolling_back + c.rolled_back;
  }
  return c;
}

export type StageOver = Partial<Omit<StageSnapshot, "counts" | "config">> & { counts?: Partial<StageCounts>; config?: Partial<StageConfig> };

/** A stage snapshot: pending with nothing started unless told otherwise; its config is `base` with `over.config`. */
export function stageSnapshot(name: string, kind: StageKind, base: StageConfig, over: StageOver = {}): StageSnapshot {
  const { counts: c, config, ...rest } = over;
  return {
    name,
    kind,
    status: "pending",
    startedAt: null,
    activationIssuedAt: null,
    convergedAt: null,
    observeUntil: null,
    approvalRequestedAt: null,
    approvedAt: null,
    completedAt: null,
    overdue: [],
    ...rest,
    config: { ...base, ...config },
    counts: stageCounts(c),
  };
}
