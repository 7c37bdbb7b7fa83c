// Rollouts (single stage for now): target devices with a release, sign and publish a retained desired state per
// device, keep per-device deployment state from telemetry, complete when every device is done.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import { DEPLOYMENT_STATES, PAYLOAD_TYPES, RESOURCE_ID_PATTERN, isTerminalState, pb, signEnvelope, topics } from "../../proto/index.js";
import type { DeploymentStateName } from "../../proto/index.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { Auditor } from "../audit.js";
import type { Db } from "../db/database.js";
import type { HubKeys } from "../keys.js";
import type { DevicesRepo } from "../repos/devices.repo.js";
import type { Release, ReleasesRepo } from "../repos/releases.repo.js";
import type { Rollout, RolloutDevice, RolloutsRepo } from "../repos/rollouts.repo.js";

export interface MqttPublisher {
  publish(topic: string, payload: Uint8Array | string, opts: { retain: boolean; qos: 0 | 1 }): Promise<void>;
}

export const createRolloutSchema = z
  .object({
    id: z.string().regex(RESOURCE_ID_PATTERN, "rollout id: 1-128 characters of A-Z a-z 0-9 . _ -").optional(),
    releaseId: z.string().min(1),
    devices: z.array(z.string().min(1)).min(1, "list at least one device"),
  })
  .strict();

export interface ExcludedDevice {
  deviceId: string;
  reason: "incompatible_variant" | "unknown_device";
  detail: string;
}

export type Progress = Record<DeploymentStateName, number> & { total: number };

export interface RolloutStatusView {
  rollout: Rollout;
  release: Pick<Release, "id" | "version" | "counter">;
  progress: Progress;
  devices: RolloutDevice[];
}

export class RolloutsService {
  constructor(
    private readonly db: Db,
    private readonly rollouts: RolloutsRepo,
    private readonly releases: ReleasesRepo,
    private readonly devices: DevicesRepo,
    private readonly keys: HubKeys,
    private readonly publisher: MqttPublisher,
    private readonly auditor: Auditor,
    private readonly logger: Logger,
    private readonly desiredStateTtlMs: number,
    private readonly now: () => number,
  ) {}

  async create(input: unknown, actor: string): Promise<RolloutStatusView & { excluded: ExcludedDevice[] }> {
    const parsed = createRolloutSchema.safeParse(input);
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    const req = parsed.data;
    const release = this.releases.get(req.releaseId);
    if (!release) throw notFound(`release ${req.releaseId}`);
    const id = req.id ?? `ro-${new Date(this.now()).toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(3).toString("hex")}`;
    if (this.rollouts.get(id)) throw conflict(`rollout ${id} already exists`);

    const excluded: ExcludedDevice[] = [];
    const targets: string[] = [];
    for (const deviceId of [...new Set(req.devices)]) {
      const device = this.devices.get(deviceId);
      if (!device) {
        excluded.push({ deviceId, reason: "unknown_device", detail: `device ${deviceId} is not enrolled` });
      } else if (!release.variants.includes(device.variant)) {
        excluded.push({ deviceId, reason: "incompatible_variant", detail: `variant ${device.variant} is not among the release's variants (${release.variants.join(", ")})` });
      } else {
        targets.push(deviceId);
      }
    }
    if (targets.length === 0) {
      throw badRequest(`no device can take release ${release.id}: ${excluded.map((e) => `${e.deviceId} (${e.detail})`).join("; ")}`);
    }
    const busy = targets.flatMap((d) => this.rollouts.activeRolloutsFor(d).map((r) => `${d} (rollout ${r.rolloutId}, release ${r.releaseId})`));
    if (busy.length > 0) throw conflict(`devices already in an active rollout: ${busy.join(", ")}`);

    const now = this.now();
    this.db.transaction(() => {
      this.rollouts.insert({ id, releaseId: release.id, status: "active", createdBy: actor }, targets, now);
      for (const deviceId of targets) this.issueDesiredState(deviceId, id, release.id, now);
    })();
    this.auditor.record({ actor, action: "rollout.create", target: id, result: "ok", details: { releaseId: release.id, devices: targets, excluded } });
    await this.publishRollout(id);
    return { ...this.status(id), excluded };
  }

