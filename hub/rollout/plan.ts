// Rollout plans: the stages a release goes through (canary, pilot, waves), who is in each, how long each is watched,
// and the pause rules. A plan is a YAML or JSON file validated by one zod schema; a bad plan lists every problem with
// its path. The parsed `Plan` has every default resolved into every stage, so it can be stored with a rollout as JSON
// and never depends on the file again. Pure apart from `loadPlanFile`, which reads the file.
import { readFileSync } from "node:fs";
import { validateDetailed as validateCron } from "node-cron";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEVICE_ID_PATTERN } from "../../proto/topics.js";
import { durationSchema, formatDuration, parseDuration } from "./duration.js";
import { checkMaintenanceWindow, isKnownTimeZone } from "../../proto/maintenance-window.js";

// --- vocabulary ----------------------------------------------------------------------------------------------------

export const RULE_METRICS = ["availability", "event_lag_p50", "event_lag_p95", "dropped_ratio", "rollback_rate", "failure_rate", "sev1_incidents"] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];
export const RULE_OPS = ["<", "<=", ">", ">="] as const;
export type RuleOp = (typeof RULE_OPS)[number];
export const RULE_ACTIONS = ["pause", "pause_and_rollback", "alert"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export const RULE_SCOPES = ["stage", "rollout"] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];
export const STAGE_KINDS = ["canary", "pilot", "wave"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
export const ACTIVATION_MODES = ["download_then_activate", "immediate"] as const;
export type ActivationMode = (typeof ACTIVATION_MODES)[number];

/** The unit a metric's threshold is written in: a fraction 0..1, milliseconds, or a count. */
export type MetricUnit = "ratio" | "ms" | "count";
export const METRIC_UNITS: Record<RuleMetric, MetricUnit> = {
  availability: "ratio",
  event_lag_p50: "ms",
  event_lag_p95: "ms",
  dropped_ratio: "ratio",
  rollback_rate: "ratio",
  failure_rate: "ratio",
  sev1_incidents: "count",
};

/** Stage and rule names (and the plan's name): 1-64 characters of A-Z a-z 0-9 . _ - */
export const PLAN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

// --- the parsed plan -------------------------------------------------------------------------------------------------

/** A pause rule with every default resolved. Its breach condition is `observed op threshold`. */
export interface RuleSpec {
  name: string;
  metric: RuleMetric;
  op: RuleOp;
  /** In the metric's unit (METRIC_UNITS): a fraction for ratios (99.5% -> 0.995), ms for lag, a count for sev1. */
  threshold: number;
  /** The breach must hold at every evaluation across this span before the rule fires; 0 fires at once. */
  forMs: number;
  /** KPI look-back window for the aggregate. */
  windowMs: number;
  /** Fewer devices reporting in the window: no verdict. */
  minDevices: number;
  /** stage: the active stage's devices; rollout: every device started so far. */
  scope: RuleScope;
  action: RuleAction;
  /** Where the rule was written: the plan's `rules` (applies to every stage) or the stage's own `rules`. */
  source: "plan" | "stage";
}

export interface MaintenanceWindowSpec {
  /** Cron expression for window starts (5 fields, or 6 with seconds), evaluated on the device. */
  cron: string;
  /** How long each window stays open; whole seconds (the wire carries seconds). */
  durationMs: number;
  /** IANA time zone, e.g. Europe/Berlin. */
  timezone: string;
}

/** A stage's selector, normalised: lists are never absent, filters are null when not given. */
export interface StageSelect {
  /** Devices named explicitly. */
  devices: string[];
  /** Operator cohorts whose members are named explicitly. */
  cohorts: string[];
  /** Attribute filters: a device matches when its value is in the list (every given filter must match). */
  region: string[] | null;
  corridor: string[] | null;
  site: string[] | null;
  /** A random sample of this many (explicit members count toward it). */
  count: number | null;
  /** Percentage points, 0 < percent <= 100 (50 = 50%). Canary/pilot: of the eligible fleet; waves: cumulative. */
  percent: number | null;
}

export interface StageSettings {
  observeMs: number;
  approval: boolean;
  deviceTimeoutMs: number;
  /** Fraction 0..1. The failureThreshold gate passes when failed === 0 or failed / total < failureThreshold. */
  failureThreshold: number;
  activation: ActivationMode;
  maintenanceWindow: MaintenanceWindowSpec | null;
  /** Consecutive device failures that trip the stage's circuit breaker (fail and pause it); 0 = no breaker. */
  circuitBreaker: number;
}

export interface StageSpec extends StageSettings {
  name: string;
  kind: StageKind;
  select: StageSelect;
  /** The plan's rules followed by the stage's own rules (scope "stage"). */
  rules: RuleSpec[];
  /** What must hold before the stage starts; `previousStage` first for every stage after the first (see criteria). */
  entry: EntryCriterion[];
  /** What must hold, once its observation window is over, before the stage completes. */
  exit: ExitCriterion[];
}

export interface Plan {
  name: string;
  description: string;
  /** Seed for random picks; null = the caller uses the rollout id. */
  seed: string | null;
  /** The resolved defaults (what a stage gets when it says nothing). */
  defaults: StageSettings;
  /** Plan-wide rules; each is also in every stage's `rules`. */
  rules: RuleSpec[];
  stages: StageSpec[];
}

export interface PlanProblem {
  /** Dotted path into the plan ("stages.1.select.count"), "(root)" for the whole plan, "(file)" for reading it. */
  path: string;
  message: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; problems: PlanProblem[] };

/** What a stage gets when neither it nor the plan's `defaults` say otherwise. */
export const BUILTIN_DEFAULTS: StageSettings = {
  observeMs: 3_600_000,
  approval: false,
  deviceTimeoutMs: 6 * 3_600_000,
  failureThreshold: 0.05,
  activation: "download_then_activate",
  maintenanceWindow: null,
  circuitBreaker: 3,
};
const DEFAULT_RULE_WINDOW_MS = 3_600_000;

// --- value parsers (shared by the schema and the cross-field checks) ----------------------------------------------

const PERCENT_TEXT = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;
const NUMBER_TEXT = /^\s*\d+(?:\.\d+)?\s*$/;

/** A fraction 0..1 from 0.995, "0.995" or "99.5%". Throws with a sentence on anything else. */
export function parseFraction(value: unknown): number {
  if (typeof value === "string") {
    const pct = PERCENT_TEXT.exec(value);
    if (pct) {
      const n = Number(pct[1]);
      if (n > 100) throw new Error(`"${value}" is more than 100%`);
      return n / 100;
    }
    if (NUMBER_TEXT.test(value)) return parseFraction(Number(value));
    throw new Error(`"${value}" is not a fraction or a percentage: write 0.05 or "5%"`);
  }
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new Error(`expected a fraction from 0 to 1 or a percentage like "5%", got ${JSON.stringify(value)}`);
  }
  if (value > 1) throw new Error(`${value} is more than 1: a fraction goes from 0 to 1; for a percentage write "${value}%"`);
  return value;
}

