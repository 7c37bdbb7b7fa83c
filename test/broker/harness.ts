// Broker test harness: principals with known secrets, a broker on an ephemeral port, mqtt.js clients that are all
// closed after each test.
import type { EventEmitter } from "node:events";
import mqtt from "mqtt";
import type { IClientOptions, MqttClient } from "mqtt";
import { Registry } from "prom-client";
import { startBroker } from "../../broker/broker.js";
import type { BrokerOptions, RunningBroker } from "../../broker/broker.js";
import { MemoryCredentialStore } from "../../broker/credentials.js";
import type { Principal, PrincipalRole } from "../../broker/credentials.js";
import { hashSecret } from "../../broker/secrets.js";
import { testLogger, waitForEvent } from "../helpers/wait.js";

/** Secrets are derived from the username so tests can say `secretOf("dev-a")`. */
export function secretOf(username: string): string {
  return `secret-of-${username}`;
}

export function principal(username: string, role: PrincipalRole, disabled = false): Principal {
  return { username, role, secretHash: hashSecret(secretOf(username)), disabled };
}

/** Tracks brokers and clients so `cleanup()` (afterEach) ends them all. */
export class BrokerHarness {
  readonly credentials = new MemoryCredentialStore();
  readonly registry = new Registry();
  private readonly brokers: RunningBroker[] = [];
  private readonly clients: MqttClient[] = [];

  async start(overrides: Partial<BrokerOptions> = {}): Promise<RunningBroker> {
    const broker = await startBroker({
      host: "127.0.0.1",
      port: 0,
      persistence: { kind: "memory" },
      credentials: this.credentials,
      logger: testLogger("broker"),
      registry: this.registry,
      ...overrides,
    });
    this.brokers.push(broker);
    return broker;
  }

  /** Connects as `username` with its own secret and client id unless overridden; resolves once CONNACK 0 arrived. */
  connect(broker: RunningBroker, username: string, options: IClientOptions = {}): Promise<MqttClient> {
    return mqtt.connectAsync(broker.url, this.options(username, options), false).then((client) => this.track(client));
  }

  /** A client that does not wait for CONNACK: for refused connections. */
  connectRaw(broker: RunningBroker, username: string, options: IClientOptions = {}): MqttClient {
    return this.track(mqtt.connect(broker.url, this.options(username, options)));
  }

  private options(username: string, options: IClientOptions): IClientOptions {
    return {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      clientId: username,
      username,
      password: secretOf(username),
      ...options,
    };
  }

  private track(client: MqttClient): MqttClient {
    this.clients.push(client);
    client.on("error", () => undefined); // asserted where it matters; never an unhandled "error" event
    return client;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.endAsync(true)));
    await Promise.all(this.brokers.splice(0).map((broker) => broker.close()));
  }
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Collects every message a client receives. */
export function collect(client: MqttClient): Received[] {
  const received: Received[] = [];
  client.on("message", (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
  return received;
}

/**
 * Subscribes and resolves with the QoS the broker granted per filter, 128 for a refused one. mqtt.js 5 rejects the
 * whole subscribeAsync when any filter got 128; the SUBACK it carries still tells which.
 */
export async function subscribeGranted(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    return granted.map((grant) => grant.qos);
  } catch (err) {
    const suback = (err as { packet?: { granted?: number[] } }).packet;
    if (suback?.granted === undefined) throw err;
    return suback.granted;
  }
}

/** waitForEvent for an mqtt.js client, whose typed emitter is not a node EventEmitter to the compiler. */
export function clientEvent<A extends unknown[]>(client: MqttClient, event: string): Promise<A> {
  return waitForEvent<A>(client as unknown as EventEmitter, event);
}
