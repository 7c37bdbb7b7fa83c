// The wire contract in one import: generated messages, topic names, envelope signing, and small codecs that turn
// decode failures into values (a rejection with a reason) instead of exceptions.
import { verge } from "./gen/verge.js";
import type { UpKind } from "./topics.js";

export { verge };
export * from "./topics.js";
export * from "./signing.js";
export * from "./kpi.js";

export const pb = verge.v1;

/** Deployment states by their DESIGN names; the protobuf enum is the wire form. */
export const DEPLOYMENT_STATES = [
  "pending",
  "downloading",
  "verified",
  "activated",
  "failed",
  "cancelled",
  "rolling_back",
  "rolled_back",
] as const;
export type DeploymentStateName = (typeof DEPLOYMENT_STATES)[number];

const STATE_TO_WIRE: Record<DeploymentStateName, verge.v1.DeploymentState> = {
  pending: pb.DeploymentState.DEPLOYMENT_STATE_PENDING,
  downloading: pb.DeploymentState.DEPLOYMENT_STATE_DOWNLOADING,
  verified: pb.DeploymentState.DEPLOYMENT_STATE_VERIFIED,
  activated: pb.DeploymentState.DEPLOYMENT_STATE_ACTIVATED,
  failed: pb.DeploymentState.DEPLOYMENT_STATE_FAILED,
  cancelled: pb.DeploymentState.DEPLOYMENT_STATE_CANCELLED,
  rolling_back: pb.DeploymentState.DEPLOYMENT_STATE_ROLLING_BACK,
  rolled_back: pb.DeploymentState.DEPLOYMENT_STATE_ROLLED_BACK,
};

export function stateToWire(state: DeploymentStateName): verge.v1.DeploymentState {
  return STATE_TO_WIRE[state];
}

/** undefined for UNSPECIFIED or a value this build does not know. */
export function stateFromWire(state: verge.v1.DeploymentState | number | null | undefined): DeploymentStateName | undefined {
  return DEPLOYMENT_STATES.find((name) => STATE_TO_WIRE[name] === state);
}

/** Terminal states of one deployment on one device. */
export function isTerminalState(state: DeploymentStateName): boolean {
  return state === "activated" || state === "failed" || state === "cancelled" || state === "rolled_back";
}

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: "decode"; detail: string };

function decodeWith<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): Decoded<T> {
  try {
    return { ok: true, message: decode(bytes) };
  } catch (err) {
    return { ok: false, reason: "decode", detail: (err as Error).message };
  }
}

export type UpMessage =
  | { kind: "state"; message: verge.v1.StateTransition }
  | { kind: "heartbeat"; message: verge.v1.Heartbeat }
  | { kind: "kpi"; message: verge.v1.KpiReport }
  | { kind: "ack"; message: verge.v1.CommandAck }
  | { kind: "inventory"; message: verge.v1.Inventory };

/** Decodes a device->hub payload by the kind its topic names. */
export function decodeUp(kind: UpKind, bytes: Uint8Array): { ok: true; up: UpMessage } | { ok: false; reason: "decode"; detail: string } {
  switch (kind) {
    case "state": {
      const r = decodeWith((b) => pb.StateTransition.decode(b), bytes);
      return r.ok ? { ok: true, up: { kind, message: r.message } } : r;
    }
    case "heartbeat": {
      const r = decodeWith((b) => pb.Heartbeat.decode(b), bytes);
      return r.ok ? { ok: true, up: { kind, message: r.message } } : r;
    }
    case "kpi": {
      const r = decodeWith((b) => pb.KpiReport.decode(b), bytes);
      return r.ok ? { ok: true, up: { kind, message: r.message } } : r;
    }
    case "ack": {
      const r = decodeWith((b) => pb.CommandAck.decode(b), bytes);
      return r.ok ? { ok: true, up: { kind, message: r.message } } : r;
    }
    case "inventory": {
      const r = decodeWith((b) => pb.Inventory.decode(b), bytes);
      return r.ok ? { ok: true, up: { kind, message: r.message } } : r;
    }
  }
}

export function decodeManifest(bytes: Uint8Array): Decoded<verge.v1.ReleaseManifest> {
  return decodeWith((b) => pb.ReleaseManifest.decode(b), bytes);
}
export function decodeDesiredState(bytes: Uint8Array): Decoded<verge.v1.DesiredState> {
  return decodeWith((b) => pb.DesiredState.decode(b), bytes);
}
export function decodeCommand(bytes: Uint8Array): Decoded<verge.v1.Command> {
  return decodeWith((b) => pb.Command.decode(b), bytes);
}
