// Device enrollment: registers a device, issues its MQTT secret (stored hashed, shown once) and a ready agent config.
import { stringify as toYaml } from "yaml";
import { z } from "zod";
import { generateSecret, hashSecret } from "../../broker/secrets.js";
import { DEVICE_ID_PATTERN, publicKeyToBase64 } from "../../proto/index.js";
import { HubError, badRequest, conflict } from "../errors.js";
import type { Auditor } from "../audit.js";
import type { HubKeys } from "../keys.js";
import type { Device, DevicesRepo } from "../repos/devices.repo.js";

const label = z.string().trim().min(1).max(128);

export const enrollSchema = z
  .object({
    id: z.string().regex(DEVICE_ID_PATTERN, "device id: 1-64 characters of A-Z a-z 0-9 . _ -"),
    variant: label,
    site: label.optional(),
    region: label.optional(),
    corridor: label.optional(),
  })
  .strict();
export type EnrollRequest = z.infer<typeof enrollSchema>;

export interface Enrollment {
  device: Device;
  secret: string;
  agentConfig: string;
}

export interface HubAddresses {
  mqttUrl: string;
  httpUrl: string;
}

export class RegistryService {
  constructor(
    private readonly devices: DevicesRepo,
    private readonly keys: HubKeys,
    private readonly addresses: () => HubAddresses,
    private readonly auditor: Auditor,
    private readonly now: () => number,
  ) {}

  enroll(input: unknown, actor: string): Enrollment {
    const parsed = enrollSchema.safeParse(input);
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    const req = parsed.data;
    if (this.devices.get(req.id) || this.devices.principalExists(req.id)) throw conflict(`device ${req.id} is already enrolled`);
    const secret = generateSecret();
    const device = this.devices.insert(req, hashSecret(secret), actor, this.now());
    this.auditor.record({ actor, action: "device.enroll", target: req.id, result: "ok", details: { variant: req.variant, site: req.site, region: req.region, corridor: req.corridor } });
    return { device, secret, agentConfig: this.agentConfig(device, secret) };
  }

  /** The agent's config file (device-agent/config.ts), YAML. */
  agentConfig(device: Device, secret: string): string {
    const { mqttUrl, httpUrl } = this.addresses();
    const config = {
      deviceId: device.id,
      secret,
      variant: device.variant,
      hub: { mqttUrl, httpUrl },
      trustedKeys: { release: [publicKeyToBase64(this.keys.release.publicKey)], hub: [publicKeyToBase64(this.keys.hub.publicKey)] },
      dataDir: `/var/lib/verge-agent`,
      heartbeatIntervalS: 60,
      inventory: { baseImageVersion: "unknown" },
    };
    return `# verge agent configuration for ${device.id}: keep it secret (it holds the device's MQTT secret).\n${toYaml(config)}`;
  }

  get(id: string): Device {
    const device = this.devices.get(id);
    if (!device) throw new HubError("not_found", `device ${id} not found`);
    return device;
  }
}
