// Prometheus metrics of the hub (prom-client). Names follow DESIGN.md "Metrics": verge_ prefix, _total for counters,
// base units (seconds, ratios 0..1). The broker's families (verge_mqtt_*) are registered on the same registry.
//
// Rollout-labelled series exist for rollouts in progress (draft, active, paused) and for rollouts that finished in the
// last 24 h; older ones are dropped at scrape time, so the number of series stays bounded on a hub that runs for
// months. Families read from SQLite at scrape time (device counts, statuses) are right after a restart; the others
// (counters, gates, cohort KPIs) start again from the hub's start, as Prometheus counters do.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { DEPLOYMENT_STATES } from "../proto/index.js";
import type { Db } from "./db/database.js";
import { displayStageStatus } from "./rollout/engine.js";
import { ROLLOUT_STATUSES } from "./rollout/engine.js";
import type { RolloutStatus, StageKind, StageStatus } from "./rollout/engine.js";
import { METRIC_UNITS } from "./rollout/plan.js";
import type { RuleAction, RuleMetric } from "./rollout/plan.js";
import type { RuleVerdict } from "./rollout/rules.js";

/** How long a finished rollout keeps its series. */
export const FINISHED_ROLLOUT_RETENTION_MS = 24 * 3_600_000;

/** Device states in verge_rollout_devices: `not_started` (its stage has not started yet) apart from `pending`. */
export const ROLLOUT_DEVICE_STATES = ["not_started", ...DEPLOYMENT_STATES] as const;
/** Stage statuses as DESIGN names them (and `verge rollout status` shows them), per stage kind. */
const STAGE_STATUSES: Record<StageKind, readonly string[]> = {
  canary: ["pending", "converged", "failed"],
  pilot: ["pending", "active", "completed", "paused"],
  wave: ["pending", "active", "completed", "paused"],
};
/** Outcomes counted in verge_webhook_deliveries_total: attempts delivered or failed, and deliveries given up. */
export const WEBHOOK_RESULTS = ["delivered", "failed_attempt", "gave_up"] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** Pause causes besides rule names. */
const PAUSE_REASONS = ["operator", "failure_threshold", "circuit_breaker"] as const;

/** A rule metric's value in base units: lag thresholds and measurements are kept in ms, exported in seconds. */
export function inBaseUnits(metric: RuleMetric, value: number): number {
  return METRIC_UNITS[metric] === "ms" ? value / 1000 : value;
}

export interface RuleEvaluation {
  rollout: string;
  /** The stage being evaluated (the active one). */
  stage: string;
  rule: { name: string; metric: RuleMetric; threshold: number; action: RuleAction };
  verdict: RuleVerdict;
  /** The measured aggregate in the metric's unit (null: no data in the window) and the devices it covers. */
  measurement: { value: number | null; devices: number };
}

type RolloutSeries = Counter<string> | Gauge<string>;

export class HubMetrics {
  readonly registry = new Registry();
  /** Label sets written per rollout, so a rollout's series can be dropped once it is out of the retention. */
  private readonly seriesByRollout = new Map<string, Map<RolloutSeries, Map<string, Record<string, string>>>>();
  /** Of the given rollouts, those finished before the retention (set once the database is known). */
  private expiredRollouts: ((ids: string[]) => Set<string>) | undefined;
  private readonly prune = (): void => this.dropExpiredRollouts();

