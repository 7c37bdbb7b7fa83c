// Device views for operators: the registry fields, the last hour's KPIs and the device's place in its running rollout;
// bulk enrollment (import), each row enrolled on its own through the registry.
import { z } from "zod";
import type { Auditor } from "../audit.js";
import { HubError, badRequest } from "../errors.js";
import type { HubErrorCode } from "../errors.js";
import type { Device, DeviceFilter, DeviceRolloutMembership, DevicesRepo } from "../repos/devices.repo.js";
import type { KpiRepo } from "../repos/kpi.repo.js";
import type { TelemetryRepo, TransitionRecord } from "../repos/telemetry.repo.js";
import { availability, droppedRatio, histogramQuantile } from "../rollout/kpi.js";
import type { RegistryService } from "./registry.service.js";

/** The window of the KPIs shown with a device. */
export const DEVICE_KPI_WINDOW_MS = 3_600_000;

export interface DeviceKpiView {
  windowMs: number;
  availability: number | null;
  eventLagP50Ms: number | null;
  eventLagP95Ms: number | null;
  droppedRatio: number | null;
  /** KPI reports the device sent in the window. */
  reports: number;
}

export type DeviceView = Device & {
  /** null when the device sent no KPI report in the window. */
  kpi: DeviceKpiView | null;
  /** Its active or paused rollout, if any. */
  rollout: { rolloutId: string; stage: string; state: string; reason: string | null; status: "active" | "paused" } | null;
};

export interface DevicePage {
  devices: DeviceView[];
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}

export type ImportResult = { id: string | null; ok: true; secret: string; agentConfig: string } | { id: string | null; ok: false; error: { code: HubErrorCode; message: string } };

const filterValue = z.string().trim().min(1).max(128).optional();
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

export const deviceListQuerySchema = z
  .object({
    variant: filterValue,
    site: filterValue,
    region: filterValue,
    corridor: filterValue,
    online: z.enum(["true", "false"], { message: 'online must be "true" or "false"' }).optional(),
    page: wholeNumber(1, Number.MAX_SAFE_INTEGER, 1),
    pageSize: wholeNumber(1, 1000, 50),
  })
  .strict();

export const importSchema = z
  .object({
    /** Each row is validated by the enrollment itself, so one bad row fails alone. */
    devices: z.array(z.unknown()).min(1, "list at least one device").max(10_000, "import at most 10000 devices at a time"),
  })
  .strict();

export class DevicesService {
  constructor(
    private readonly devices: DevicesRepo,
    private readonly kpi: KpiRepo,
    private readonly telemetry: TelemetryRepo,
    private readonly registry: RegistryService,
    private readonly auditor: Auditor,
    private readonly now: () => number,
  ) {}

  list(query: unknown): DevicePage {
    const q = parse(deviceListQuerySchema, query, "query");
    const filter: DeviceFilter = { variant: q.variant, site: q.site, region: q.region, corridor: q.corridor, ...(q.online ? { online: q.online === "true" } : {}) };
    const totalCount = this.devices.count(filter);
    const devices = this.devices.list(filter, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return { devices: this.views(devices), page: q.page, pageSize: q.pageSize, totalCount, totalPages: Math.max(1, Math.ceil(totalCount / q.pageSize)) };
  }

  /** One device: its view, its last 20 state transitions (oldest first), and its running rollout in full. */
  show(id: string): { device: DeviceView; transitions: TransitionRecord[]; activeRollout: DeviceRolloutMembership | null } {
    const device = this.registry.get(id);
    const [view] = this.views([device]);
    return {
      device: view!,
      transitions: this.telemetry.lastTransitions(id, 20),
      activeRollout: this.devices.activeRollouts([id]).get(id) ?? null,
    };
  }

  /** Enrolls each row on its own: a bad row is answered with its error (and audited) and does not stop the others. */
  import(body: unknown, actor: string): ImportResult[] {
    const req = parse(importSchema, body, "body");
    return req.devices.map((row): ImportResult => {
      const rowId = typeof row === "object" && row !== null && typeof (row as { id?: unknown }).id === "string" ? (row as { id: string }).id : null;
      try {
        const enrolled = this.registry.enroll(row, actor);
        return { id: enrolled.device.id, ok: true, secret: enrolled.secret, agentConfig: enrolled.agentConfig };
      } catch (err) {
        if (!(err instanceof HubError) || err.code === "internal") throw err;
        this.auditor.record({ actor, action: "device.enroll", target: rowId ?? "(no id)", result: "failed", details: { import: true, error: err.message } });
        return { id: rowId, ok: false, error: { code: err.code, message: err.message } };
      }
    });
  }

  private views(devices: Device[]): DeviceView[] {
    const ids = devices.map((d) => d.id);
    const now = this.now();
    const sums = this.kpi.deviceSums(ids, now - DEVICE_KPI_WINDOW_MS, now);
    const rollouts = this.devices.activeRollouts(ids);
    return devices.map((d) => {
      const k = sums.get(d.id);
      const r = rollouts.get(d.id);
      return {
        ...d,
        kpi: k
          ? {
              windowMs: DEVICE_KPI_WINDOW_MS,
              availability: availability(k),
              eventLagP50Ms: histogramQuantile(0.5, k.lagBuckets),
              eventLagP95Ms: histogramQuantile(0.95, k.lagBuckets),
              droppedRatio: droppedRatio(k),
              reports: k.reports,
            }
          : null,
        rollout: r ? { rolloutId: r.rolloutId, stage: r.stage, state: r.state, reason: r.reason, status: r.status } : null,
      };
    });
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; "));
  return parsed.data;
}
