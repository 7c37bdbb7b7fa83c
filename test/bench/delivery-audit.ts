// Delivery audit (not part of npm run bench): N simulated devices, one rollout, then every state transition the
// broker processed (its 'publish' event) against what reached the hub's MQTT client. Found Aedes' dedupe dropping
// acknowledged telemetry (README, Decisions). Run: npx tsx test/bench/delivery-audit.ts 1000 level|memory; the
// summary goes to /tmp/loss-summary.txt.
import type { EventEmitter } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pb } from "../../proto/index.js";
import { startTestHub } from "../helpers/hub.js";
import { ONE_STAGE_PLAN, createRollout, simRelease, startSimProcess } from "./sim-client.js";
const n = Number(process.argv[2] ?? 400);
const persistence = (process.argv[3] ?? "level") as "level" | "memory";
const dir = mkdtempSync(join(tmpdir(), "verge-loss-"));
const h = await startTestHub(join(dir, "hub"), { mqtt: { persistence } });
const seenBroker = new Map<string, number[]>();
const seenHub = new Map<string, number[]>();
const ev: string[] = [];
const aedes = h.hub.broker.aedes as unknown as EventEmitter;
aedes.on("publish", (packet: { topic: string; payload: Buffer }, client: { id: string } | null) => {
  if (!client || !packet.topic.endsWith("/up/state")) return;
  const m = pb.StateTransition.decode(packet.payload.subarray(0));
  (seenBroker.get(client.id) ?? seenBroker.set(client.id, []).get(client.id)!).push(Number(m.seq));
});
for (const e of ["clientDisconnect", "clientError", "connectionError", "keepaliveTimeout", "client"]) aedes.on(e, (c: { id: string }, err?: Error) => { if (c?.id === "verge-hub" || e !== "client") ev.push(`${Date.now()} ${e} ${c?.id} ${err?.message ?? ""}`); });
const raw = h.hub.mqtt.raw;
const orig = raw.handleMessage.bind(raw);
raw.handleMessage = (packet, cb) => {
  if (packet.cmd === "publish" && packet.topic.endsWith("/up/state")) {
    const id = packet.topic.split("/")[3]!;
    const m = pb.StateTransition.decode(packet.payload as Buffer);
    (seenHub.get(id) ?? seenHub.set(id, []).get(id)!).push(Number(m.seq));
  }
  orig(packet, cb);
};
raw.on("offline", () => ev.push(`${Date.now()} HUB OFFLINE`));
raw.on("reconnect", () => ev.push(`${Date.now()} HUB RECONNECT`));
const sim = await startSimProcess({ hubHttpUrl: h.hub.addresses.httpUrl, adminToken: h.adminToken, count: n, dataDir: join(dir, "sim"), kpiIntervalS: 60, heartbeatIntervalS: 60, agentConfig: { mqtt: { connectJitterMs: 5000 } } });
await sim.connected(n, 600_000);
console.log("connected");
await simRelease(h, "rel-1", "good");
await createRollout(h, { id: "ro-1", releaseId: "rel-1", plan: ONE_STAGE_PLAN });
const r = await sim.reached("ro-1", ["activated"], n, 600_000);
console.log("sim says all activated", r.lastAt);
const deadline = Date.now() + 30_000;
let missing: string[] = [];
while (Date.now() < deadline) {
  missing = h.hub.repos.rollouts.devices("ro-1").filter((d) => d.state !== "activated").map((d) => d.deviceId);
  if (missing.length === 0) break;
  await new Promise((r) => setTimeout(r, 500));
}
const { writeFileSync } = await import("node:fs");
const lines = [`missing at hub ${JSON.stringify(missing)}`, ...missing.map((id) => `${id} broker ${JSON.stringify(seenBroker.get(id))} hub ${JSON.stringify(seenHub.get(id))}`), ...ev.filter((e) => !e.includes("clientError") || ev.length < 400)];
writeFileSync("/tmp/loss-summary.txt", lines.join("\n"));
await sim.stop();
await h.stop();
process.exit(0);
