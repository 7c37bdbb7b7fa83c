// A strict parser for the Prometheus text exposition format 0.0.4 (what /metrics serves), for tests. It refuses what
// Prometheus would refuse and a few things promtool lints: a sample whose family has no TYPE, TYPE after samples,
// a family split in two groups, a duplicate series, a counter sample not ending in _total, histogram or summary
// samples without their suffixes, buckets without +Inf or not cumulative. Errors name the line.
// Spec: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  /** The sample's own name (with _total, _bucket, _sum, _count where its family has them). */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

export class PromParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
/** Go's ParseFloat decimal syntax, which Prometheus uses for values (hex floats and digit underscores left out). */
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;

/** A sample value as Prometheus reads it: ParseFloat accepts NaN, Inf and Infinity in any case, with a sign. */
export function parseFloatValue(text: string): number | undefined {
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === "nan") return NaN; // prom-client writes "Nan"
    return special[1] === "-" ? -Infinity : Infinity;
  }
  return FLOAT.test(text) ? Number(text) : undefined;
}

/** The family a sample name belongs to, given its declared type. */
function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const exact = families.get(sampleName);
  if (exact && exact.type !== "counter") return exact;
  for (const suffix of ["_total", "_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const f = families.get(sampleName.slice(0, -suffix.length));
    if (!f) continue;
    if (suffix === "_total" && f.type === "counter") return f;
    if (suffix === "_bucket" && f.type === "histogram") return f;
    if ((suffix === "_sum" || suffix === "_count") && (f.type === "histogram" || f.type === "summary")) return f;
  }
  return exact;
}

function unescapeHelp(text: string, line: number): string {
  return text.replace(/\\(.?)/g, (_m, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    throw new PromParseError(line, `bad escape "\\${c}" in HELP (only \\\\ and \\n)`);
  });
}

/** Parses `{a="x",b="y"}` starting at `i` (the `{`); returns the labels and the index after `}`. */
function parseLabels(s: string, i: number, line: number): { labels: Record<string, string>; next: number } {
  const labels: Record<string, string> = {};
  i++; // {
  for (;;) {
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] === "}") return { labels, next: i + 1 };
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
    if (!nameMatch) throw new PromParseError(line, `bad label name at column ${i + 1}`);
    const name = nameMatch[0];
    if (!LABEL_NAME.test(name)) throw new PromParseError(line, `bad label name "${name}"`);
    if (name.startsWith("__")) throw new PromParseError(line, `label name "${name}" is reserved (starts with __)`);
    if (name in labels) throw new PromParseError(line, `label "${name}" given twice`);
    i += name.length;
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] !== "=") throw new PromParseError(line, `expected = after label "${name}"`);
    i++;
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] !== '"') throw new PromParseError(line, `label "${name}": value must be in double quotes`);
    i++;
    let value = "";
    for (;;) {
      const c = s[i];
      if (c === undefined) throw new PromParseError(line, `label "${name}": unterminated value`);
      if (c === '"') break;
      if (c === "\\") {
        const e = s[i + 1];
        if (e === "\\") value += "\\";
        else if (e === '"') value += '"';
        else if (e === "n") value += "\n";
        else throw new PromParseError(line, `label "${name}": bad escape "\\${e ?? ""}" (only \\\\, \\" and \\n)`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[name] = value;
    i++; // closing quote
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] === ",") {
      i++;
      continue;
    }
    if (s[i] === "}") return { labels, next: i + 1 };
    throw new PromParseError(line, `expected , or } after label "${name}"`);
  }
}

function seriesKey(name: string, labels: Record<string, string>): string {
  return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
}

