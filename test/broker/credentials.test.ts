import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryCredentialStore } from "../../broker/credentials.js";
import { SqliteCredentialStore } from "../../broker/credentials-sqlite.js";
import { hashSecret } from "../../broker/secrets.js";
import { tempDir } from "../helpers/wait.js";
import { principal } from "./harness.js";

const SCHEMA = `CREATE TABLE mqtt_principals (
  username TEXT PRIMARY KEY, role TEXT NOT NULL, secret_hash TEXT NOT NULL, disabled_at INTEGER NULL, created_at INTEGER NOT NULL)`;

describe("SqliteCredentialStore", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function databaseWith(rows: [string, string, string, number | null][]): string {
    const { dir, cleanup } = tempDir("verge-creds-");
    cleanups.push(cleanup);
    const file = join(dir, "verge.db");
    const db = new Database(file);
    db.exec(SCHEMA);
    const insert = db.prepare("INSERT INTO mqtt_principals VALUES (?, ?, ?, ?, ?)");
    for (const [username, role, hash, disabledAt] of rows) insert.run(username, role, hash, disabledAt, Date.now());
    db.close();
    return file;
  }

  function open(file: string): SqliteCredentialStore {
    const store = SqliteCredentialStore.open(file);
    cleanups.unshift(() => store.close());
    return store;
  }

  it("looks up principals by username, with role and disabled flag", () => {
    const hash = hashSecret("s");
    const store = open(databaseWith([["dev-a", "device", hash, null], ["hub", "hub", hash, null], ["dev-off", "device", hash, 1700000000]]));
    expect(store.lookup("dev-a")).toEqual({ username: "dev-a", role: "device", secretHash: hash, disabled: false });
    expect(store.lookup("hub")?.role).toBe("hub");
    expect(store.lookup("dev-off")?.disabled).toBe(true);
    expect(store.lookup("nobody")).toBeUndefined();
  });

  it("treats a row with an unknown role as absent", () => {
    const store = open(databaseWith([["x", "superuser", hashSecret("s"), null]]));
    expect(store.lookup("x")).toBeUndefined();
  });

  it("sees rows the hub writes after it was opened", () => {
    const file = databaseWith([]);
    const store = open(file);
    expect(store.lookup("dev-new")).toBeUndefined();
    const writer = new Database(file);
    writer.prepare("INSERT INTO mqtt_principals VALUES (?, ?, ?, NULL, ?)").run("dev-new", "device", hashSecret("s"), Date.now());
    writer.close();
    expect(store.lookup("dev-new")?.username).toBe("dev-new");
  });

  it("opens read-only and refuses a missing file or a database without the table", () => {
    const file = databaseWith([]);
    const store = open(file);
    expect(() => (store as unknown as { db: Database.Database }).db.exec("DELETE FROM mqtt_principals")).toThrow(/readonly/);
    expect(() => SqliteCredentialStore.open(join(file, "..", "missing.db"))).toThrow();
    const { dir, cleanup } = tempDir("verge-creds-");
    cleanups.push(cleanup);
    new Database(join(dir, "empty.db")).close();
    expect(() => SqliteCredentialStore.open(join(dir, "empty.db"))).toThrow(/no such table/);
  });
});

describe("MemoryCredentialStore", () => {
  it("adds, looks up and removes principals, handing out copies", () => {
    const store = new MemoryCredentialStore();
    store.add(principal("dev-a", "device"));
    const found = store.lookup("dev-a")!;
    found.disabled = true;
    expect(store.lookup("dev-a")?.disabled).toBe(false);
    store.remove("dev-a");
    expect(store.lookup("dev-a")).toBeUndefined();
  });
});
