// Staged rollouts: plan and select the cohorts, sign and publish desired states stage by stage, evaluate pause rules
// over the KPI tables, drive the stage state machine (hub/rollout/engine.ts), and carry out the operator verbs
// (pause, resume, promote, abort, retry, rollback). Every mutation goes through one queue so evaluations never
// interleave; every decision is applied in one SQLite transaction, then the MQTT messages it produced are published.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import { LAG_BUCKET_BOUNDS_MS, PAYLOAD_TYPES, RESOURCE_ID_PATTERN, lagBucketIndex, pb, signEnvelope, topics } from "../../proto/index.js";
import type { DeploymentStateName } from "../../proto/index.js";
import { HubError, badRequest, conflict, notFound } from "../errors.js";
import type { Auditor } from "../audit.js";
import type { Db } from "../db/database.js";
import type { HubKeys } from "../keys.js";
import type { HubMetrics } from "../metrics.js";
import type { BrakesRepo, FreezeState, HoldCause } from "../repos/brakes.repo.js";
import type { CohortsRepo } from "../repos/cohorts.repo.js";
import type { Device, DevicesRepo } from "../repos/devices.repo.js";
import type { IncidentsRepo } from "../repos/incidents.repo.js";
import type { KpiRepo, KpiScope } from "../repos/kpi.repo.js";
import type { Release, ReleasesRepo } from "../repos/releases.repo.js";
import type { DesiredStateRecord, NewRolloutEvent, Rollout, RolloutDevice, RolloutEvent, RolloutsRepo, RuleRow, StageRow } from "../repos/rollouts.repo.js";
import { emptyCounts } from "../repos/rollouts.repo.js";
import { activeStageIndex, activeStageRuleFiring, advance, computeGates, displayStageStatus, isTerminalRollout, promote as decidePromote } from "../rollout/engine.js";
import type { Effect, Firing, Gates, PauseIntent, RolloutStatus, StageConfig, StageCounts, StageSnapshot } from "../rollout/engine.js";
import { deadlineAfterWindowHold, issueDeadline } from "../rollout/deadline.js";
import type { DeadlineSettings } from "../rollout/deadline.js";
import { availability, droppedRatio } from "../rollout/kpi.js";
import { formatThreshold, loadPlanFile, parsePlan } from "../rollout/plan.js";
import type { MaintenanceWindowSpec, Plan, StageSpec } from "../rollout/plan.js";
import { assessRule, explainFiring, formatDurationShort, formatMetric, measure } from "../rollout/rules.js";
import type { RuleDef, ScopeFigures } from "../rollout/rules.js";
import { PlanSelectionError, selectStages } from "../rollout/selection.js";
import type { Exclusion, Selection } from "../rollout/selection.js";
import { describeCriterion } from "../rollout/criteria.js";
import { stageCriteriaView } from "./criteria.service.js";
import type { CriteriaService, StageCriteriaView } from "./criteria.service.js";

export interface MqttPublisher {
  publish(topic: string, payload: Uint8Array | string, opts: { retain: boolean; qos: 0 | 1 }): Promise<void>;
}

export interface RolloutSettings {
  desiredStateTtlMs: number;
  commandTtlMs: number;
  rollbackTimeoutMs: number;
  plansDir: string;
  grafanaUrl: string;
  /** The hub's public HTTP base URL (known once the server listens). */
  httpUrl: () => string;
}

export interface RolloutsDeps {
  db: Db;
  rollouts: RolloutsRepo;
  kpi: KpiRepo;
  releases: ReleasesRepo;
  devices: DevicesRepo;
  cohorts: CohortsRepo;
  brakes: BrakesRepo;
  incidents: IncidentsRepo;
  keys: HubKeys;
  publisher: MqttPublisher;
  auditor: Auditor;
  metrics: HubMetrics;
  logger: Logger;
  settings: RolloutSettings;
  now: () => number;
  /** Webhook notifications: queues an event in the same transaction that stores it (hub/services/webhooks.service.ts). */
  notifier?: { enqueue(event: RolloutEventJson): void };
  /** Entry and exit criteria of stages: judged while advancing, turned into events. */
  criteria: CriteriaService;
}

const planRef = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const createRolloutSchema = z
  .object({
    id: z.string().regex(RESOURCE_ID_PATTERN, "rollout id: 1-128 characters of A-Z a-z 0-9 . _ -").optional(),
    releaseId: z.string().min(1),
    /** A plan name (a file in the plans directory) or a plan object. Without a plan and with `devices`: one stage. */
    plan: planRef.optional(),
    /** Restricts the fleet the plan selects from; without it, every enrolled device. */
    devices: z.array(z.string().min(1)).min(1, "list at least one device, or leave `devices` out to target the fleet").optional(),
    seed: z.string().min(1).max(200).optional(),
  })
  .strict();

const verbSchema = z.object({ reason: z.string().max(2000).optional() }).strict();
const promoteSchema = z.object({ reason: z.string().max(2000).optional(), force: z.boolean().optional() }).strict();
const rollbackSchema = z.object({ reason: z.string().max(2000).optional(), stage: z.string().min(1).optional() }).strict();

/**
 * At most one telemetry-triggered evaluation of a rollout per this long (the scheduler's runs come on top), or per
 * EVALUATION_COST_FACTOR times what the last evaluation of that rollout took, whichever is longer: rules over a stage of
 * 10,000 devices take most of a second, and evaluating as often as transitions arrive would leave the hub no time to
 * store them. With a factor of 4 evaluations triggered by telemetry take at most a fifth of the hub's thread.
 */
const TELEMETRY_EVALUATION_INTERVAL_MS = 500;
const EVALUATION_COST_FACTOR = 4;

/** Without a plan, an explicit device list gets this: one stage, activate at once, no observation, no rules. */
const DIRECT_PLAN = { name: "direct", description: "one stage with every listed device", stages: [{ name: "all", kind: "wave", observe: 0, activation: "immediate", failureThreshold: 1, circuitBreaker: 0 }] };

export interface PlanPreview {
  releaseId: string;
  plan: string;
  seed: string;
  stages: Array<{ name: string; kind: string; devices: string[]; observe: string; approval: boolean; activation: string; rules: string[]; criteria: { entry: string[]; exit: string[] } }>;
  excluded: Exclusion[];
  unassigned: string[];
  warnings: string[];
}

export interface StageView {
  name: string;
  kind: string;
  /** DESIGN's word: canary pending|converged|failed, waves pending|active|completed|paused. */
  status: string;
  phase: string;
  config: { observe: string; approval: boolean; deviceTimeout: string; failureThreshold: number; activation: string; circuitBreaker: number };
  startedAt: number | null;
  convergedAt: number | null;
  observeUntil: number | null;
  awaitingApproval: boolean;
  approvedAt: number | null;
  approvedBy: string | null;
  completedAt: number | null;
  failedAt: number | null;
  progress: StageCounts;
  /** Devices of the stage a brake holds (the freeze, a disabled cohort): told not to activate, or not started. */
  held: number;
  rules: Array<{ name: string; metric: string; op: string; threshold: number; verdict: string | null; value: number | null; devices: number | null; breachSince: number | null; firingSince: number | null; action: string }>;
  /** Entry and exit criteria, and what holds the stage now (hub/services/criteria.service.ts). */
  criteria: StageCriteriaView;
}

export type Progress = Record<DeploymentStateName, number> & { total: number; notStarted: number };

export interface RolloutBrakes {
  /** The fleet-wide freeze when it is on, else null. */
  freeze: FreezeState | null;
  /** Disabled cohorts with devices in this rollout. */
  disabledCohorts: string[];
  /** Devices held by either. */
  held: number;
}

export interface RolloutStatusView {
  rollout: Rollout;
  release: Pick<Release, "id" | "version" | "counter">;
  plan: string | null;
  activeStage: string | null;
  gates: Gates;
  /** The brakes on this rollout: the fleet freeze, disabled cohorts holding some of its devices, devices held. */
  brakes: RolloutBrakes;
  stages: StageView[];
  progress: Progress;
  /** The REST shape users of similar tools expect. */
  counts: { total: number; pending: number; inProgress: number; succeeded: number; failed: number; cancelled: number; rolledBack: number };
  rollback: { requested: number; confirmed: number; overdue: number };
  /** The first devicesPage.pageSize devices by device id; all of them page by page: GET /api/rollouts/{id}/devices. */
  devices: RolloutDevice[];
  /** Which devices `devices` holds: page 1 of GET /api/rollouts/{id}/devices at that page size (pageSize 0: none). */
  devicesPage: { page: number; pageSize: number; totalCount: number; totalPages: number };
  /** The latest 200 events, oldest first (all of them: events(id, afterId, page)). */
  events: RolloutEventJson[];
}

/**
 * One rollout event as the API and verge/v1/rollouts/{id}/events carry it (documented in the README): `rule` only on
 * events a rule (or the failure threshold) caused, `details` only when the event has some.
 */
export interface RolloutEventJson {
  id: number;
  rolloutId: string;
  /** ISO 8601, UTC, milliseconds. */
  at: string;
  type: string;
  stage: string | null;
  actor: string;
  rule?: { name: string; metric: string | null; op: string | null; threshold: number | null; observed: number | null; windowMs: number | null; devices: number | null };
  explanation: string;
  links: Array<{ title: string; url: string }>;
  details?: Record<string, unknown>;
}

interface Outgoing {
  topic: string;
  payload: Uint8Array | string;
  retain: boolean;
}

/** How many devices a rollout's status view carries unless asked otherwise (the rest: GET /api/rollouts/{id}/devices). */
export const STATUS_DEVICES_DEFAULT = 50;

