// Signing keys and the hub's own MQTT secret, kept as files (mode 0600) in <dataDir>/keys. Created at first start.
// The release key may instead live off the hub with the release managers; the hub then only needs its public key.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSigningKey, signingKeyFromPem, signingKeyToPem } from "../proto/index.js";
import type { SigningKey } from "../proto/index.js";

export interface HubKeys {
  hub: SigningKey;
  release: SigningKey;
}

function writeSecretFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
}

export function loadOrCreateKey(file: string): { key: SigningKey; created: boolean } {
  if (existsSync(file)) return { key: signingKeyFromPem(readFileSync(file, "utf8")), created: false };
  const key = generateSigningKey();
  writeSecretFile(file, signingKeyToPem(key));
  return { key, created: true };
}

export function loadOrCreateKeys(dataDir: string): HubKeys {
  const dir = join(dataDir, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    hub: loadOrCreateKey(join(dir, "hub.key")).key,
    release: loadOrCreateKey(join(dir, "release.key")).key,
  };
}

/** A secret stored as a file; created with `generate` when missing. */
export function loadOrCreateSecret(file: string, generate: () => string): { secret: string; created: boolean } {
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), created: false };
  const secret = generate();
  writeSecretFile(file, secret + "\n");
  return { secret, created: true };
}
