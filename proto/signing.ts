// Ed25519 signing of SignedEnvelope (DESIGN.md "Signing"). Two roles: the release key signs ReleaseManifest, the hub
// key signs DesiredState and Command. Keys have ids; an envelope may carry several signatures so keys can rotate.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { verge } from "./gen/verge.js";

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface TrustedKey {
  keyId: string;
  publicKey: KeyObject;
}

/** The payload types an envelope may carry, and the key role allowed to sign each. */
export const PAYLOAD_TYPES = {
  manifest: "verge.v1.ReleaseManifest",
  desired: "verge.v1.DesiredState",
  command: "verge.v1.Command",
} as const;
export type PayloadType = (typeof PAYLOAD_TYPES)[keyof typeof PAYLOAD_TYPES];

/** Raw 32-byte Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new SigningError("bad_key", "not an Ed25519 public key");
  }
  return Buffer.from(jwk.x, "base64url");
}

/** Key id: first 16 hex characters of sha256 over the raw public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(rawPublicKey(publicKey)).digest("hex").slice(0, 16);
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new SigningError("bad_key", "not an Ed25519 private key");
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

export function signingKeyToPem(key: SigningKey): string {
  return key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** Public key as base64 of the raw 32 bytes: the form agent configs carry. */
export function publicKeyToBase64(publicKey: KeyObject): string {
  return rawPublicKey(publicKey).toString("base64");
}

export function trustedKeyFromBase64(b64: string): TrustedKey {
  const raw = Buffer.from(b64, "base64");
  if (raw.length !== 32) throw new SigningError("bad_key", `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
  return { keyId: keyIdOf(publicKey), publicKey };
}

export class SigningError extends Error {
  constructor(
    readonly code: "bad_key" | "bad_envelope",
    message: string,
  ) {
    super(message);
    this.name = "SigningError";
  }
}

/**
 * Pre-authentication encoding (as in DSSE): the signature covers the payload type and the payload, each length-
 * prefixed, so a signature over one message type can never be replayed as another.
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  const header = Buffer.from(`VERGE1 ${type.length} `, "utf8");
  const middle = Buffer.from(` ${payload.length} `, "utf8");
  return Buffer.concat([header, type, middle, payload]);
}

export function signEnvelope(payloadType: PayloadType, payload: Uint8Array, keys: readonly SigningKey[]): Uint8Array {
  if (keys.length === 0) throw new SigningError("bad_key", "at least one signing key is needed");
  const pae = preAuthEncoding(payloadType, payload);
  const envelope = verge.v1.SignedEnvelope.create({
    payloadType,
    payload,
    signatures: keys.map((k) => ({ keyId: k.keyId, sig: sign(null, pae, k.privateKey) })),
  });
  return verge.v1.SignedEnvelope.encode(envelope).finish();
}

export type EnvelopeRejection =
  | "malformed" // not a SignedEnvelope
  | "wrong_type" // payload_type is not the expected one
  | "unsigned" // no signatures at all
  | "unknown_key" // no signature by a trusted key id
  | "bad_signature"; // a trusted key id whose signature does not verify

export type EnvelopeVerdict =
  | { ok: true; payload: Uint8Array; keyId: string }
  | { ok: false; reason: EnvelopeRejection; detail: string };

/**
 * Opens an envelope: decodes it, checks the payload type, and accepts it when a signature by a trusted key verifies.
 * Expected failures are values, never exceptions.
 */
export function openEnvelope(bytes: Uint8Array, expectedType: PayloadType, trusted: readonly TrustedKey[]): EnvelopeVerdict {
  let envelope: verge.v1.SignedEnvelope;
  try {
    envelope = verge.v1.SignedEnvelope.decode(bytes);
  } catch (err) {
    return { ok: false, reason: "malformed", detail: `not a SignedEnvelope: ${(err as Error).message}` };
  }
  if (envelope.payloadType !== expectedType) {
    return { ok: false, reason: "wrong_type", detail: `expected ${expectedType}, got "${envelope.payloadType}"` };
  }
  if (envelope.signatures.length === 0) return { ok: false, reason: "unsigned", detail: "envelope carries no signature" };
  const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
  let sawTrusted = false;
  for (const s of envelope.signatures) {
    const key = trusted.find((k) => k.keyId === s.keyId);
    if (!key) continue;
    sawTrusted = true;
    if (s.sig && s.sig.length === 64 && verify(null, pae, key.publicKey, s.sig)) {
      return { ok: true, payload: envelope.payload, keyId: key.keyId };
    }
  }
  const ids = envelope.signatures.map((s) => s.keyId).join(", ");
  return sawTrusted
    ? { ok: false, reason: "bad_signature", detail: `signature by trusted key does not verify (key ids: ${ids})` }
    : { ok: false, reason: "unknown_key", detail: `signed only by untrusted key ids: ${ids}` };
}
