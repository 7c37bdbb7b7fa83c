// Hostile bytes before authentication, against the built verge-broker in a process of its own: CONNECTs that declare
// 64 MiB, each followed by megabytes, must be refused at their header, so the broker's memory does not grow with them.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import type { Socket } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { hashSecret } from "../../broker/secrets.js";
import { openDatabase } from "../../hub/db/database.js";
import { topics } from "../../proto/index.js";
import { tempDir, waitFor, waitForEvent } from "../helpers/wait.js";
import { secretOf } from "./harness.js";
import { fixedHeader } from "./mqtt-bytes.js";

const BROKER_BIN = join(process.cwd(), "dist/broker/main.js");
const MIB = 1024 * 1024;

interface LogLine {
  msg?: string;
  port?: number;
  packet?: string;
  reason?: string;
  remoteAddress?: string;
  declaredBytes?: number;
}

interface BrokerProcess {
  child: ChildProcess;
  port: number;
  logs: LogLine[];
}

/** VmRSS of a process in bytes, from /proc. */
function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** The fixed header of a CONNECT that declares `length` bytes of body. */
const connectHeader = (length: number): Buffer => fixedHeader(0x10, length);

/**
 * Opens a socket, sends a CONNECT header declaring 64 MiB and then streams up to `streamBytes` of body, as fast as
 * the socket takes it, until the broker closes the connection. Resolves with the bytes the socket accepted.
 */
async function hostileConnect(port: number, streamBytes: number, sockets: Socket[]): Promise<number> {
  const socket = tcpConnect(port, "127.0.0.1");
  sockets.push(socket);
  let closed = false;
  socket.on("error", () => undefined); // the broker resets the connection
  const closedPromise = waitForEvent(socket, "close", () => true, 30_000).then(() => {
    closed = true;
  });
  await waitForEvent(socket, "connect");
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  socket.write(connectHeader(64 * MIB));
  while (!closed && sent < streamBytes) {
    sent += chunk.length;
    if (!socket.write(chunk)) await Promise.race([waitForEvent(socket, "drain", () => true, 30_000), closedPromise]);
  }
  await closedPromise;
  return sent;
}

async function startBrokerProcess(dataDir: string): Promise<BrokerProcess> {
  const child = spawn(process.execPath, [BROKER_BIN, "--data-dir", dataDir, "--host", "127.0.0.1", "--port", "0", "--persistence", "memory"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      // not a log line
    }
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = await waitFor(
    `verge-broker listening (stderr: ${stderr})`,
    () => (child.exitCode === null ? logs.find((l) => l.msg === "verge-broker listening") : Promise.reject(new Error(`exited: ${stderr}`))),
    20_000,
  );
  return { child, port: listening.port!, logs };
}

describe("verge-broker under hostile CONNECTs", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("refuses 4 pre-auth CONNECTs declaring 64 MiB, each streaming megabytes, at their header: RSS grows under 5 MiB, sockets closed by the broker, refusals logged with the address", async () => {
    const { dir, cleanup } = tempDir("verge-hostile-");
    cleanups.push(cleanup);
    const db = openDatabase(join(dir, "verge.db"));
    db.prepare("INSERT INTO mqtt_principals (username, role, secret_hash, created_at) VALUES (?, 'device', ?, ?)").run("dev-a", hashSecret(secretOf("dev-a")), Date.now());
    db.close();

    const broker = await startBrokerProcess(dir);
    cleanups.push(async () => {
      if (broker.child.exitCode !== null) return;
      const exited = waitForEvent(broker.child, "exit");
      broker.child.kill("SIGTERM");
      await exited;
    });
    const sockets: Socket[] = [];
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    const refusals = () => broker.logs.filter((l) => l.msg?.startsWith("mqtt packet refused") === true);

    // Warm up the paths a device and a refusal take, so the baseline has their code and buffers already.
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      protocolVersion: 4, reconnectPeriod: 0, clientId: "dev-a", username: "dev-a", password: secretOf("dev-a"),
    });
    await device.publishAsync(topics.up("dev-a", "kpi"), Buffer.alloc(1024), { qos: 1 });
    await device.endAsync();
    await hostileConnect(broker.port, 4 * MIB, sockets);
    await waitFor("the warm-up refusal logged", () => refusals().length === 1);

    const before = rssBytes(broker.child.pid!);
    const sent = await Promise.all(Array.from({ length: 4 }, () => hostileConnect(broker.port, 32 * MIB, sockets)));
    await waitFor("4 more refusals logged", () => refusals().length === 5);
    const growth = rssBytes(broker.child.pid!) - before;

    expect(growth).toBeLessThan(5 * MIB);
    // Each socket was closed by the broker long before it could send what it meant to.
    for (const bytes of sent) expect(bytes).toBeLessThan(32 * MIB);
    for (const line of refusals()) {
      expect(line).toMatchObject({ packet: "connect", reason: "too_large", declaredBytes: 64 * MIB, remoteAddress: "127.0.0.1" });
    }
    // The broker keeps serving devices.
    expect(broker.child.exitCode).toBeNull();
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      protocolVersion: 4, reconnectPeriod: 0, clientId: "dev-a", username: "dev-a", password: secretOf("dev-a"),
    });
    await again.publishAsync(topics.up("dev-a", "kpi"), "still here", { qos: 1 });
    await again.endAsync();
  });
});
