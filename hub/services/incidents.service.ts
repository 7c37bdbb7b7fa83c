// Incidents linked to a release. Opening a Sev1 re-evaluates the release's active rollouts at once, so the
// `sev1_incidents` rule pauses them without waiting for the next scheduled evaluation; opening or closing any incident
// re-evaluates the rollouts whose stage criteria may wait on it (a fleet-wide one: every active rollout).
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { RESOURCE_ID_PATTERN } from "../../proto/index.js";
import type { Auditor } from "../audit.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { Incident, IncidentsRepo } from "../repos/incidents.repo.js";
import type { ReleasesRepo } from "../repos/releases.repo.js";

const openSchema = z
  .object({
    id: z.string().regex(RESOURCE_ID_PATTERN, "incident id: 1-128 characters of A-Z a-z 0-9 . _ -").optional(),
    releaseId: z.string().min(1).optional(),
    severity: z.enum(["sev1", "sev2", "sev3", "sev4"]),
    title: z.string().min(1).max(500),
  })
  .strict();
const closeSchema = z.object({ reason: z.string().max(2000).optional() }).strict();

export class IncidentsService {
  constructor(
    private readonly incidents: IncidentsRepo,
    private readonly releases: ReleasesRepo,
    private readonly auditor: Auditor,
    /** The release the incident is linked to, or null for a fleet-wide one (it holds every rollout's criteria). */
    private readonly onChange: (releaseId: string | null) => Promise<void>,
    private readonly now: () => number,
  ) {}

  async open(input: unknown, actor: string): Promise<Incident> {
    const parsed = openSchema.safeParse(input ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    const req = parsed.data;
    if (req.releaseId && !this.releases.get(req.releaseId)) throw notFound(`release ${req.releaseId}`);
    const id = req.id ?? `inc-${new Date(this.now()).toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(3).toString("hex")}`;
    if (this.incidents.get(id)) throw conflict(`incident ${id} already exists`);
    this.incidents.insert({ id, releaseId: req.releaseId ?? null, severity: req.severity, title: req.title, openedBy: actor }, this.now());
    this.auditor.record({ actor, action: "incident.open", target: id, reason: req.title, result: "ok", details: { severity: req.severity, releaseId: req.releaseId ?? null } });
    await this.onChange(req.releaseId ?? null);
    return this.get(id);
  }

  async close(id: string, input: unknown, actor: string): Promise<Incident> {
    const parsed = closeSchema.safeParse(input ?? {});
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    const incident = this.get(id);
    if (!this.incidents.close(id, actor, parsed.data.reason ?? null, this.now())) throw conflict(`incident ${id} is already closed`);
    this.auditor.record({ actor, action: "incident.close", target: id, reason: parsed.data.reason, result: "ok", details: { severity: incident.severity, releaseId: incident.releaseId } });
    await this.onChange(incident.releaseId);
    return this.get(id);
  }

  get(id: string): Incident {
    const incident = this.incidents.get(id);
    if (!incident) throw notFound(`incident ${id}`);
    return incident;
  }

  /** One page of incidents, newest first, and how many match. */
  page(filter: { status?: "open" | "closed"; releaseId?: string }, page: { limit: number; offset: number }): { incidents: Incident[]; totalCount: number } {
    return { incidents: this.incidents.list(filter, page), totalCount: this.incidents.count(filter) };
  }
}