export class RolloutsService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly scheduled = new Set<string>();
  /** When each rollout was last evaluated because of telemetry (performance.now()), and the timers of deferred ones. */
  private readonly telemetryEvaluatedAt = new Map<string, number>();
  /** How long the last evaluation of each rollout took (ms). */
  private readonly evaluationMs = new Map<string, number>();
  private readonly deferred = new Set<NodeJS.Timeout>();

  constructor(private readonly d: RolloutsDeps) {}

  private closed = false;

  /** Stops taking work and waits for what is running (called before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.deferred) clearTimeout(t);
    this.deferred.clear();
    await this.queue;
  }

  /** Runs mutations one at a time, in order. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const guarded = () => (this.closed ? Promise.reject(new HubError("internal", "the hub is stopping")) : work());
    const next = this.queue.then(guarded, guarded);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Planning and creation
  // ---------------------------------------------------------------------------------------------------------------

  private resolvePlan(ref: string | Record<string, unknown> | undefined, hasDevices: boolean): Plan {
    if (ref === undefined && hasDevices) return this.parsePlanOrThrow(DIRECT_PLAN, "direct");
    if (ref === undefined || typeof ref === "string") {
      const name = ref ?? "default";
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw badRequest(`plan name "${name}": use 1-64 characters of A-Z a-z 0-9 . _ -`);
      const file = [".yaml", ".yml", ".json"].map((ext) => join(this.d.settings.plansDir, name + ext)).find((f) => existsSync(f));
      if (!file) throw notFound(`plan "${name}" (looked for ${name}.yaml, .yml or .json in ${this.d.settings.plansDir})`);
      const result = loadPlanFile(file);
      if (!result.ok) throw badRequest(`plan ${file} is invalid: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
      return result.plan;
    }
    return this.parsePlanOrThrow(ref, "inline plan");
  }

  private parsePlanOrThrow(raw: unknown, what: string): Plan {
    const result = parsePlan(raw);
    if (!result.ok) throw badRequest(`${what} is invalid: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
    return result.plan;
  }

  private select(input: z.infer<typeof createRolloutSchema>): { release: Release; plan: Plan; seed: string; selection: Selection } {
    const release = this.d.releases.get(input.releaseId);
    if (!release) throw notFound(`release ${input.releaseId}`);
    const plan = this.resolvePlan(input.plan, input.devices !== undefined);
    // Without an explicit seed, the release and plan decide: a dry run and the rollout it previews pick the same devices.
    const seed = input.seed ?? plan.seed ?? `${release.id}/${plan.name}`;
    let fleet: Device[];
    const unknownIds: string[] = [];
    if (input.devices) {
      fleet = [];
      for (const deviceId of new Set(input.devices)) {
        const device = this.d.devices.get(deviceId);
        if (device) fleet.push(device);
        else unknownIds.push(deviceId);
      }
    } else {
      fleet = this.d.devices.list();
    }
    const busy: Record<string, string> = {};
    for (const [deviceId, r] of this.d.rollouts.busyDevices()) busy[deviceId] = `in active rollout ${r.rolloutId} (release ${r.releaseId})`;
    try {
      const selection = selectStages({
        plan,
        seed,
        release: { id: release.id, variants: release.variants, minBaseImage: release.minBaseImage },
        fleet: fleet.map((dev) => ({ id: dev.id, variant: dev.variant, site: dev.site, region: dev.region, corridor: dev.corridor, baseImageVersion: dev.baseImageVersion })),
        unknownIds,
        cohorts: this.d.cohorts.membership(),
        busy,
      });
      return { release, plan, seed, selection };
    } catch (err) {
      if (err instanceof PlanSelectionError) throw badRequest(err.message);
      throw err;
    }
  }

  /** Dry run: which devices land in which stage, and which are blocked and why. Nothing is written. */
  preview(input: unknown): PlanPreview {
    const req = parseBody(createRolloutSchema, input);
    const { release, plan, seed, selection } = this.select(req);
    return {
      releaseId: release.id,
      plan: plan.name,
      seed,
      stages: plan.stages.map((s, i) => ({
        name: s.name,
        kind: s.kind,
        devices: selection.stages[i]?.deviceIds ?? [],
        observe: formatDurationShort(s.observeMs),
        approval: s.approval,
        activation: s.activation,
        rules: s.rules.map((r) => `${r.name}: ${r.metric} ${r.op} ${formatThreshold(r.metric, r.threshold)} for ${formatDurationShort(r.forMs)} -> ${r.action}`),
        criteria: { entry: s.entry.map((c) => describeCriterion(c, plan.stages[i - 1]?.name)), exit: s.exit.map((c) => describeCriterion(c)) },
      })),
      excluded: selection.excluded,
      unassigned: selection.unassigned,
      warnings: selection.warnings,
    };
  }

  create(input: unknown, actor: string): Promise<RolloutStatusView & { excluded: Exclusion[]; unassigned: string[]; warnings: string[] }> {
    return this.serial(async () => {
      const req = parseBody(createRolloutSchema, input);
      const now = this.d.now();
      const id = req.id ?? `ro-${new Date(now).toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(3).toString("hex")}`;
      if (this.d.rollouts.get(id)) throw conflict(`rollout ${id} already exists`);
      const { release, plan, seed, selection } = this.select(req);
      const targets = selection.stages.reduce((n, s) => n + s.deviceIds.length, 0);
      if (targets === 0) {
        const busy = selection.excluded.filter((e) => e.reason === "busy");
        if (busy.length > 0 && busy.length === selection.excluded.length) {
          throw conflict(`devices already in an active rollout: ${busy.map((e) => `${e.deviceId} (${e.detail})`).join("; ")}`);
        }
        const why = selection.excluded.map((e) => `${e.deviceId}: ${e.detail}`).join("; ");
        throw badRequest(`no device can take release ${release.id} with plan ${plan.name}${why ? `: ${why}` : " (the fleet is empty)"}`);
      }
      const members = selection.stages.flatMap((s) =>
        s.deviceIds.map((deviceId) => ({ deviceId, stage: s.name, previousReleaseId: this.d.devices.get(deviceId)?.currentReleaseId ?? null })),
      );
      const rules = plan.stages.flatMap((s) => s.rules.map((r) => ({ ...ruleDef(r), stage: s.name })));
      try {
        this.d.db.transaction(() => {
          this.d.rollouts.insert(
            { id, releaseId: release.id, status: "active", createdBy: actor, planName: plan.name, planJson: JSON.stringify(plan), seed },
            plan.stages.map((s) => ({ name: s.name, kind: s.kind, spec: s })),
            members,
            rules,
            now,
          );
          this.event({
            rolloutId: id,
            at: now,
            type: "created",
            actor,
            explanation: `Rollout ${id} of release ${release.id} (${release.version}) created with plan ${plan.name}: ${selection.stages.map((s) => `${s.name} ${s.deviceIds.length}`).join(", ")}; ${selection.excluded.length} device(s) excluded.`,
            details: { plan: plan.name, seed, stages: selection.stages.map((s) => ({ name: s.name, devices: s.deviceIds })), excluded: selection.excluded, unassigned: selection.unassigned },
          });
        })();
      } catch (err) {
        if (String((err as Error).message).includes("rollout_devices.release_id")) {
          throw conflict(`a device of this rollout is already in another active rollout of release ${release.id}`);
        }
        throw err;
      }
      this.d.auditor.record({
        actor,
        action: "rollout.create",
        target: id,
        result: "ok",
        details: { releaseId: release.id, plan: plan.name, seed, stages: selection.stages.map((s) => ({ name: s.name, devices: s.deviceIds })), excluded: selection.excluded },
      });
      this.d.logger.info({ rolloutId: id, releaseId: release.id, plan: plan.name, devices: targets }, "rollout created");
      await this.evaluateNow(id);
      return { ...this.status(id), excluded: selection.excluded, unassigned: selection.unassigned, warnings: selection.warnings };
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evaluation: rules, then the state machine, applied in one transaction
  // ---------------------------------------------------------------------------------------------------------------

  /** Evaluates every rollout that may need it (active ones, and any with rollbacks awaiting confirmation). */
  evaluateAll(): Promise<void> {
    return this.serial(async () => {
      const ids = new Set([...this.d.rollouts.list({ status: "active" }).map((r) => r.id), ...this.d.rollouts.rolloutsWithPendingRollbacks()]);
      for (const id of ids) {
        try {
          await this.evaluateNow(id);
        } catch (err) {
          this.d.logger.error({ err, rolloutId: id }, "rollout evaluation failed");
        }
      }
    });
  }

  evaluate(rolloutId: string): Promise<void> {
    return this.serial(() => this.evaluateNow(rolloutId));
  }

  /** Telemetry hook: a stored state transition re-evaluates its rollout soon (coalesced); heartbeats settle health. */
  onTelemetry(outcomes: Array<{ result: string; deviceId: string | null; kind?: string; rolloutId?: string; state?: string; currentReleaseId?: string }>): void {
    for (const o of outcomes) {
      if (o.result !== "stored" || !o.deviceId) continue;
      if (o.kind === "state" && o.rolloutId) {
        if (o.state === "verified") this.moveDeadlineOfWindowHold(o.rolloutId, o.deviceId);
        this.schedule(o.rolloutId);
      }
      if (o.kind === "heartbeat" && o.currentReleaseId !== undefined) this.settleHealth(o.deviceId, o.currentReleaseId);
    }
  }

  /**
   * A device that says it waits for its maintenance window (`verified`, reason `maintenance_window`, e.g. after its
   * safety check failed through the last one) is not late: its deadline becomes the stage's device timeout counted from
   * the window it waits for (rollout/deadline.ts).
   */
  private moveDeadlineOfWindowHold(rolloutId: string, deviceId: string): void {
    const dev = this.d.rollouts.device(rolloutId, deviceId);
    if (!dev || dev.state !== "verified" || dev.reason !== "maintenance_window") return;
    const spec = this.d.rollouts.stages(rolloutId).find((s) => s.name === dev.stage)?.spec as StageSpec | undefined;
    if (!spec?.maintenanceWindow) return;
    const deadline = deadlineAfterWindowHold(deadlineSettings(spec), this.d.now(), dev.deadlineAt);
    if (deadline !== dev.deadlineAt) this.d.rollouts.setDeadline(rolloutId, deviceId, deadline);
  }

  /**
   * Evaluates the rollout soon after a stored transition: at once if the last such evaluation is older than
   * TELEMETRY_EVALUATION_INTERVAL_MS, else when it is (transitions meanwhile are folded into that one). Each evaluation
   * reads the whole stage, so one per transition made starting a stage quadratic in its size: 1,000 devices answering
   * a desired state held the hub for over a minute (the fleet benchmark).
   */
  private schedule(rolloutId: string): void {
    if (this.closed || this.scheduled.has(rolloutId)) return;
    this.scheduled.add(rolloutId);
    const run = () => {
      this.scheduled.delete(rolloutId);
      if (this.closed) return;
      this.telemetryEvaluatedAt.set(rolloutId, performance.now());
      this.evaluate(rolloutId).catch((err: unknown) => this.d.logger.error({ err, rolloutId }, "rollout evaluation failed"));
    };
    const interval = Math.max(TELEMETRY_EVALUATION_INTERVAL_MS, EVALUATION_COST_FACTOR * (this.evaluationMs.get(rolloutId) ?? 0));
    const wait = (this.telemetryEvaluatedAt.get(rolloutId) ?? -Infinity) + interval - performance.now();
    if (wait <= 0) {
      setImmediate(run);
      return;
    }
    const timer = setTimeout(() => {
      this.deferred.delete(timer);
      run();
    }, wait);
    this.deferred.add(timer);
  }

  private async evaluateNow(rolloutId: string): Promise<void> {
    const rollout = this.d.rollouts.get(rolloutId);
    if (!rollout) return;
    const now = this.d.now();
    const out: Outgoing[] = [];
    const started = performance.now();
    let ended = false;
    this.d.db.transaction(() => {
      this.checkRollbackTargets(rollout, now);
      if (rollout.status === "active") {
        const stageRows = this.d.rollouts.stages(rolloutId);
        const snapshots = this.snapshots(rollout, stageRows, now);
        const idx = activeStageIndex(snapshots);
        const { firings, ruleFiring, ruleBreaching, errors } =
          idx >= 0 ? this.evaluateRules(rollout, snapshots[idx]!.name, now) : { firings: [], ruleFiring: false, ruleBreaching: false, errors: [] };
        const frozen = this.d.brakes.freeze().frozen;
        const criteria = this.d.criteria.forAdvance(rollout, stageRows, now);
        const decision = advance({ now, status: rollout.status, stages: snapshots, firings, ruleFiring, ruleBreaching, frozen, criteria, evaluationErrors: errors });
        if (decision.evaluationErrors.length > 0) {
          const stage = snapshots[activeStageIndex(snapshots)]?.name ?? "";
          this.d.metrics.evaluationFailed(rolloutId, stage);
          this.d.logger.debug({ rolloutId, stage, errors: decision.evaluationErrors }, "rollout evaluation could not reach a verdict; the stage holds");
        }
        for (const p of decision.patches) this.d.rollouts.patchStage(rolloutId, p);
        for (const effect of decision.effects) this.apply(rollout, stageRows, effect, now, out);
        if (decision.status !== rollout.status && decision.status !== "paused") this.d.rollouts.setStatus(rolloutId, decision.status, now);
      }
      const after = this.d.rollouts.get(rolloutId)!;
      if (!isTerminalRollout(after.status)) this.reconcileHolds(after, this.d.rollouts.stages(rolloutId), now, out);
      else ended = true;
    })();
    const took = performance.now() - started;
    if (ended) {
      this.evaluationMs.delete(rolloutId);
      this.telemetryEvaluatedAt.delete(rolloutId);
    } else this.evaluationMs.set(rolloutId, took);
    this.d.metrics.rolloutEvaluationSeconds.observe(took / 1000);
    await this.publishAll(out);
  }

  /** The engine's view of the stages; overdue devices only for the active stage, and only when `now` is given. */
  private snapshots(rollout: Rollout, rows: StageRow[], now?: number): StageSnapshot[] {
    const counts = this.d.rollouts.stageCounts(rollout.id);
    const idx = activeStageIndex(rows.map((r) => ({ status: r.status }) as StageSnapshot));
    return rows.map((r, i) => ({
      name: r.name,
      kind: r.kind,
      status: r.status,
      config: stageConfig(r.spec),
      startedAt: r.startedAt,
      activationIssuedAt: r.activationIssuedAt,
      convergedAt: r.convergedAt,
      observeUntil: r.observeUntil,
      approvalRequestedAt: r.approvalRequestedAt,
      approvedAt: r.approvedAt,
      completedAt: r.completedAt,
      counts: counts.get(r.name) ?? emptyCounts(),
      overdue: now !== undefined && i === idx && r.status === "active" ? this.d.rollouts.overdue(rollout.id, r.name, now) : [],
      consecutiveFailures: now !== undefined && i === idx && (r.status === "active" || r.status === "converged") ? this.d.rollouts.consecutiveFailures(rollout.id, r.name, r.breakerResetAt) : 0,
      entryApprovedAt: r.entryApprovedAt,
      entryForcedAt: r.entryForcedAt,
      criteriaWaiting: r.criteriaWaiting,
      evaluationFailure: r.evaluationFailure,
    }));
  }

  /**
   * Evaluates the active stage's rules (SQL aggregates, pure verdicts), saves their state, returns new firings. A rule
   * whose figures cannot be read (an SQL error) keeps its state and is returned in `errors`: no verdict, so the engine
   * holds the stage, while the other rules still act.
   */
  private evaluateRules(rollout: Rollout, stage: string, now: number): { firings: Firing[]; ruleFiring: boolean; ruleBreaching: boolean; errors: string[] } {
    const firings: Firing[] = [];
    const errors: string[] = [];
    let ruleFiring = false;
    let ruleBreaching = false;
    const figures = new Map<string, ScopeFigures>();
    const figuresFor = (rule: RuleRow): ScopeFigures => {
      const scopeStage = rule.scope === "stage" ? stage : null;
      const key = `${scopeStage ?? ""}|${rule.windowMs}`;
      let f = figures.get(key);
      if (!f) {
        const counts = this.d.rollouts.scopeCounts(rollout.id, scopeStage);
        // The KPI sums are the costly part (SQL over every report of the scope's devices in the window): summed only
        // when a rule of this scope and window reads them (the default plan's sev1 rule, alone in its scope, never does).
        // Each figure is read when a rule needs it, so a figure that cannot be read fails only the rules that read it.
        const kpiScope: KpiScope = { rolloutId: rollout.id, releaseId: rollout.releaseId, stage: scopeStage, from: now - rule.windowMs, to: now };
        const kpiRepo = this.d.kpi;
        const incidents = this.d.incidents;
        let kpi: ScopeFigures["kpi"] | undefined;
        let openSev1: number | undefined;
        f = {
          get kpi() {
            return (kpi ??= kpiRepo.sums(kpiScope));
          },
          started: counts.started,
          failed: counts.failed,
          selfRolledBack: counts.selfRolledBack,
          get openSev1() {
            return (openSev1 ??= incidents.openCount(rollout.releaseId, "sev1"));
          },
        };
        figures.set(key, f);
      }
      return f;
    };
    for (const rule of this.d.rollouts.rules(rollout.id, stage)) {
      let m: ReturnType<typeof measure>;
      try {
        m = measure(rule.metric, figuresFor(rule));
      } catch (err) {
        errors.push(`rule ${rule.name} (${rule.metric}): ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const a = assessRule(rule, m, { breachSince: rule.breachSince, firingSince: rule.firingSince }, now);
      this.d.rollouts.saveRuleState({ rolloutId: rollout.id, stage, name: rule.name, state: a.state, verdict: a.verdict, value: m.value, devices: m.devices, now });
      this.d.metrics.ruleEvaluated({ rollout: rollout.id, stage, rule, verdict: a.verdict, measurement: m });
      if (a.verdict === "firing") ruleFiring = true;
      if (a.verdict === "pending" && rule.action !== "alert") ruleBreaching = true;
      if (a.fired) {
        const heldForMs = now - (a.state.breachSince ?? now);
        firings.push({
          rule: ruleDef(rule),
          stage,
          value: m.value,
          devices: m.devices,
          breachSince: a.state.breachSince ?? now,
          explanation: explainFiring({ rule, measurement: m, rolloutId: rollout.id, stage, heldForMs }),
        });
      }
    }
    return { firings, ruleFiring, ruleBreaching, errors };
  }

  private apply(rollout: Rollout, stageRows: StageRow[], effect: Effect, now: number, out: Outgoing[]): void {
    const id = rollout.id;
    const spec = (stage: string) => stageRows.find((s) => s.name === stage)?.spec as StageSpec | undefined;
    switch (effect.type) {
      case "start_stage": {
        const s = spec(effect.stage);
        const all = this.d.rollouts.devices(id, { stage: effect.stage });
        const holds = this.holdCauses(id);
        const held = all.filter((x) => holds(x.deviceId) !== null);
        const devices = all.filter((x) => holds(x.deviceId) === null);
        const deadline = issueDeadline(deadlineSettings(s), now, effect.activate);
        for (const dev of devices) this.issueInstall(rollout, dev.deviceId, effect.stage, effect.activate, s?.maintenanceWindow ?? null, now, deadline, out);
        for (const dev of held) this.d.rollouts.hold(id, dev.deviceId, holds(dev.deviceId)!, now);
        if (devices.length > 0) out.unshift({ topic: topics.manifest(rollout.releaseId), payload: this.d.releases.manifestEnvelope(rollout.releaseId) ?? "", retain: true });
        this.event({
          rolloutId: id,
          at: now,
          type: "stage_started",
          stage: effect.stage,
          actor: "hub",
          explanation:
            `Stage ${effect.stage} started: ${devices.length} device(s) told to ${effect.activate ? "install and activate" : "download and verify (activation follows once every device has verified)"} release ${rollout.releaseId}` +
            (held.length ? `; ${held.length} device(s) held by a disabled cohort get it when the cohort is enabled: ${held.map((x) => `${x.deviceId} (${holds(x.deviceId)})`).join(", ")}.` : "."),
          details: { devices: devices.map((x) => x.deviceId), activate: effect.activate, ...(held.length ? { held: held.map((x) => ({ deviceId: x.deviceId, by: holds(x.deviceId) })) } : {}) },
        });
        return;
      }
      case "issue_activation": {
        const s = spec(effect.stage);
        const holds = this.holdCauses(id);
        const devices = this.d.rollouts.devices(id, { stage: effect.stage, states: ["verified"] }).filter((x) => holds(x.deviceId) === null);
        const deadline = issueDeadline(deadlineSettings(s), now, true);
        for (const dev of devices) this.issueInstall(rollout, dev.deviceId, effect.stage, true, s?.maintenanceWindow ?? null, now, deadline, out);
        this.event({
          rolloutId: id,
          at: now,
          type: "stage_activating",
          stage: effect.stage,
          actor: "hub",
          explanation: `Every device of stage ${effect.stage} has downloaded and verified the release (or finished); ${devices.length} device(s) told to activate.`,
          details: { devices: devices.map((x) => x.deviceId) },
        });
        return;
      }
      case "time_out_devices": {
        const s = spec(effect.stage);
        const timeout = formatDurationShort(s?.deviceTimeoutMs ?? 0);
        this.d.rollouts.timeOut(id, effect.deviceIds, now, `no completion reported within the stage's device timeout (${timeout})`);
        const offline = effect.deviceIds.filter((dev) => {
          const device = this.d.devices.get(dev);
          return !device?.online;
        });
        this.event({
          rolloutId: id,
          at: now,
          type: "devices_timed_out",
          stage: effect.stage,
          actor: "hub",
          explanation: `${effect.deviceIds.length} device(s) of stage ${effect.stage} did not finish within ${timeout} and count as failed (reason timeout)${offline.length ? `; ${offline.length} of them are offline` : ""}: ${effect.deviceIds.join(", ")}.`,
          details: { devices: effect.deviceIds, offline },
        });
        return;
      }
      case "stage_converged":
        this.event({
          rolloutId: id,
          at: now,
          type: "stage_converged",
          stage: effect.stage,
          actor: "hub",
          explanation: `Every device of stage ${effect.stage} is done; observing until ${new Date(effect.observeUntil).toISOString()}.`,
          details: { observeUntil: effect.observeUntil, progress: this.d.rollouts.progress(id, effect.stage) },
        });
        return;
      case "request_approval":
        this.event({
          rolloutId: id,
          at: now,
          type: "awaiting_approval",
          stage: effect.stage,
          actor: "hub",
          explanation: `Stage ${effect.stage} passed its observation window with every gate true; it waits for approval: \`verge rollout promote ${id}\`.`,
        });
        return;
      case "stage_completed": {
        const next = stageRows[stageRows.findIndex((s) => s.name === effect.stage) + 1];
        this.event({
          rolloutId: id,
          at: now,
          type: "stage_completed",
          stage: effect.stage,
          actor: "hub",
          explanation: `Stage ${effect.stage} completed${effect.forced ? " (forced by promote --force)" : ""} with gates canaryHealthy=${effect.gates.canaryHealthy}, failureThreshold=${effect.gates.failureThreshold}, safetyChecks=${effect.gates.safetyChecks}${next ? `; next: ${next.name}` : ""}.`,
          details: { gates: effect.gates, forced: effect.forced, progress: this.d.rollouts.progress(id, effect.stage) },
        });
        return;
      }
      case "alert":
      case "pause":
        if (effect.type === "alert") {
          this.firingEvent(rollout, "alert", effect.firing, now);
          this.d.metrics.alert(id, effect.firing.rule.name);
          return;
        }
        this.pauseFor(rollout, effect.intents, now);
        return;
      case "rollback": {
        const devices = this.d.rollouts.devices(id, effect.stage ? { stage: effect.stage } : {});
        const targets = this.rollbackDevices(rollout, devices, "hub", effect.reason, now, out);
        this.d.auditor.record({ actor: "hub", action: "rollout.rollback", target: id, reason: effect.reason, result: "ok", details: { stage: effect.stage, devices: targets } });
        return;
      }
      case "criteria_waiting":
      case "criteria_met":
        this.event(this.d.criteria.event(rollout, stageRows, effect, now));
        return;
      case "evaluation_failed":
        this.d.logger.error({ rolloutId: id, stage: effect.stage, errors: effect.errors }, "rollout evaluation cannot reach a verdict; the stage holds");
        this.event({
          rolloutId: id,
          at: now,
          type: "evaluation_failed",
          stage: effect.stage,
          actor: "hub",
          explanation:
            `Stage ${effect.stage} holds: ${effect.errors.length === 1 ? "a rule or criterion" : `${effect.errors.length} rules or criteria`} could not be evaluated (${effect.errors.join("; ")}).` +
            ` Nothing moves forward (no stage completes or starts, no device is told to activate) until every one reaches a verdict again; rules that do still pause and roll back.`,
          details: { errors: effect.errors, since: effect.since },
        });
        return;
      case "evaluation_recovered":
        this.d.logger.info({ rolloutId: id, stage: effect.stage, failedForMs: now - effect.since }, "rollout evaluation reaches a verdict again");
        this.event({
          rolloutId: id,
          at: now,
          type: "evaluation_recovered",
          stage: effect.stage,
          actor: "hub",
          explanation: `Every rule and criterion of stage ${effect.stage} reaches a verdict again, after ${formatDurationShort(now - effect.since)} without one; the stage goes on.`,
          details: { errors: effect.errors, since: effect.since },
        });
        return;
      case "complete":
        this.d.rollouts.setStatus(id, "completed", now);
        this.event({ rolloutId: id, at: now, type: "completed", actor: "hub", explanation: `Rollout ${id} completed: every stage passed.`, details: { progress: this.d.rollouts.progress(id) } });
        this.d.auditor.record({ actor: "hub", action: "rollout.complete", target: id, result: "ok", details: { progress: this.d.rollouts.progress(id) } });
        this.d.logger.info({ rolloutId: id }, "rollout completed");
        return;
    }
  }

  private pauseFor(rollout: Rollout, intents: PauseIntent[], now: number): void {
    const sentences: string[] = [];
    for (const intent of intents) {
      if (intent.kind === "rule") {
        this.firingEvent(rollout, "paused", intent.firing, now);
        sentences.push(intent.firing.explanation);
      } else if (intent.kind === "circuit_breaker") {
        const failed = this.d.rollouts.devices(rollout.id, { stage: intent.stage, states: ["failed", "rolling_back", "rolled_back"] }).filter((f) => f.rollbackRequestedAt === null);
        const latest = failed.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, intent.consecutive);
        const explanation =
          `Stage ${intent.stage}: circuit breaker tripped after ${intent.consecutive} consecutive device failure(s) (limit ${intent.limit}), with ${intent.failed} of ${intent.total} device(s) failed so far.` +
          ` The rollout is paused before more devices get the release. Look at the failures (\`verge rollout status ${rollout.id}\`, their diagnostics); \`verge rollout retry ${rollout.id}\` tries them again, \`verge rollout resume ${rollout.id}\` goes on with a fresh count, \`verge rollout rollback ${rollout.id}\` undoes the release.`;
        this.event({
          rolloutId: rollout.id,
          at: now,
          type: "paused",
          stage: intent.stage,
          actor: "hub",
          rule: "circuit_breaker",
          metric: "consecutive_failures",
          op: ">=",
          observed: intent.consecutive,
          threshold: intent.limit,
          devices: intent.total,
          explanation,
          links: [...this.grafanaLinks(rollout, now - 3_600_000, now), ...latest.slice(0, 5).map((f) => this.diagnosticsLink(f.deviceId, `${f.reason ?? f.state}`))],
          details: { consecutive: intent.consecutive, limit: intent.limit, failed: intent.failed, total: intent.total, devices: latest.map((f) => ({ deviceId: f.deviceId, state: f.state, reason: f.reason, detail: f.detail })) },
        });
        this.d.metrics.breakerTripped(rollout.id, intent.stage);
        sentences.push(explanation);
      } else {
        const explanation =
          `Stage ${intent.stage}: ${intent.failed} of ${intent.total} device(s) failed (${((intent.failed / intent.total) * 100).toFixed(1)}%), reaching the stage's failure threshold of ${(intent.threshold * 100).toFixed(1)}%.` +
          ` The rollout is paused. See the failed devices (\`verge rollout status ${rollout.id}\`); \`verge rollout retry ${rollout.id}\` tries them again, \`verge rollout rollback ${rollout.id}\` undoes the release.`;
        const failed = this.d.rollouts.devices(rollout.id, { stage: intent.stage, states: ["failed"] }).slice(0, 5);
        this.event({
          rolloutId: rollout.id,
          at: now,
          type: "paused",
          stage: intent.stage,
          actor: "hub",
          rule: "failure_threshold",
          metric: "failure_rate",
          op: ">=",
          observed: intent.failed / intent.total,
          threshold: intent.threshold,
          devices: intent.total,
          explanation,
          links: [...this.grafanaLinks(rollout, now - 3_600_000, now), ...failed.map((f) => this.diagnosticsLink(f.deviceId, `${f.reason ?? "failed"}`))],
          details: { failed: intent.failed, total: intent.total, devices: failed.map((f) => ({ deviceId: f.deviceId, reason: f.reason, detail: f.detail })) },
        });
        sentences.push(explanation);
      }
    }
    this.d.rollouts.setStatus(rollout.id, "paused", now, { by: "hub", reason: sentences.join(" ") });
    this.d.metrics.pauseEvent(rollout.id, intents.map((i) => (i.kind === "rule" ? i.firing.rule.name : i.kind)));
    this.d.auditor.record({ actor: "hub", action: "rollout.pause", target: rollout.id, reason: sentences.join(" "), result: "ok", details: { intents: intents.map(intentSummary) } });
    this.d.logger.warn({ rolloutId: rollout.id, intents: intents.map(intentSummary) }, "rollout paused by the rule engine");
  }

  private firingEvent(rollout: Rollout, type: "paused" | "alert", f: Firing, now: number): void {
    const from = Math.min(f.breachSince, now - f.rule.windowMs);
    this.event({
      rolloutId: rollout.id,
      at: now,
      type,
      stage: f.stage,
      actor: "hub",
      rule: f.rule.name,
      metric: f.rule.metric,
      op: f.rule.op,
      observed: f.value,
      threshold: f.rule.threshold,
      windowMs: f.rule.windowMs,
      devices: f.devices,
      explanation: f.explanation,
      links: [...this.grafanaLinks(rollout, from - 60_000, now + 60_000), ...this.worstDevices(rollout, f, now).map((w) => this.diagnosticsLink(w.deviceId, w.why))],
      details: { action: f.rule.action, scope: f.rule.scope, forMs: f.rule.forMs, minDevices: f.rule.minDevices, breachSince: f.breachSince },
    });
  }

  /** Up to three devices that weigh most on the rule's metric, with why. */
  private worstDevices(rollout: Rollout, f: Firing, now: number): Array<{ deviceId: string; why: string }> {
    const scope: KpiScope = { rolloutId: rollout.id, releaseId: rollout.releaseId, stage: f.rule.scope === "stage" ? f.stage : null, from: now - f.rule.windowMs, to: now };
    const metric = f.rule.metric;
    if (metric === "failure_rate" || metric === "rollback_rate") {
      const states: DeploymentStateName[] = metric === "failure_rate" ? ["failed"] : ["rolling_back", "rolled_back"];
      return this.d.rollouts
        .devices(rollout.id, { ...(scope.stage ? { stage: scope.stage } : {}), states })
        .slice(0, 3)
        .map((x) => ({ deviceId: x.deviceId, why: `${x.state}${x.reason ? ` (${x.reason})` : ""}` }));
    }
    if (metric === "sev1_incidents") return [];
    const slowBucket = lagBucketIndex(f.rule.threshold);
    const rows = this.d.kpi.perDevice(scope, Math.min(slowBucket, LAG_BUCKET_BOUNDS_MS.length));
    const score = (r: (typeof rows)[number]): number => {
      if (metric === "availability") return 1 - (availability(r) ?? 1);
      if (metric === "dropped_ratio") return droppedRatio(r) ?? 0;
      return r.events > 0 ? r.eventsSlow / r.events : 0;
    };
    return rows
      .map((r) => ({ r, s: score(r) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.r.deviceId.localeCompare(b.r.deviceId))
      .slice(0, 3)
      .map(({ r }) => ({
        deviceId: r.deviceId,
        why:
          metric === "availability"
            ? `availability ${formatMetric("availability", availability(r))}`
            : metric === "dropped_ratio"
              ? `dropped ${formatMetric("dropped_ratio", droppedRatio(r))}`
              : `${r.eventsSlow} of ${r.events} events slower than ${formatMetric(metric, f.rule.threshold)}`,
      }));
  }

  private grafanaLinks(rollout: Rollout, from: number, to: number): Array<{ title: string; url: string }> {
    const base = this.d.settings.grafanaUrl.replace(/\/$/, "");
    const q = new URLSearchParams({ "var-rollout": rollout.id, "var-release": rollout.releaseId, from: String(Math.floor(from)), to: String(Math.ceil(to)) });
    return [{ title: "Grafana: verge rollout dashboard", url: `${base}/d/verge-rollouts/verge-rollouts?${q.toString()}` }];
  }

  /**
   * The hub asked a device for its diagnostics because of its failure in this rollout: an event (also on the SCADA
   * events topic) linking the bundle to the failure it documents.
   */
  diagnosticsRequested(rolloutId: string, deviceId: string, bundle: { bundleId: string; url: string; why: string }): Promise<void> {
    return this.serial(async () => {
      if (!this.d.rollouts.get(rolloutId)) return;
      this.event({
        rolloutId,
        at: this.d.now(),
        type: "diagnostics_requested",
        stage: this.d.rollouts.device(rolloutId, deviceId)?.stage ?? null,
        actor: "hub",
        explanation: `Device ${deviceId} reported ${bundle.why}; the hub asked it for a diagnostics bundle (${bundle.bundleId}) of its logs and state. Once uploaded: \`verge device diag get ${deviceId} ${bundle.bundleId}\`.`,
        links: [{ title: `diagnostics bundle ${bundle.bundleId} of ${deviceId}`, url: bundle.url }, this.diagnosticsLink(deviceId, bundle.why)],
        details: { deviceId, bundleId: bundle.bundleId },
      });
      await this.publishAll([]);
    });
  }

  private diagnosticsLink(deviceId: string, why: string): { title: string; url: string } {
    return { title: `diagnostics of ${deviceId}: ${why}`, url: `${this.d.settings.httpUrl()}/api/devices/${encodeURIComponent(deviceId)}/diagnostics` };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Desired states, commands, rollback
  // ---------------------------------------------------------------------------------------------------------------

  private signDesired(
    rec: Omit<DesiredStateRecord, "seq" | "envelope" | "issuedAt" | "expiresAt">,
    action: number,
    now: number,
  ): DesiredStateRecord {
    const seq = this.d.devices.nextHubSeq(rec.deviceId);
    const expiresAt = now + this.d.settings.desiredStateTtlMs;
    const mw = rec.maintenanceWindow;
    const desired = pb.DesiredState.encode({
      deviceId: rec.deviceId,
      seq,
      issuedAt: now,
      expiresAt,
      action,
      releaseId: rec.releaseId ?? "",
      rolloutId: rec.rolloutId ?? "",
      stage: rec.stage ?? "",
      activate: rec.activate,
      maintenanceWindow: mw ? { cron: mw.cron, durationS: Math.round(mw.durationMs / 1000), timezone: mw.timezone } : null,
    }).finish();
    const envelope = Buffer.from(signEnvelope(PAYLOAD_TYPES.desired, desired, [this.d.keys.hub]));
    const record: DesiredStateRecord = { ...rec, seq, envelope, issuedAt: now, expiresAt };
    this.d.rollouts.saveDesiredState(record);
    return record;
  }

  private issueInstall(rollout: Rollout, deviceId: string, stage: string, activate: boolean, mw: MaintenanceWindowSpec | null, now: number, deadline: number | null, out: Outgoing[]): void {
    const rec = this.signDesired(
      { deviceId, rolloutId: rollout.id, releaseId: rollout.releaseId, action: "install", stage, activate, maintenanceWindow: mw },
      pb.DesiredAction.DESIRED_ACTION_INSTALL,
      now,
    );
    this.d.rollouts.markIssued(rollout.id, deviceId, rec.seq, now, deadline, activate);
    out.push({ topic: topics.desired(deviceId), payload: rec.envelope, retain: true });
  }

  /**
   * Sends each device that may run (or be installing) the release back to the release it ran before: a retained
   * ROLLBACK desired state (for devices that miss the command) and a signed ROLLBACK command.
   */
  private rollbackDevices(rollout: Rollout, devices: RolloutDevice[], actor: string, reason: string, now: number, out: Outgoing[]): string[] {
    const eligible = devices.filter((x) => x.issuedAt !== null && x.rollbackRequestedAt === null && ["pending", "downloading", "verified", "activated", "rolling_back"].includes(x.state));
    const noPrevious = eligible.filter((x) => !x.previousReleaseId);
    const targets = eligible.filter((x) => x.previousReleaseId);
    for (const dev of targets) {
      const previous = dev.previousReleaseId!;
      const rec = this.signDesired(
        { deviceId: dev.deviceId, rolloutId: rollout.id, releaseId: previous, action: "rollback", stage: dev.stage, activate: true, maintenanceWindow: null },
        pb.DesiredAction.DESIRED_ACTION_ROLLBACK,
        now,
      );
      this.d.rollouts.setDesiredSeq(rollout.id, dev.deviceId, rec.seq);
      out.push({ topic: topics.desired(dev.deviceId), payload: rec.envelope, retain: true });
      const seq = this.d.devices.nextHubSeq(dev.deviceId);
      const command = pb.Command.encode({
        deviceId: dev.deviceId,
        seq,
        issuedAt: now,
        expiresAt: now + this.d.settings.commandTtlMs,
        commandId: `rb-${rollout.id}-${dev.deviceId}-${seq}`,
        type: pb.CommandType.COMMAND_TYPE_ROLLBACK,
        rolloutId: rollout.id,
        releaseId: previous,
      }).finish();
      out.push({ topic: topics.cmd(dev.deviceId), payload: signEnvelope(PAYLOAD_TYPES.command, command, [this.d.keys.hub]), retain: false });
    }
    this.d.rollouts.requestRollback(
      rollout.id,
      targets.map((x) => x.deviceId),
      now,
    );
    for (const dev of noPrevious) this.d.devices.setHealth(dev.deviceId, "investigate", `rollback of ${rollout.id} impossible: no previous release known`, now);
    this.d.metrics.rollbacksRequested(rollout.id, targets.length);
    this.event({
      rolloutId: rollout.id,
      at: now,
      type: "rollback_started",
      actor,
      explanation:
        `Rolling back ${targets.length} device(s) to their previous release (${reason})` +
        (noPrevious.length ? `; ${noPrevious.length} device(s) have no known previous release and are flagged investigate: ${noPrevious.map((x) => x.deviceId).join(", ")}` : "") +
        `. Each should report rolling_back -> rolled_back within ${formatDurationShort(this.d.settings.rollbackTimeoutMs)}.`,
      details: { devices: targets.map((x) => ({ deviceId: x.deviceId, to: x.previousReleaseId, stage: x.stage })), noPrevious: noPrevious.map((x) => x.deviceId), reason },
    });
    return targets.map((x) => x.deviceId);
  }

  /** Rollbacks past their time target: alert, flag the device `investigate`. */
  private checkRollbackTargets(rollout: Rollout, now: number): void {
    const overdue = this.d.rollouts.rollbacksOverdue(rollout.id, now - this.d.settings.rollbackTimeoutMs);
    if (overdue.length === 0) return;
    for (const dev of overdue) {
      this.d.rollouts.markRollbackOverdue(rollout.id, dev.deviceId, now);
      this.d.devices.setHealth(dev.deviceId, "investigate", `rollback of ${rollout.id} not confirmed within ${formatDurationShort(this.d.settings.rollbackTimeoutMs)} (last state ${dev.state})`, now);
    }
    this.d.metrics.rollbacksOverdue(rollout.id, overdue.length);
    const ids = overdue.map((x) => x.deviceId);
    this.event({
      rolloutId: rollout.id,
      at: now,
      type: "rollback_overdue",
      actor: "hub",
      devices: ids.length,
      explanation: `${ids.length} device(s) did not confirm their rollback within ${formatDurationShort(this.d.settings.rollbackTimeoutMs)} and are flagged investigate: ${ids.join(", ")}. Check their link and diagnostics; they converge from the retained desired state when they reconnect.`,
      links: overdue.slice(0, 5).map((x) => this.diagnosticsLink(x.deviceId, `rollback not confirmed (${x.state})`)),
      details: { devices: overdue.map((x) => ({ deviceId: x.deviceId, state: x.state, requestedAt: x.rollbackRequestedAt })) },
    });
    this.d.logger.warn({ rolloutId: rollout.id, devices: ids }, "rollbacks past their time target");
  }

  /** A heartbeat on the release a device was rolled back to marks it healthy again. */
  private settleHealth(deviceId: string, currentReleaseId: string): void {
    const last = this.d.rollouts.lastConfirmedRollback(deviceId);
    if (!last) return;
    const device = this.d.devices.get(deviceId);
    if (!device || (device.health === "healthy" && (device.healthChangedAt ?? 0) >= last.doneAt)) return;
    if ((last.previousReleaseId ?? "") !== currentReleaseId) return;
    const now = this.d.now();
    this.d.devices.setHealth(deviceId, "healthy", `running ${currentReleaseId || "its previous release"} after the rollback of ${last.rolloutId}, heartbeats arriving`, now);
    this.event({
      rolloutId: last.rolloutId,
      at: now,
      type: "device_healthy",
      actor: "hub",
      explanation: `Device ${deviceId} is healthy on ${currentReleaseId} after its rollback.`,
      details: { deviceId, releaseId: currentReleaseId },
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Operator verbs
  // ---------------------------------------------------------------------------------------------------------------

  pause(id: string, body: unknown, actor: string): Promise<RolloutStatusView> {
    return this.verb(id, "rollout.pause", actor, body, verbSchema, (rollout, req, now) => {
      if (rollout.status !== "active") throw conflict(`rollout ${id} is ${rollout.status}; only an active rollout can be paused`);
      const reason = req.reason ?? "paused by an operator";
      this.d.rollouts.setStatus(id, "paused", now, { by: actor, reason });
      this.event({ rolloutId: id, at: now, type: "paused", actor, explanation: `Paused by ${actor}: ${reason}. No stage advances and no new device gets the release until \`verge rollout resume ${id}\`.` });
      this.d.metrics.pauseEvent(id, ["operator"]);
      return [];
    });
  }

  resume(id: string, body: unknown, actor: string): Promise<RolloutStatusView> {
    return this.verb(id, "rollout.resume", actor, body, verbSchema, (rollout, req, now) => {
      if (rollout.status !== "paused") throw conflict(`rollout ${id} is ${rollout.status}; only a paused rollout can be resumed`);
      const stages = this.d.rollouts.stages(id);
      const idx = activeStageIndex(stages.map((s) => ({ status: s.status }) as StageSnapshot));
      const active = idx >= 0 ? stages[idx] : undefined;
      if (active?.status === "failed") {
        const rolledBack = this.d.rollouts.devices(id, { stage: active.name }).filter((x) => x.rollbackRequestedAt !== null).length;
        if (rolledBack > 0) throw conflict(`stage ${active.name} was rolled back (${rolledBack} device(s)); the release cannot go on in this rollout: abort it and start a new one with a fixed release`);
        const counts = this.d.rollouts.stageCounts(id).get(active.name) ?? emptyCounts();
        const cfg = stageConfig(active.spec);
        if (counts.failed > 0 && counts.failed / counts.total >= cfg.failureThreshold) {
          throw conflict(`stage ${active.name} still has ${counts.failed} of ${counts.total} device(s) failed (threshold ${(cfg.failureThreshold * 100).toFixed(1)}%): \`verge rollout retry ${id}\` first, or roll it back`);
        }
        this.d.rollouts.patchStage(id, { name: active.name, status: active.convergedAt !== null ? "converged" : "active" });
      }
      // The operator looked at the failures: the circuit breaker counts afresh from now.
      if (active) this.d.rollouts.patchStage(id, { name: active.name, breakerResetAt: now });
      const pausedFor = rollout.pausedAt !== null ? Math.max(0, now - rollout.pausedAt) : 0;
      this.d.rollouts.extendTimers(id, pausedFor);
      this.d.rollouts.resetRuleStates(id);
      this.d.rollouts.setStatus(id, "active", now);
      this.event({
        rolloutId: id,
        at: now,
        type: "resumed",
        actor,
        explanation: `Resumed by ${actor}${req.reason ? `: ${req.reason}` : ""}. Observation windows and device deadlines moved on by the ${formatDurationShort(pausedFor)} spent paused; every rule starts a fresh span.`,
      });
      return [];
    }, true);
  }

  promote(id: string, body: unknown, actor: string): Promise<RolloutStatusView> {
    return this.verb(id, "rollout.promote", actor, body, promoteSchema, (rollout, req, now) => {
      const rows = this.d.rollouts.stages(id);
      const snapshots = this.snapshots(rollout, rows, now);
      const ruleFiring = this.d.rollouts.rules(id).some((r) => r.lastVerdict === "firing");
      const result = decidePromote({ now, status: rollout.status, stages: snapshots, force: req.force ?? false, ruleFiring });
      if (!result.ok) throw new HubError(result.code, result.message);
      for (const p of result.patches) {
        this.d.rollouts.patchStage(id, { ...p, ...(p.approvedAt !== undefined ? { approvedBy: actor } : {}), ...(p.entryApprovedAt !== undefined ? { entryApprovedBy: actor } : {}) });
      }
      const out: Outgoing[] = [];
      for (const e of result.effects) this.apply(rollout, rows, e, now, out);
      this.event({
        rolloutId: id,
        at: now,
        type: "promoted",
        stage: result.stage ?? null,
        actor,
        explanation: result.entry
          ? `${result.entry === "forced" ? `Stage ${result.stage} started by ${actor} with --force: its entry criteria were skipped` : `Start of stage ${result.stage} approved by ${actor}`}${req.reason ? ` (${req.reason})` : ""}${result.entry === "approved" ? "; it starts once its other entry criteria pass" : ""}.`
          : req.force
          ? `Stage ${result.stage} promoted by ${actor} with --force: its observation window and gates were skipped${req.reason ? ` (${req.reason})` : ""}.`
          : `Stage ${result.stage} approved by ${actor}${req.reason ? ` (${req.reason})` : ""}; it completes once its window is over and its gates pass.`,
        details: { force: req.force ?? false, ...(result.entry ? { entry: result.entry } : {}) },
      });
      return out;
    }, true);
  }

  abort(id: string, body: unknown, actor: string): Promise<RolloutStatusView> {
    return this.verb(id, "rollout.abort", actor, body, verbSchema, (rollout, req, now) => {
      if (isTerminalRollout(rollout.status)) throw conflict(`rollout ${id} is already ${rollout.status}`);
      const out: Outgoing[] = [];
      // Devices still working on the release stop: a desired state asking for nothing pending cancels their download.
      const inFlight = this.d.rollouts.devices(id, { states: ["pending", "downloading", "verified"] }).filter((x) => x.issuedAt !== null);
      for (const dev of inFlight) {
        const rec = this.signDesired(
          { deviceId: dev.deviceId, rolloutId: id, releaseId: dev.previousReleaseId, action: "none", stage: dev.stage, activate: false, maintenanceWindow: null },
          pb.DesiredAction.DESIRED_ACTION_NONE,
          now,
        );
        this.d.rollouts.setDesiredSeq(id, dev.deviceId, rec.seq);
        out.push({ topic: topics.desired(dev.deviceId), payload: rec.envelope, retain: true });
      }
      const notStarted = this.d.rollouts.cancelNotStarted(id, now, "the rollout was aborted before this device's stage started");
      this.d.rollouts.setStatus(id, "cancelled", now);
      this.event({
        rolloutId: id,
        at: now,
        type: "cancelled",
        actor,
        explanation: `Aborted by ${actor}${req.reason ? `: ${req.reason}` : ""}. ${inFlight.length} device(s) in progress told to stop, ${notStarted} never-started device(s) cancelled; devices already activated stay on the release (use rollback to undo it).`,
        details: { inFlight: inFlight.map((x) => x.deviceId), notStarted },
      });
      return out;
    });
  }

  retry(id: string, body: unknown, actor: string): Promise<RolloutStatusView> {
    return this.verb(id, "rollout.retry", actor, body, verbSchema, (rollout, req, now) => {
      if (rollout.status !== "active" && rollout.status !== "paused") throw conflict(`rollout ${id} is ${rollout.status}; retry needs an active or paused rollout`);
      const rows = this.d.rollouts.stages(id);
      const specOf = (stage: string) => rows.find((s) => s.name === stage)?.spec as StageSpec | undefined;
      const ids = this.d.rollouts.resetFailed(id, now, (stage) => now + (specOf(stage)?.deviceTimeoutMs ?? 0));
      if (ids.length === 0) throw conflict(`rollout ${id} has no failed device to retry`);
      const out: Outgoing[] = [];
      const holds = this.holdCauses(id);
      for (const deviceId of ids) {
        const dev = this.d.rollouts.device(id, deviceId)!;
        const row = rows.find((s) => s.name === dev.stage);
        const cause = holds(deviceId);
        const activate = cause === null && ((specOf(dev.stage)?.activation ?? "immediate") === "immediate" || (row?.activationIssuedAt ?? null) !== null);
        this.issueInstall(rollout, deviceId, dev.stage, activate, specOf(dev.stage)?.maintenanceWindow ?? null, now, issueDeadline(deadlineSettings(specOf(dev.stage)), now, activate), out);
        if (cause !== null) this.d.rollouts.hold(id, deviceId, cause, now);
      }
      for (const row of rows) {
        if (row.status === "failed" && ids.some((x) => this.d.rollouts.device(id, x)?.stage === row.name)) {
          this.d.rollouts.patchStage(id, { name: row.name, status: row.convergedAt !== null ? "converged" : "active" });
        }
      }
      out.unshift({ topic: topics.manifest(rollout.releaseId), payload: this.d.releases.manifestEnvelope(rollout.releaseId) ?? "", retain: true });
      this.event({ rolloutId: id, at: now, type: "retried", actor, explanation: `${ids.length} failed device(s) sent the release again by ${actor}${req.reason ? ` (${req.reason})` : ""}: ${ids.join(", ")}.`, details: { devices: ids } });
      return out;
    });
  }

  rollback(id: string, body: unknown, actor: string): Promise<RolloutStatusView> {
    return this.verb(id, "rollout.rollback", actor, body, rollbackSchema, (rollout, req, now) => {
      if (rollout.status === "rolled_back") throw conflict(`rollout ${id} is already rolled back`);
      const rows = this.d.rollouts.stages(id);
      if (req.stage && !rows.some((s) => s.name === req.stage)) throw notFound(`stage ${req.stage} of rollout ${id}`);
      const devices = this.d.rollouts.devices(id, req.stage ? { stage: req.stage } : {});
      const out: Outgoing[] = [];
      const reason = req.reason ?? `requested by ${actor}`;
      const targets = this.rollbackDevices(rollout, devices, actor, reason, now, out);
      if (req.stage) {
        const row = rows.find((s) => s.name === req.stage)!;
        if (row.status !== "pending") this.d.rollouts.patchStage(id, { name: row.name, status: "failed", failedAt: now });
        if (rollout.status === "active") this.d.rollouts.setStatus(id, "paused", now, { by: actor, reason: `stage ${req.stage} rolled back: ${reason}` });
      } else {
        this.d.rollouts.cancelNotStarted(id, now, "the rollout was rolled back before this device's stage started");
        this.d.rollouts.setStatus(id, "rolled_back", now);
      }
      this.d.logger.warn({ rolloutId: id, stage: req.stage ?? null, devices: targets.length }, "rollback requested");
      return out;
    });
  }

  /** Common shape of an operator verb: validate, act in one transaction, audit (ok or failed), publish, evaluate. */
  private verb<S extends z.ZodType>(
    id: string,
    action: string,
    actor: string,
    body: unknown,
    schema: S,
    act: (rollout: Rollout, req: z.infer<S>, now: number) => Outgoing[],
    evaluateAfter = false,
  ): Promise<RolloutStatusView> {
    return this.serial(async () => {
      const req = parseBody(schema, body ?? {});
      const rollout = this.d.rollouts.get(id);
      if (!rollout) throw notFound(`rollout ${id}`);
      const now = this.d.now();
      let out: Outgoing[] = [];
      try {
        // better-sqlite3 transactions are synchronous: the body awaits nothing, and a throw rolls everything back.
        out = this.d.db.transaction(() => act(rollout, req, now))();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.d.auditor.record({ actor, action, target: id, reason: (req as { reason?: string }).reason, result: "failed", details: { error: message } });
        throw err;
      }
      this.d.auditor.record({ actor, action, target: id, reason: (req as { reason?: string }).reason, result: "ok", details: { ...(req as object) } });
      await this.publishAll(out);
      if (evaluateAfter) await this.evaluateNow(id);
      else await this.publishStatus(id);
      return this.status(id);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Publishing
  // ---------------------------------------------------------------------------------------------------------------

  private event(e: NewRolloutEvent): void {
    const stored = this.d.rollouts.addEvent(e);
    this.d.notifier?.enqueue(eventJson(stored));
    this.pendingEvents.push(stored);
  }

  private pendingEvents: RolloutEvent[] = [];

  private async publishAll(out: Outgoing[]): Promise<void> {
    // Handed to the MQTT client all at once and awaited together: it writes them in this order (a manifest before the
    // desired states that need it, a device's desired states in the order issued), and the broker takes one client's
    // packets in order. Awaiting each PUBACK in turn cost a round trip per device behind the telemetry the same stage
    // start sets off: 209 s to start a 1,500-device stage (the fleet benchmark).
    await Promise.all(
      out.map((o) =>
        this.d.publisher.publish(o.topic, o.payload, { retain: o.retain, qos: 1 }).catch((err: unknown) => {
          this.d.logger.error({ err, topic: o.topic }, "publish failed; the retained desired state is published again at the next start");
        }),
      ),
    );
    const events = this.pendingEvents.splice(0);
    const touched = new Set(events.map((e) => e.rolloutId));
    for (const e of events) {
      await this.d.publisher
        .publish(topics.rolloutEvents(e.rolloutId), JSON.stringify(eventJson(e)), { retain: false, qos: 1 })
        .catch((err: unknown) => this.d.logger.warn({ err, rolloutId: e.rolloutId }, "rollout event not published"));
    }
    for (const id of touched) await this.publishStatus(id);
  }

  private async publishStatus(id: string): Promise<void> {
    const view = this.status(id, { devices: false });
    this.d.metrics.observeRollout(view);
    await this.d.publisher
      .publish(topics.rolloutStatus(id), JSON.stringify(statusJson(view)), { retain: true, qos: 1 })
      .catch((err: unknown) => this.d.logger.warn({ err, rolloutId: id }, "rollout status not published"));
  }

  /**
   * At start: publish again, byte for byte, the manifests and desired states still in force, so devices converge
   * even if the broker lost its retained store (memory persistence, an external broker that was replaced).
   */
  async republishActive(): Promise<number> {
    const live = this.d.rollouts.liveDesiredStates();
    const releases = new Set(live.filter((x) => x.action === "install" && x.releaseId).map((x) => x.releaseId!));
    for (const releaseId of releases) {
      const manifest = this.d.releases.manifestEnvelope(releaseId);
      if (manifest) await this.d.publisher.publish(topics.manifest(releaseId), manifest, { retain: true, qos: 1 });
    }
    await Promise.all(live.map((x) => this.d.publisher.publish(topics.desired(x.deviceId), x.envelope, { retain: true, qos: 1 })));
    for (const r of this.d.rollouts.list({ status: ["active", "paused"] })) await this.publishStatus(r.id);
    return live.length;
  }

  /**
   * Re-signs, with a new seq, every live desired state past half its validity, and publishes it: a device offline for
   * longer than the validity still finds a desired state it accepts when it comes back.
   */
  refreshExpiring(now = this.d.now()): Promise<number> {
    return this.serial(async () => {
      // Only devices still on their way: re-signing a finished one (activated, failed, rolled back on its own) with a new
      // seq would make it try the release again without anyone asking.
      const due = this.d.rollouts.liveDesiredStates().filter((x) => {
        if (x.expiresAt - now >= this.d.settings.desiredStateTtlMs / 2) return false;
        const dev = x.rolloutId ? this.d.rollouts.device(x.rolloutId, x.deviceId) : undefined;
        if (!dev) return false;
        if (x.action === "rollback") return dev.rollbackDoneAt === null;
        return dev.state === "pending" || dev.state === "downloading" || dev.state === "verified";
      });
      if (due.length === 0) return 0;
      const out: Outgoing[] = [];
      const actionOf = (a: string) =>
        a === "rollback" ? pb.DesiredAction.DESIRED_ACTION_ROLLBACK : a === "none" ? pb.DesiredAction.DESIRED_ACTION_NONE : pb.DesiredAction.DESIRED_ACTION_INSTALL;
      this.d.db.transaction(() => {
        for (const x of due) {
          const rec = this.signDesired(
            { deviceId: x.deviceId, rolloutId: x.rolloutId, releaseId: x.releaseId, action: x.action, stage: x.stage, activate: x.activate, maintenanceWindow: x.maintenanceWindow },
            actionOf(x.action),
            now,
          );
          if (x.rolloutId) this.d.rollouts.setDesiredSeq(x.rolloutId, x.deviceId, rec.seq);
          out.push({ topic: topics.desired(x.deviceId), payload: rec.envelope, retain: true });
        }
      })();
      await this.publishAll(out);
      this.d.logger.info({ count: due.length }, "desired states re-signed before expiry");
      return due.length;
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Views
  // ---------------------------------------------------------------------------------------------------------------

  // ---------------------------------------------------------------------------------------------------------------
  // Brakes: the fleet freeze and per-cohort switches (hub/services/brakes.service.ts sets them)
  // ---------------------------------------------------------------------------------------------------------------

  /** What holds each device of the rollout now: "freeze", "cohort:NAME", or null; `braking` when any brake is on. */
  private holdCauses(rolloutId: string): ((deviceId: string) => HoldCause | null) & { braking?: boolean } {
    if (this.d.brakes.freeze().frozen) return Object.assign(() => "freeze" as const, { braking: true });
    if (this.d.brakes.disabledCohorts().length === 0) return () => null;
    const holds = this.d.brakes.cohortHolds(rolloutId);
    return Object.assign((deviceId: string) => holds.get(deviceId) ?? null, { braking: true });
  }

  /**
   * Brings the devices of the rollout's started stages in line with the brakes. A device a brake now holds, whose
   * desired state lets it activate, gets one that does not (it may finish its download; it does not activate) and loses
   * its deadline; one no longer held gets the release again (activating if its stage does) with a fresh deadline, unless
   * the rollout is paused. Devices already activated, failed, cancelled or rolling back are left alone: a brake never
   * stops a rollback.
   */
  private reconcileHolds(rollout: Rollout, rows: StageRow[], now: number, out: Outgoing[]): void {
    const holds = this.holdCauses(rollout.id);
    if (!holds.braking && this.d.rollouts.heldCounts(rollout.id).size === 0) return;
    const held: Array<{ deviceId: string; by: string; stage: string }> = [];
    const released: Array<{ deviceId: string; stage: string; activate: boolean }> = [];
    for (const row of rows) {
      if (row.status === "pending" || row.status === "completed") continue;
      const spec = row.spec as unknown as StageSpec;
      const stageActivates = (spec.activation ?? "immediate") === "immediate" || row.activationIssuedAt !== null;
      for (const dev of this.d.rollouts.devices(rollout.id, { stage: row.name })) {
        if (dev.rollbackRequestedAt !== null) continue;
        const waiting = dev.state === "pending" || dev.state === "downloading" || dev.state === "verified";
        if (!waiting) {
          if (dev.heldAt !== null) this.d.rollouts.unhold(rollout.id, dev.deviceId);
          continue;
        }
        const cause = holds(dev.deviceId);
        if (cause !== null) {
          if (dev.heldAt !== null && dev.heldBy === cause) continue;
          if (dev.issuedAt !== null && dev.activateIssued) this.issueInstall(rollout, dev.deviceId, row.name, false, spec.maintenanceWindow ?? null, now, null, out);
          this.d.rollouts.hold(rollout.id, dev.deviceId, cause, now);
          held.push({ deviceId: dev.deviceId, by: cause, stage: row.name });
        } else if (dev.heldAt !== null && rollout.status === "active") {
          this.issueInstall(rollout, dev.deviceId, row.name, stageActivates, spec.maintenanceWindow ?? null, now, issueDeadline(deadlineSettings(spec), now, stageActivates), out);
          this.d.rollouts.unhold(rollout.id, dev.deviceId);
          released.push({ deviceId: dev.deviceId, stage: row.name, activate: stageActivates });
        }
      }
    }
    if (released.length > 0 && !out.some((o) => o.topic === topics.manifest(rollout.releaseId))) {
      out.unshift({ topic: topics.manifest(rollout.releaseId), payload: this.d.releases.manifestEnvelope(rollout.releaseId) ?? "", retain: true });
    }
    if (held.length > 0) {
      const causes = [...new Set(held.map((h) => h.by))];
      this.event({
        rolloutId: rollout.id,
        at: now,
        type: "devices_held",
        actor: "hub",
        explanation: `${held.length} device(s) held by ${causes.map(describeHold).join(", ")}: they may finish a download but do not activate, and have no deadline meanwhile: ${held.map((h) => h.deviceId).join(", ")}.`,
        details: { devices: held },
      });
    }
    if (released.length > 0) {
      this.event({
        rolloutId: rollout.id,
        at: now,
        type: "devices_released",
        actor: "hub",
        explanation: `${released.length} device(s) no longer held get the release again${released.some((r) => r.activate) ? " and activate" : ""}, each with a fresh deadline: ${released.map((r) => r.deviceId).join(", ")}.`,
        details: { devices: released },
      });
    }
  }

  /** Whether any of `deviceIds` is a device of the rollout. */
  hasAnyDevice(rolloutId: string, deviceIds: Set<string>): boolean {
    return deviceIds.size > 0 && this.d.rollouts.devices(rolloutId).some((x) => deviceIds.has(x.deviceId));
  }

  private brakesOf(rollout: Rollout, heldCounts: Map<string, number>): RolloutBrakes {
    const freeze = this.d.brakes.freeze();
    const disabled = this.d.brakes.disabledCohorts().length > 0 ? [...new Set([...this.d.brakes.cohortHolds(rollout.id).values()].map((c) => c.slice("cohort:".length)))].sort() : [];
    return { freeze: freeze.frozen ? freeze : null, disabledCohorts: disabled, held: [...heldCounts.values()].reduce((a, b) => a + b, 0) };
  }

  /**
   * A brake changed: every rollout not finished is evaluated again (which holds or lets go its devices), with `event`
   * added to those `affects` selects; after a freeze, active rollouts' windows and deadlines move on by `extendMs`.
   */
  brakesChanged(change: { extendMs?: number; event?: (rollout: Rollout) => Omit<NewRolloutEvent, "rolloutId" | "at"> | null }): Promise<void> {
    return this.serial(async () => {
      for (const rollout of this.d.rollouts.list({ status: ["active", "paused"] })) {
        const now = this.d.now();
        this.d.db.transaction(() => {
          if (change.extendMs && rollout.status === "active") this.d.rollouts.extendTimers(rollout.id, change.extendMs);
          const e = change.event?.(rollout);
          if (e) this.event({ ...e, rolloutId: rollout.id, at: now });
        })();
        try {
          await this.evaluateNow(rollout.id);
        } catch (err) {
          this.d.logger.error({ err, rolloutId: rollout.id }, "rollout evaluation after a brake change failed");
        }
        await this.publishStatus(rollout.id);
      }
    });
  }

  /**
   * The rollout's summary, progress counts, stages, latest events and the first `devices` of its devices (default
   * STATUS_DEVICES_DEFAULT; `false` or 0: none). The whole device list is paged: devicesPage().
   */
  status(id: string, opts: { devices?: false | number } = {}): RolloutStatusView {
    const rollout = this.d.rollouts.get(id);
    if (!rollout) throw notFound(`rollout ${id}`);
    const release = this.d.releases.get(rollout.releaseId)!;
    const rows = this.d.rollouts.stages(id);
    const rules = this.d.rollouts.rules(id);
    const snapshots = this.snapshots(rollout, rows);
    const idx = activeStageIndex(snapshots);
    const ruleFiring = activeStageRuleFiring(snapshots, rules);
    const progress = this.d.rollouts.progress(id);
    const heldCounts = this.d.rollouts.heldCounts(id);
    const deviceCount = opts.devices === false ? 0 : (opts.devices ?? STATUS_DEVICES_DEFAULT);
    return {
      rollout,
      release: { id: release.id, version: release.version, counter: release.counter },
      plan: rollout.planName,
      activeStage: idx >= 0 && !isTerminalRollout(rollout.status) ? snapshots[idx]!.name : null,
      gates: computeGates(snapshots, ruleFiring),
      brakes: this.brakesOf(rollout, heldCounts),
      stages: rows.map((r, i) => stageView(r, snapshots[i]!, rollout.status, rules, heldCounts.get(r.name) ?? 0)),
      progress,
      counts: {
        total: progress.total,
        pending: progress.pending + progress.notStarted,
        inProgress: progress.downloading + progress.verified + progress.rolling_back,
        succeeded: progress.activated,
        failed: progress.failed,
        cancelled: progress.cancelled,
        rolledBack: progress.rolled_back,
      },
      rollback: this.d.rollouts.rollbackCounts(id),
      devices: deviceCount === 0 ? [] : this.d.rollouts.devices(id, { limit: deviceCount, offset: 0 }),
      devicesPage: { page: 1, pageSize: deviceCount, totalCount: progress.total, totalPages: deviceCount === 0 ? 0 : Math.max(1, Math.ceil(progress.total / deviceCount)) },
      events: this.d.rollouts.lastEvents(id, 200).map(eventJson),
    };
  }

  list(filter: { status?: RolloutStatus; releaseId?: string } = {}): Rollout[] {
    return this.d.rollouts.list(filter);
  }

  count(filter: { status?: RolloutStatus; releaseId?: string } = {}): number {
    return this.d.rollouts.count(filter);
  }

  page(filter: { status?: RolloutStatus; releaseId?: string }, limit: number, offset: number): Rollout[] {
    return this.d.rollouts.list({ ...filter, limit, offset });
  }

  devicesPage(id: string, filter: { stage?: string; states?: DeploymentStateName[] }, limit: number, offset: number): { devices: RolloutDevice[]; totalCount: number } {
    if (!this.d.rollouts.get(id)) throw notFound(`rollout ${id}`);
    return { devices: this.d.rollouts.devices(id, { ...filter, limit, offset }), totalCount: this.d.rollouts.countDevices(id, filter) };
  }

  /** One page of the rollout's events after `afterId`, oldest first, and how many there are after it. */
  events(id: string, afterId: number, page: { limit: number; offset: number }): { events: RolloutEventJson[]; totalCount: number } {
    if (!this.d.rollouts.get(id)) throw notFound(`rollout ${id}`);
    return { events: this.d.rollouts.events(id, { afterId, ...page }).map(eventJson), totalCount: this.d.rollouts.countEvents(id, { afterId }) };
  }
}

function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return parsed.data;
}

function ruleDef(r: RuleDef): RuleDef {
  return { name: r.name, metric: r.metric, op: r.op, threshold: r.threshold, forMs: r.forMs, windowMs: r.windowMs, minDevices: r.minDevices, scope: r.scope, action: r.action };
}

function deadlineSettings(spec: StageSpec | undefined): DeadlineSettings {
  return { deviceTimeoutMs: spec?.deviceTimeoutMs ?? 0, maintenanceWindow: spec?.maintenanceWindow ?? null };
}

function stageConfig(spec: Record<string, unknown> | StageSpec): StageConfig {
  const s = spec as Partial<StageSpec>;
  return {
    observeMs: s.observeMs ?? 0,
    approval: s.approval ?? false,
    deviceTimeoutMs: s.deviceTimeoutMs ?? 0,
    failureThreshold: s.failureThreshold ?? 1,
    activation: s.activation ?? "immediate",
    // Rollouts stored before the breaker existed keep running without one.
    breakerFailures: s.circuitBreaker ?? 0,
    entryApproval: (s.entry ?? []).some((c) => c.kind === "approval"),
  };
}

function stageView(r: StageRow, s: StageSnapshot, rollout: RolloutStatus, rules: RuleRow[], held: number): StageView {
  const criteria = stageCriteriaView(r, rollout);
  return {
    name: r.name,
    kind: r.kind,
    status: displayStageStatus(r.kind, r.status, rollout),
    phase: r.status,
    config: {
      observe: formatDurationShort(s.config.observeMs),
      approval: s.config.approval,
      deviceTimeout: formatDurationShort(s.config.deviceTimeoutMs),
      failureThreshold: s.config.failureThreshold,
      activation: s.config.activation,
      circuitBreaker: s.config.breakerFailures,
    },
    startedAt: r.startedAt,
    convergedAt: r.convergedAt,
    observeUntil: r.observeUntil,
    awaitingApproval: (r.approvalRequestedAt !== null && r.approvedAt === null && r.status === "converged" && !isTerminalRollout(rollout)) || criteria.awaitingEntryApproval,
    approvedAt: r.approvedAt,
    approvedBy: r.approvedBy,
    completedAt: r.completedAt,
    failedAt: r.failedAt,
    progress: s.counts,
    held,
    rules: rules
      .filter((x) => x.stage === r.name)
      .map((x) => ({
        name: x.name,
        metric: x.metric,
        op: x.op,
        threshold: x.threshold,
        verdict: x.lastVerdict,
        value: x.lastValue,
        devices: x.lastDevices,
        breachSince: x.breachSince,
        firingSince: x.firingSince,
        action: x.action,
      })),
    criteria,
  };
}

function intentSummary(i: PauseIntent): Record<string, unknown> {
  if (i.kind === "rule") return { rule: i.firing.rule.name, metric: i.firing.rule.metric, value: i.firing.value, threshold: i.firing.rule.threshold, devices: i.firing.devices, stage: i.firing.stage };
  if (i.kind === "circuit_breaker") return { rule: "circuit_breaker", stage: i.stage, consecutive: i.consecutive, limit: i.limit, failed: i.failed, total: i.total };
  return { rule: "failure_threshold", stage: i.stage, failed: i.failed, total: i.total, threshold: i.threshold };
}

/** JSON of verge/v1/rollouts/{id}/events, of GET /api/rollouts/{id}/events and of a status view's events. */
export function eventJson(e: RolloutEvent): RolloutEventJson {
  return {
    id: e.id,
    rolloutId: e.rolloutId,
    at: new Date(e.at).toISOString(),
    type: e.type,
    stage: e.stage,
    actor: e.actor,
    ...(e.rule
      ? { rule: { name: e.rule, metric: e.metric, op: e.op, threshold: e.threshold, observed: e.observed, windowMs: e.windowMs, devices: e.devices } }
      : {}),
    explanation: e.explanation,
    links: e.links,
    ...(e.details ? { details: e.details } : {}),
  };
}

/** JSON of the retained verge/v1/rollouts/{id}/status (documented in the README). */
export function statusJson(v: RolloutStatusView): Record<string, unknown> {
  return {
    rolloutId: v.rollout.id,
    releaseId: v.release.id,
    releaseVersion: v.release.version,
    plan: v.plan,
    status: v.rollout.status,
    pauseReason: v.rollout.pauseReason,
    activeStage: v.activeStage,
    gates: v.gates,
    brakes: v.brakes,
    stages: v.stages.map((s) => ({
      name: s.name,
      kind: s.kind,
      status: s.status,
      awaitingApproval: s.awaitingApproval,
      progress: s.progress,
      held: s.held,
      waitingOn: s.criteria.waitingOn,
    })),
    progress: v.counts,
    rollback: v.rollback,
    updatedAt: new Date(v.rollout.updatedAt).toISOString(),
  };
}


function describeHold(cause: string): string {
  return cause === "freeze" ? "the fleet freeze" : `disabled cohort ${cause.slice("cohort:".length)}`;
}
