import { describe, expect, it } from "vitest";
import { generateSecret, hashSecret, verifySecret } from "../../broker/secrets.js";

describe("secrets", () => {
  it("generates 256-bit base64url secrets, different each time", () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });

  it("hashes with a fresh salt and verifies only the right secret", () => {
    const secret = generateSecret();
    const stored = hashSecret(secret);
    expect(stored).toMatch(/^sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hashSecret(secret)).not.toBe(stored);
    expect(verifySecret(secret, stored)).toBe(true);
    expect(verifySecret(`${secret}x`, stored)).toBe(false);
    expect(verifySecret("", stored)).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["plain text", "hunter2"],
    ["other scheme", "bcrypt$abc$def"],
    ["missing part", "sha256$AAAAAAAAAAAAAAAAAAAAAA"],
    ["short salt", "sha256$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["short digest", "sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAA"],
    ["extra part", "sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$x"],
  ])("refuses a malformed stored hash (%s) without throwing", (_name, stored) => {
    expect(verifySecret("anything", stored)).toBe(false);
  });
});
