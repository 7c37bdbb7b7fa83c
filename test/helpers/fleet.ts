// Many real device agents in one test process: enrolled in one call (POST /api/devices/import, through the simulator's
// enrollDevices), each with its own data dir, the A/B directory module and its own mqtt.js client, recording when it
// connected. For fleet-scale behaviour (reconnect storms); device-agent/simulator runs simulated devices instead.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseAgentConfig } from "../../device-agent/config.js";
import { startAgent } from "../../device-agent/agent.js";
import { enrollDevices } from "../../device-agent/simulator/enroll.js";
import type { Agent } from "../../device-agent/agent.js";
import type { TestHub } from "./hub.js";
import { testAgentConfig } from "./agents.js";
import type { TestAgentConfigOverrides } from "./agents.js";
import { testLogger } from "./wait.js";

export interface FleetAgent {
  id: string;
  agent: Agent;
  /** When startAgent returned (Date.now()). */
  startedAt: number;
  /** Every time the agent connected to the broker (its "connected" event), in order. */
  connectedAt: number[];
}

/** Enrolls `count` devices named `${prefix}-000`... and starts an agent for each. Stop them with stopFleet. */
export async function startFleet(h: TestHub, root: string, count: number, opts: TestAgentConfigOverrides & { prefix?: string } = {}): Promise<FleetAgent[]> {
  const prefix = opts.prefix ?? "fleet";
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
  const enrolled = await enrollDevices(h.hub.addresses.httpUrl, h.adminToken, ids.map((id) => ({ id, variant: "sc-x1" })));
  const logger = testLogger("fleet");
  return Promise.all(
    enrolled.map(async (row) => {
      const dataDir = join(root, row.id);
      mkdirSync(dataDir, { recursive: true });
      const parsed = parseAgentConfig(testAgentConfig(row.agentConfig, dataDir, opts));
      if (!parsed.ok) throw new Error(`agent config for ${row.id}: ${JSON.stringify(parsed.problems)}`);
      const agent = await startAgent(parsed.config, { logger });
      const member: FleetAgent = { id: row.id, agent, startedAt: Date.now(), connectedAt: [] };
      agent.events.on("connected", () => member.connectedAt.push(Date.now()));
      return member;
    }),
  );
}

/** Stops every agent of the fleet at once, without the goodbye (as a power cut would). */
export async function stopFleet(fleet: FleetAgent[]): Promise<void> {
  await Promise.all(fleet.map((a) => a.agent.stop({ abrupt: true })));
}
