// Remote diagnostics: asks a device for a bundle of its logs and state (a signed COLLECT_DIAGNOSTICS command), takes
// the resumable upload the device answers with (HTTP Basic with its own secret, HEAD for the offset, PUT with
// Content-Range to append), checks size and sha256, keeps the last few bundles per device on disk, follows the
// device's acks, and asks on its own when a device reports a failed deployment.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, rmSync } from "node:fs";
import { mkdir, open, rename, rm, stat, statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import { z } from "zod";
import { verifySecret } from "../../broker/secrets.js";
import { PAYLOAD_TYPES, pb, signEnvelope, topics } from "../../proto/index.js";
import type { DeploymentStateName } from "../../proto/index.js";
import type { Auditor } from "../audit.js";
import { assessUpload, bundlesToPrune, displayStatus, isFinished, parseBasicAuth, parseContentRange, shouldAutoCollect } from "../diagnostics/decisions.js";
import type { AutoCollectPolicy, BundleDisplayStatus } from "../diagnostics/decisions.js";
import { HubError, badRequest, conflict, notFound } from "../errors.js";
import type { HubKeys } from "../keys.js";
import type { HubMetrics } from "../metrics.js";
import type { DevicesRepo } from "../repos/devices.repo.js";
import type { DiagnosticBundle, DiagnosticsRepo } from "../repos/diagnostics.repo.js";
import type { MqttPublisher } from "./rollouts.service.js";

export interface DiagnosticsSettings {
  /** Where bundles are stored: <dataDir>/diagnostics. */
  dir: string;
  maxBundleBytes: number;
  keepPerDevice: number;
  minFreeBytes: number;
  staleAfterMs: number;
  autoCollect: AutoCollectPolicy;
  commandTtlMs: number;
  /** The hub's public HTTP base URL (known once the server listens). */
  httpUrl: () => string;
  /** Free bytes in a directory; statfs by default. */
  freeBytes?: (dir: string) => Promise<number>;
}

export interface DiagnosticsDeps {
  repo: DiagnosticsRepo;
  devices: DevicesRepo;
  keys: HubKeys;
  publisher: MqttPublisher;
  auditor: Auditor;
  metrics: HubMetrics;
  logger: Logger;
  settings: DiagnosticsSettings;
  now: () => number;
  /** Links an automatic bundle to the failure it documents (a rollout event). */
  onAutoRequested?: (rolloutId: string, deviceId: string, bundle: { bundleId: string; url: string; why: string }) => Promise<void>;
}

/** A bundle as the API shows it. */
export interface BundleView {
  bundleId: string;
  deviceId: string;
  status: BundleDisplayStatus;
  trigger: "operator" | "auto";
  requestedAt: number;
  requestedBy: string;
  reason: string | null;
  rolloutId: string | null;
  releaseId: string | null;
  /** Why it failed (the device's or the hub's reason) and a sentence about it. */
  statusReason: string | null;
  statusDetail: string | null;
  /** Declared by the device with its first chunk; null until then. */
  size: number | null;
  sha256: string | null;
  received: number;
  updatedAt: number;
  completedAt: number | null;
  /** Where the bundle is downloaded (GET, viewer token) once complete. */
  url: string;
}

export interface UploadState {
  bundleId: string;
  /** Bytes the hub holds: the next PUT starts here. */
  offset: number;
  size: number | null;
  complete: boolean;
  maxBytes: number;
}

export const collectSchema = z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict();

/** A chunk upload in progress for a bundle: a newer request for the same bundle cuts it and waits for it to settle. */
interface Writer {
  cut: () => void;
  done: Promise<void>;
}

export class DiagnosticsService {
  private readonly writers = new Map<string, Writer>();
  private readonly freeBytes: (dir: string) => Promise<number>;

  constructor(private readonly d: DiagnosticsDeps) {
    this.freeBytes = d.settings.freeBytes ?? (async (dir) => {
      const s = await statfs(dir);
      return Number(s.bavail) * Number(s.bsize);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Operators
  // ---------------------------------------------------------------------------------------------------------------

  /** `verge device diag collect`: a new bundle asked of the device, audited. */
  async collect(deviceId: string, body: unknown, actor: string): Promise<BundleView> {
    const parsed = collectSchema.safeParse(body ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    if (!this.d.devices.get(deviceId)) throw notFound(`device ${deviceId}`);
    // Linked to the device's running rollout, else the one it took part in last (e.g. the one it just failed).
    const membership = this.d.devices.activeRollouts([deviceId]).get(deviceId) ?? this.d.repo.lastRollout(deviceId);
    const bundle = await this.request(deviceId, {
      trigger: "operator",
      actor,
      reason: parsed.data.reason ?? null,
      rolloutId: membership?.rolloutId ?? null,
      releaseId: membership?.releaseId ?? null,
    });
    return this.view(bundle);
  }

  list(deviceId: string): BundleView[] {
    if (!this.d.devices.get(deviceId)) throw notFound(`device ${deviceId}`);
    return this.d.repo.list(deviceId).map((b) => this.view(b));
  }

  /**
   * The stored file of a complete bundle (`latest`: the newest complete one), for download; audited as
   * device.diag.get. A bundle not complete (yet) is a conflict that says where it is.
   */
  open(deviceId: string, bundleId: string, actor: string): { bundle: BundleView; file: string } {
    if (!this.d.devices.get(deviceId)) throw notFound(`device ${deviceId}`);
    let b: DiagnosticBundle | undefined;
    if (bundleId === "latest") {
      b = this.d.repo.list(deviceId).find((x) => x.status === "complete");
      if (!b) throw notFound(`a complete diagnostics bundle of ${deviceId} (ask for one: verge device diag collect ${deviceId} --wait)`);
    } else {
      b = this.d.repo.get(bundleId);
      if (!b || b.deviceId !== deviceId) throw notFound(`diagnostics bundle ${bundleId} of device ${deviceId}`);
    }
    const view = this.view(b);
    if (b.status !== "complete") {
      const where =
        view.status === "failed"
          ? `failed: ${b.statusReason ?? "unknown"}${b.statusDetail ? ` (${b.statusDetail})` : ""}`
          : view.status === "expired"
            ? `expired: no word from the device since ${new Date(b.updatedAt).toISOString()}`
            : `still ${view.status}${b.size ? ` (${b.received} of ${b.size} bytes)` : ""}`;
      throw conflict(`diagnostics bundle ${b.id} of ${deviceId} is not complete: ${where}`);
    }
    this.d.auditor.record({ actor, action: "device.diag.get", target: deviceId, result: "ok", details: { bundleId: b.id, size: b.size, sha256: b.sha256 } });
    return { bundle: view, file: this.finalPath(b.id) };
  }

  view(b: DiagnosticBundle): BundleView {
    return {
      bundleId: b.id,
      deviceId: b.deviceId,
      status: displayStatus(b, this.d.now(), this.d.settings.staleAfterMs),
      trigger: b.trigger,
      requestedAt: b.requestedAt,
      requestedBy: b.requestedBy,
      reason: b.reason,
      rolloutId: b.rolloutId,
      releaseId: b.releaseId,
      statusReason: b.statusReason,
      statusDetail: b.statusDetail,
      size: b.size,
      sha256: b.sha256,
      received: b.received,
      updatedAt: b.updatedAt,
      completedAt: b.completedAt,
      url: this.url(b.deviceId, b.id),
    };
  }

  /** For each device of a rollout with a bundle asked during it: the newest, as a link for the rollout's device view. */
  linksForRollout(rolloutId: string): Map<string, { bundleId: string; status: BundleDisplayStatus; url: string }> {
    const out = new Map<string, { bundleId: string; status: BundleDisplayStatus; url: string }>();
    for (const [deviceId, b] of this.d.repo.latestByRollout(rolloutId)) {
      out.set(deviceId, { bundleId: b.id, status: displayStatus(b, this.d.now(), this.d.settings.staleAfterMs), url: this.url(deviceId, b.id) });
    }
    return out;
  }

  private url(deviceId: string, bundleId: string): string {
    return `${this.d.settings.httpUrl()}/api/devices/${encodeURIComponent(deviceId)}/diagnostics/bundles/${encodeURIComponent(bundleId)}`;
  }

  /** Inserts the request, signs and publishes the command (args: bundle id, upload path, size limit), audits. */
  private async request(
    deviceId: string,
    r: { trigger: "operator" | "auto"; actor: string; reason: string | null; rolloutId: string | null; releaseId: string | null },
  ): Promise<DiagnosticBundle> {
    const now = this.d.now();
    const bundleId = `dg-${new Date(now).toISOString().replace(/[-:TZ.]/g, "").slice(0, 14)}-${randomBytes(4).toString("hex")}`;
    const seq = this.d.devices.nextHubSeq(deviceId);
    const bundle = this.d.repo.insert({ id: bundleId, deviceId, trigger: r.trigger, requestedAt: now, requestedBy: r.actor, reason: r.reason, rolloutId: r.rolloutId, releaseId: r.releaseId, commandId: bundleId, commandSeq: seq });
    const command = pb.Command.encode({
      deviceId,
      seq,
      issuedAt: now,
      expiresAt: now + this.d.settings.commandTtlMs,
      commandId: bundleId,
      type: pb.CommandType.COMMAND_TYPE_COLLECT_DIAGNOSTICS,
      rolloutId: r.rolloutId ?? "",
      releaseId: r.releaseId ?? "",
      // The path is resolved by the agent against its own configured hub.httpUrl (as artifact URLs are).
      args: { bundleId, uploadPath: `/diagnostics/${bundleId}`, maxBytes: String(this.d.settings.maxBundleBytes) },
    }).finish();
    this.d.metrics.diagnosticsRequested.inc({ trigger: r.trigger });
    this.d.auditor.record({
      actor: r.actor,
      action: "device.diag.collect",
      target: deviceId,
      reason: r.reason ?? undefined,
      result: "ok",
      details: { bundleId, trigger: r.trigger, rolloutId: r.rolloutId, releaseId: r.releaseId },
    });
    this.d.logger.info({ deviceId, bundleId, trigger: r.trigger, rolloutId: r.rolloutId }, "diagnostics requested");
    // Expired requests (a device that never answered) count against retention too, with any part file they left.
    await this.prune(deviceId).catch((err: unknown) => this.d.logger.warn({ err, deviceId }, "diagnostics retention failed"));
    try {
      await this.d.publisher.publish(topics.cmd(deviceId), signEnvelope(PAYLOAD_TYPES.command, command, [this.d.keys.hub]), { retain: false, qos: 1 });
    } catch (err) {
      this.fail(bundle, "publish", `the command could not be sent: ${(err as Error).message}`);
      throw new HubError("internal", `diagnostics command to ${deviceId} not published: ${(err as Error).message}`);
    }
    return this.d.repo.get(bundleId)!;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Telemetry: acks, and failures that ask for diagnostics on their own
  // ---------------------------------------------------------------------------------------------------------------

  onTelemetry(
    outcomes: Array<{
      result: string;
      deviceId: string | null;
      kind?: string;
      rolloutId?: string;
      releaseId?: string;
      state?: DeploymentStateName;
      reason?: string;
      ack?: { commandId: string; status: string; reason: string; detail: string };
    }>,
  ): void {
    for (const o of outcomes) {
      if (o.result !== "stored" || !o.deviceId) continue;
      if (o.kind === "ack" && o.ack) this.onAck(o.deviceId, o.ack);
      if (o.kind === "state" && o.state) this.maybeAutoCollect(o.deviceId, { state: o.state, reason: o.reason ?? null, rolloutId: o.rolloutId ?? null, releaseId: o.releaseId ?? null });
    }
  }

  private onAck(deviceId: string, ack: { commandId: string; status: string; reason: string; detail: string }): void {
    const b = this.d.repo.byCommand(deviceId, ack.commandId);
    if (!b || isFinished(b.status)) return;
    const now = this.d.now();
    switch (ack.status) {
      case "ACK_STATUS_ACCEPTED":
        if (b.status === "requested") this.d.repo.setStatus(b.id, "accepted", now);
        return;
      case "ACK_STATUS_REJECTED":
      case "ACK_STATUS_FAILED":
        this.fail(b, ack.reason || "device", ack.detail || `the device answered ${ack.status}`);
        return;
      default:
        this.d.logger.debug({ deviceId, bundleId: b.id, status: ack.status }, "diagnostics ack");
    }
  }

  private maybeAutoCollect(deviceId: string, t: { state: DeploymentStateName; reason: string | null; rolloutId: string | null; releaseId: string | null }): void {
    const verdict = shouldAutoCollect(t, {
      policy: this.d.settings.autoCollect,
      lastAutoAt: this.d.repo.lastAutoRequestAt(deviceId),
      rolloutAutoCount: t.rolloutId ? this.d.repo.autoRequestsInRollout(t.rolloutId) : 0,
      now: this.d.now(),
    });
    if (!verdict.collect) {
      if (t.state === "failed" || t.state === "rolled_back") this.d.logger.debug({ deviceId, why: verdict.why }, "no automatic diagnostics");
      return;
    }
    this.request(deviceId, { trigger: "auto", actor: "hub", reason: verdict.why, rolloutId: t.rolloutId, releaseId: t.releaseId })
      .then(async (b) => {
        if (b.rolloutId && this.d.onAutoRequested) await this.d.onAutoRequested(b.rolloutId, deviceId, { bundleId: b.id, url: this.url(deviceId, b.id), why: verdict.why });
      })
      .catch((err: unknown) => this.d.logger.error({ err, deviceId }, "automatic diagnostics request failed"));
  }

  private fail(b: DiagnosticBundle, reason: string, detail: string): void {
    this.d.repo.setStatus(b.id, "failed", this.d.now(), { reason, detail });
    this.d.metrics.diagnosticsFailed.inc({ reason });
    this.d.logger.warn({ deviceId: b.deviceId, bundleId: b.id, reason, detail }, "diagnostics bundle failed");
    rmSync(this.partPath(b.id), { force: true });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Device uploads (HTTP Basic: device id + its secret)
  // ---------------------------------------------------------------------------------------------------------------

  /** The device an Authorization header proves; a refusal is counted and logged (never audited: devices are not operators). */
  authenticateDevice(header: string | undefined, from: string): string {
    const creds = parseBasicAuth(header);
    if (!creds) {
      this.d.metrics.diagnosticsUploadDenied.inc({ reason: "unauthenticated" });
      this.d.logger.warn({ from }, "diagnostics upload without device credentials refused");
      throw new HubError("unauthenticated", "authenticate with HTTP Basic: your device id and secret");
    }
    const principal = this.d.devices.enabledSecretHash(creds.username);
    if (!principal || principal.role !== "device" || !verifySecret(creds.password, principal.secretHash)) {
      this.d.metrics.diagnosticsUploadDenied.inc({ reason: "bad_credentials" });
      this.d.logger.warn({ deviceId: creds.username, from }, "diagnostics upload with wrong device credentials refused");
      throw new HubError("unauthenticated", "wrong device id or secret");
    }
    return creds.username;
  }

  /** The bundle, if it is this device's: another device's is refused (403), an unknown one 404; both counted. */
  private ownBundle(deviceId: string, bundleId: string): DiagnosticBundle {
    const b = this.d.repo.get(bundleId);
    if (!b) {
      this.d.metrics.diagnosticsUploadDenied.inc({ reason: "unknown_bundle" });
      throw notFound(`diagnostics bundle ${bundleId}`);
    }
    if (b.deviceId !== deviceId) {
      this.d.metrics.diagnosticsUploadDenied.inc({ reason: "other_device" });
      this.d.logger.warn({ deviceId, bundleId, owner: b.deviceId }, "device tried to upload another device's diagnostics bundle");
      throw new HubError("forbidden", `bundle ${bundleId} was not asked of device ${deviceId}`);
    }
    return b;
  }

  /** HEAD: how many bytes of the bundle the hub holds, so the device resumes there. */
  async uploadState(deviceId: string, bundleId: string): Promise<UploadState> {
    const b = this.ownBundle(deviceId, bundleId);
    if (b.status === "failed") throw conflict(`bundle ${bundleId} failed (${b.statusReason ?? "unknown"}); it takes no more bytes`);
    await this.settle(bundleId);
    const offset = b.status === "complete" ? (b.size ?? 0) : ((await sizeOf(this.partPath(bundleId))) ?? 0);
    return { bundleId, offset, size: b.size, complete: b.status === "complete", maxBytes: this.d.settings.maxBundleBytes };
  }

  /**
   * PUT: appends one chunk (Content-Range bytes START-END/TOTAL, X-Verge-Sha256 of the whole bundle) at the offset the
   * hub holds. Bytes that arrive before a cut stay stored; the device asks HEAD and goes on from there. The last chunk
   * is checked (size and sha256 as declared) before the bundle counts as complete; a mismatch drops it.
   */
  async append(
    deviceId: string,
    bundleId: string,
    headers: { contentRange: string | undefined; sha256: string | undefined },
    body: Readable,
    cutRequest: () => void,
  ): Promise<UploadState> {
    const b = this.ownBundle(deviceId, bundleId);
    const range = parseContentRange(headers.contentRange);
    const sha256 = headers.sha256?.toLowerCase();
    if (b.status === "complete") {
      if (range && range.total === b.size && sha256 === b.sha256) return { bundleId, offset: b.size, size: b.size, complete: true, maxBytes: this.d.settings.maxBundleBytes };
      throw conflict(`bundle ${bundleId} is already complete`);
    }
    if (b.status === "failed") throw conflict(`bundle ${bundleId} failed (${b.statusReason ?? "unknown"}); it takes no more bytes`);
    await this.settle(bundleId);
    await mkdir(this.d.settings.dir, { recursive: true });
    const part = this.partPath(bundleId);
    const stored = (await sizeOf(part)) ?? 0;
    const verdict = assessUpload({ range, sha256, stored, declared: { size: b.size, sha256: b.sha256 }, maxBytes: this.d.settings.maxBundleBytes });
    if (!verdict.ok) {
      if (verdict.code === "payload_too_large") this.fail(b, "too_large", verdict.message);
      throw new HubError(verdict.code, verdict.message);
    }
    const r = range!;
    const free = await this.freeBytes(this.d.settings.dir).catch(() => Number.POSITIVE_INFINITY);
    if (free - (r.total - stored) < this.d.settings.minFreeBytes) {
      const detail = `the hub's disk has ${free} bytes free; storing ${r.total - stored} more would leave less than diagnostics.minFreeBytes (${this.d.settings.minFreeBytes})`;
      this.fail(b, "hub_disk_full", detail);
      throw new HubError("insufficient_storage", `${detail}; nothing of bundle ${bundleId} is kept`);
    }
    const now = this.d.now();
    if (b.size === null) this.d.repo.declare(bundleId, r.total, sha256!, now);

    let settled!: () => void;
    const writer: Writer = { cut: cutRequest, done: new Promise<void>((resolve) => (settled = resolve)) };
    this.writers.set(bundleId, writer);
    const limit = r.end + 1 - r.start;
    let written = 0;
    let failure: unknown;
    const fh = await open(part, "a");
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (written + chunk.length > limit) {
          const room = limit - written;
          if (room > 0) await fh.write(chunk.subarray(0, room));
          written += Math.max(0, room);
          this.d.metrics.diagnosticsUploadBytes.inc(Math.max(0, room));
          throw badRequest(`the body holds more than the ${limit} bytes Content-Range announced`);
        }
        await fh.write(chunk);
        written += chunk.length;
        this.d.metrics.diagnosticsUploadBytes.inc(chunk.length);
      }
      await fh.sync();
    } catch (err) {
      failure = err;
    } finally {
      await fh.close().catch(() => undefined);
      if (this.writers.get(bundleId) === writer) this.writers.delete(bundleId);
      settled();
    }
    const received = stored + written;
    this.d.repo.setReceived(bundleId, received, this.d.now());
    if (failure !== undefined) {
      const code = (failure as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") {
        this.fail(this.d.repo.get(bundleId)!, "hub_disk_full", `no space left in ${this.d.settings.dir} after ${received} bytes`);
        throw new HubError("insufficient_storage", `no space left on the hub for bundle ${bundleId}; nothing of it is kept`);
      }
      if (failure instanceof HubError) throw failure;
      // The link went down mid-chunk: what arrived is kept, the device resumes from it.
      this.d.logger.info({ deviceId, bundleId, received, total: r.total }, "diagnostics upload cut; bytes kept for resuming");
      throw badRequest(`upload of ${bundleId} cut after ${received} bytes: ${(failure as Error).message}`);
    }
    if (received < r.total) return { bundleId, offset: received, size: r.total, complete: false, maxBytes: this.d.settings.maxBundleBytes };
    return this.complete(this.d.repo.get(bundleId)!, part);
  }

  private async complete(b: DiagnosticBundle, part: string): Promise<UploadState> {
    const got = await hashFile(part);
    if (got.size !== b.size || got.sha256 !== b.sha256) {
      const detail = `received ${got.size} bytes with sha256 ${got.sha256}; the device declared ${b.size} bytes with sha256 ${b.sha256}`;
      this.fail(b, "checksum", detail);
      throw badRequest(`bundle ${b.id} does not match what was declared (${detail}); it was dropped: collect it again`);
    }
    await rename(part, this.finalPath(b.id));
    // Retention first, counting this bundle as complete: whoever sees it complete sees the older ones gone too.
    await this.prune(b.deviceId, b.id);
    this.d.repo.setStatus(b.id, "complete", this.d.now());
    this.d.metrics.diagnosticsCompleted.inc();
    this.d.logger.info({ deviceId: b.deviceId, bundleId: b.id, size: got.size }, "diagnostics bundle stored");
    return { bundleId: b.id, offset: got.size, size: got.size, complete: true, maxBytes: this.d.settings.maxBundleBytes };
  }

  /**
   * Keeps the newest `keepPerDevice` finished (or expired) bundles of a device; older rows and files go. `completing`:
   * a bundle about to be marked complete, counted as such.
   */
  private async prune(deviceId: string, completing?: string): Promise<void> {
    const now = this.d.now();
    const listed = this.d.repo.list(deviceId).map((b) => ({
      id: b.id,
      requestedAt: b.requestedAt,
      status: b.id === completing ? ("complete" as const) : displayStatus(b, now, this.d.settings.staleAfterMs),
    }));
    const drop = bundlesToPrune(listed, this.d.settings.keepPerDevice);
    if (drop.length === 0) return;
    for (const id of drop) {
      await rm(this.finalPath(id), { force: true });
      await rm(this.partPath(id), { force: true });
    }
    this.d.repo.delete(drop);
    this.d.logger.info({ deviceId, dropped: drop }, "old diagnostics bundles deleted (diagnostics.keepPerDevice)");
  }

  /** Cuts a chunk upload still running for the bundle (the device has moved on to a new request) and waits for it. */
  private async settle(bundleId: string): Promise<void> {
    const w = this.writers.get(bundleId);
    if (!w) return;
    w.cut();
    await w.done;
  }

  private partPath(bundleId: string): string {
    return join(this.d.settings.dir, `${bundleId}.tar.gz.part`);
  }

  private finalPath(bundleId: string): string {
    return join(this.d.settings.dir, `${bundleId}.tar.gz`);
  }
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest("hex") };
}
