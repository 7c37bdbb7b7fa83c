// Entry and exit criteria of stages (hub/rollout/criteria.ts) and a stage's KPI health (hub/rollout/health.ts): the
// figures they need, gathered from SQLite (open incidents, KPI sums, stage states), and the verdicts served three
// ways: to the engine while it advances a rollout (`forAdvance`), to `verge rollout validate` (`validate`), and to
// `verge rollout health` (`health`). Reads only; the rollouts service writes what the engine decides.
import { z } from "zod";
import { badRequest, conflict, notFound } from "../errors.js";
import type { IncidentsRepo } from "../repos/incidents.repo.js";
import type { KpiRepo, KpiScope } from "../repos/kpi.repo.js";
import type { NewRolloutEvent, Rollout, RolloutsRepo, StageRow } from "../repos/rollouts.repo.js";
import { describeCriterion, describeWait, evaluateCriteria, unmetOf } from "../rollout/criteria.js";
import type { CriteriaFacts, CriteriaPhase, CriteriaWait, Criterion, CriterionResult, KpiFact } from "../rollout/criteria.js";
import { parseDuration } from "../rollout/duration.js";
import { activeStageIndex, isTerminalRollout } from "../rollout/engine.js";
import type { Effect, RolloutStatus, StageCriteria, StageSnapshot, StageStatus } from "../rollout/engine.js";
import { buildHealth } from "../rollout/health.js";
import type { MetricHealth } from "../rollout/health.js";
import { INCIDENT_SEVERITIES } from "../rollout/plan.js";
import type { EntryCriterion, ExitCriterion, StageSpec } from "../rollout/plan.js";
import { formatDurationShort, measure } from "../rollout/rules.js";

export interface CriteriaDeps {
  rollouts: RolloutsRepo;
  kpi: KpiRepo;
  incidents: IncidentsRepo;
  now: () => number;
}

/** GET /api/rollouts/:id/validate */
export interface ValidationView {
  rolloutId: string;
  rolloutStatus: RolloutStatus;
  /** The stage named, else the active one. */
  stage: string | null;
  /** What was judged, in order: "exit of canary", "entry of pilot". */
  checked: string[];
  evaluatedAt: number;
  results: CriterionResult[];
  /** Every result passes (true for an empty list). */
  pass: boolean;
}

/** GET /api/rollouts/:id/health */
export interface HealthView {
  rolloutId: string;
  rolloutStatus: RolloutStatus;
  stage: string;
  /** stage: the stage's devices; started: every device started so far (a stage that has not started has none). */
  scope: "stage" | "started";
  from: number;
  to: number;
  durationMs: number;
  bucketMs: number;
  metrics: MetricHealth[];
}

/** A stage's criteria in the status view. */
export interface StageCriteriaView {
  entry: Array<{ id: string; kind: string; description: string }>;
  exit: Array<{ id: string; kind: string; description: string }>;
  /** What held the stage at the last evaluation; null when nothing does (or the stage or rollout is past it). */
  waiting: CriteriaWait | null;
  /** The same in a line: "entry: no open sev1/sev2 incident (1 open: inc-7 (sev2))". */
  waitingOn: string | null;
  entryApproval: { at: number; by: string | null } | null;
  entryForcedAt: number | null;
  /** The stage waits for `promote` to approve its start. */
  awaitingEntryApproval: boolean;
}

export const MAX_HEALTH_BUCKETS = 120;
const BUCKETS_HINT = `a whole number from 1 to ${MAX_HEALTH_BUCKETS}`;
const healthQuery = z
  .object({
    duration: z
      .string()
      .optional()
      .transform((text, ctx) => {
        try {
          const ms = parseDuration(text ?? "1h");
          if (ms >= 1000 && ms <= 90 * 86_400_000) return ms;
          ctx.addIssue({ code: "custom", message: `from 1s to 90d, got "${text}"` });
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
        }
        return z.NEVER;
      }),
    buckets: z.coerce
      .number({ error: BUCKETS_HINT })
      .int(BUCKETS_HINT)
      .min(1, BUCKETS_HINT)
      .max(MAX_HEALTH_BUCKETS, BUCKETS_HINT)
      .optional(),
    stage: z.string().min(1).optional(),
  })
  .strict();

/** A stage's resolved criteria; rollouts created before criteria existed have none but previousStage. */
export function stageCriteria(spec: Record<string, unknown> | StageSpec, index: number): { entry: EntryCriterion[]; exit: ExitCriterion[] } {
  const s = spec as Partial<StageSpec>;
  return { entry: s.entry ?? (index > 0 ? [{ kind: "previousStage" }] : []), exit: s.exit ?? [] };
}

