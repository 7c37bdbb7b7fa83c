// Topic names of the wire contract (DESIGN.md "Wire contract"). The only place topic strings are built or parsed.

export const TOPIC_ROOT = "verge/v1";

/** Device ids are also MQTT usernames and client ids: 1-64 characters of [A-Za-z0-9._-]. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Release and rollout ids share the same alphabet so they are safe as topic levels and URL segments. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID_PATTERN.test(id);
}

export const UP_KINDS = ["state", "heartbeat", "kpi", "ack", "inventory"] as const;
export type UpKind = (typeof UP_KINDS)[number];

export const topics = {
  manifest: (releaseId: string) => `${TOPIC_ROOT}/releases/${releaseId}/manifest`,
  desired: (deviceId: string) => `${TOPIC_ROOT}/devices/${deviceId}/desired`,
  cmd: (deviceId: string) => `${TOPIC_ROOT}/devices/${deviceId}/cmd`,
  up: (deviceId: string, kind: UpKind) => `${TOPIC_ROOT}/devices/${deviceId}/up/${kind}`,
  status: (deviceId: string) => `${TOPIC_ROOT}/devices/${deviceId}/status`,
  rolloutStatus: (rolloutId: string) => `${TOPIC_ROOT}/rollouts/${rolloutId}/status`,
  rolloutEvents: (rolloutId: string) => `${TOPIC_ROOT}/rollouts/${rolloutId}/events`,
  /** Retained JSON for SCADA: the fleet-wide freeze and the disabled cohorts. */
  fleetStatus: `${TOPIC_ROOT}/fleet/status`,
  /** Retained JSON: the newest signed checkpoint of the hub's audit chain (hub/audit-checkpoints.ts); SCADA may read it. */
  auditCheckpoint: `${TOPIC_ROOT}/audit/checkpoint`,
  /** What the hub subscribes to for device telemetry. */
  allUp: `${TOPIC_ROOT}/devices/+/up/+`,
  allStatus: `${TOPIC_ROOT}/devices/+/status`,
} as const;

export type ParsedTopic =
  | { kind: "manifest"; releaseId: string }
  | { kind: "desired"; deviceId: string }
  | { kind: "cmd"; deviceId: string }
  | { kind: "up"; deviceId: string; up: UpKind }
  | { kind: "status"; deviceId: string }
  | { kind: "rolloutStatus"; rolloutId: string }
  | { kind: "rolloutEvents"; rolloutId: string };

/** Parses a concrete (wildcard-free) topic of the contract; undefined for anything else. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split("/");
  if (parts[0] !== "verge" || parts[1] !== "v1") return undefined;
  const [, , area, id, leaf, sub, ...rest] = parts;
  if (id === undefined || id === "" || rest.length > 0) return undefined;
  if (area === "releases" && leaf === "manifest" && sub === undefined) {
    return RESOURCE_ID_PATTERN.test(id) ? { kind: "manifest", releaseId: id } : undefined;
  }
  if (area === "rollouts" && sub === undefined && RESOURCE_ID_PATTERN.test(id)) {
    if (leaf === "status") return { kind: "rolloutStatus", rolloutId: id };
    if (leaf === "events") return { kind: "rolloutEvents", rolloutId: id };
    return undefined;
  }
  if (area !== "devices" || !isValidDeviceId(id)) return undefined;
  if (sub === undefined) {
    if (leaf === "desired") return { kind: "desired", deviceId: id };
    if (leaf === "cmd") return { kind: "cmd", deviceId: id };
    if (leaf === "status") return { kind: "status", deviceId: id };
    return undefined;
  }
  if (leaf === "up" && (UP_KINDS as readonly string[]).includes(sub)) {
    return { kind: "up", deviceId: id, up: sub as UpKind };
  }
  return undefined;
}
