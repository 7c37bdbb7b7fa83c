// Releases: artifacts imported into the content-addressed store, and a ReleaseManifest signed by the release key.
import type { Readable } from "node:stream";
import { z } from "zod";
import { PAYLOAD_TYPES, RESOURCE_ID_PATTERN, pb, signEnvelope } from "../../proto/index.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { ArtifactStore } from "../artifact-store.js";
import { SHA256_PATTERN } from "../artifact-store.js";
import type { Auditor } from "../audit.js";
import type { HubKeys } from "../keys.js";
import type { Release, ReleasesRepo } from "../repos/releases.repo.js";

export const createReleaseSchema = z
  .object({
    id: z.string().regex(RESOURCE_ID_PATTERN, "release id: 1-128 characters of A-Z a-z 0-9 . _ -").optional(),
    version: z.string().trim().min(1).max(64),
    components: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "component name: lowercase letters, digits, _ and -"),
            version: z.string().trim().min(1).max(64).optional(),
            sha256: z.string().regex(SHA256_PATTERN, "sha256: 64 lowercase hex characters"),
            urls: z.array(z.string().url()).optional(),
          })
          .strict(),
      )
      .min(1, "a release needs at least one component"),
    variants: z.array(z.string().trim().min(1)).min(1, "list the variants this release supports"),
    minBaseImage: z.string().trim().min(1).optional(),
    notes: z.string().max(4000).optional(),
  })
  .strict();

export class ReleasesService {
  constructor(
    private readonly releases: ReleasesRepo,
    private readonly store: ArtifactStore,
    private readonly keys: HubKeys,
    private readonly auditor: Auditor,
    private readonly manifestTtlMs: number,
    private readonly now: () => number,
  ) {}

  async importArtifact(source: Readable, maxBytes: number, actor: string): Promise<{ sha256: string; size: number; existed: boolean }> {
    const { sha256, size } = await this.store.import(source, maxBytes);
    const existed = this.releases.getArtifact(sha256) !== undefined;
    this.releases.putArtifact(sha256, size, actor, this.now());
    this.auditor.record({ actor, action: "artifact.import", target: sha256, result: "ok", details: { size, existed } });
    return { sha256, size, existed };
  }

  create(input: unknown, actor: string): Release {
    const parsed = createReleaseSchema.safeParse(input);
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    const req = parsed.data;
    const id = req.id ?? `rel-${req.version.replace(/[^A-Za-z0-9._-]/g, "_")}`;
    if (this.releases.get(id)) throw conflict(`release ${id} already exists`);
    const names = new Set<string>();
    const components = req.components.map((c) => {
      if (names.has(c.name)) throw badRequest(`component ${c.name} is listed twice`);
      names.add(c.name);
      const artifact = this.releases.getArtifact(c.sha256);
      if (!artifact || !this.store.has(c.sha256)) throw badRequest(`artifact ${c.sha256} (component ${c.name}) has not been uploaded`);
      return { name: c.name, version: c.version ?? req.version, sha256: c.sha256, size: artifact.size, urls: [`/artifacts/${c.sha256}`, ...(c.urls ?? [])] };
    });
    const now = this.now();
    const counter = this.releases.nextCounter();
    const expiresAt = this.manifestTtlMs > 0 ? now + this.manifestTtlMs : 0;
    const manifest = pb.ReleaseManifest.encode({
      releaseId: id,
      counter,
      version: req.version,
      components,
      compatibleVariants: req.variants,
      minBaseImage: req.minBaseImage ?? "",
      createdAt: now,
      expiresAt,
      notes: req.notes ?? "",
    }).finish();
    const envelope = signEnvelope(PAYLOAD_TYPES.manifest, manifest, [this.keys.release]);
    this.releases.insert({
      id,
      counter,
      version: req.version,
      variants: req.variants,
      minBaseImage: req.minBaseImage ?? null,
      notes: req.notes ?? null,
      components: components.map(({ name, version, sha256, size }) => ({ name, version, sha256, size })),
      signedBy: this.keys.release.keyId,
      createdAt: now,
      createdBy: actor,
      expiresAt: expiresAt || null,
      manifestEnvelope: envelope,
    });
    this.auditor.record({ actor, action: "release.create", target: id, result: "ok", details: { version: req.version, counter, variants: req.variants, components: components.map((c) => c.name) } });
    return this.get(id);
  }

  get(id: string): Release {
    const release = this.releases.get(id);
    if (!release) throw notFound(`release ${id}`);
    return release;
  }

  /** One page of releases, newest first, and how many there are. */
  page(page: { limit: number; offset: number }): { releases: Release[]; totalCount: number } {
    return { releases: this.releases.list(page), totalCount: this.releases.count() };
  }
}
