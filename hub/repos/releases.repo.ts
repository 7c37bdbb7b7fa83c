// Artifacts (content-addressed files) and releases (a signed manifest over components).
import type { Db } from "../db/database.js";

export interface Artifact {
  sha256: string;
  size: number;
  createdAt: number;
}

export interface ReleaseComponent {
  name: string;
  version: string;
  sha256: string;
  size: number;
}

export interface Release {
  id: string;
  counter: number;
  version: string;
  variants: string[];
  minBaseImage: string | null;
  notes: string | null;
  components: ReleaseComponent[];
  signedBy: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
}

interface ReleaseRow {
  id: string;
  counter: number;
  version: string;
  variants_json: string;
  min_base_image: string | null;
  notes: string | null;
  manifest_envelope: Buffer;
  signed_by: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
}

export class ReleasesRepo {
  constructor(private readonly db: Db) {}

  getArtifact(sha256: string): Artifact | undefined {
    const row = this.db.prepare("SELECT sha256, size, created_at FROM artifacts WHERE sha256 = ?").get(sha256) as
      | { sha256: string; size: number; created_at: number }
      | undefined;
    return row && { sha256: row.sha256, size: row.size, createdAt: row.created_at };
  }

  /** Records an artifact; a second import of the same bytes is a no-op. */
  putArtifact(sha256: string, size: number, createdBy: string, now: number): void {
    this.db.prepare("INSERT OR IGNORE INTO artifacts (sha256, size, created_at, created_by) VALUES (?, ?, ?, ?)").run(sha256, size, now, createdBy);
  }

  nextCounter(): number {
    const row = this.db.prepare("SELECT coalesce(max(counter), 0) + 1 AS next FROM releases").get() as { next: number };
    return row.next;
  }

  insert(release: Omit<Release, "createdAt"> & { createdAt: number; manifestEnvelope: Uint8Array }): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO releases (id, counter, version, variants_json, min_base_image, notes, manifest_envelope, signed_by, created_at, created_by, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          release.id,
          release.counter,
          release.version,
          JSON.stringify(release.variants),
          release.minBaseImage,
          release.notes,
          Buffer.from(release.manifestEnvelope),
          release.signedBy,
          release.createdAt,
          release.createdBy,
          release.expiresAt,
        );
      const insertComponent = this.db.prepare("INSERT INTO release_components (release_id, name, version, sha256, size) VALUES (?, ?, ?, ?, ?)");
      for (const c of release.components) insertComponent.run(release.id, c.name, c.version, c.sha256, c.size);
    })();
  }

  get(id: string): Release | undefined {
    const row = this.db.prepare("SELECT * FROM releases WHERE id = ?").get(id) as ReleaseRow | undefined;
    return row && this.toRelease(row);
  }

  manifestEnvelope(id: string): Buffer | undefined {
    const row = this.db.prepare("SELECT manifest_envelope FROM releases WHERE id = ?").get(id) as { manifest_envelope: Buffer } | undefined;
    return row?.manifest_envelope;
  }

  /** Newest (highest counter) first; a page of them when `page` is given. */
  list(page?: { limit: number; offset: number }): Release[] {
    const rows = page
      ? (this.db.prepare("SELECT * FROM releases ORDER BY counter DESC LIMIT ? OFFSET ?").all(page.limit, page.offset) as ReleaseRow[])
      : (this.db.prepare("SELECT * FROM releases ORDER BY counter DESC").all() as ReleaseRow[]);
    return rows.map((r) => this.toRelease(r));
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM releases").get() as { n: number }).n;
  }

  private toRelease(r: ReleaseRow): Release {
    const components = this.db
      .prepare("SELECT name, version, sha256, size FROM release_components WHERE release_id = ? ORDER BY name")
      .all(r.id) as ReleaseComponent[];
    return {
      id: r.id,
      counter: r.counter,
      version: r.version,
      variants: JSON.parse(r.variants_json) as string[],
      minBaseImage: r.min_base_image,
      notes: r.notes,
      components,
      signedBy: r.signed_by,
      createdAt: r.created_at,
      createdBy: r.created_by,
      expiresAt: r.expires_at,
    };
  }
}