/** The status view's criteria of a stage. */
export function stageCriteriaView(row: StageRow, rollout: RolloutStatus): StageCriteriaView {
  const { entry, exit } = stageCriteria(row.spec, row.idx);
  const live = !isTerminalRollout(rollout) && (row.status === "pending" || row.status === "converged");
  const waiting = live ? row.criteriaWaiting : null;
  const list = (phase: CriteriaPhase, cs: readonly Criterion[]) => cs.map((c, i) => ({ id: `${phase}.${i}`, kind: c.kind, description: describeCriterion(c) }));
  return {
    entry: list("entry", entry),
    exit: list("exit", exit),
    waiting,
    waitingOn: waiting && describeWait(waiting),
    entryApproval: row.entryApprovedAt === null ? null : { at: row.entryApprovedAt, by: row.entryApprovedBy },
    entryForcedAt: row.entryForcedAt,
    awaitingEntryApproval: waiting?.phase === "entry" && waiting.unmet.some((u) => u.kind === "approval"),
  };
}

function activeIndex(rows: readonly StageRow[]): number {
  return activeStageIndex(rows.map((r) => ({ status: r.status }) as StageSnapshot));
}

/** Where a stage stands, as the verdicts need it (from a stored row, or from the engine's snapshot mid-evaluation). */
interface StageState {
  name: string;
  status: StageStatus;
  convergedAt: number | null;
  observeUntil: number | null;
}

export class CriteriaService {
  constructor(private readonly d: CriteriaDeps) {}

  /** The criteria as `advance` asks for them during one evaluation (the engine's snapshots carry the stage states). */
  forAdvance(rollout: Rollout, rows: StageRow[], now: number): StageCriteria {
    const judge = (phase: CriteriaPhase) => (s: StageSnapshot, stages: readonly StageSnapshot[]) => {
      const index = stages.findIndex((x) => x.name === s.name);
      const row = rows[index];
      if (!row) return null;
      const approval = s.entryApprovedAt ? { at: s.entryApprovedAt, by: row.entryApprovedBy } : null;
      return unmetOf(phase, this.judge(rollout, rows, phase, stages, index, approval, now));
    };
    return { entry: judge("entry"), exit: judge("exit") };
  }

  /**
   * `verge rollout validate`: with a stage, its entry criteria (and its exit criteria once it started); without, "before
   * expanding": the active stage's exit criteria and the next stage's entry criteria (or the entry criteria of the
   * active stage while it waits to start).
   */
  validate(rolloutId: string, stageName?: string): ValidationView {
    const rollout = this.rollout(rolloutId);
    const rows = this.d.rollouts.stages(rolloutId);
    const now = this.d.now();
    const approval = (i: number) => (rows[i]!.entryApprovedAt === null ? null : { at: rows[i]!.entryApprovedAt, by: rows[i]!.entryApprovedBy });
    const checked: string[] = [];
    const results: CriterionResult[] = [];
    const add = (phase: CriteriaPhase, i: number, expanding = false) => {
      checked.push(`${phase} of ${rows[i]!.name}`);
      results.push(...this.judge(rollout, rows, phase, rows, i, approval(i), now, expanding));
    };
    let stage: string | null = stageName ?? null;
    if (stageName !== undefined) {
      const i = this.stageIndex(rollout, rows, stageName);
      add("entry", i);
      if (rows[i]!.status !== "pending") add("exit", i);
    } else {
      if (isTerminalRollout(rollout.status)) throw conflict(`rollout ${rolloutId} is ${rollout.status}: no stage is left to expand to; name one with --stage to judge its criteria`);
      const i = activeIndex(rows);
      if (i >= 0) {
        stage = rows[i]!.name;
        if (rows[i]!.status === "pending") add("entry", i);
        else {
          add("exit", i);
          if (i + 1 < rows.length) add("entry", i + 1, true);
        }
      }
    }
    return { rolloutId, rolloutStatus: rollout.status, stage, checked, evaluatedAt: now, results, pass: results.every((r) => r.pass) };
  }

