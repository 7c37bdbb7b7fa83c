// The brakes of the fleet: a fleet-wide freeze (`verge freeze on|off`) that stops every rollout from advancing and every
// device from activating, and per-cohort switches (`verge cohort disable|enable`) with the same effect on one cohort's
// devices. Rollbacks are never blocked. Each change is audited (refusals too), written as an event on the rollouts it
// touches, published on the retained verge/v1/fleet/status topic for SCADA and shown in metrics; RolloutsService then
// holds or lets go the devices.
import { z } from "zod";
import type { Logger } from "pino";
import { topics } from "../../proto/index.js";
import type { Auditor } from "../audit.js";
import type { Db } from "../db/database.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { BrakesRepo, DisabledCohort, FreezeState } from "../repos/brakes.repo.js";
import type { CohortsRepo } from "../repos/cohorts.repo.js";
import type { Rollout } from "../repos/rollouts.repo.js";
import type { MqttPublisher, RolloutsService } from "./rollouts.service.js";
import type { NotificationEvent } from "./webhooks.service.js";

const freezeOnSchema = z.object({ reason: z.string({ error: "say why the fleet is frozen (--reason)" }).trim().min(1, "say why the fleet is frozen (--reason)").max(2000) }).strict();
const reasonSchema = z.object({ reason: z.string().max(2000).optional() }).strict();
const disableSchema = z.object({ reason: z.string({ error: "say why the cohort is disabled (--reason)" }).trim().min(1, "say why the cohort is disabled (--reason)").max(2000) }).strict();

export interface FleetStatus {
  frozen: boolean;
  freeze: FreezeState;
  disabledCohorts: DisabledCohort[];
}

export interface BrakesDeps {
  db: Db;
  brakes: BrakesRepo;
  cohorts: CohortsRepo;
  rollouts: RolloutsService;
  publisher: MqttPublisher;
  auditor: Auditor;
  logger: Logger;
  now: () => number;
  /** Webhooks: one fleet-level event (rolloutId null) per change, queued with the change (hub/services/webhooks.service.ts). */
  notifier?: { notify(event: NotificationEvent): void };
}

export class BrakesService {
  constructor(private readonly d: BrakesDeps) {}

  status(): FleetStatus {
    const freeze = this.d.brakes.freeze();
    return { frozen: freeze.frozen, freeze, disabledCohorts: this.d.brakes.disabledCohorts() };
  }

  /** Turns the fleet-wide freeze on (a reason is required) or off. */
  async freeze(on: boolean, input: unknown, actor: string): Promise<FleetStatus> {
    const action = on ? "fleet.freeze" : "fleet.unfreeze";
    const req = this.parse(on ? freezeOnSchema : reasonSchema, input, actor, action, "fleet");
    const before = this.d.brakes.freeze();
    if (before.frozen === on) {
      const message = on
        ? `the fleet is already frozen (since ${iso(before.changedAt)} by ${before.changedBy}: ${before.reason})`
        : "the fleet is not frozen";
      this.d.auditor.record({ actor, action, target: "fleet", reason: req.reason, result: "failed", details: { error: message } });
      throw conflict(message);
    }
    const now = this.d.now();
    const reason = req.reason ?? null;
    const frozenFor = on || before.changedAt === null ? 0 : Math.max(0, now - before.changedAt);
    const explanation = on
      ? `Fleet frozen by ${actor}: ${reason}. No stage advances and no device gets a new release or activates; devices downloading may finish. Rollbacks still work. \`verge freeze off\` lifts it.`
      : `Fleet freeze lifted by ${actor}${reason ? `: ${reason}` : ""}; held devices go on, windows and deadlines moved on by the ${Math.round(frozenFor / 1000)} s spent frozen.`;
    this.d.db.transaction(() => {
      this.d.brakes.setFreeze(on, reason, actor, now);
      this.notify(on ? "freeze_on" : "freeze_off", actor, now, explanation, { reason, ...(on ? {} : { frozenForMs: frozenFor }) });
    })();
    this.d.auditor.record({ actor, action, target: "fleet", reason: reason ?? undefined, result: "ok", details: on ? {} : { frozenSince: before.changedAt, frozenBy: before.changedBy } });
    this.d.logger.warn({ actor, reason, frozen: on }, on ? "fleet frozen: no rollout advances, no device activates" : "fleet freeze lifted");
    // The time spent frozen does not count against observation windows and device deadlines (as for a pause).
    await this.d.rollouts.brakesChanged({
      extendMs: frozenFor,
      event: () => ({ type: on ? "frozen" : "unfrozen", actor, explanation, details: { reason, ...(on ? {} : { frozenForMs: frozenFor }) } }),
    });
    await this.publishStatus();
    return this.status();
  }

