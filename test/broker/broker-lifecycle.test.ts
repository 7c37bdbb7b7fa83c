// Listeners and shutdown: TLS, closing with half-open connections, ids and metrics freed for the next broker.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { requireTool } from "../helpers/tools.js";
import { tempDir, waitForEvent } from "../helpers/wait.js";
import { BrokerHarness, principal } from "./harness.js";

describe("broker lifecycle", () => {
  const harness = new BrokerHarness();
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await harness.cleanup();
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  it("accepts devices on the TLS listener", async () => {
    const openssl = requireTool("openssl");
    const { dir, cleanup } = tempDir("verge-tls-");
    dirs.push(cleanup);
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    execFileSync(openssl, [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile,
    ], { stdio: "ignore" });
    harness.credentials.add(principal("dev-a", "device"));
    const broker = await harness.start({ tls: { port: 0, keyFile, certFile } });
    expect(broker.tlsPort).toBeGreaterThan(0);
    const device = await harness.connect(broker, "dev-a", {
      protocol: "mqtts", host: "127.0.0.1", port: broker.tlsPort!, ca: readFileSync(certFile), rejectUnauthorized: true,
    });
    expect(device.connected).toBe(true);
    expect((device.stream as TLSSocket).encrypted).toBe(true);
    expect((device.stream as TLSSocket).remotePort).toBe(broker.tlsPort);
  });

  it("closes promptly even with a connection that never sent CONNECT", async () => {
    const broker = await harness.start();
    const socket = tcpConnect(broker.port, "127.0.0.1");
    await waitForEvent(socket, "connect");
    const socketClosed = waitForEvent(socket, "close");
    await broker.close();
    await socketClosed;
  });

  it("frees its metrics so the next broker can use the same registry", async () => {
    const first = await harness.start();
    await first.close();
    const second = await harness.start();
    expect(second.port).toBeGreaterThan(0);
    expect(await harness.registry.metrics()).toContain("verge_mqtt_clients_connected 0");
  });
});
