// rules: time for one evaluation of the default plan's pause rules (config/plans/default.yaml) over a stage of 1k, 10k
// and 50k devices, through the hub's real path (RolloutsService.evaluate: stage counts, KpiRepo sums in SQL, verdicts,
// rule state saved), first with only the rules' window (1 h) of KPI reports stored, then with 24 h.
//
// Seeding: devices go straight into SQLite; the release and the rollout are made through the API (every device gets
// its signed desired state); KPI reports are inserted as the ingest stores them (kpi_reports with its lag columns +
// kpi_lag_buckets, same release, six non-empty lag buckets each). The last hour holds one report per device per minute (the agent's
// default interval), what the 1 h rule window really scans; older history is seeded at one report per
// `historyWindowS` (15 min by default: 1-minute windows for 24 h at 50k devices are 72M reports and ~430M bucket rows,
// too many to seed here). Seeding is timed and printed apart.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { packageRoot } from "../../hub/db/database.js";
import { LAG_COLUMNS } from "../../hub/repos/kpi.repo.js";
import { LAG_BUCKET_BOUNDS_MS } from "../../proto/index.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import type { Bench, Figure } from "./types.js";
import { round } from "./util.js";

const defaults = {
  /** Fleet sizes, comma-separated: one hub and database per size. */
  sizes: "1000,10000,50000",
  /** Hours of KPI history in the second measurement (the first has only the rules' 1 h window). */
  historyHours: 24,
  /** Report interval in the rules' window (the agent's default KPI interval). */
  recentWindowS: 60,
  /** Report interval of the history older than the rules' window. */
  historyWindowS: 900,
  /** Evaluations timed per point (the median is reported; the first, cold one is printed too). */
  evaluations: 5,
};
type Params = typeof defaults;

const RULE_WINDOW_MS = 3600_000;
const RELEASE = "rel-bench-2";
const PREVIOUS = "rel-bench-1";
/** A minute of a signal controller's events by lag bucket (six buckets used, as the ingest stores non-empty ones). */
const BUCKETS: Array<[number, number]> = [
  [0, 700],
  [1, 300],
  [2, 150],
  [3, 40],
  [5, 8],
  [7, 2],
];

export function defaultPlanWithOneStage(): Record<string, unknown> {
  const plan = parseYaml(readFileSync(join(packageRoot(), "config", "plans", "default.yaml"), "utf8")) as Record<string, unknown>;
  // The default rules and defaults; one wave over the whole fleet, so the rules' stage scope is every device.
  return { ...plan, name: "default-one-wave", stages: [{ name: "wave-1", select: { percent: 100 } }] };
}

export function seedDevices(h: TestHub, n: number): string[] {
  const ids = Array.from({ length: n }, (_, i) => `sig-${String(i).padStart(6, "0")}`);
  const insert = h.hub.db.prepare(
    "INSERT INTO devices (id, variant, site, region, corridor, created_at, created_by, current_release_id) VALUES (?, 'sc-x1', ?, ?, ?, ?, 'bench', ?)",
  );
  const now = Date.now();
  h.hub.db.transaction(() => {
    ids.forEach((id, i) => insert.run(id, `site-${i % 500}`, `region-${i % 8}`, `corridor-${i % 40}`, now, PREVIOUS));
  })();
  return ids;
}

/** Inserts one report per device every `stepMs` with window_end in (from, to]; returns the reports written. */
export function seedKpi(h: TestHub, ids: string[], seqBase: Map<string, number>, from: number, to: number, stepMs: number): number {
  const report = h.hub.db.prepare(
    `INSERT INTO kpi_reports (device_id, seq, event_time, received_at, window_start, window_end, release_id, seconds_up, seconds_down, events_processed, events_dropped, lag_bounds_json, lag_counts_json, ${LAG_COLUMNS.join(", ")})
     VALUES (?, ?, ?, ?, ?, ?, '${RELEASE}', ?, 0, ?, 0, ?, ?, ${LAG_COLUMNS.map(() => "?").join(", ")})`,
  );
  const bucket = h.hub.db.prepare("INSERT INTO kpi_lag_buckets (device_id, seq, bucket, count) VALUES (?, ?, ?, ?)");
  const bounds = JSON.stringify(LAG_BUCKET_BOUNDS_MS);
  const counts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  for (const [b, c] of BUCKETS) counts[b] = c;
  const countsJson = JSON.stringify(counts);
  const events = counts.reduce((a, b) => a + b, 0);
  let written = 0;
  // One transaction per 500 devices keeps the WAL small.
  for (let start = 0; start < ids.length; start += 500) {
    h.hub.db.transaction(() => {
      for (const id of ids.slice(start, start + 500)) {
        let seq = seqBase.get(id) ?? 0;
        for (let end = from + stepMs; end <= to; end += stepMs) {
          seq += 1;
          report.run(id, seq, end, end + 150, end - stepMs, end, stepMs / 1000, events, bounds, countsJson, ...counts);
          for (const [b, c] of BUCKETS) bucket.run(id, seq, b, c);
          written += 1;
        }
        seqBase.set(id, seq);
      }
    })();
  }
  return written;
}

