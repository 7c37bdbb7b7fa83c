// Device secrets and API tokens: generation, hashing for storage, verification. The hub reuses these.
//
// Secrets are 256-bit random values, never human passwords, so a salted SHA-256 is enough: a slow KDF (scrypt,
// argon2) only helps against guessing low-entropy passwords, and 2^256 candidates cannot be guessed at any speed.
// The salt keeps equal secrets from producing equal hashes.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const SCHEME = "sha256";
const SALT_BYTES = 16;
const SECRET_BYTES = 32;

/** A new 256-bit secret, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString("base64url");
}

function digest(salt: Buffer, secret: string): Buffer {
  return createHash("sha256").update(salt).update(secret, "utf8").digest();
}

/** `sha256$<salt base64url>$<sha256(salt || secret) base64url>`, safe to store. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(SALT_BYTES);
  return `${SCHEME}$${salt.toString("base64url")}$${digest(salt, secret).toString("base64url")}`;
}

/** True when `secret` matches `stored`; false for a wrong secret or a malformed stored hash. */
export function verifySecret(secret: string, stored: string): boolean {
  const parts = stored.split("$");
  if (parts.length !== 3 || parts[0] !== SCHEME) return false;
  const salt = Buffer.from(parts[1] ?? "", "base64url");
  const expected = Buffer.from(parts[2] ?? "", "base64url");
  if (salt.length !== SALT_BYTES || expected.length !== 32) return false;
  return timingSafeEqual(digest(salt, secret), expected);
}
