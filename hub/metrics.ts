// Prometheus metrics of the hub (prom-client). Names follow DESIGN.md "Metrics": verge_ prefix, _total, base units.
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Db } from "./db/database.js";

export class HubMetrics {
  readonly registry = new Registry();
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

  readonly ruleEvaluations = new Counter({
    name: "verge_rule_evaluations_total",
    help: "Pause-rule evaluations, by rollout, stage, rule and whether the rule was firing",
    labelNames: ["rollout", "stage", "rule", "firing"] as const,
    registers: [this.registry],
  });
  readonly ruleFiring = new Gauge({
    name: "verge_rule_firing",
    help: "1 while a pause rule's breach has lasted its `for` span, else 0",
    labelNames: ["rollout", "stage", "rule"] as const,
    registers: [this.registry],
  });
  readonly pauseEvents = new Counter({
    name: "verge_pause_events_total",
    help: "Rollout pauses, by rollout and cause (rule name, failure_threshold, operator)",
    labelNames: ["rollout", "reason"] as const,
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: "verge_rule_alerts_total",
    help: "Rules with action alert that fired, by rollout and rule",
    labelNames: ["rollout", "rule"] as const,
    registers: [this.registry],
  });
  readonly rollbacks = new Counter({
    name: "verge_rollbacks_requested_total",
    help: "Devices asked to roll back, by rollout",
    labelNames: ["rollout"] as const,
    registers: [this.registry],
  });
  readonly rollbacksLate = new Counter({
    name: "verge_rollbacks_overdue_total",
    help: "Device rollbacks not confirmed within the rollback time target, by rollout",
    labelNames: ["rollout"] as const,
    registers: [this.registry],
  });
  readonly rolloutGate = new Gauge({
    name: "verge_rollout_gate",
    help: "Gates of each rollout (canaryHealthy, failureThreshold, safetyChecks): 1 true, 0 false",
    labelNames: ["rollout", "gate"] as const,
    registers: [this.registry],
  });
  readonly rolloutStatus = new Gauge({
    name: "verge_rollout_status",
    help: "1 for each rollout's current status",
    labelNames: ["rollout", "status"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "verge_hub_" });
  }

  ruleEvaluated(rollout: string, stage: string, rule: string, firing: boolean): void {
    this.ruleEvaluations.inc({ rollout, stage, rule, firing: String(firing) });
    this.ruleFiring.set({ rollout, stage, rule }, firing ? 1 : 0);
  }

  pauseEvent(rollout: string, reasons: string[]): void {
    for (const reason of reasons) this.pauseEvents.inc({ rollout, reason });
  }

  alert(rollout: string, rule: string): void {
    this.alerts.inc({ rollout, rule });
  }

  rollbacksRequested(rollout: string, n: number): void {
    if (n > 0) this.rollbacks.inc({ rollout }, n);
  }

  rollbacksOverdue(rollout: string, n: number): void {
    if (n > 0) this.rollbacksLate.inc({ rollout }, n);
  }

  observeRollout(v: { rollout: { id: string; status: string }; gates: object }): void {
    for (const [gate, value] of Object.entries(v.gates) as Array<[string, boolean]>) this.rolloutGate.set({ rollout: v.rollout.id, gate }, value ? 1 : 0);
    for (const status of ["draft", "active", "paused", "completed", "cancelled", "rolled_back"]) {
      this.rolloutStatus.set({ rollout: v.rollout.id, status }, v.rollout.status === status ? 1 : 0);
    }
  }

  /** Gauges read from the database at scrape time. */
  registerDatabaseGauges(db: Db): void {
    const registry = this.registry;
    new Gauge({
      name: "verge_rollout_devices",
      help: "Devices of each active rollout by stage and deployment state",
      labelNames: ["rollout", "stage", "state"] as const,
      registers: [registry],
      collect() {
        this.reset();
        const rows = db
          .prepare(
            `SELECT rd.rollout_id AS rollout, rd.stage, rd.state, count(*) AS n FROM rollout_devices rd JOIN rollouts r ON r.id = rd.rollout_id
             WHERE r.status IN ('active', 'paused') GROUP BY rd.rollout_id, rd.stage, rd.state`,
          )
          .all() as Array<{ rollout: string; stage: string; state: string; n: number }>;
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
}
