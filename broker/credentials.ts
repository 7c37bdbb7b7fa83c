// Who may connect to the broker: principals looked up by MQTT username. The hub keeps them in SQLite; tests use memory.

export const PRINCIPAL_ROLES = ["device", "hub", "scada"] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

export function isPrincipalRole(value: string): value is PrincipalRole {
  return (PRINCIPAL_ROLES as readonly string[]).includes(value);
}

export interface Principal {
  /** For a device, its device id. */
  username: string;
  role: PrincipalRole;
  /** `hashSecret()` output. */
  secretHash: string;
  disabled: boolean;
}

/** Synchronous so the broker's authenticate hook stays a single step (better-sqlite3 is synchronous too). */
export interface CredentialStore {
  lookup(username: string): Principal | undefined;
}

export class MemoryCredentialStore implements CredentialStore {
  private readonly principals = new Map<string, Principal>();

  add(principal: Principal): void {
    this.principals.set(principal.username, { ...principal });
  }

  remove(username: string): void {
    this.principals.delete(username);
  }

  lookup(username: string): Principal | undefined {
    const principal = this.principals.get(username);
    return principal === undefined ? undefined : { ...principal };
  }
}
