// The Grafana dashboard in config/grafana/ loads as dashboard JSON and only asks for what the hub exports: every panel
// has a place and queries, every variable a query uses is defined, every verge_ metric in its PromQL is a family of a
// real hub's /metrics, and the URL the hub's pause-event links use (/d/verge-rollouts/verge-rollouts?var-rollout=...)
// lands on it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/db/database.js";
import { startTestHub } from "../helpers/hub.js";
import type { TestHub } from "../helpers/hub.js";
import { parsePrometheusText } from "../helpers/prom-parse.js";
import { tempDir } from "../helpers/wait.js";

interface Target {
  expr?: string;
  refId?: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Array<{ name: string; expr?: string; datasource?: { type?: string; uid?: string } }> };
  time: { from: string; to: string };
}

const FILE = join(packageRoot(), "config", "grafana", "verge-rollouts.json");
const text = readFileSync(FILE, "utf8");
const dashboard = JSON.parse(text) as Dashboard;
const allPanels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = allPanels.filter((p) => p.type !== "row");
const variableQuery = (v: Variable) => (typeof v.query === "string" ? v.query : (v.query?.query ?? ""));

/** Every PromQL expression: panel targets, annotation queries, query variables. */
const exprs: Array<{ where: string; expr: string }> = [
  ...queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId ?? "?"}`, expr: t.expr ?? "" }))),
  ...dashboard.annotations.list.filter((a) => a.expr !== undefined).map((a) => ({ where: `annotation "${a.name}"`, expr: a.expr! })),
  ...dashboard.templating.list.filter((v) => v.type === "query").map((v) => ({ where: `variable ${v.name}`, expr: variableQuery(v) })),
];

/** verge_ metric names in a PromQL expression, histogram/summary suffixes folded onto their family. */
function vergeMetrics(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...withoutStrings.matchAll(/\bverge_[a-zA-Z0-9_:]*/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ""));
}

/** Variables a string refers to: $name, ${name}, ${name:format}, [[name]]. Grafana's own ($__interval...) aside. */
function variablesIn(s: string): string[] {
  const names = [...s.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
  return names.filter((n) => !n.startsWith("__"));
}

describe("the Grafana dashboard config/grafana/verge-rollouts.json", () => {
  let h: TestHub;
  let cleanup: () => void;
  let exported: Set<string>;
  beforeAll(async () => {
    const t = tempDir("verge-dashboard-");
    cleanup = t.cleanup;
    h = await startTestHub(join(t.dir, "hub"));
    // every family is declared in the exposition, with or without samples yet
    const res = await fetch(`${h.hub.addresses.httpUrl}/metrics`);
    exported = new Set(parsePrometheusText(await res.text()).map((f) => f.name));
  });
  afterAll(async () => {
    await h.stop();
    cleanup();
  });

  it("is dashboard JSON with uid verge-rollouts at the URL the hub's pause-event links open", () => {
    expect(dashboard).toMatchObject({ uid: "verge-rollouts", title: "verge rollouts" });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    // Grafana's URL is /d/<uid>/<slug of the title>; the hub links to /d/verge-rollouts/verge-rollouts
    expect(dashboard.title.toLowerCase().replace(/[^a-z0-9]+/g, "-")).toBe("verge-rollouts");
    expect(dashboard.time).toEqual({ from: expect.any(String) as string, to: "now" });
    const names = dashboard.templating.list.map((v) => v.name);
    // the links set var-rollout and var-release
    expect(names).toEqual(expect.arrayContaining(["rollout", "release", "DS_PROMETHEUS"]));
    expect(dashboard.templating.list.find((v) => v.name === "DS_PROMETHEUS")).toMatchObject({ type: "datasource", query: "prometheus" });
    expect(variableQuery(dashboard.templating.list.find((v) => v.name === "rollout")!)).toMatch(/^label_values\(verge_rollout_status\b.*, rollout\)$/);
  });

  it("every panel has a place on the 24-column grid, no two overlap, and every non-row panel queries Prometheus", () => {
    expect(queryPanels.length).toBeGreaterThanOrEqual(10);
    const ids = allPanels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of allPanels) {
      const g = p.gridPos!;
      expect(g, p.title).toBeDefined();
      for (const k of ["x", "y", "w", "h"] as const) expect(Number.isInteger(g[k]) && g[k] >= 0, `${p.title} gridPos.${k}`).toBe(true);
      expect(g.w, p.title).toBeGreaterThan(0);
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
    }
    for (let i = 0; i < allPanels.length; i++) {
      for (let j = i + 1; j < allPanels.length; j++) {
        const a = allPanels[i]!.gridPos!;
        const b = allPanels[j]!.gridPos!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `"${allPanels[i]!.title}" overlaps "${allPanels[j]!.title}"`).toBe(false);
      }
    }
    for (const p of queryPanels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size, `${p.title}: refIds unique`).toBe(refIds.length);
      for (const t of p.targets!) {
        expect(t.expr, `${p.title} ${t.refId}`).toMatch(/\S/);
        expect(t.datasource, `${p.title} ${t.refId}`).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
      }
    }
  });

  it("every variable a query, datasource or title refers to is defined", () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    const used = new Set<string>();
    const walk = (value: unknown): void => {
      if (typeof value === "string") for (const n of variablesIn(value)) used.add(n);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") Object.values(value).forEach(walk);
    };
    walk(dashboard);
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((n) => !defined.has(n))).toEqual([]);
    // and each variable is used somewhere besides its own definition
    for (const name of defined) expect(exprs.some((e) => variablesIn(e.expr).includes(name)) || text.includes(`\${${name}}`), name).toBe(true);
  });

  it("every verge_ metric in its PromQL is a family the hub exports, and it covers what DESIGN lists", () => {
    const used = new Map<string, string[]>();
    for (const e of exprs) {
      // balanced brackets and quotes, so a typo does not hide a metric name
      const stripped = e.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      expect((stripped.match(/"/g) ?? []).length % 2, `${e.where}: quotes`).toBe(0);
      for (const [open, close] of [["(", ")"], ["{", "}"], ["[", "]"]] as const) expect(stripped.split(open).length, `${e.where}: ${open}${close}`).toBe(stripped.split(close).length);
      for (const m of vergeMetrics(e.expr)) used.set(m, [...(used.get(m) ?? []), e.where]);
    }
    const unknown = [...used].filter(([m]) => !exported.has(m)).map(([m, where]) => `${m} (${where.join("; ")})`);
    expect(unknown).toEqual([]);
    for (const family of [
      "verge_rollout_devices",
      "verge_rollout_status",
      "verge_rollout_gate",
      "verge_cohort_kpi",
      "verge_rule_threshold",
      "verge_rule_firing",
      "verge_pause_events_total",
      "verge_rollbacks_requested_total",
      "verge_rollbacks_overdue_total",
      "verge_telemetry_rejected_total",
      "verge_mqtt_clients_connected",
    ]) {
      expect(used.has(family), `the dashboard shows ${family}`).toBe(true);
    }
  });
});
