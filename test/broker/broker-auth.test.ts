// Connecting to a real broker: who gets in, who is refused with which CONNACK code, and that refusals are counted.
import { afterEach, describe, expect, it } from "vitest";
import type { ErrorWithReasonCode } from "mqtt";
import type { RefusedEvent, RunningBroker } from "../../broker/broker.js";
import { waitForEvent } from "../helpers/wait.js";
import { BrokerHarness, clientEvent, principal } from "./harness.js";

const ID64 = `${"d".repeat(63)}9`;

describe("broker authentication", () => {
  const harness = new BrokerHarness();
  afterEach(() => harness.cleanup());

  async function brokerWithPrincipals(): Promise<RunningBroker> {
    for (const p of [principal("dev-a", "device"), principal(ID64, "device"), principal("hub", "hub"), principal("dev-off", "device", true)]) {
      harness.credentials.add(p);
    }
    return harness.start();
  }

  /** Connects and resolves with the error mqtt.js reports for the refused CONNACK, plus the broker's event. */
  async function refused(broker: RunningBroker, username: string, options: Parameters<BrokerHarness["connect"]>[2]) {
    const brokerEvent = waitForEvent<[RefusedEvent]>(broker, "refused");
    const client = harness.connectRaw(broker, username, options);
    const [error] = await clientEvent<[ErrorWithReasonCode]>(client, "error");
    const [event] = await brokerEvent;
    expect(client.connected).toBe(false);
    return { error, event };
  }

  it("lets a device with its secret connect, including a 64-character device id", async () => {
    const broker = await brokerWithPrincipals();
    const device = await harness.connect(broker, "dev-a");
    const long = await harness.connect(broker, ID64);
    expect(device.connected).toBe(true);
    expect(long.connected).toBe(true);
    expect(broker.stats().clientsConnected).toBe(2);
    expect(await harness.registry.metrics()).toContain("verge_mqtt_clients_connected 2");
  });

  it("refuses a wrong secret with CONNACK 4 and counts it", async () => {
    const broker = await brokerWithPrincipals();
    const { error, event } = await refused(broker, "dev-a", { password: "not-the-secret" });
    expect(error.code).toBe(4);
    expect(error.message).toBe("Connection refused: Bad username or password");
    expect(event).toMatchObject({ clientId: "dev-a", username: "dev-a", reason: "bad_credentials", remoteAddress: "127.0.0.1" });
    expect(broker.stats().connectionsRefused).toEqual({ bad_credentials: 1 });
    expect(await harness.registry.metrics()).toContain('verge_mqtt_connections_refused_total{reason="bad_credentials"} 1');
  });

  it("refuses an unknown username with CONNACK 4, indistinguishable from a wrong secret", async () => {
    const broker = await brokerWithPrincipals();
    const { error, event } = await refused(broker, "dev-nobody", {});
    expect(error.code).toBe(4);
    expect(event.reason).toBe("unknown_user");
    expect(broker.stats().connectionsRefused).toEqual({ unknown_user: 1 });
    expect(await harness.registry.metrics()).toContain('verge_mqtt_connections_refused_total{reason="unknown_user"} 1');
  });

  it("refuses a connection without username", async () => {
    const broker = await brokerWithPrincipals();
    const { error, event } = await refused(broker, "dev-a", { username: undefined, password: undefined });
    expect(error.code).toBe(4);
    expect(event).toMatchObject({ reason: "unknown_user", username: undefined });
  });

  it("refuses an empty client id with CONNACK 2", async () => {
    const broker = await brokerWithPrincipals();
    const { error, event } = await refused(broker, "dev-a", { clientId: "", clean: true });
    expect(error.code).toBe(2);
    expect(error.message).toBe("Connection refused: Identifier rejected");
    expect(event).toMatchObject({ clientId: "", reason: "bad_client_id" });
    expect(await harness.registry.metrics()).toContain('verge_mqtt_connections_refused_total{reason="bad_client_id"} 1');
  });

  it("refuses a device whose client id is not its username, so it cannot take over another device's session", async () => {
    const broker = await brokerWithPrincipals();
    const victim = await harness.connect(broker, ID64);
    const { error, event } = await refused(broker, "dev-a", { clientId: ID64 });
    expect(error.code).toBe(2);
    expect(event).toMatchObject({ clientId: ID64, username: "dev-a", reason: "bad_client_id" });
    expect(victim.connected).toBe(true);
    expect(broker.stats().connectionsRefused).toEqual({ bad_client_id: 1 });
  });

  it("refuses a disabled device with CONNACK 5", async () => {
    const broker = await brokerWithPrincipals();
    const { error, event } = await refused(broker, "dev-off", {});
    expect(error.code).toBe(5);
    expect(event.reason).toBe("disabled");
  });

  it("refuses a device whose will is not its own status topic", async () => {
    const broker = await brokerWithPrincipals();
    const { error, event } = await refused(broker, "dev-a", {
      will: { topic: "verge/v1/devices/dev-b/status", payload: Buffer.from("offline"), qos: 1, retain: true },
    });
    expect(error.code).toBe(5);
    expect(event.reason).toBe("bad_will");
  });

  it("lets service clients share a credential with username:instance client ids", async () => {
    const broker = await brokerWithPrincipals();
    const one = await harness.connect(broker, "hub", { clientId: "hub:api" });
    const two = await harness.connect(broker, "hub", { clientId: "hub:ingest" });
    expect(one.connected && two.connected).toBe(true);
  });

  it("counts every refusal reason separately", async () => {
    const broker = await brokerWithPrincipals();
    await refused(broker, "dev-a", { password: "x" });
    await refused(broker, "dev-a", { password: "y" });
    await refused(broker, "nobody", {});
    expect(broker.stats().connectionsRefused).toEqual({ bad_credentials: 2, unknown_user: 1 });
    const text = await harness.registry.metrics();
    expect(text).toContain('verge_mqtt_connections_refused_total{reason="bad_credentials"} 2');
    expect(text).toContain('verge_mqtt_connections_refused_total{reason="unknown_user"} 1');
  });
});