/** Percentage points in (0, 100] from 50 or "50%". Throws with a sentence on anything else. */
export function parsePercent(value: unknown): number {
  let n: number;
  if (typeof value === "string") {
    const pct = PERCENT_TEXT.exec(value) ?? (NUMBER_TEXT.test(value) ? [value, value] : null);
    if (!pct) throw new Error(`"${value}" is not a percentage: write 50 or "50%"`);
    n = Number(pct[1]);
  } else if (typeof value === "number" && Number.isFinite(value)) {
    n = value;
  } else {
    throw new Error(`expected a percentage like 50 or "50%", got ${JSON.stringify(value)}`);
  }
  if (n <= 0 || n > 100) throw new Error(`percent must be more than 0 and at most 100, got ${n}`);
  return n;
}

/** A rule threshold in the metric's unit. Throws with a sentence the operator can act on. */
export function parseThreshold(metric: RuleMetric, value: unknown): number {
  const unit = METRIC_UNITS[metric];
  switch (unit) {
    case "ratio":
      try {
        return parseFraction(value);
      } catch (err) {
        throw new Error(`${metric} is a ratio: ${(err as Error).message}`);
      }
    case "ms":
      if (typeof value !== "string" && typeof value !== "number") throw new Error(`${metric} is a lag: write milliseconds (2000) or a duration ("2s")`);
      try {
        return parseDuration(value);
      } catch (err) {
        throw new Error(`${metric} is a lag in milliseconds or a duration like "2s": ${(err as Error).message}`);
      }
    case "count": {
      const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new Error(`${metric} is a count: write a whole number, 0 or more`);
      return n;
    }
  }
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(12))}%`;
}

/** A threshold (or observed value) in the metric's unit, as an operator writes it: "99.5%", "2s", "1". */
export function formatThreshold(metric: RuleMetric, value: number): string {
  const unit = METRIC_UNITS[metric];
  switch (unit) {
    case "ratio":
      return formatPercent(value);
    case "ms":
      return formatDuration(value);
    case "count":
      return String(value);
  }
}

/** One line: `availability < 99.5% for 10m over 1h (min 1 device) -> pause_and_rollback`. */
export function describeRule(rule: Pick<RuleSpec, "metric" | "op" | "threshold" | "forMs" | "windowMs" | "minDevices" | "scope" | "action">): string {
  const held = rule.forMs > 0 ? ` for ${formatDuration(rule.forMs)}` : "";
  const scope = rule.scope === "rollout" ? " across the rollout" : "";
  const min = `(min ${rule.minDevices} device${rule.minDevices === 1 ? "" : "s"})`;
  return `${rule.metric} ${rule.op} ${formatThreshold(rule.metric, rule.threshold)}${held} over ${formatDuration(rule.windowMs)}${scope} ${min} -> ${rule.action}`;
}

/** Stage kind when the plan does not say: name "canary" -> canary, "pilot" -> pilot, anything else -> wave. */
export function inferStageKind(name: string): StageKind {
  const lower = name.toLowerCase();
  return lower === "canary" ? "canary" : lower === "pilot" ? "pilot" : "wave";
}

// --- schema ----------------------------------------------------------------------------------------------------------

const nameSchema = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .regex(PLAN_NAME_PATTERN, `${what}: 1-64 characters of A-Z a-z 0-9 . _ -`);

const positiveDuration = durationSchema.refine((ms) => ms > 0, "must be longer than 0");

const fractionSchema = z.unknown().transform((value, ctx) => {
  try {
    return parseFraction(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message, input: value });
    return z.NEVER;
  }
});

const percentSchema = z.unknown().transform((value, ctx) => {
  try {
    return parsePercent(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message, input: value });
    return z.NEVER;
  }
});

const filterSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: "expected a name or a non-empty list of names" })
  .transform((v) => (typeof v === "string" ? [v] : v));

const selectSchema = z
  .object({
    devices: z.array(z.string().regex(DEVICE_ID_PATTERN, "device id: 1-64 characters of A-Z a-z 0-9 . _ -")).min(1, "list at least one device, or leave devices out").optional(),
    cohort: z.string().min(1, "cohort name is empty").optional(),
    cohorts: z.array(z.string().min(1, "cohort name is empty")).min(1, "list at least one cohort, or leave cohorts out").optional(),
    region: filterSchema.optional(),
    corridor: filterSchema.optional(),
    site: filterSchema.optional(),
    count: z.number({ error: "count must be a whole number" }).int("count must be a whole number").positive("count must be 1 or more").optional(),
    percent: percentSchema.optional(),
  })
  .strict();

const maintenanceWindowSchema = z
  .object({
    cron: z.string({ error: "cron is required, e.g. \"0 2 * * *\"" }).superRefine((expr, ctx) => {
      const check = validateCron(expr);
      if (!check.valid) {
        const why = check.errors.map((e) => e.message).join("; ");
        ctx.addIssue({ code: "custom", message: `invalid cron expression "${expr}": ${why}` });
      }
    }),
    duration: positiveDuration.refine((ms) => ms % 1000 === 0, "a maintenance window lasts whole seconds"),
    timezone: z.string({ error: "timezone is required, e.g. Europe/Berlin" }).superRefine((zone, ctx) => {
      if (!isKnownTimeZone(zone)) ctx.addIssue({ code: "custom", message: `unknown time zone "${zone}": use an IANA name like Europe/Berlin or UTC` });
    }),
  })
  .strict()
  .superRefine((w, ctx) => {
    // The devices evaluate the window with this same code: one that never opens (e.g. 30 February) would hold them
    // for ever. Checked from the time the plan is read (the only impure line of this module).
    if (!validateCron(w.cron).valid || !isKnownTimeZone(w.timezone)) return;
    const check = checkMaintenanceWindow({ cron: w.cron, durationS: w.duration / 1000, timezone: w.timezone }, Date.now());
    if (!check.ok) ctx.addIssue({ code: "custom", message: check.detail, path: ["cron"] });
  })
  .transform((w): MaintenanceWindowSpec => ({ cron: w.cron, durationMs: w.duration, timezone: w.timezone }));

const settingsShape = {
  observe: durationSchema.optional(),
  approval: z.boolean({ error: "approval is true or false" }).optional(),
  deviceTimeout: positiveDuration.optional(),
  failureThreshold: fractionSchema.optional(),
  activation: z.enum(ACTIVATION_MODES).optional(),
  maintenanceWindow: maintenanceWindowSchema.nullable().optional(),
  circuitBreaker: z
    .number({ error: "circuitBreaker is a number of consecutive device failures (0 turns the breaker off)" })
    .int("circuitBreaker must be a whole number")
    .min(0, "circuitBreaker must be 0 (off) or more")
    .optional(),
};

function ruleSchema(where: "plan" | "stage") {
  return z
    .object({
      name: nameSchema("rule name"),
      metric: z.enum(RULE_METRICS, { error: `metric must be one of ${RULE_METRICS.join(", ")}` }),
      op: z.enum(RULE_OPS, { error: `op is the breach condition, one of ${RULE_OPS.join(" ")}` }),
      threshold: z.union([z.number(), z.string()], { error: "threshold is required: a fraction or percentage for ratios, a duration for lag, a count for sev1_incidents" }),
      for: durationSchema.optional(),
      window: positiveDuration.optional(),
      minDevices: z.number().int("minDevices must be a whole number").min(0, "minDevices must be 0 or more").optional(),
      scope:
        where === "plan"
          ? z.enum(RULE_SCOPES).optional()
          : z.literal("stage", { error: "a stage's own rules always watch that stage: leave scope out, or put a rollout-wide rule in the plan's rules" }).optional(),
      action: z.enum(RULE_ACTIONS).optional(),
    })
    .strict()
    .transform((r, ctx): RuleSpec => {
      let threshold = 0;
      try {
        threshold = parseThreshold(r.metric, r.threshold);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message, path: ["threshold"], input: r.threshold });
      }
      return {
        name: r.name,
        metric: r.metric,
        op: r.op,
        threshold,
        forMs: r.for ?? 0,
        windowMs: r.window ?? DEFAULT_RULE_WINDOW_MS,
        minDevices: r.minDevices ?? 1,
        scope: r.scope ?? "stage",
        action: r.action ?? "pause",
        source: where,
      };
    });
}

// --- stage criteria --------------------------------------------------------------------------------------------------
// Entry criteria hold a stage before it starts; exit criteria hold it, once its observation window is over, before it
// completes (hub/rollout/criteria.ts evaluates them, the engine enforces them). Unlike a rule, whose op and threshold
// describe the BREACH, a criterion's op and threshold describe what PASSES: `availability >= 99.5%`.

export const INCIDENT_SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
/** What `noOpenIncidents: true` watches. */
export const DEFAULT_BLOCKING_SEVERITIES: readonly IncidentSeverity[] = ["sev1", "sev2"];
/** KPIs an entry criterion reads over its `for` span, from the devices started so far (the earlier stages'). */
export const ENTRY_KPI_METRICS = ["availability", "event_lag_p50", "event_lag_p95", "dropped_ratio"] as const;
export type EntryKpiMetric = (typeof ENTRY_KPI_METRICS)[number];
/** KPIs an exit criterion reads from the stage's devices: the reported ones over its window, and failed and self-rolled-back shares. */
export const EXIT_KPI_METRICS = [...ENTRY_KPI_METRICS, "failure_rate", "rollback_rate"] as const;
export type ExitKpiMetric = (typeof EXIT_KPI_METRICS)[number];

/** A criterion with every default resolved. A KPI criterion PASSES when `observed op threshold`. */
export type EntryCriterion =
  | { kind: "previousStage" }
  | { kind: "noOpenIncidents"; severities: IncidentSeverity[] }
  | { kind: "kpi"; metric: EntryKpiMetric; op: RuleOp; threshold: number; forMs: number; minDevices: number }
  | { kind: "approval" };
export type ExitCriterion =
  | { kind: "noOpenIncidents"; severities: IncidentSeverity[] }
  /** windowMs null: from the stage's convergence to now; else the last windowMs of that. */
  | { kind: "kpi"; metric: ExitKpiMetric; op: RuleOp; threshold: number; windowMs: number | null; minDevices: number };

const ENTRY_KINDS = ["previousStage", "noOpenIncidents", "kpi", "approval"] as const;
const EXIT_KINDS = ["noOpenIncidents", "kpi"] as const;

const incidentsCriterionSchema = z
  .preprocess(
    (v) => (v === true ? {} : v),
    z
      .object(
        {
          severities: z
            .array(z.enum(INCIDENT_SEVERITIES, { error: `a severity is one of ${INCIDENT_SEVERITIES.join(", ")}` }))
            .min(1, "list at least one severity, or write noOpenIncidents: true for sev1 and sev2")
            .optional(),
        },
        { error: "noOpenIncidents is true (sev1 and sev2) or { severities: [sev1, sev2, ...] }" },
      )
      .strict(),
  )
  .transform((v) => ({ kind: "noOpenIncidents" as const, severities: v.severities ? [...new Set(v.severities)] : [...DEFAULT_BLOCKING_SEVERITIES] }));

type EntryKpiCriterion = Extract<EntryCriterion, { kind: "kpi" }>;
type ExitKpiCriterion = Extract<ExitCriterion, { kind: "kpi" }>;

/**
 * `kpi:` of an entry criterion (summed over `for`, required) or of an exit criterion (over the observation window, or
 * its last `window`): the same keys but for the span, and the metrics each may read.
 */
function kpiCriterionSchema(phase: "entry" | "exit") {
  const metrics = phase === "entry" ? ENTRY_KPI_METRICS : EXIT_KPI_METRICS;
  const hint = phase === "entry" ? " (a stage's failures are its gates and exit criteria; incidents are noOpenIncidents)" : "; incidents are noOpenIncidents";
  return z
    .object(
      {
        metric: z.enum(metrics, { error: `metric must be one of ${metrics.join(", ")}${hint}` }),
        op: z.enum(RULE_OPS, { error: `op is the condition that PASSES (availability ">=" 99.5% passes at 99.5% or more), one of ${RULE_OPS.join(" ")}` }),
        threshold: z.union([z.number(), z.string()], { error: "threshold is required: a fraction or percentage for ratios, a duration for lag" }),
        for: positiveDuration.optional(),
        window: positiveDuration.optional(),
        minDevices: z.number().int("minDevices must be a whole number").min(1, "minDevices must be 1 or more: a KPI needs devices reporting").optional(),
      },
      { error: `kpi is a mapping: { metric, op, threshold, ${phase === "entry" ? "for" : "window"}, minDevices }` },
    )
    .strict()
    .transform((k, ctx): EntryKpiCriterion | ExitKpiCriterion => {
      const issue = (key: string, message: string) => ctx.addIssue({ code: "custom", message, path: [key], input: k[key as keyof typeof k] });
      if (phase === "entry" && k.for === undefined) issue("for", "for is required: how long the KPI must have held, e.g. 1h");
      if (phase === "entry" && k.window !== undefined) issue("window", "an entry kpi criterion is summed over its `for` span; window is for exit criteria");
      if (phase === "exit" && k.for !== undefined) issue("for", "an exit kpi criterion is summed over the stage's observation window (or its last `window`); `for` is for entry criteria");
      let threshold = 0;
      try {
        threshold = parseThreshold(k.metric, k.threshold);
      } catch (err) {
        issue("threshold", (err as Error).message);
      }
      const base = { kind: "kpi" as const, op: k.op, threshold, minDevices: k.minDevices ?? 1 };
      return phase === "entry" ? { ...base, metric: k.metric as EntryKpiMetric, forMs: k.for ?? 0 } : { ...base, metric: k.metric, windowMs: k.window ?? null };
    });
}
const entryKpiSchema = kpiCriterionSchema("entry").transform((k) => k as EntryKpiCriterion);
const exitKpiSchema = kpiCriterionSchema("exit").transform((k) => k as ExitKpiCriterion);

/**
 * The criterion a list item names: exactly one kind (`- kpi: {...}`, not two in one mapping), its value already parsed
 * into a criterion, or `true` for the kinds that take no settings.
 */
function theCriterion<C extends { kind: string }>(item: Record<string, unknown>, kinds: ReadonlyArray<C["kind"]>, ctx: z.RefinementCtx): C {
  const named = kinds.filter((k) => item[k] !== undefined);
  const kind = named[0];
  if (named.length !== 1 || kind === undefined) {
    ctx.addIssue({
      code: "custom",
      input: item,
      message: named.length === 0 ? `a criterion is one of ${kinds.join(", ")}` : `one criterion per list item: this one names ${named.join(" and ")}; write each as its own item`,
    });
    return z.NEVER;
  }
  return (item[kind] === true ? { kind } : item[kind]) as C;
}

const entryCriterionSchema = z
  .object(
    {
      previousStage: z.literal(true, { error: "previousStage: true (every stage after the first has it anyway)" }).optional(),
      noOpenIncidents: incidentsCriterionSchema.optional(),
      kpi: entryKpiSchema.optional(),
      approval: z.literal(true, { error: "approval: true (leave it out when the stage needs none)" }).optional(),
    },
    { error: `an entry criterion is a mapping with one of ${ENTRY_KINDS.join(", ")}, e.g. "- noOpenIncidents: true"` },
  )
  .strict()
  .transform((c, ctx) => theCriterion<EntryCriterion>(c, ENTRY_KINDS, ctx));

const exitCriterionSchema = z
  .object(
    {
      noOpenIncidents: incidentsCriterionSchema.optional(),
      kpi: exitKpiSchema.optional(),
      approval: z.undefined({ error: "approval after the observation window is the stage's own `approval: true`; approval before it starts is an entry criterion" }).optional(),
      previousStage: z.undefined({ error: "previousStage is an entry criterion" }).optional(),
    },
    { error: `an exit criterion is a mapping with one of ${EXIT_KINDS.join(", ")}, e.g. "- kpi: { metric: availability, op: \\">=\\", threshold: 99.5% }"` },
  )
  .strict()
  .transform((c, ctx) => theCriterion<ExitCriterion>(c, EXIT_KINDS, ctx));

/** `entry` and `exit` of a stage, or of the plan's `defaults` (a stage's own list replaces the default one). */
const criteriaShape = {
  entry: z.array(entryCriterionSchema, { error: "entry is a list of criteria, e.g. [{ noOpenIncidents: true }, { approval: true }]" }).optional(),
  exit: z.array(exitCriterionSchema, { error: "exit is a list of criteria, e.g. [{ kpi: { metric: availability, op: \">=\", threshold: 99.5% } }]" }).optional(),
};

interface RawCriteria {
  entry?: EntryCriterion[];
  exit?: ExitCriterion[];
}

/**
 * A stage's criteria: its own lists, else the defaults'. `previousStage` comes first for every stage after the first.
 * Criteria about earlier stages (previousStage, kpi) mean nothing for the first stage: inherited ones are left out
 * there, and written ones are refused (criteriaCrossCheck).
 */
function resolveCriteria(defaults: RawCriteria, stage: RawCriteria, index: number): Pick<StageSpec, "entry" | "exit"> {
  const entry = (stage.entry ?? defaults.entry ?? []).filter((c) => c.kind !== "previousStage" && (index > 0 || c.kind !== "kpi")).map((c) => ({ ...c }));
  return { entry: index > 0 ? [{ kind: "previousStage" }, ...entry] : entry, exit: (stage.exit ?? defaults.exit ?? []).map((c) => ({ ...c })) };
}

/** Cross-field checks of the criteria, on the raw input: the first stage cannot wait on earlier stages. */
function criteriaCrossCheck(plan: Record<string, unknown>): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const first = record(list(plan.stages)[0]);
  list(first?.entry).forEach((item, j) => {
    const c = record(item);
    if (c?.kpi !== undefined) {
      problems.push({ path: ["stages", 0, "entry", j, "kpi"], message: "an entry kpi criterion reads the devices of earlier stages and the first stage has none: make it an exit criterion of this stage or an entry criterion of the next" });
    }
    if (c?.previousStage !== undefined) problems.push({ path: ["stages", 0, "entry", j, "previousStage"], message: "the first stage has no previous stage" });
  });
  return problems;
}

const stageSchema = z
  .object({
    name: nameSchema("stage name"),
    kind: z.enum(STAGE_KINDS).optional(),
    select: selectSchema.optional(),
    ...settingsShape,
    rules: z.array(ruleSchema("stage")).optional(),
    ...criteriaShape,
  })
  .strict();

const rawPlanSchema = z
  .object({
    name: nameSchema("plan name"),
    description: z.string().optional(),
    seed: z.string().min(1, "seed is empty: leave it out to use the rollout id").optional(),
    defaults: z.object({ ...settingsShape, ...criteriaShape }).strict().optional(),
    rules: z.array(ruleSchema("plan")).optional(),
    stages: z.array(stageSchema, { error: "stages is required: a list of stages (canary, pilot, waves)" }).min(1, "a plan needs at least one stage"),
  })
  .strict();

type RawPlan = z.output<typeof rawPlanSchema>;
interface RawSettings {
  observe?: number;
  approval?: boolean;
  deviceTimeout?: number;
  failureThreshold?: number;
  activation?: ActivationMode;
  maintenanceWindow?: MaintenanceWindowSpec | null;
  circuitBreaker?: number;
}

function resolveSettings(base: StageSettings, over: RawSettings): StageSettings {
  return {
    observeMs: over.observe ?? base.observeMs,
    approval: over.approval ?? base.approval,
    deviceTimeoutMs: over.deviceTimeout ?? base.deviceTimeoutMs,
    failureThreshold: over.failureThreshold ?? base.failureThreshold,
    activation: over.activation ?? base.activation,
    maintenanceWindow: over.maintenanceWindow === undefined ? base.maintenanceWindow : over.maintenanceWindow,
    circuitBreaker: over.circuitBreaker ?? base.circuitBreaker,
  };
}

function resolvePlan(raw: RawPlan): Plan {
  const defaults = resolveSettings(BUILTIN_DEFAULTS, raw.defaults ?? {});
  const rules = raw.rules ?? [];
  return {
    name: raw.name,
    description: raw.description?.trim() ?? "",
    seed: raw.seed ?? null,
    defaults,
    rules,
    stages: raw.stages.map((s, index): StageSpec => {
      const select = s.select ?? {};
      return {
        name: s.name,
        kind: s.kind ?? inferStageKind(s.name),
        select: {
          devices: select.devices ?? [],
          cohorts: [...new Set([...(select.cohort === undefined ? [] : [select.cohort]), ...(select.cohorts ?? [])])],
          region: select.region ?? null,
          corridor: select.corridor ?? null,
          site: select.site ?? null,
          count: select.count ?? null,
          percent: select.percent ?? null,
        },
        ...resolveSettings(defaults, s),
        rules: [...rules.map((r) => ({ ...r })), ...(s.rules ?? []).map((r) => ({ ...r, scope: "stage" as const }))],
        ...resolveCriteria(raw.defaults ?? {}, s, index),
      };
    }),
  };
}

// --- cross-field checks --------------------------------------------------------------------------------------------
// Written against the raw input, defensively, so they run (and are reported) even when some field failed its own
// check: an operator sees every problem of the file at once.

type Path = Array<string | number>;
interface CrossProblem {
  path: Path;
  message: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function tryOr<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function crossCheck(input: unknown): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const plan = record(input);
  if (!plan) return problems;

  const planRuleNames = new Map<string, number>();
  list(plan.rules).forEach((rule, i) => {
    const name = record(rule)?.name;
    if (typeof name !== "string") return;
    const first = planRuleNames.get(name);
    if (first !== undefined) problems.push({ path: ["rules", i, "name"], message: `duplicate rule name "${name}" (also rules.${first})` });
    else planRuleNames.set(name, i);
  });

  const stageNames = new Map<string, number>();
  const namedDevices = new Map<string, string>();
  let canaryAt: number | undefined;
  let pilotAt: number | undefined;
  let firstWave: { index: number; name: string } | undefined;
  let lastPlainWavePercent: { percent: number; name: string } | undefined;

  list(plan.stages).forEach((raw, i) => {
    const stage = record(raw);
    if (!stage) return;
    const name = typeof stage.name === "string" ? stage.name : `stages.${i}`;
    if (typeof stage.name === "string") {
      const first = stageNames.get(stage.name);
      if (first !== undefined) problems.push({ path: ["stages", i, "name"], message: `duplicate stage name "${stage.name}" (also stages.${first})` });
      else stageNames.set(stage.name, i);
    }

    const kind: StageKind | undefined = (STAGE_KINDS as readonly unknown[]).includes(stage.kind)
      ? (stage.kind as StageKind)
      : typeof stage.name === "string" && stage.kind === undefined
        ? inferStageKind(stage.name)
        : undefined;
    const kindPath: Path = stage.kind === undefined ? ["stages", i, "name"] : ["stages", i, "kind"];
    if (kind === "canary") {
      if (canaryAt !== undefined) problems.push({ path: kindPath, message: `a plan has at most one canary stage (the canary is stages.${canaryAt})` });
      else if (i !== 0) problems.push({ path: kindPath, message: `the canary stage "${name}" must be the first stage` });
      canaryAt ??= i;
    } else if (kind === "pilot") {
      if (pilotAt !== undefined) problems.push({ path: kindPath, message: `a plan has at most one pilot stage (the pilot is stages.${pilotAt})` });
      else if (firstWave) problems.push({ path: kindPath, message: `the pilot stage "${name}" must come before every wave (wave "${firstWave.name}" is stages.${firstWave.index})` });
      pilotAt ??= i;
    } else if (kind === "wave") {
      firstWave ??= { index: i, name };
    }

    const select = record(stage.select) ?? {};
    const selectKeys = Object.keys(select).filter((k) => select[k] !== undefined);
    if ((kind === "canary" || kind === "pilot") && selectKeys.length === 0) {
      problems.push({ path: ["stages", i, "select"], message: `the ${kind} stage "${name}" must say which devices it takes: devices, cohort, region/corridor/site, count or percent` });
    }
    if (select.count !== undefined && select.percent !== undefined) {
      problems.push({ path: ["stages", i, "select"], message: "use count or percent, not both" });
    }
    const devices = list(select.devices).filter((d): d is string => typeof d === "string");
    if (typeof select.count === "number" && Number.isInteger(select.count) && select.count > 0 && devices.length > select.count) {
      problems.push({ path: ["stages", i, "select", "count"], message: `count is ${select.count} but the stage names ${devices.length} devices: named devices are always in the stage, so count must be at least ${devices.length}` });
    }
    devices.forEach((id, j) => {
      const owner = namedDevices.get(id);
      if (owner === undefined) namedDevices.set(id, name);
      else problems.push({ path: ["stages", i, "select", "devices", j], message: owner === name ? `device "${id}" is listed twice` : `device "${id}" is already in stage "${owner}": a device can be in one stage only` });
    });

    // Wave percentages are cumulative: for waves that only say `percent`, each must be above the one before.
    const plainPercentWave = kind === "wave" && selectKeys.length === 1 && select.percent !== undefined;
    const percent = plainPercentWave ? tryOr(() => parsePercent(select.percent)) : undefined;
    if (percent !== undefined) {
      if (lastPlainWavePercent && percent <= lastPlainWavePercent.percent) {
        problems.push({
          path: ["stages", i, "select", "percent"],
          message: `wave percentages are cumulative (the share of the remaining fleet covered once the wave is done): ${percent}% after wave "${lastPlainWavePercent.name}" at ${lastPlainWavePercent.percent}% adds no device; list them increasing, e.g. 25, 50, 100`,
        });
      }
      lastPlainWavePercent = { percent, name };
    }

    const stageRuleNames = new Map<string, number>();
    list(stage.rules).forEach((rule, j) => {
      const ruleName = record(rule)?.name;
      if (typeof ruleName !== "string") return;
      const first = stageRuleNames.get(ruleName);
      if (first !== undefined) problems.push({ path: ["stages", i, "rules", j, "name"], message: `duplicate rule name "${ruleName}" (also stages.${i}.rules.${first})` });
      else if (planRuleNames.has(ruleName)) problems.push({ path: ["stages", i, "rules", j, "name"], message: `rule "${ruleName}" is already a plan-wide rule (rules.${planRuleNames.get(ruleName)}), which applies to this stage too; give this one another name` });
      else stageRuleNames.set(ruleName, j);
    });
  });
  problems.push(...criteriaCrossCheck(plan));
  return problems;
}

/**
 * The plan file's schema: every field checked, every cross-field constraint (stage order, unique names, ...) checked,
 * output a resolved `Plan`. Use `parsePlan` to get every problem even when some fields fail (zod skips cross-field
 * checks then).
 */
export const planSchema = rawPlanSchema
  .superRefine((plan, ctx) => {
    for (const p of crossCheck(plan)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  })
  .transform(resolvePlan);

export type PlanInput = z.input<typeof planSchema>;

function joinPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

function problemsOf(error: z.ZodError): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: joinPath([...issue.path, key]), message: `unknown key "${key}"` });
    } else {
      problems.push({ path: joinPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** Validates a plan (already parsed from YAML/JSON). On failure lists every problem, each with its path. */
export function parsePlan(raw: unknown): PlanResult {
  if (record(raw) === undefined) {
    return { ok: false, problems: [{ path: "(root)", message: "a plan is a mapping with name, stages and optionally description, seed, defaults and rules" }] };
  }
  const result = planSchema.safeParse(raw);
  if (result.success) return { ok: true, plan: result.data };
  const problems = problemsOf(result.error);
  const seen = new Set(problems.map((p) => `${p.path}\n${p.message}`));
  for (const p of crossCheck(raw)) {
    const problem = { path: joinPath(p.path), message: p.message };
    const key = `${problem.path}\n${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return { ok: false, problems };
}

/** Parses plan text, YAML or JSON (JSON is YAML). A syntax error is one problem at "(text)". */
export function parsePlanText(text: string): PlanResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { ok: false, problems: [{ path: "(text)", message: (err as Error).message }] };
  }
  return parsePlan(raw);
}

/** Reads and parses a plan file. Read and syntax errors are problems at "(file)", naming the file. */
export function loadPlanFile(file: string): PlanResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { ok: false, problems: [{ path: "(file)", message: `cannot read plan file ${file}: ${(err as Error).message}` }] };
  }
  const result = parsePlanText(text);
  if (result.ok) return result;
  return { ok: false, problems: result.problems.map((p) => (p.path === "(text)" ? { path: "(file)", message: `${file}: ${p.message}` } : p)) };
}

/** Problems as lines for a terminal or an error message: `  - stages.1.select.count: count must be 1 or more`. */
export function formatPlanProblems(problems: readonly PlanProblem[]): string {
  return problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n");
}