/** Parses a whole exposition; throws PromParseError on the first problem. */
export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const seen = new Set<string>();
  const finished = new Set<string>();
  let current: MetricFamily | undefined;
  if (text.length > 0 && !text.endsWith("\n")) throw new PromParseError(text.split("\n").length, "the exposition must end with a newline");
  const lines = text.split("\n");
  lines.pop();

  const enter = (f: MetricFamily, line: number) => {
    if (current === f) return;
    if (finished.has(f.name)) throw new PromParseError(line, `lines of ${f.name} are not grouped together`);
    if (current) finished.add(current.name);
    current = f;
  };

  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, keyword, name, rest = ""] = m as unknown as [string, "HELP" | "TYPE", string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new PromParseError(line, `bad metric name "${name}"`);
      let f = families.get(name);
      if (keyword === "TYPE") {
        const type = rest.trim() as MetricType;
        if (!TYPES.has(type)) throw new PromParseError(line, `unknown type "${rest}" for ${name}`);
        if (f?.samples.length) throw new PromParseError(line, `TYPE of ${name} after its samples`);
        if (f && f.type !== "untyped") throw new PromParseError(line, `second TYPE line for ${name}`);
        if (!f) families.set(name, (f = { name, type, help: undefined, samples: [] }));
        else f.type = type;
      } else {
        if (f?.help !== undefined) throw new PromParseError(line, `second HELP line for ${name}`);
        if (!f) families.set(name, (f = { name, type: "untyped", help: undefined, samples: [] }));
        f.help = unescapeHelp(rest, line);
      }
      enter(f, line);
      return;
    }

    const nameMatch = /^[^{ \t]+/.exec(raw);
    const sampleName = nameMatch?.[0] ?? "";
    if (!METRIC_NAME.test(sampleName)) throw new PromParseError(line, `bad metric name "${sampleName}"`);
    let i = sampleName.length;
    let labels: Record<string, string> = {};
    if (raw[i] === "{") ({ labels, next: i } = parseLabels(raw, i, line));
    const rest = raw.slice(i);
    const fields = rest.trim().split(/[ \t]+/);
    if (!/^[ \t]/.test(rest) || fields.length < 1 || fields.length > 2 || fields[0] === "") throw new PromParseError(line, `expected "value [timestamp]" after ${sampleName}`);
    const value = parseFloatValue(fields[0]!);
    if (value === undefined) throw new PromParseError(line, `bad value "${fields[0]}" for ${sampleName}`);
    let timestampMs: number | undefined;
    if (fields[1] !== undefined) {
      if (!/^-?\d+$/.test(fields[1])) throw new PromParseError(line, `bad timestamp "${fields[1]}"`);
      timestampMs = Number(fields[1]);
    }

    const f = familyOf(sampleName, families);
    if (!f) throw new PromParseError(line, `sample ${sampleName} has no TYPE line for its family`);
    if (f.help === undefined) throw new PromParseError(line, `family ${f.name} has no HELP text`);
    enter(f, line);
    if (f.type === "counter" && !sampleName.endsWith("_total")) throw new PromParseError(line, `counter sample ${sampleName} must end with _total`);
    if (f.type === "counter" && value < 0) throw new PromParseError(line, `counter ${sampleName} is negative`);
    if (f.type === "histogram") {
      if (sampleName === f.name) throw new PromParseError(line, `histogram sample ${sampleName} must end with _bucket, _sum or _count`);
      if (sampleName.endsWith("_bucket") && !("le" in labels)) throw new PromParseError(line, `histogram bucket ${sampleName} without le label`);
      if (sampleName.endsWith("_bucket") && parseFloatValue(labels.le!) === undefined) throw new PromParseError(line, `bad le "${labels.le}"`);
    }
    if (f.type === "summary" && sampleName === f.name) {
      if (!("quantile" in labels)) throw new PromParseError(line, `summary sample ${sampleName} without quantile label`);
      const q = parseFloatValue(labels.quantile);
      if (q === undefined || q < 0 || q > 1) throw new PromParseError(line, `bad quantile "${labels.quantile}"`);
    }
    const key = seriesKey(sampleName, labels);
    if (seen.has(key)) throw new PromParseError(line, `duplicate series ${sampleName}${JSON.stringify(labels)}`);
    seen.add(key);
    f.samples.push({ name: sampleName, labels, value, ...(timestampMs === undefined ? {} : { timestampMs }) });
  });

  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return [...families.values()];
}

/** Per label set: buckets cumulative, a +Inf bucket equal to _count, and _sum and _count present. */
function checkHistogram(f: MetricFamily): void {
  const groups = new Map<string, { buckets: Array<{ le: number; value: number }>; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = seriesKey("", rest);
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith("_bucket")) g.buckets.push({ le: parseFloatValue(le!)!, value: s.value });
    else if (s.name.endsWith("_count")) g.count = s.value;
    else g.sum = s.value;
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key === "[]" ? "" : ` ${key}`}`;
    const sorted = [...g.buckets].sort((a, b) => a.le - b.le);
    const inf = sorted.at(-1);
    if (!inf || inf.le !== Infinity) throw new PromParseError(0, `histogram ${where} has no le="+Inf" bucket`);
    for (let i = 1; i < sorted.length; i++) if (sorted[i]!.value < sorted[i - 1]!.value) throw new PromParseError(0, `histogram ${where}: buckets are not cumulative`);
    if (g.count === undefined || g.sum === undefined) throw new PromParseError(0, `histogram ${where} lacks _sum or _count`);
    if (g.count !== inf.value) throw new PromParseError(0, `histogram ${where}: _count ${g.count} differs from the +Inf bucket ${inf.value}`);
  }
}

/** Samples named `name` whose labels include `labels`. */
export function samples(families: MetricFamily[], name: string, labels: Record<string, string> = {}): Sample[] {
  return families.flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the values of `samples(...)` (0 when none). */
export function sumOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  return samples(families, name, labels).reduce((a, s) => a + s.value, 0);
}