  readonly telemetryAccepted = new Counter({
    name: "verge_telemetry_accepted_total",
    help: "Device->hub messages stored, by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly telemetryDuplicates = new Counter({
    name: "verge_telemetry_duplicates_total",
    help: "Device->hub messages delivered again and not stored twice, by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly telemetryRejected = new Counter({
    name: "verge_telemetry_rejected_total",
    help: "Device->hub messages refused by the hub, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly artifactBytesServed = new Counter({
    name: "verge_artifact_bytes_served_total",
    help: "Artifact bytes sent to HTTP clients",
    registers: [this.registry],
  });
  readonly apiDenied = new Counter({
    name: "verge_api_requests_denied_total",
    help: "HTTP API requests refused for authentication or role, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly apiBadRequests = new Counter({
    name: "verge_api_bad_requests_total",
    help: "HTTP API requests answered 400 (a bad body, query or page size), by route",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });
  readonly auditCheckpoints = new Counter({
    name: "verge_audit_checkpoints_total",
    help: "Signed checkpoints of the audit chain's head: written, refused (the log does not extend the last one), failed (not written)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly auditDenialsFolded = new Counter({
    name: "verge_audit_denials_folded_total",
    help: "Refused API requests counted into a folded audit row instead of a row of their own",
    registers: [this.registry],
  });