async function timeEvaluations(h: TestHub, rolloutId: string, n: number): Promise<{ cold: number; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < Math.max(1, n); i++) {
    const t0 = performance.now();
    await h.hub.services.rollouts.evaluate(rolloutId);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { cold: times[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

export const bench: Bench<Params> = {
  name: "rules",
  description: "one evaluation of the default pause rules over a stage of 1k/10k/50k devices, with 1 h and 24 h of KPI reports stored",
  defaults,
  smoke: { sizes: "20", historyHours: 2, evaluations: 1 },
  async run(p, log) {
    const sizes = p.sizes.split(",").map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: positive integers, comma-separated (got "${p.sizes}")`);
    if (p.recentWindowS <= 0 || p.historyWindowS <= 0 || p.historyHours < 1) throw new Error("--recentWindowS, --historyWindowS > 0 and --historyHours >= 1");
    const figures: Figure[] = [];
    for (const n of sizes) {
      const dir = mkdtempSync(join(tmpdir(), "verge-bench-rules-"));
      try {
        const h = await startTestHub(join(dir, "hub"), { rollout: { evaluateCron: "0 0 1 1 *" } });
        try {
          const t0 = performance.now();
          const ids = seedDevices(h, n);
          const sha = await h.upload(randomBytes(1024));
          const rel = await h.api("POST", "/api/releases", { id: RELEASE, version: "2.0.0", variants: ["sc-x1"], components: [{ name: "app", sha256: sha }] });
          if (rel.status !== 201) throw new Error(`release: ${rel.status} ${JSON.stringify(rel.body)}`);
          const tRollout = performance.now();
          const ro = await h.api<{ rollout: { id: string } }>("POST", "/api/rollouts", { id: "ro-bench", releaseId: RELEASE, plan: defaultPlanWithOneStage() });
          if (ro.status !== 201) throw new Error(`rollout: ${ro.status} ${JSON.stringify(ro.body)}`);
          const createMs = performance.now() - tRollout;
          const rolloutId = ro.body.rollout.id;
          const now = Date.now();
          const seqs = new Map<string, number>();
          const tKpi = performance.now();
          const recent = seedKpi(h, ids, seqs, now - RULE_WINDOW_MS, now, p.recentWindowS * 1000);
          const recentMs = performance.now() - tKpi;
          // Both measurements read a checkpointed database, as a hub does once its WAL has been folded back.
          h.hub.db.pragma("wal_checkpoint(TRUNCATE)");
          log(`${n} devices: rollout created in ${(createMs / 1000).toFixed(1)} s (desired states signed and published); ${recent} reports of the last hour seeded in ${(recentMs / 1000).toFixed(1)} s`);
          const e1 = await timeEvaluations(h, rolloutId, p.evaluations);
          const rules = h.hub.db.prepare("SELECT name, last_verdict AS verdict, last_devices AS devices FROM rollout_rules WHERE rollout_id = ?").all(rolloutId) as Array<{ name: string; verdict: string; devices: number }>;
          log(`${n} devices, 1 h stored: evaluation ${e1.median.toFixed(1)} ms (cold ${e1.cold.toFixed(1)} ms); verdicts ${rules.map((r) => `${r.name}=${r.verdict}/${r.devices}`).join(" ")}`);

          const tHist = performance.now();
          // Older history, ending where the rules' window starts (report seqs are per device and only grow, as a
          // device's are; the older reports get the higher seqs here, which nothing in the query depends on).
          const older = seedKpi(h, ids, seqs, now - p.historyHours * 3600_000, now - RULE_WINDOW_MS, p.historyWindowS * 1000);
          const histMs = performance.now() - tHist;
          h.hub.db.pragma("wal_checkpoint(TRUNCATE)");
          const e2 = await timeEvaluations(h, rolloutId, p.evaluations);
          const total = recent + older;
          const seedMs = tRollout - t0 + createMs + recentMs + histMs;
          log(`${n} devices, ${p.historyHours} h stored (${total} reports, ${older} older seeded in ${(histMs / 1000).toFixed(1)} s): evaluation ${e2.median.toFixed(1)} ms (cold ${e2.cold.toFixed(1)} ms); seeding took ${(seedMs / 1000).toFixed(1)} s in all`);
          const k = n >= 1000 ? `${n / 1000}k` : String(n);
          figures.push(
            { name: `${k} devices, 1 h stored: evaluation`, value: round(e1.median, 1), unit: "ms", note: `median of ${p.evaluations}; ${recent} reports in the rules' 1 h window (one per device per ${p.recentWindowS} s)` },
            { name: `${k} devices, ${p.historyHours} h stored: evaluation`, value: round(e2.median, 1), unit: "ms", note: `median of ${p.evaluations}; ${total} reports stored (older than 1 h: one per ${p.historyWindowS} s)` },
            { name: `${k} devices: seeding`, value: round(seedMs / 1000, 1), unit: "s", note: `not part of the evaluation: devices, release, rollout creation (${(createMs / 1000).toFixed(1)} s), KPI reports` },
          );
        } finally {
          await h.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return { params: p, figures };
  },
};
