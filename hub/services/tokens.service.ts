// Operator API tokens: create (the secret is returned once, only its hash is kept), list, revoke. Every change is
// audited with its reason. Names are unique among live tokens, since the audit log names the actor by them, and the
// last live admin token cannot be revoked (nobody could manage tokens afterwards).
import { z } from "zod";
import type { Auditor } from "../audit.js";
import { badRequest, conflict, notFound } from "../errors.js";
import { ROLES } from "../repos/tokens.repo.js";
import type { ApiToken, TokensRepo } from "../repos/tokens.repo.js";

export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const createSchema = z
  .object({
    name: z.string().regex(TOKEN_NAME_PATTERN, "token name: 1-64 characters of A-Z a-z 0-9 . _ -"),
    role: z.enum(ROLES, { error: `give one of ${ROLES.join(", ")}` }),
    reason: z.string().max(2000).optional(),
  })
  .strict();
const revokeSchema = z.object({ reason: z.string().max(2000).optional() }).strict();

export interface CreatedToken {
  token: ApiToken;
  /** `vrg_<id>_<secret>`: shown once, never stored. */
  secret: string;
}

export class TokensService {
  constructor(
    private readonly tokens: TokensRepo,
    private readonly auditor: Auditor,
    private readonly now: () => number,
  ) {}

  create(input: unknown, actor: string): CreatedToken {
    const req = parse(createSchema, input);
    if (this.tokens.activeByName(req.name)) throw conflict(`a live token named ${req.name} already exists; pick another name or revoke that one first`);
    const { token, record } = this.tokens.create(req.name, req.role, actor, this.now());
    this.auditor.record({ actor, action: "token.create", target: record.id, reason: req.reason, result: "ok", details: { name: record.name, role: record.role } });
    return { token: record, secret: token };
  }

  list(): ApiToken[] {
    return this.tokens.list();
  }

  revoke(id: string, input: unknown, actor: string): ApiToken {
    const req = parse(revokeSchema, input);
    const token = this.tokens.get(id);
    if (!token) throw notFound(`token ${id}`);
    const refuse = (message: string) => {
      this.auditor.record({ actor, action: "token.revoke", target: id, reason: req.reason, result: "failed", details: { name: token.name, role: token.role, error: message } });
      return conflict(message);
    };
    if (token.revokedAt !== null) throw refuse(`token ${id} (${token.name}) is already revoked`);
    if (token.role === "admin" && this.tokens.countActive("admin") <= 1) {
      throw refuse(`token ${id} (${token.name}) is the last live admin token; create another admin token before revoking it`);
    }
    if (!this.tokens.revoke(id, this.now())) throw refuse(`token ${id} (${token.name}) is already revoked`);
    this.auditor.record({ actor, action: "token.revoke", target: id, reason: req.reason, result: "ok", details: { name: token.name, role: token.role } });
    return this.tokens.get(id)!;
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return parsed.data;
}