  /** `verge rollout health`: the KPIs of a stage (the active one unless named) over the last `duration`, in buckets. */
  health(rolloutId: string, query: unknown): HealthView {
    const parsed = healthQuery.safeParse(query ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
    const q = parsed.data;
    const rollout = this.rollout(rolloutId);
    const rows = this.d.rollouts.stages(rolloutId);
    // The active stage; once the rollout is over, the last stage that started.
    const i = q.stage !== undefined ? this.stageIndex(rollout, rows, q.stage) : isTerminalRollout(rollout.status) ? rows.findLastIndex((r) => r.startedAt !== null) : activeIndex(rows);
    const row = rows[Math.max(0, i)]!;
    const count = q.buckets ?? 12;
    const bucketMs = Math.max(1, Math.floor(q.duration / count));
    const to = this.d.now();
    const from = to - bucketMs * count;
    const started = row.startedAt !== null;
    const scope: KpiScope = { rolloutId, releaseId: rollout.releaseId, stage: started ? row.name : null, from, to };
    const devices = this.d.rollouts.devices(rolloutId, started ? { stage: row.name } : {}).filter((x) => x.issuedAt !== null);
    const metrics = buildHealth({
      to,
      bucketMs,
      span: this.d.kpi.sums(scope),
      buckets: this.d.kpi.bucketSums(scope, bucketMs, count),
      devices,
      rules: this.d.rollouts.rules(rolloutId, row.name),
      exit: stageCriteria(row.spec, row.idx).exit,
    });
    return { rolloutId, rolloutStatus: rollout.status, stage: row.name, scope: started ? "stage" : "started", from, to, durationMs: bucketMs * count, bucketMs, metrics };
  }

  /** The event of a criteria effect (criteria_waiting, criteria_met), with its figures in `details`. */
  event(rollout: Rollout, rows: StageRow[], effect: Extract<Effect, { type: "criteria_waiting" | "criteria_met" }>, now: number): NewRolloutEvent {
    const id = rollout.id;
    if (effect.type === "criteria_waiting") {
      const { phase, failing } = effect.unmet;
      const figures = (r: CriterionResult) => ({ id: r.id, kind: r.kind, description: r.description, expected: r.expected, observed: r.observed, value: r.value, detail: r.detail });
      const what = phase === "entry" ? "It starts as soon as they pass" : "Its observation window is over; it completes as soon as they pass";
      return {
        rolloutId: id,
        at: now,
        type: "criteria_waiting",
        stage: effect.stage,
        actor: "hub",
        explanation:
          `Stage ${effect.stage} waits on its ${phase} criteria: ${failing.map((r) => `${r.description} (expected ${r.expected}, observed ${r.observed})`).join("; ")}. ` +
          `${failing[0]!.detail} ${what}; \`verge rollout validate ${id}\` judges them now.`,
        details: { phase, criterion: figures(failing[0]!), unmet: failing.map(figures), since: effect.since },
      };
    }
    const row = rows.find((r) => r.name === effect.stage);
    const waited = formatDurationShort(now - effect.since);
    const next = effect.phase === "entry" ? "it starts now" : (row?.spec as Partial<StageSpec> | undefined)?.approval ? "it waits for approval next" : "it completes now";
    return {
      rolloutId: id,
      at: now,
      type: "criteria_met",
      stage: effect.stage,
      actor: "hub",
      explanation: effect.forced
        ? `Stage ${effect.stage} starts without its entry criteria (promote --force) after waiting ${waited}.`
        : `Every ${effect.phase} criterion of stage ${effect.stage} passes after waiting ${waited}; ${next}.`,
      details: { phase: effect.phase, since: effect.since, waitedMs: now - effect.since, forced: effect.forced },
    };
  }

  private rollout(id: string): Rollout {
    const rollout = this.d.rollouts.get(id);
    if (!rollout) throw notFound(`rollout ${id}`);
    return rollout;
  }

  private stageIndex(rollout: Rollout, rows: StageRow[], name: string): number {
    const i = rows.findIndex((r) => r.name === name);
    if (i < 0) throw notFound(`stage ${name} of rollout ${rollout.id} (its stages: ${rows.map((r) => r.name).join(", ")})`);
    return i;
  }

  /** Judges one list of one stage now: gathers what its criteria need (nothing for a stage without criteria). */
  private judge(
    rollout: Rollout,
    rows: readonly StageRow[],
    phase: CriteriaPhase,
    stages: readonly StageState[],
    index: number,
    entryApproval: CriteriaFacts["entryApproval"],
    now: number,
    expanding = false,
  ): CriterionResult[] {
    const stage = stages[index]!;
    const criteria: readonly Criterion[] = stageCriteria(rows[index]?.spec ?? {}, index)[phase];
    if (criteria.length === 0) return [];
    const previous = index > 0 ? stages[index - 1]! : null;
    const kpi = new Map<number, KpiFact>();
    criteria.forEach((c, i) => {
      if (c.kind === "kpi") kpi.set(i, this.kpiFact(rollout, stage, c, now));
    });
    const facts: CriteriaFacts = {
      rolloutId: rollout.id,
      stage: stage.name,
      now,
      previous: previous && { name: previous.name, status: previous.status, observeUntil: previous.observeUntil },
      expanding,
      openIncidents: criteria.some((c) => c.kind === "noOpenIncidents") ? this.d.incidents.openBlocking(rollout.releaseId, INCIDENT_SEVERITIES) : [],
      entryApproval,
      kpi,
    };
    return evaluateCriteria(phase, criteria, facts);
  }

  /**
   * Entry: the devices started so far over the last `for`, and how far back their reports reach. Exit: the stage's
   * devices from its convergence (or the last `window` of that) to now.
   */
  private kpiFact(rollout: Rollout, stage: StageState, c: Extract<Criterion, { kind: "kpi" }>, now: number): KpiFact {
    const entry = "forMs" in c;
    const from = entry ? now - c.forMs : stage.convergedAt === null ? null : c.windowMs === null ? stage.convergedAt : Math.max(stage.convergedAt, now - c.windowMs);
    if (from === null) return { measurement: { value: null, devices: 0 }, from: null, to: now };
    const scope: KpiScope = { rolloutId: rollout.id, releaseId: rollout.releaseId, stage: entry ? null : stage.name, from, to: now };
    const counts = this.d.rollouts.scopeCounts(rollout.id, scope.stage);
    const kpi = this.d.kpi;
    const measurement = measure(c.metric, {
      get kpi() {
        return kpi.sums(scope);
      },
      ...counts,
      openSev1: 0,
    });
    return { measurement, from, to: now, ...(entry ? { coveredFrom: kpi.earliestWindowStart(scope) } : {}) };
  }
}