  /** Switches a cohort off (its devices are held; a reason is required) or on again. */
  async setCohort(name: string, enabled: boolean, input: unknown, actor: string): Promise<FleetStatus> {
    const action = enabled ? "cohort.enable" : "cohort.disable";
    const req = this.parse(enabled ? reasonSchema : disableSchema, input, actor, action, name);
    const cohort = this.d.cohorts.get(name);
    if (!cohort) {
      this.d.auditor.record({ actor, action, target: name, reason: req.reason, result: "failed", details: { error: "no such cohort" } });
      throw notFound(`cohort ${name}`);
    }
    const disabled = this.d.brakes.disabledCohorts().find((c) => c.name === name);
    if (enabled === !disabled) {
      const message = enabled ? `cohort ${name} is not disabled` : `cohort ${name} is already disabled (since ${iso(disabled!.disabledAt)} by ${disabled!.disabledBy}: ${disabled!.reason})`;
      this.d.auditor.record({ actor, action, target: name, reason: req.reason, result: "failed", details: { error: message } });
      throw conflict(message);
    }
    const now = this.d.now();
    const reason = req.reason ?? null;
    this.d.db.transaction(() => {
      this.d.brakes.setCohortDisabled(name, !enabled, reason, actor, now);
      this.notify(
        enabled ? "cohort_enabled" : "cohort_disabled",
        actor,
        now,
        enabled
          ? `Cohort ${name} enabled by ${actor}${reason ? `: ${reason}` : ""}; its ${cohort.members.length} device(s) go on.`
          : `Cohort ${name} disabled by ${actor}: ${reason}. Its ${cohort.members.length} device(s) get no new release and do not activate; rollbacks still work.`,
        { cohort: name, reason, members: cohort.members.length },
      );
    })();
    this.d.auditor.record({ actor, action, target: name, reason: reason ?? undefined, result: "ok", details: { members: cohort.members.length } });
    this.d.logger.warn({ actor, cohort: name, reason, enabled }, enabled ? "cohort enabled" : "cohort disabled: its devices are held");
    const members = new Set(cohort.members);
    const touches = (r: Rollout) => this.d.rollouts.hasAnyDevice(r.id, members);
    await this.d.rollouts.brakesChanged({
      event: (r) =>
        touches(r)
          ? {
              type: enabled ? "cohort_released" : "cohort_held",
              actor,
              explanation: enabled
                ? `Cohort ${name} enabled by ${actor}${reason ? `: ${reason}` : ""}; its devices in this rollout go on.`
                : `Cohort ${name} disabled by ${actor}: ${reason}. Its devices in this rollout get no new release and do not activate; the others go on. Rollbacks still work. \`verge cohort enable ${name}\` lets them go on.`,
              details: { cohort: name, reason },
            }
          : null,
    });
    await this.publishStatus();
    return this.status();
  }

  /** The retained fleet status for SCADA: freeze and disabled cohorts. Also published at start. */
  async publishStatus(): Promise<void> {
    const s = this.status();
    const body = {
      frozen: s.frozen,
      freeze: s.frozen ? { reason: s.freeze.reason, by: s.freeze.changedBy, since: iso(s.freeze.changedAt) } : null,
      disabledCohorts: s.disabledCohorts.map((c) => ({ name: c.name, reason: c.reason, by: c.disabledBy, since: iso(c.disabledAt), members: c.members })),
      updatedAt: new Date(this.d.now()).toISOString(),
    };
    await this.d.publisher
      .publish(topics.fleetStatus, JSON.stringify(body), { retain: true, qos: 1 })
      .catch((err: unknown) => this.d.logger.warn({ err }, "fleet status not published"));
  }

  private notify(type: string, actor: string, now: number, explanation: string, details: Record<string, unknown>): void {
    this.d.notifier?.notify({ id: 0, rolloutId: null, at: new Date(now).toISOString(), type, stage: null, actor, explanation, links: [], details });
  }

  private parse<S extends z.ZodType>(schema: S, input: unknown, actor: string, action: string, target: string): z.infer<S> {
    const parsed = schema.safeParse(input ?? {});
    if (parsed.success) return parsed.data;
    const message = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    this.d.auditor.record({ actor, action, target, result: "failed", details: { error: message } });
    throw badRequest(message);
  }
}

function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}
