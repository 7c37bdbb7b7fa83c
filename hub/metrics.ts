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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "verge_hub_" });
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
