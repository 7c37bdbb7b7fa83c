// Signed checkpoints of the audit chain's head (issue 14 item 7). The hub signs {row id, hash, keyed-from, time} with
// its Ed25519 hub key and keeps each checkpoint where the audit table's writer cannot silently rewrite it: appended
// (fsynced) to <dataDir>/audit-checkpoints.jsonl and published retained on verge/v1/audit/checkpoint (SCADA may read
// it, so copies live outside the hub). `verify` checks the rows against the newest one: rows deleted from the end, or
// a chain recomputed before the checkpoint, no longer match it. An operator exports one (`verge audit checkpoint
// export`) and verifies against it later (`verge audit verify --checkpoint FILE`).
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";
import { publicKeyToBase64 } from "../proto/index.js";
import { topics } from "../proto/topics.js";
import type { SigningKey } from "../proto/index.js";
import type { AuditRepo, ChainHead, TrustedHead } from "./repos/audit.repo.js";
import type { HubMetrics } from "./metrics.js";

export const CHECKPOINT_TYPE = "verge.audit.checkpoint.v1";
/** The retained topic the hub publishes each checkpoint on. */
export const CHECKPOINT_TOPIC = topics.auditCheckpoint;
/** Signed bytes start with this, so a checkpoint signature can never be taken for an envelope signature. */
const DOMAIN = "verge-audit-checkpoint-v1\n";

const checkpointSchema = z
  .object({
    type: z.literal(CHECKPOINT_TYPE),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    id: z.number().int().nonnegative(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    keyedFrom: z.number().int().positive(),
    at: z.number().int().nonnegative(),
    sig: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  })
  .strict();

export type SignedCheckpoint = z.infer<typeof checkpointSchema>;

function signedBytes(c: Omit<SignedCheckpoint, "sig">): Buffer {
  return Buffer.from(DOMAIN + JSON.stringify([c.type, c.keyId, c.id, c.hash, c.keyedFrom, c.at]));
}

export function signCheckpoint(head: ChainHead, at: number, key: SigningKey): SignedCheckpoint {
  const body = { type: CHECKPOINT_TYPE, keyId: key.keyId, id: head.id, hash: head.hash, keyedFrom: head.keyedFrom, at } as const;
  return { ...body, sig: sign(null, signedBytes(body), key.privateKey).toString("base64") };
}

export type CheckpointCheck = { ok: true; checkpoint: SignedCheckpoint } | { ok: false; reason: string };

/** Parses a checkpoint (JSON text or value) and checks its signature against the hub's public key. */
export function checkCheckpoint(raw: unknown, hubKey: { keyId: string; publicKey: KeyObject }): CheckpointCheck {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reason: "not JSON" };
    }
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `not a verge audit checkpoint: ${parsed.error.issues.map((i) => `${i.path.join(".") || "checkpoint"}: ${i.message}`).join("; ")}` };
  const c = parsed.data;
  if (c.keyId !== hubKey.keyId) return { ok: false, reason: `signed by key ${c.keyId}, not by this hub's key ${hubKey.keyId}` };
  const sig = Buffer.from(c.sig, "base64");
  if (sig.length !== 64 || !verify(null, signedBytes(c), hubKey.publicKey, sig)) return { ok: false, reason: `the signature does not verify with the hub key ${hubKey.keyId}` };
  return { ok: true, checkpoint: c };
}

export function trustedHead(c: SignedCheckpoint, source: string): TrustedHead {
  return { id: c.id, hash: c.hash, keyedFrom: c.keyedFrom, at: c.at, source };
}

/** The newest checkpoint the hub holds, and checkpoints found that do not verify (a sign of tampering). */
export interface NewestCheckpoint {
  checkpoint: SignedCheckpoint | null;
  source: string | null;
  invalid: string[];
}

export interface AuditCheckpointsDeps {
  audit: AuditRepo;
  key: SigningKey;
  /** <dataDir>/audit-checkpoints.jsonl */
  file: string;
  publish: (payload: string) => Promise<void>;
  /** The retained checkpoint on the broker, if any. */
  readRetained: () => Promise<string | undefined>;
  logger: Logger;
  metrics: Pick<HubMetrics, "auditCheckpoints">;
  now: () => number;
  /** A checkpoint follows a write within this long (writes in between share it). */
  debounceMs: number;
}

/** How much of the end of the file is read to find the newest checkpoint (a line is about 300 bytes). */
const TAIL_BYTES = 64 * 1024;

export class AuditCheckpoints {
  private timer: NodeJS.Timeout | undefined;
  private last: SignedCheckpoint | null = null;
  private publishing: Promise<void> = Promise.resolve();

  constructor(private readonly d: AuditCheckpointsDeps) {}

