// Broker counters, kept in memory for `stats()` and mirrored to prom-client when a registry is given.
import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";

export type AclAction = "publish" | "subscribe" | "forward";

export interface BrokerStats {
  clientsConnected: number;
  /** Refused CONNECTs by reason. */
  connectionsRefused: Record<string, number>;
  /** ACL denials by action, then by reason. */
  aclDenied: Record<AclAction, Record<string, number>>;
  /** Packets refused at the frame (frame-limit.ts) by packet type, then by reason; each closed its connection. */
  packetsRefused: Record<string, Record<string, number>>;
}

export const METRIC_NAMES = {
  refused: "verge_mqtt_connections_refused_total",
  denied: "verge_mqtt_acl_denied_total",
  connected: "verge_mqtt_clients_connected",
  packetsRefused: "verge_mqtt_packets_refused_total",
} as const;

interface PromMetrics {
  registry: Registry;
  refused: Counter<"reason">;
  denied: Counter<"action" | "reason">;
  packetsRefused: Counter<"packet" | "reason">;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export class BrokerMetrics {
  private readonly refusedCounts: Record<string, number> = {};
  private readonly deniedCounts: Record<AclAction, Record<string, number>> = { publish: {}, subscribe: {}, forward: {} };
  private readonly packetsRefusedCounts: Record<string, Record<string, number>> = {};

  constructor(
    private readonly clientsConnected: () => number,
    private readonly prom: PromMetrics | undefined,
  ) {}

  /** Registers the metrics in `registry` (if any); `unregister()` removes them so a later broker can register again. */
  static create(clientsConnected: () => number, registry: Registry | undefined): BrokerMetrics {
    if (registry === undefined) return new BrokerMetrics(clientsConnected, undefined);
    const refused = new Counter({
      name: METRIC_NAMES.refused,
      help: "MQTT CONNECTs refused by the broker, by reason",
      labelNames: ["reason"] as const,
      registers: [registry],
    });
    const denied = new Counter({
      name: METRIC_NAMES.denied,
      help: "MQTT publishes, subscriptions and deliveries denied by the broker ACL, by action and reason",
      labelNames: ["action", "reason"] as const,
      registers: [registry],
    });
    const packetsRefused = new Counter({
      name: METRIC_NAMES.packetsRefused,
      help: "MQTT packets refused at the frame, before buffering (oversize, or not CONNECT first), by packet type and reason; each closed its connection",
      labelNames: ["packet", "reason"] as const,
      registers: [registry],
    });
    new Gauge({
      name: METRIC_NAMES.connected,
      help: "MQTT clients connected to the broker",
      registers: [registry],
      collect() {
        this.set(clientsConnected());
      },
    });
    return new BrokerMetrics(clientsConnected, { registry, refused, denied, packetsRefused });
  }

  refused(reason: string): void {
    increment(this.refusedCounts, reason);
    this.prom?.refused.inc({ reason });
  }

  denied(action: AclAction, reason: string): void {
    increment(this.deniedCounts[action], reason);
    this.prom?.denied.inc({ action, reason });
  }

  packetRefused(packet: string, reason: string): void {
    increment((this.packetsRefusedCounts[packet] ??= {}), reason);
    this.prom?.packetsRefused.inc({ packet, reason });
  }

  stats(): BrokerStats {
    return {
      clientsConnected: this.clientsConnected(),
      connectionsRefused: { ...this.refusedCounts },
      aclDenied: {
        publish: { ...this.deniedCounts.publish },
        subscribe: { ...this.deniedCounts.subscribe },
        forward: { ...this.deniedCounts.forward },
      },
      packetsRefused: Object.fromEntries(Object.entries(this.packetsRefusedCounts).map(([packet, byReason]) => [packet, { ...byReason }])),
    };
  }

  unregister(): void {
    for (const name of Object.values(METRIC_NAMES)) this.prom?.registry.removeSingleMetric(name);
  }
}
