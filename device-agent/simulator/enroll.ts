// Bulk enrollment through the hub's API (POST /api/devices/import, admin token): each device gets its own id, MQTT
// secret and agent config, as a real device would from `verge device import`.
export interface EnrollRow {
  id: string;
  variant: string;
  site?: string;
  region?: string;
  corridor?: string;
}

export interface Enrolled {
  id: string;
  /** The agent config the hub wrote for the device, YAML (dataDir still the hub's default). */
  agentConfig: string;
}

/** The hub's import limit is 10,000 rows; smaller batches keep each request and its answer a few MB at most. */
const BATCH = 1000;

export class EnrollmentError extends Error {
  readonly code = "enrollment_failed";
  constructor(message: string) {
    super(message);
    this.name = "EnrollmentError";
  }
}

/** Enrolls every row (in batches); throws EnrollmentError naming the rows the hub refused and why. */
export async function enrollDevices(hubHttpUrl: string, adminToken: string, rows: readonly EnrollRow[]): Promise<Enrolled[]> {
  const enrolled: Enrolled[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    let res: Response;
    try {
      res = await fetch(`${hubHttpUrl.replace(/\/+$/, "")}/api/devices/import`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ devices: batch }),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new EnrollmentError(`cannot reach the hub at ${hubHttpUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    if (res.status !== 201) throw new EnrollmentError(`POST /api/devices/import answered ${res.status}: ${text.slice(0, 500)}`);
    const body = JSON.parse(text) as { results: Array<{ id: string | null; ok: boolean; agentConfig?: string; error?: { code: string; message: string } }> };
    const failed = body.results.filter((r) => !r.ok);
    if (failed.length > 0) {
      const shown = failed.slice(0, 5).map((r) => `${r.id ?? "?"}: ${r.error?.message ?? "refused"}`);
      throw new EnrollmentError(`the hub refused ${failed.length} of ${batch.length} device(s): ${shown.join("; ")}${failed.length > 5 ? "; ..." : ""}`);
    }
    for (const r of body.results) enrolled.push({ id: r.id ?? "", agentConfig: r.agentConfig ?? "" });
  }
  return enrolled;
}
