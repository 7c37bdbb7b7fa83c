// Credentials read from the hub's SQLite database (table `mqtt_principals`, created by the hub's migrations).
// Opened read-only: the hub is the only writer. Used by the standalone broker.
import Database from "better-sqlite3";
import type { CredentialStore, Principal } from "./credentials.js";
import { isPrincipalRole } from "./credentials.js";

interface PrincipalRow {
  username: string;
  role: string;
  secret_hash: string;
  disabled_at: number | null;
}

export class SqliteCredentialStore implements CredentialStore {
  constructor(
    private readonly db: Database.Database,
    private readonly byUsername: Database.Statement<[string], PrincipalRow>,
  ) {}

  /** Throws (better-sqlite3 `SqliteError`) when the file does not exist or has no `mqtt_principals` table. */
  static open(file: string): SqliteCredentialStore {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const byUsername = db.prepare<[string], PrincipalRow>(
        "SELECT username, role, secret_hash, disabled_at FROM mqtt_principals WHERE username = ?",
      );
      return new SqliteCredentialStore(db, byUsername);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** A row with a role this build does not know is treated as absent: it cannot be authorised for anything. */
  lookup(username: string): Principal | undefined {
    const row = this.byUsername.get(username);
    if (row === undefined || !isPrincipalRole(row.role)) return undefined;
    return { username: row.username, role: row.role, secretHash: row.secret_hash, disabled: row.disabled_at !== null };
  }

  close(): void {
    this.db.close();
  }
}
