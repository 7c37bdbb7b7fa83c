// IPC between the fleet/detection benchmarks and their simulator process (sim-driver.ts): the simulated devices run in
// a process of their own, so the hub's process holds only the hub (its RSS is the hub's) and the two share the cores
// as a hub and a broker-facing fleet would not.
export type SimCommand =
  | { type: "start"; hubHttpUrl: string; adminToken: string; count: number; dataDir: string; kpiIntervalS: number; heartbeatIntervalS: number; agentConfig: Record<string, unknown> }
  /** Devices that reported one of `states` for `rolloutId` (first time each), and when the last of them did. */
  | { type: "count"; rolloutId: string; states: string[] }
  | { type: "stop" };

export type SimReply =
  | { type: "started"; deviceIds: string[]; startCalledAt: number; startedAt: number }
  | { type: "connected"; connected: number; firstAt: number | null; lastAt: number | null }
  | { type: "counted"; devices: number; lastAt: number | null; firstAt: number | null }
  | { type: "stopped" }
  | { type: "error"; message: string };

export function isSimReply<T extends SimReply["type"]>(type: T) {
  return (m: unknown): m is Extract<SimReply, { type: T | "error" }> => typeof m === "object" && m !== null && ((m as { type?: unknown }).type === type || (m as { type?: unknown }).type === "error");
}
