// Who may connect, publish and subscribe: pure decisions over a principal and a topic (DESIGN.md "Wire contract", ACL).
// No Aedes, no I/O; broker.ts applies the verdicts and counts the denials.
import { TOPIC_ROOT, isValidDeviceId, parseTopic, topics } from "../proto/topics.js";
import type { Principal } from "./credentials.js";
import { verifySecret } from "./secrets.js";

export type ConnectRefusal = "unknown_user" | "bad_credentials" | "disabled" | "bad_client_id" | "bad_will";
/** MQTT 3.1.1 CONNACK return codes: 2 identifier rejected, 4 bad username or password, 5 not authorized. */
export type ConnectVerdict = { ok: true } | { ok: false; reason: ConnectRefusal; returnCode: 2 | 4 | 5 };

export type AclDenial = "reserved_topic" | "other_device" | "wildcard" | "not_allowed" | "payload_too_large";
export type AclVerdict = { ok: true } | { ok: false; reason: AclDenial };
export type PublishVerdict = { ok: true; stripRetain?: boolean } | { ok: false; reason: AclDenial };
export type SubscribeVerdict = AclVerdict;

const ROOT_PREFIX = `${TOPIC_ROOT}/`;
const ROLLOUTS_PREFIX = `${TOPIC_ROOT}/rollouts/`;

/**
 * A device's client id is its username (= device id). A service (hub, scada) uses its username or
 * `username:<anything>`, so several service connections can share one credential; ':' is not allowed in device ids,
 * so a service connection can never take over a device's session.
 */
function clientIdAllowed(principal: Principal, clientId: string): boolean {
  switch (principal.role) {
    case "device":
      return clientId === principal.username && isValidDeviceId(clientId);
    case "hub":
    case "scada":
      return clientId === principal.username || (!principal.username.includes(":") && clientId.startsWith(`${principal.username}:`));
  }
}

/**
 * Decides a CONNECT. `willTopic` is the topic of the will the client registers, if any.
 * Unknown users and wrong secrets both get return code 4, so the wire does not tell which usernames exist.
 */
export function checkConnect(
  principal: Principal | undefined,
  clientId: string,
  password: Buffer | string | undefined,
  willTopic?: string,
): ConnectVerdict {
  if (clientId === "") return { ok: false, reason: "bad_client_id", returnCode: 2 };
  if (principal === undefined) return { ok: false, reason: "unknown_user", returnCode: 4 };
  const secret = typeof password === "string" ? password : password?.toString("utf8");
  if (secret === undefined || !verifySecret(secret, principal.secretHash)) {
    return { ok: false, reason: "bad_credentials", returnCode: 4 };
  }
  if (principal.disabled) return { ok: false, reason: "disabled", returnCode: 5 };
  if (!clientIdAllowed(principal, clientId)) return { ok: false, reason: "bad_client_id", returnCode: 2 };
  if (willTopic !== undefined && !checkWill(principal, clientId, willTopic).ok) {
    return { ok: false, reason: "bad_will", returnCode: 5 };
  }
  return { ok: true };
}

/**
 * Decides a PUBLISH. A device may publish its own `up/{kind}` and `status`; the retain flag is kept only where the
 * contract retains (`up/inventory`, `status`) and is otherwise stripped rather than refused. The hub publishes anything
 * under the topic root; SCADA publishes nothing. `$`-topics are the broker's own.
 */
export function checkPublish(principal: Principal, _clientId: string, topic: string, retain: boolean): PublishVerdict {
  if (topic.startsWith("$")) return { ok: false, reason: "reserved_topic" };
  switch (principal.role) {
    case "device": {
      const parsed = parseTopic(topic);
      if (parsed === undefined || (parsed.kind !== "up" && parsed.kind !== "status")) return { ok: false, reason: "not_allowed" };
      if (parsed.deviceId !== principal.username) return { ok: false, reason: "other_device" };
      const retained = parsed.kind === "status" || parsed.up === "inventory";
      return retain && !retained ? { ok: true, stripRetain: true } : { ok: true };
    }
    case "hub":
      return topic.startsWith(ROOT_PREFIX) ? { ok: true } : { ok: false, reason: "not_allowed" };
    case "scada":
      return { ok: false, reason: "not_allowed" };
  }
}

/** A will is a publish the broker makes for the client; a device's will must be its own `status` topic. */
export function checkWill(principal: Principal, clientId: string, topic: string): AclVerdict {
  if (principal.role === "device" && topic !== topics.status(principal.username)) {
    return { ok: false, reason: topic.startsWith("$") ? "reserved_topic" : "not_allowed" };
  }
  const verdict = checkPublish(principal, clientId, topic, true);
  return verdict.ok ? { ok: true } : verdict;
}

/** Devices publish small protobuf messages; anything larger than the limit is refused. Services are not limited here. */
export function checkPayloadSize(principal: Principal, bytes: number, maxBytes: number): AclVerdict {
  return principal.role === "device" && bytes > maxBytes ? { ok: false, reason: "payload_too_large" } : { ok: true };
}

function hasWildcard(filter: string): boolean {
  return filter.includes("+") || filter.includes("#");
}

/**
 * Decides one SUBSCRIBE filter. A device: exactly its own `desired` and `cmd`, and the manifest of a named release,
 * never a wildcard (every retained manifest it does not need is bytes paid on a cellular plan). The hub: anything
 * under the topic root. SCADA: filters inside `verge/v1/rollouts/`, `verge/v1/fleet/status` (the freeze) and
 * `verge/v1/audit/checkpoint` (signed audit checkpoints, so copies of them live outside the hub).
 * Also used for delivery (`authorizeForward`): a concrete topic is a filter without wildcards.
 */
export function checkSubscribe(principal: Principal, _clientId: string, topicFilter: string): SubscribeVerdict {
  if (topicFilter.startsWith("$")) return { ok: false, reason: "reserved_topic" };
  switch (principal.role) {
    case "device": {
      if (hasWildcard(topicFilter)) return { ok: false, reason: "wildcard" };
      const parsed = parseTopic(topicFilter);
      if (parsed?.kind === "manifest") return { ok: true };
      if (parsed?.kind !== "desired" && parsed?.kind !== "cmd") return { ok: false, reason: "not_allowed" };
      return parsed.deviceId === principal.username ? { ok: true } : { ok: false, reason: "other_device" };
    }
    case "hub":
      return topicFilter.startsWith(ROOT_PREFIX) ? { ok: true } : { ok: false, reason: "not_allowed" };
    case "scada":
      return topicFilter.startsWith(ROLLOUTS_PREFIX) || topicFilter === topics.fleetStatus || topicFilter === topics.auditCheckpoint ? { ok: true } : { ok: false, reason: "not_allowed" };
  }
}
