// IncidentsRepo.openBlocking against a real SQLite file with the production migrations: what a `noOpenIncidents`
// criterion of a rollout of a release sees.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../hub/db/database.js";
import type { Db } from "../../hub/db/database.js";
import { IncidentsRepo } from "../../hub/repos/incidents.repo.js";
import { tempDir } from "../helpers/wait.js";

const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);

describe("IncidentsRepo.openBlocking", () => {
  let db: Db;
  let cleanup: () => void;
  let incidents: IncidentsRepo;

  beforeEach(() => {
    const t = tempDir("verge-incidents-repo-");
    cleanup = t.cleanup;
    db = openDatabase(join(t.dir, "hub.db"));
    incidents = new IncidentsRepo(db);
    for (const [id, counter] of [["rel-1", 1], ["rel-2", 2]] as const) {
      db.prepare(`INSERT INTO releases (id, counter, version, variants_json, manifest_envelope, signed_by, created_at, created_by) VALUES (?, ?, ?, '[]', ?, 'k', ?, 't')`).run(id, counter, id, Buffer.from("m"), T0);
    }
  });

  afterEach(() => {
    db.close();
    cleanup();
  });

  it("open incidents of the release and fleet-wide ones, of the asked severities; closed ones and other releases' do not count", () => {
    incidents.insert({ id: "inc-a", releaseId: "rel-1", severity: "sev2", title: "lag", openedBy: "t" }, T0);
    incidents.insert({ id: "inc-b", releaseId: null, severity: "sev1", title: "backhaul down", openedBy: "t" }, T0 + 1);
    incidents.insert({ id: "inc-c", releaseId: "rel-2", severity: "sev1", title: "other release", openedBy: "t" }, T0 + 2);
    incidents.insert({ id: "inc-d", releaseId: "rel-1", severity: "sev3", title: "cosmetic", openedBy: "t" }, T0 + 3);
    incidents.insert({ id: "inc-e", releaseId: "rel-1", severity: "sev1", title: "fixed", openedBy: "t" }, T0 + 4);
    incidents.close("inc-e", "t", "fixed", T0 + 5);
    expect(incidents.openBlocking("rel-1", ["sev1", "sev2"]).map((i) => [i.id, i.severity, i.releaseId])).toEqual([
      ["inc-b", "sev1", null],
      ["inc-a", "sev2", "rel-1"],
    ]);
    expect(incidents.openBlocking("rel-1", ["sev3"]).map((i) => i.id)).toEqual(["inc-d"]);
    expect(incidents.openBlocking("rel-1", [])).toEqual([]);
  });
});