  /** Signs the next desired state for a device (inside the caller's transaction) and records it for republishing. */
  private issueDesiredState(deviceId: string, rolloutId: string, releaseId: string, now: number): void {
    const seq = this.devices.nextHubSeq(deviceId);
    const expiresAt = now + this.desiredStateTtlMs;
    const desired = pb.DesiredState.encode({
      deviceId,
      seq,
      issuedAt: now,
      expiresAt,
      action: pb.DesiredAction.DESIRED_ACTION_INSTALL,
      releaseId,
      rolloutId,
      stage: "all",
      activate: true,
    }).finish();
    const envelope = Buffer.from(signEnvelope(PAYLOAD_TYPES.desired, desired, [this.keys.hub]));
    this.rollouts.saveDesiredState({ deviceId, seq, rolloutId, releaseId, action: "install", envelope, issuedAt: now, expiresAt });
    this.rollouts.setDesiredSeq(rolloutId, deviceId, seq);
  }

  /** Publishes (retained) the release manifest and every device's desired state of a rollout. */
  private async publishRollout(rolloutId: string): Promise<void> {
    const rollout = this.rollouts.get(rolloutId);
    if (!rollout) return;
    const manifest = this.releases.manifestEnvelope(rollout.releaseId);
    if (manifest) await this.publisher.publish(topics.manifest(rollout.releaseId), manifest, { retain: true, qos: 1 });
    const deviceIds = new Set(this.rollouts.devices(rolloutId).map((d) => d.deviceId));
    const desired = this.rollouts.desiredStates().filter((d) => deviceIds.has(d.deviceId) && d.rolloutId === rolloutId);
    await Promise.all(desired.map((d) => this.publisher.publish(topics.desired(d.deviceId), d.envelope, { retain: true, qos: 1 })));
  }

  /**
   * At start: publish again, byte for byte, the manifests and desired states of active rollouts, so devices converge
   * even if the broker lost its retained store (memory persistence, an external broker that was replaced).
   */
  async republishActive(): Promise<number> {
    const active = this.rollouts.list({ status: "active" });
    for (const r of active) await this.publishRollout(r.id);
    return active.length;
  }

  /**
   * Re-signs, with a new seq, every desired state of an active rollout that is past half its validity, and publishes
   * it: a device offline for longer than the validity still finds a desired state it accepts when it comes back.
   */
  async refreshExpiring(now = this.now()): Promise<number> {
    const active = new Set(this.rollouts.list({ status: "active" }).map((r) => r.id));
    const due = this.rollouts
      .desiredStates()
      .filter((d) => d.rolloutId !== null && d.releaseId !== null && active.has(d.rolloutId) && d.expiresAt - now < this.desiredStateTtlMs / 2);
    if (due.length === 0) return 0;
    this.db.transaction(() => {
      for (const d of due) this.issueDesiredState(d.deviceId, d.rolloutId!, d.releaseId!, now);
    })();
    const fresh = new Map(this.rollouts.desiredStates().map((d) => [d.deviceId, d]));
    for (const d of due) {
      const record = fresh.get(d.deviceId)!;
      await this.publisher.publish(topics.desired(d.deviceId), record.envelope, { retain: true, qos: 1 });
    }
    this.logger.info({ count: due.length }, "desired states re-signed before expiry");
    return due.length;
  }

  /** Completes active rollouts whose devices have all reached a terminal state. Returns the ids completed. */
  refresh(rolloutIds: Iterable<string>): string[] {
    const completed: string[] = [];
    for (const id of new Set(rolloutIds)) {
      const rollout = this.rollouts.get(id);
      if (!rollout || rollout.status !== "active") continue;
      const progress = this.rollouts.progress(id);
      const done = DEPLOYMENT_STATES.filter(isTerminalState).reduce((n, s) => n + progress[s], 0);
      if (progress.total > 0 && done === progress.total) {
        this.rollouts.setStatus(id, "completed", this.now());
        this.auditor.record({ actor: "hub", action: "rollout.complete", target: id, result: "ok", details: { progress } });
        this.logger.info({ rolloutId: id, progress }, "rollout completed");
        completed.push(id);
      }
    }
    return completed;
  }

  status(id: string): RolloutStatusView {
    const rollout = this.rollouts.get(id);
    if (!rollout) throw notFound(`rollout ${id}`);
    const release = this.releases.get(rollout.releaseId)!;
    return {
      rollout,
      release: { id: release.id, version: release.version, counter: release.counter },
      progress: this.rollouts.progress(id),
      devices: this.rollouts.devices(id),
    };
  }

  list(): Rollout[] {
    return this.rollouts.list();
  }
}
