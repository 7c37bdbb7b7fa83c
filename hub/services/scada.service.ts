// SCADA credentials: MQTT principals with role `scada`, which the broker lets subscribe under verge/v1/rollouts/ and
// publish nothing (broker/acl.ts). The secret is shown once and stored hashed in mqtt_principals, where the broker
// reads it at each CONNECT. Every action is audited.
import { z } from "zod";
import { generateSecret, hashSecret } from "../../broker/secrets.js";
import { TOPIC_ROOT } from "../../proto/index.js";
import type { Auditor } from "../audit.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { DevicesRepo, PrincipalRecord } from "../repos/devices.repo.js";

/** What a SCADA credential may subscribe to. */
export const SCADA_TOPICS = `${TOPIC_ROOT}/rollouts/#`;

export const createScadaSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "name: 1-64 characters of A-Z a-z 0-9 . _ -"),
    reason: z.string().max(2000).optional(),
  })
  .strict();

const disableSchema = z.object({ reason: z.string().max(2000).optional() }).strict();

export interface ScadaCredential {
  principal: PrincipalRecord;
  /** Shown once; the hub keeps only its hash. */
  secret: string;
  mqttUrl: string;
  topics: string;
}

export interface ScadaDeps {
  devices: DevicesRepo;
  auditor: Auditor;
  /** The broker address SCADA systems connect to. */
  mqttUrl: () => string;
  /** Closes the open MQTT sessions of a username (the embedded broker); returns how many. */
  disconnect: (username: string) => number;
  now: () => number;
}

export class ScadaService {
  constructor(private readonly d: ScadaDeps) {}

  create(input: unknown, actor: string): ScadaCredential {
    const req = parse(createScadaSchema, input);
    // Device ids, the hub's own username and SCADA names share one namespace: the MQTT username.
    const taken = this.d.devices.principal(req.name) ?? (this.d.devices.get(req.name) ? { role: "device" } : undefined);
    if (taken) {
      const message = `the MQTT username ${req.name} is already taken by a ${taken.role === "scada" ? "SCADA credential" : taken.role === "device" ? "device" : "service"}`;
      this.d.auditor.record({ actor, action: "scada.create", target: req.name, reason: req.reason, result: "failed", details: { error: message } });
      throw conflict(message);
    }
    const secret = generateSecret();
    const principal = this.d.devices.insertPrincipal(req.name, "scada", hashSecret(secret), this.d.now());
    this.d.auditor.record({ actor, action: "scada.create", target: req.name, reason: req.reason, result: "ok", details: { topics: SCADA_TOPICS } });
    return { principal, secret, mqttUrl: this.d.mqttUrl(), topics: SCADA_TOPICS };
  }

  list(): PrincipalRecord[] {
    return this.d.devices.principals("scada");
  }

  /** Refuses the credential from its next CONNECT on, and closes its open sessions. */
  disable(name: string, body: unknown, actor: string): PrincipalRecord {
    const req = parse(disableSchema, body ?? {});
    const existing = this.d.devices.principal(name);
    const fail = (err: Error): Error => {
      this.d.auditor.record({ actor, action: "scada.disable", target: name, reason: req.reason, result: "failed", details: { error: err.message } });
      return err;
    };
    if (!existing || existing.role !== "scada") throw fail(notFound(`SCADA credential ${name}`));
    if (!this.d.devices.disablePrincipal(name, this.d.now())) throw fail(conflict(`SCADA credential ${name} is already disabled`));
    const disconnected = this.d.disconnect(name);
    this.d.auditor.record({ actor, action: "scada.disable", target: name, reason: req.reason, result: "ok", details: { sessionsClosed: disconnected } });
    return this.d.devices.principal(name)!;
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return parsed.data;
}