  readonly diagnosticsRequested = new Counter({
    name: "verge_diagnostics_bundles_requested_total",
    help: "Diagnostic bundles asked of devices, by trigger (operator, auto: after a failed deployment)",
    labelNames: ["trigger"] as const,
    registers: [this.registry],
  });
  readonly diagnosticsCompleted = new Counter({
    name: "verge_diagnostics_bundles_completed_total",
    help: "Diagnostic bundles stored complete, their size and sha256 checked",
    registers: [this.registry],
  });
  readonly diagnosticsFailed = new Counter({
    name: "verge_diagnostics_bundles_failed_total",
    help: "Diagnostic bundles that ended failed, by reason (the device's, or the hub's: checksum, too_large, hub_disk_full)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly diagnosticsUploadBytes = new Counter({
    name: "verge_diagnostics_upload_bytes_total",
    help: "Diagnostic bundle bytes received from devices and stored",
    registers: [this.registry],
  });
  readonly diagnosticsUploadDenied = new Counter({
    name: "verge_diagnostics_upload_denied_total",
    help: "Diagnostic upload requests refused, by reason (unauthenticated, bad_credentials, other_device, unknown_bundle)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  private readonly ruleEvaluations = new Counter({
    name: "verge_rule_evaluations_total",
    help: "Pause-rule evaluations, by rollout, stage, rule and whether the rule was firing",
    labelNames: ["rollout", "stage", "rule", "firing"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly ruleFiring = new Gauge({
    name: "verge_rule_firing",
    help: "1 while a pause rule's breach has lasted its `for` span, else 0, by rollout, stage and rule",
    labelNames: ["rollout", "stage", "rule"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly cohortKpi = new Gauge({
    name: "verge_cohort_kpi",
    help:
      "A cohort KPI as the last evaluation of a rule measured it over the rule's window and scope, by rollout, stage, rule " +
      "and metric; ratios 0..1 (availability, dropped_ratio, rollback_rate, failure_rate), event lag in seconds, " +
      "sev1_incidents a count; absent while no device reported in the window",
    labelNames: ["rollout", "stage", "rule", "metric"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly cohortKpiDevices = new Gauge({
    name: "verge_cohort_kpi_devices",
    help: "Devices the last measurement of verge_cohort_kpi was computed over, by rollout, stage, rule and metric",
    labelNames: ["rollout", "stage", "rule", "metric"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly ruleThreshold = new Gauge({
    name: "verge_rule_threshold",
    help: "A pause rule's threshold in the units of verge_cohort_kpi (same labels), by rollout, stage, rule and metric",
    labelNames: ["rollout", "stage", "rule", "metric"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly pauseEvents = new Counter({
    name: "verge_pause_events_total",
    help: "Rollout pauses, by rollout and cause (a rule name, failure_threshold, operator)",
    labelNames: ["rollout", "reason"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly evaluationFailures = new Counter({
    name: "verge_rollout_evaluation_failures_total",
    help: "Rollout evaluations in which a rule or criterion could not reach a verdict (the stage held), by rollout and stage",
    labelNames: ["rollout", "stage"] as const,
    registers: [this.registry],
    collect: this.prune,
  });

  private readonly breakerTrips = new Counter({
    name: "verge_circuit_breaker_trips_total",
    help: "Stages paused by their circuit breaker (consecutive device failures), by rollout and stage",
    labelNames: ["rollout", "stage"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly alerts = new Counter({
    name: "verge_rule_alerts_total",
    help: "Rules with action alert that fired, by rollout and rule",
    labelNames: ["rollout", "rule"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly rollbacks = new Counter({
    name: "verge_rollbacks_requested_total",
    help: "Devices asked to roll back, by rollout",
    labelNames: ["rollout"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly rollbacksLate = new Counter({
    name: "verge_rollbacks_overdue_total",
    help: "Device rollbacks not confirmed within the rollback time target, by rollout",
    labelNames: ["rollout"] as const,
    registers: [this.registry],
    collect: this.prune,
  });
  private readonly rolloutGate = new Gauge({
    name: "verge_rollout_gate",
    help: "Gates of each rollout (canaryHealthy, failureThreshold, safetyChecks) as of its last status change: 1 passing, 0 not",
    labelNames: ["rollout", "gate"] as const,
    registers: [this.registry],
    collect: this.prune,
  });

  private readonly webhookDeliveries = new Counter({
    name: "verge_webhook_deliveries_total",
    help: "Webhook deliveries by result: attempts delivered (2xx) and failed (any other answer, no answer, timeout), deliveries given up after their last attempt",
    labelNames: ["webhook", "result"] as const,
    registers: [this.registry],
  });
  private readonly webhookDeliverySeconds = new Histogram({
    name: "verge_webhook_delivery_seconds",
    help: "Duration of one webhook delivery attempt, from sending to the answer or the error",
    labelNames: ["webhook"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /**
   * Time one evaluation of a rollout held the hub's thread (rules, state machine, its transaction), by trigger: the
   * scheduler's period, a device's transition, an operator's verb. Rules over a large stage make it grow with the stage.
   */
  readonly rolloutEvaluationSeconds = new Histogram({
    name: "verge_rollout_evaluation_seconds",
    help: "Duration of one rollout evaluation (rules, state machine, its database transaction) on the hub's thread",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "verge_hub_" });
    // prom-client names three gauges `..._total` (the sums of `verge_hub_nodejs_active_{handles,requests,resources}`
    // over their `type` label), which Prometheus reserves for counters (promtool check metrics refuses them). The
    // per-type gauges stay; sum() over `type` gives the totals.
    for (const name of ["handles", "requests", "resources"]) this.registry.removeSingleMetric(`verge_hub_nodejs_active_${name}_total`);
  }

  /** After each rule evaluation: verdict, the measured KPI and the threshold, in base units. */
  ruleEvaluated(e: RuleEvaluation): void {
    const firing = e.verdict === "firing";
    const rule = { rollout: e.rollout, stage: e.stage, rule: e.rule.name };
    const kpi = { ...rule, metric: e.rule.metric };
    this.ruleEvaluations.inc(this.track(this.ruleEvaluations, { ...rule, firing: String(firing) }));
    this.ruleFiring.set(this.track(this.ruleFiring, rule), firing ? 1 : 0);
    this.ruleThreshold.set(this.track(this.ruleThreshold, kpi), inBaseUnits(e.rule.metric, e.rule.threshold));
    this.cohortKpiDevices.set(this.track(this.cohortKpiDevices, kpi), e.measurement.devices);
    if (e.measurement.value === null) this.cohortKpi.remove(kpi);
    else this.cohortKpi.set(this.track(this.cohortKpi, kpi), inBaseUnits(e.rule.metric, e.measurement.value));
    // from 0, so increase() sees the first pause (or alert) this rule causes
    if (e.rule.action === "alert") this.alerts.inc(this.track(this.alerts, { rollout: e.rollout, rule: e.rule.name }), 0);
    else this.pauseEvents.inc(this.track(this.pauseEvents, { rollout: e.rollout, reason: e.rule.name }), 0);
  }

  pauseEvent(rollout: string, reasons: string[]): void {
    for (const reason of reasons) this.pauseEvents.inc(this.track(this.pauseEvents, { rollout, reason }));
  }

  /** An evaluation of a rollout in which a rule or criterion could not reach a verdict (its stage held). */
  evaluationFailed(rollout: string, stage: string): void {
    this.evaluationFailures.inc(this.track(this.evaluationFailures, { rollout, stage }));
  }

  breakerTripped(rollout: string, stage: string): void {
    this.breakerTrips.inc(this.track(this.breakerTrips, { rollout, stage }));
  }

  alert(rollout: string, rule: string): void {
    this.alerts.inc(this.track(this.alerts, { rollout, rule }));
  }

  rollbacksRequested(rollout: string, n: number): void {
    if (n > 0) this.rollbacks.inc(this.track(this.rollbacks, { rollout }), n);
  }

  rollbacksOverdue(rollout: string, n: number): void {
    if (n > 0) this.rollbacksLate.inc(this.track(this.rollbacksLate, { rollout }), n);
  }

  webhookAttempt(webhook: string, result: WebhookResult, seconds?: number): void {
    this.webhookDeliveries.inc({ webhook, result });
    if (seconds !== undefined) this.webhookDeliverySeconds.observe({ webhook }, seconds);
  }

  /**
   * Webhook series from 0 for each configured webhook (so increase() sees the first failure), and
   * verge_webhook_pending read from the outbox at scrape time (right after a restart too).
   */
  registerWebhookGauges(webhooks: string[], pending: () => Map<string, number>): void {
    for (const webhook of webhooks) for (const result of WEBHOOK_RESULTS) this.webhookDeliveries.inc({ webhook, result }, 0);
    new Gauge({
      name: "verge_webhook_pending",
      help: "Webhook deliveries waiting (neither delivered nor given up), per webhook",
      labelNames: ["webhook"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const counts = pending();
        for (const webhook of new Set([...webhooks, ...counts.keys()])) this.set({ webhook }, counts.get(webhook) ?? 0);
      },
    });
  }

  /** At each status change of a rollout: its gates; its counters start at 0 so increase() sees their first step. */
  observeRollout(v: { rollout: { id: string }; gates: object }): void {
    const rollout = v.rollout.id;
    for (const [gate, value] of Object.entries(v.gates) as Array<[string, boolean]>) this.rolloutGate.set(this.track(this.rolloutGate, { rollout, gate }), value ? 1 : 0);
    for (const reason of PAUSE_REASONS) this.pauseEvents.inc(this.track(this.pauseEvents, { rollout, reason }), 0);
    this.rollbacks.inc(this.track(this.rollbacks, { rollout }), 0);
    this.rollbacksLate.inc(this.track(this.rollbacksLate, { rollout }), 0);
  }

  /** Families read from the database at scrape time, and the retention of rollout-labelled series. */
  registerDatabaseGauges(db: Db, now: () => number = Date.now): void {
    const registry = this.registry;
    const inRetention = `(r.status IN ('draft', 'active', 'paused') OR max(r.updated_at, coalesce(r.completed_at, 0)) >= @cutoff)`;
    /** Rollouts with series: not finished, or finished within the retention. */
    const visibleRollouts = (): Array<{ id: string; releaseId: string; status: RolloutStatus }> =>
      db
        .prepare(`SELECT r.id, r.release_id AS releaseId, r.status FROM rollouts r WHERE ${inRetention} ORDER BY r.id`)
        .all({ cutoff: now() - FINISHED_ROLLOUT_RETENTION_MS }) as Array<{ id: string; releaseId: string; status: RolloutStatus }>;
    this.expiredRollouts = (ids) =>
      new Set(
        (
          db
            .prepare(`SELECT r.id FROM rollouts r WHERE r.id IN (SELECT value FROM json_each(@ids)) AND NOT ${inRetention}`)
            .all({ ids: JSON.stringify(ids), cutoff: now() - FINISHED_ROLLOUT_RETENTION_MS }) as Array<{ id: string }>
        ).map((r) => r.id),
      );

    new Gauge({
      name: "verge_device_outbox",
      help:
        "Device telemetry outboxes, summed over devices as their latest heartbeats report them: depth (messages waiting), " +
        "bytes, merged (KPI windows merged to keep the byte budget), dropped_kpi and dropped_heartbeat (lost to it since install)",
      labelNames: ["measure"] as const,
      registers: [registry],
      collect() {
        this.reset();
        const r = db
          .prepare(
            `SELECT total(json_extract(outbox_json, '$.depth')) AS depth, total(json_extract(outbox_json, '$.bytes')) AS bytes,
                    total(json_extract(outbox_json, '$.merged')) AS merged,
                    total(json_extract(outbox_json, '$.dropped.kpi')) AS droppedKpi,
                    total(json_extract(outbox_json, '$.dropped.heartbeat')) AS droppedHeartbeat
             FROM devices WHERE outbox_json IS NOT NULL`,
          )
          .get() as { depth: number; bytes: number; merged: number; droppedKpi: number; droppedHeartbeat: number };
        this.set({ measure: "depth" }, r.depth);
        this.set({ measure: "bytes" }, r.bytes);
        this.set({ measure: "merged" }, r.merged);
        this.set({ measure: "dropped_kpi" }, r.droppedKpi);
        this.set({ measure: "dropped_heartbeat" }, r.droppedHeartbeat);
      },
    });
    new Gauge({
      name: "verge_fleet_frozen",
      help: "1 while the fleet-wide freeze (verge freeze on) stops every rollout from advancing and devices from activating, else 0",
      registers: [registry],
      collect() {
        const r = db.prepare("SELECT frozen FROM fleet_freeze WHERE id = 1").get() as { frozen: number } | undefined;
        this.set(r?.frozen === 1 ? 1 : 0);
      },
    });
    new Gauge({
      name: "verge_cohort_disabled",
      help: "1 for each cohort switched off (verge cohort disable): its devices get no new desired state and do not activate",
      labelNames: ["cohort"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of db.prepare("SELECT name FROM cohorts WHERE disabled_at IS NOT NULL AND active = 1").all() as Array<{ name: string }>) this.set({ cohort: r.name }, 1);
      },
    });
    new Gauge({
      name: "verge_rollout_devices_held",
      help: "Devices of each rollout in progress held by a brake (the freeze or a disabled cohort): told not to activate, or not started",
      labelNames: ["rollout"] as const,
      registers: [registry],
      collect() {
        this.reset();
        const rows = db
          .prepare(
            `SELECT r.id AS rollout, (SELECT count(*) FROM rollout_devices rd WHERE rd.rollout_id = r.id AND rd.held_at IS NOT NULL) AS n
             FROM rollouts r WHERE r.status IN ('active', 'paused')`,
          )
          .all() as Array<{ rollout: string; n: number }>;
        for (const r of rows) this.set({ rollout: r.rollout }, r.n);
      },
    });
    new Gauge({
      name: "verge_rollout_status",
      help: "1 for each rollout's current status (draft, active, paused, completed, cancelled, rolled_back), else 0, with its release",
      labelNames: ["rollout", "release", "status"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of visibleRollouts()) {
          for (const status of ROLLOUT_STATUSES) this.set({ rollout: r.id, release: r.releaseId, status }, r.status === status ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: "verge_rollout_stage_status",
      help: "1 for each stage's current status (canary: pending, converged, failed; pilot and waves: pending, active, completed, paused), else 0",
      labelNames: ["rollout", "stage", "kind", "status"] as const,
      registers: [registry],
      collect() {
        this.reset();
        const rows = db
          .prepare(
            `SELECT s.rollout_id AS rollout, s.name AS stage, s.kind, s.status, r.status AS rolloutStatus FROM rollout_stages s JOIN rollouts r ON r.id = s.rollout_id
             WHERE ${inRetention}`,
          )
          .all({ cutoff: now() - FINISHED_ROLLOUT_RETENTION_MS }) as Array<{ rollout: string; stage: string; kind: StageKind; status: StageStatus; rolloutStatus: RolloutStatus }>;
        for (const r of rows) {
          const shown = displayStageStatus(r.kind, r.status, r.rolloutStatus);
          for (const status of STAGE_STATUSES[r.kind]) this.set({ rollout: r.rollout, stage: r.stage, kind: r.kind, status }, shown === status ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: "verge_rollout_devices",
      help:
        "Devices of each rollout by stage and deployment state (not_started: the stage has not started; every state is " +
        "present, 0 when empty), for rollouts in progress and those finished in the last 24 h",
      labelNames: ["rollout", "stage", "state"] as const,
      registers: [registry],
      collect() {
        this.reset();
        const cutoff = now() - FINISHED_ROLLOUT_RETENTION_MS;
        // every stage of the plan (and the single `all` stage of a plain device-list rollout), so zeros are there too
        const stages = db
          .prepare(
            `SELECT s.rollout_id AS rollout, s.name AS stage FROM rollout_stages s JOIN rollouts r ON r.id = s.rollout_id WHERE ${inRetention}
             UNION SELECT DISTINCT rd.rollout_id, rd.stage FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id WHERE ${inRetention}`,
          )
          .all({ cutoff }) as Array<{ rollout: string; stage: string }>;
        for (const s of stages) for (const state of ROLLOUT_DEVICE_STATES) this.set({ rollout: s.rollout, stage: s.stage, state }, 0);
        const rows = db
          .prepare(
            `SELECT rd.rollout_id AS rollout, rd.stage, CASE WHEN rd.issued_at IS NULL AND rd.state = 'pending' THEN 'not_started' ELSE rd.state END AS state, count(*) AS n
             FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id WHERE ${inRetention} GROUP BY 1, 2, 3`,
          )
          .all({ cutoff }) as Array<{ rollout: string; stage: string; state: string; n: number }>;
        for (const r of rows) this.set({ rollout: r.rollout, stage: r.stage, state: r.state }, r.n);
      },
    });
    new Gauge({
      name: "verge_devices_online",
      help: "Enrolled devices whose MQTT status is online",
      registers: [registry],
      collect() {
        this.set((db.prepare("SELECT count(*) AS n FROM devices WHERE online = 1").get() as { n: number }).n);
      },
    });
  }

  /** Remembers a rollout-labelled series (for the retention) and returns its labels. */
  private track<L extends { rollout: string }>(metric: RolloutSeries, labels: L): L {
    let byMetric = this.seriesByRollout.get(labels.rollout);
    if (!byMetric) this.seriesByRollout.set(labels.rollout, (byMetric = new Map<RolloutSeries, Map<string, Record<string, string>>>()));
    let labelSets = byMetric.get(metric);
    if (!labelSets) byMetric.set(metric, (labelSets = new Map<string, Record<string, string>>()));
    labelSets.set(JSON.stringify(labels), labels);
    return labels;
  }

  private dropExpiredRollouts(): void {
    if (!this.expiredRollouts || this.seriesByRollout.size === 0) return;
    for (const rollout of this.expiredRollouts([...this.seriesByRollout.keys()])) {
      for (const [metric, labelSets] of this.seriesByRollout.get(rollout) ?? []) for (const labels of labelSets.values()) metric.remove(labels);
      this.seriesByRollout.delete(rollout);
    }
  }
}