  /** The hub's public key (base64 of the raw 32 bytes) and its id, for checking exported checkpoints. */
  publicKey(): { keyId: string; publicKey: string } {
    return { keyId: this.d.key.keyId, publicKey: publicKeyToBase64(this.d.key.publicKey) };
  }

  /** Checks a checkpoint (e.g. one an operator kept) against this hub's key. */
  check(raw: unknown): CheckpointCheck {
    return checkCheckpoint(raw, this.d.key);
  }

  /** Reads the newest checkpoint (file or retained topic); writes one for the head now when the head moved since. */
  async start(): Promise<void> {
    this.last = (await this.newest()).checkpoint;
    this.checkpointNow();
  }

  /** A row was appended: a checkpoint follows within debounceMs. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.checkpointNow();
    }, this.d.debounceMs);
    this.timer.unref();
  }

  /** Signs the current head, appends it to the file (fsynced) and publishes it retained; null when nothing moved. */
  checkpointNow(): SignedCheckpoint | null {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const head = this.d.audit.head();
    if (this.last && this.last.id === head.id && this.last.hash === head.hash && this.last.keyedFrom === head.keyedFrom) return null;
    // Only a chain that extends the last checkpoint is signed: a log cut back or rewritten under the hub stays
    // unvouched for, and verify reports it against the last good checkpoint.
    const extension = this.d.audit.extendsHead(this.last);
    if (!extension.ok) {
      this.d.metrics.auditCheckpoints.inc({ result: "refused" });
      this.d.logger.error({ auditId: head.id, lastCheckpointId: this.last?.id ?? null, problem: extension.problem }, "audit log does not extend the last checkpoint: not signed; run verge audit verify");
      return null;
    }
    const checkpoint = signCheckpoint(head, this.d.now(), this.d.key);
    const line = JSON.stringify(checkpoint);
    try {
      const fd = openSync(this.d.file, "a", 0o600);
      try {
        writeSync(fd, line + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      // Not written: the next write tries again (this.last stays behind the head).
      this.d.metrics.auditCheckpoints.inc({ result: "failed" });
      this.d.logger.error({ err, file: this.d.file, auditId: head.id }, "audit checkpoint not written");
      return null;
    }
    this.last = checkpoint;
    this.d.metrics.auditCheckpoints.inc({ result: "written" });
    this.publishing = this.publishing
      .then(() => this.d.publish(line))
      .catch((err: unknown) => this.d.logger.warn({ err, auditId: head.id }, "audit checkpoint not published on MQTT (the file has it)"));
    this.d.logger.debug({ auditId: head.id }, "audit checkpoint");
    return checkpoint;
  }

  /** The newest valid checkpoint of the file and of the retained topic (the one naming the later row wins). */
  async newest(): Promise<NewestCheckpoint> {
    const file = this.fromFile();
    const invalid = [...file.invalid];
    let best = file.checkpoint ? { checkpoint: file.checkpoint, source: `file ${this.d.file}` } : null;
    let retained: string | undefined;
    try {
      retained = await this.d.readRetained();
    } catch (err) {
      this.d.logger.warn({ err }, "retained audit checkpoint not readable");
    }
    if (retained !== undefined) {
      const check = checkCheckpoint(retained, this.d.key);
      if (!check.ok) invalid.push(`retained ${CHECKPOINT_TOPIC}: ${check.reason}`);
      else if (!best || check.checkpoint.id > best.checkpoint.id || (check.checkpoint.id === best.checkpoint.id && check.checkpoint.at > best.checkpoint.at)) {
        best = { checkpoint: check.checkpoint, source: `retained MQTT ${CHECKPOINT_TOPIC}` };
      }
    }
    return { checkpoint: best?.checkpoint ?? null, source: best?.source ?? null, invalid };
  }

  /** Written and published: at graceful stop, the last checkpoint goes out before the MQTT session ends. */
  async stop(): Promise<void> {
    this.checkpointNow();
    await this.publishing;
  }

  private fromFile(): { checkpoint: SignedCheckpoint | null; invalid: string[] } {
    if (!existsSync(this.d.file)) return { checkpoint: null, invalid: [] };
    const fd = openSync(this.d.file, "r");
    let text: string;
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      text = buf.toString("utf8");
      if (start > 0) text = text.slice(text.indexOf("\n") + 1);
    } finally {
      closeSync(fd);
    }
    const invalid: string[] = [];
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    // The newest valid line wins; a line that does not verify is reported (someone edited the file).
    for (let i = lines.length - 1; i >= 0; i--) {
      const check = checkCheckpoint(lines[i]!, this.d.key);
      if (check.ok) return { checkpoint: check.checkpoint, invalid };
      invalid.push(`file ${this.d.file}, line ${lines.length - i} from the end: ${check.reason}`);
    }
    return { checkpoint: null, invalid };
  }
}
