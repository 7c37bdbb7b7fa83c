// The API's response shapes the CLI reads, as types only (nothing of the hub is loaded at run time). Where the hub
// exports the type it is used directly, so a shape change there breaks the CLI's typecheck.
import type { AuditRecord, AuditVerification } from "../repos/audit.repo.js";
import type { SignedCheckpoint } from "../audit-checkpoints.js";
import type { PrincipalRecord } from "../repos/devices.repo.js";
import type { TransitionRecord } from "../repos/telemetry.repo.js";
import type { ApiToken } from "../repos/tokens.repo.js";
import type { DevicePage, DevicesService, DeviceView, ImportResult } from "../services/devices.service.js";
import type { BundleView } from "../services/diagnostics.service.js";
import type { BundleDisplayStatus } from "../diagnostics/decisions.js";
import type { RolloutEventJson, RolloutStatusView } from "../services/rollouts.service.js";
import type { ScadaCredential } from "../services/scada.service.js";
import type { DeliveryView, WebhookView } from "../services/webhooks.service.js";

export type { AuditRecord, ApiToken, BundleView, DeliveryView, DevicePage, DeviceView, ImportResult, TransitionRecord, WebhookView };

/** One rollout event, the same JSON everywhere (API, MQTT events topic): eventJson() in the rollouts service. */
export type EventView = RolloutEventJson;

/** GET /api/rollouts/:id and the verbs' answers. */
/** A device's diagnostics bundle asked during the rollout (e.g. after its failure), as GET /api/rollouts/{id} links it. */
export interface DeviceDiagnosticsLink {
  bundleId: string;
  status: BundleDisplayStatus;
  url: string;
}
export type StatusView = Omit<RolloutStatusView, "devices"> & {
  devices: Array<RolloutStatusView["devices"][number] & { diagnostics?: DeviceDiagnosticsLink | null }>;
};

/** GET /api/devices/:id: the device, its last 20 transitions (oldest first) and its running rollout. */
export type DeviceDetail = ReturnType<DevicesService["show"]>;

export type ScadaPrincipal = PrincipalRecord;
export type CreatedScada = ScadaCredential;

/** GET/POST /api/audit/verify; `checkpointRefused` when the checkpoint given does not verify (nothing else is checked then). */
export type AuditVerify = Partial<AuditVerification> & { ok: boolean; problems: string[]; checkpointRefused?: string };

/** GET /api/audit/checkpoint: the newest signed checkpoint, where it came from, and the hub key to check it with. */
export interface AuditCheckpointAnswer {
  checkpoint: SignedCheckpoint | null;
  source: string | null;
  keyId: string;
  publicKey: string;
}
