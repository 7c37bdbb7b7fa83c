// Operator-defined cohorts: groups that plans select from (`select: {cohort: NAME}`), and canary/pilot cohorts bound
// to a release. Every membership change is audited, refused ones too; the database refuses a device in two active
// cohorts bound to the same release, and this service turns that refusal into a sentence.
import { z } from "zod";
import { RESOURCE_ID_PATTERN } from "../../proto/index.js";
import type { Auditor } from "../audit.js";
import type { Db } from "../db/database.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { HubError } from "../errors.js";
import type { Cohort, CohortsRepo } from "../repos/cohorts.repo.js";
import type { DevicesRepo } from "../repos/devices.repo.js";
import type { ReleasesRepo } from "../repos/releases.repo.js";

const createSchema = z
  .object({
    name: z.string().regex(RESOURCE_ID_PATTERN, "cohort name: 1-128 characters of A-Z a-z 0-9 . _ -"),
    kind: z.enum(["group", "canary", "pilot"]).default("group"),
    releaseId: z.string().min(1).optional(),
    description: z.string().max(2000).optional(),
    devices: z.array(z.string().min(1)).optional(),
  })
  .strict();
const membersSchema = z.object({ devices: z.array(z.string().min(1)).min(1, "list at least one device") }).strict();

export interface MembershipChange {
  added: string[];
  removed: string[];
}

export class CohortsService {
  constructor(
    private readonly db: Db,
    private readonly cohorts: CohortsRepo,
    private readonly devices: DevicesRepo,
    private readonly releases: ReleasesRepo,
    private readonly auditor: Auditor,
    private readonly now: () => number,
  ) {}

  create(input: unknown, actor: string): Cohort {
    const req = parse(createSchema, input);
    if (this.cohorts.get(req.name)) throw conflict(`cohort ${req.name} already exists`);
    if (req.releaseId && !this.releases.get(req.releaseId)) throw notFound(`release ${req.releaseId}`);
    if (req.kind !== "group" && !req.releaseId) throw badRequest(`a ${req.kind} cohort is bound to a release: give releaseId (or use kind group)`);
    this.db.transaction(() => {
      this.cohorts.insert({ name: req.name, kind: req.kind, releaseId: req.releaseId ?? null, description: req.description ?? null, createdBy: actor }, this.now());
      this.auditor.record({ actor, action: "cohort.create", target: req.name, result: "ok", details: { kind: req.kind, releaseId: req.releaseId ?? null } });
    })();
    if (req.devices?.length) this.add(req.name, { devices: req.devices }, actor);
    return this.get(req.name);
  }

  get(name: string): Cohort {
    const cohort = this.cohorts.get(name);
    if (!cohort) throw notFound(`cohort ${name}`);
    return cohort;
  }

  list(): Cohort[] {
    return this.cohorts.list();
  }

  /**
   * Adds devices, all or none: each addition is audited; the first refusal undoes the others, is audited as failed,
   * and its message says that nothing was added.
   */
  add(name: string, input: unknown, actor: string): Cohort {
    const req = parse(membersSchema, input);
    const cohort = this.get(name);
    let refused: { deviceId: string; details: Record<string, unknown>; error: HubError } | undefined;
    try {
      this.db.transaction(() => {
        for (const deviceId of req.devices) {
          if (!this.devices.get(deviceId)) {
            refused = { deviceId, details: { error: "device not enrolled" }, error: notFound(`device ${deviceId}`) };
            throw refused.error;
          }
          try {
            if (this.cohorts.addMember(name, deviceId, actor, this.now())) {
              this.auditor.record({ actor, action: "cohort.add", target: name, result: "ok", details: { deviceId, releaseId: cohort.releaseId } });
            }
          } catch (err) {
            if (!String((err as Error).message).includes("cohort_members.release_id")) throw err;
            const other = cohort.releaseId ? this.cohorts.activeCohortFor(deviceId, cohort.releaseId) : undefined;
            const message =
              `device ${deviceId} is already in active cohort "${other ?? "?"}" for release ${cohort.releaseId}; a device is in at most one active cohort per release.` +
              ` Remove it there first (verge cohort remove ${other ?? "COHORT"} ${deviceId}) or retire that cohort.` +
              (req.devices.length > 1 ? ` None of the ${req.devices.length} devices was added.` : "");
            refused = { deviceId, details: { releaseId: cohort.releaseId, conflictingCohort: other ?? null }, error: conflict(message) };
            throw refused.error;
          }
        }
      })();
    } catch (err) {
      if (!refused || err !== refused.error) throw err;
      this.auditor.record({ actor, action: "cohort.add", target: name, result: "failed", details: { deviceId: refused.deviceId, ...refused.details, error: refused.error.message } });
      throw refused.error;
    }
    return this.get(name);
  }

  remove(name: string, input: unknown, actor: string): Cohort {
    const req = parse(membersSchema, input);
    this.get(name);
    for (const deviceId of req.devices) {
      if (this.cohorts.removeMember(name, deviceId)) this.auditor.record({ actor, action: "cohort.remove", target: name, result: "ok", details: { deviceId } });
    }
    return this.get(name);
  }

  /** Retire (inactive: its members are free for another cohort of the release) or reactivate a cohort. */
  setActive(name: string, active: boolean, actor: string): Cohort {
    const cohort = this.get(name);
    try {
      this.cohorts.setActive(name, active, this.now());
    } catch (err) {
      if (!String((err as Error).message).includes("cohort_members.release_id")) throw err;
      const message = `cohort ${name} cannot be reactivated: one of its devices is now in another active cohort for release ${cohort.releaseId}`;
      this.auditor.record({ actor, action: active ? "cohort.activate" : "cohort.retire", target: name, result: "failed", details: { error: message } });
      throw conflict(message);
    }
    this.auditor.record({ actor, action: active ? "cohort.activate" : "cohort.retire", target: name, result: "ok" });
    return this.get(name);
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return parsed.data;
}
