// The one module that opens the hub database: pragmas, then the numbered migrations in hub/db/migrations.
import Database from "better-sqlite3";
import type { Database as SqliteDatabase, Statement } from "better-sqlite3";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type Db = SqliteDatabase;

/** The package root: where package.json is, whether running from source (vitest) or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const MIGRATIONS_DIR = join(packageRoot(), "hub", "db", "migrations");

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), "utf8") }));
}

/** Applies every migration above the database's user_version, each in its own transaction. Returns those applied. */
export function migrate(db: Db, migrations = loadMigrations()): string[] {
  const current = db.pragma("user_version", { simple: true }) as number;
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.name);
  }
  return applied;
}

const statements = new WeakMap<Db, Map<string, Statement>>();

/**
 * The statement for `sql` on `db`, prepared on first use and then reused: better-sqlite3 compiles the SQL again at every
 * prepare(), which cost more than the insert itself on the telemetry path. For fixed SQL text only (the cache keeps
 * one statement per text), and never with pluck()/raw()/expand(), which would change the shared statement.
 */
export function cachedStatement(db: Db, sql: string): Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map<string, Statement>()));
  let statement = byText.get(sql);
  if (!statement) byText.set(sql, (statement = db.prepare(sql)));
  return statement;
}

export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}
