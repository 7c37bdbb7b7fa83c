// Operator API tokens: stored hashed, bound to a role. The token itself is shown once, at creation.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/database.js";
import { hashSecret, verifySecret } from "../../broker/secrets.js";

export const ROLES = ["viewer", "operator", "release-manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `have` includes the permissions of `need` (roles are ordered). */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  token_hash: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Tokens look like `vrg_<id>_<secret>`: the id finds the row, the secret is checked against its hash. */
export class TokensRepo {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM api_tokens").get() as { n: number }).n;
  }

  create(name: string, role: Role, createdBy: string, now: number): { token: string; record: ApiToken } {
    const id = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    this.db
      .prepare("INSERT INTO api_tokens (id, name, role, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")
      .run(id, name, role, hashSecret(secret), now, createdBy);
    return { token: `vrg_${id}_${secret}`, record: this.get(id)! };
  }

  get(id: string): ApiToken | undefined {
    const row = this.db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(id) as TokenRow | undefined;
    return row && toToken(row);
  }

  list(): ApiToken[] {
    return (this.db.prepare("SELECT * FROM api_tokens ORDER BY created_at, id").all() as TokenRow[]).map(toToken);
  }

  /** The token named `name` that is not revoked, if any (names are unique among live tokens). */
  activeByName(name: string): ApiToken | undefined {
    const row = this.db.prepare("SELECT * FROM api_tokens WHERE name = ? AND revoked_at IS NULL").get(name) as TokenRow | undefined;
    return row && toToken(row);
  }

  /** How many tokens of `role` are not revoked. */
  countActive(role: Role): number {
    return (this.db.prepare("SELECT count(*) AS n FROM api_tokens WHERE role = ? AND revoked_at IS NULL").get(role) as { n: number }).n;
  }

  revoke(id: string, now: number): boolean {
    return this.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(now, id).changes === 1;
  }

  /** The token's record when it is valid and not revoked. */
  authenticate(token: string, now: number): ApiToken | undefined {
    const found = this.verify(token);
    if (found) this.markUsed(found.id, now);
    return found;
  }

  /** The live token `token` names, or undefined; reads only (a read request works while the disk is full). */
  verify(token: string): ApiToken | undefined {
    const m = /^vrg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return undefined;
    const row = this.db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(m[1]) as TokenRow | undefined;
    if (!row || row.revoked_at !== null || !verifySecret(m[2]!, row.token_hash)) return undefined;
    return toToken(row);
  }

  markUsed(id: string, now: number): void {
    this.db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now, id);
  }
}

function toToken(r: TokenRow): ApiToken {
  return { id: r.id, name: r.name, role: r.role, createdAt: r.created_at, createdBy: r.created_by, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}
