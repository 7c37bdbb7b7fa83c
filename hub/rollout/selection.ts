// Which device lands in which stage of a rollout: a pure function of the plan, the seed, the release and the fleet.
// The same inputs always give the same stages, so `verge rollout plan` (dry run) shows exactly what `create` will do.
//
// 1. Eligibility. A candidate device is excluded, with a reason and a sentence, when its variant is not in the
//    release's variants, when the release needs a minimum base image and the device's is unknown, not a readable
//    version (readVersion: semver over dotted numbers; "unknown" is no version) or older, or when
//    it is busy (e.g. in another active rollout). Ids the caller asked for that are not enrolled, and devices a stage
//    names (in `devices` or through a cohort) that are not among the candidates, are excluded as unknown_device.
//    Nothing is dropped silently; excluded devices never count toward a stage's count or percent.
// 2. Named members. Devices a stage names, directly or through a cohort, belong to that stage (when eligible), and
//    are reserved before any random pick, so an earlier stage's sample never takes a device a later stage names. A
//    device named by two stages is a PlanSelectionError.
// 3. Stages are filled in plan order from the eligible devices not yet assigned:
//    - count N: the named members, then the first devices of the random order that match the filters
//      (region/corridor/site; no filter = any device) until the stage has N.
//    - percent P, canary or pilot: as count, with N = ceil(P% of the eligible devices that match the filters).
//    - percent P, wave: cumulative. Base = the eligible devices left after canary and pilot that match the filters;
//      the wave fills until ceil(P% of base) of the base is in waves (so waves 50 and 100 cover half, then all).
//    - no count/percent: the named members plus every remaining device matching the filters; a stage that only names
//      devices or cohorts takes exactly those; a wave with an empty selector takes every remaining device.
//    A stage that ends up with no device, or with fewer than its count/percent asks for, is allowed and reported in
//    `warnings` (the engine can complete an empty stage at once).
// 4. Random order: devices sorted by sha256(`${seed}:${deviceId}`) in hex. Each device's place depends only on the
//    seed and its own id, so the same seed and fleet give the same stages; adding one device to the fleet moves that
//    device into the order, which can push the last pick of a count stage into the next stage (and so on: the
//    ripple), and can raise a percent target by one; every other device keeps its relative order.
import { createHash } from "node:crypto";
import semver from "semver";
import type { SemVer } from "semver";
import type { Plan, StageKind, StageSpec } from "./plan.js";

export interface FleetDevice {
  id: string;
  variant: string;
  site: string | null;
  region: string | null;
  corridor: string | null;
  baseImageVersion: string | null;
}

export interface SelectionInput {
  plan: Plan;
  /** Usually plan.seed ?? rollout id. */
  seed: string;
  release: { id: string; variants: string[]; minBaseImage: string | null };
  /** Candidate devices: the whole enrolled fleet, or the target list. */
  fleet: FleetDevice[];
  /** Ids the caller asked for that are not enrolled. */
  unknownIds?: string[];
  /** Operator cohort name -> member device ids. */
  cohorts: Record<string, string[]>;
  /** Device id -> why it cannot be targeted now, e.g. "in active rollout ro-1 (release r-2)". */
  busy: Record<string, string>;
}

export type ExclusionReason = "incompatible_variant" | "base_image_too_old" | "base_image_unknown" | "busy" | "unknown_device";

export interface Exclusion {
  deviceId: string;
  reason: ExclusionReason;
  /** A sentence a person understands. */
  detail: string;
}

export interface StageAssignment {
  name: string;
  kind: StageKind;
  /** Sorted. */
  deviceIds: string[];
}

export interface Selection {
  /** One per plan stage, in plan order. */
  stages: StageAssignment[];
  /** Sorted by device id; each device once. */
  excluded: Exclusion[];
  /** Eligible devices no stage took (sorted). */
  unassigned: string[];
  /** Sentences about stages that got no device or fewer than they asked for. */
  warnings: string[];
}

/** The plan cannot be applied to this fleet (unknown cohort, a device named by two stages). */
export class PlanSelectionError extends Error {
  readonly code = "plan_selection" as const;
  constructor(message: string) {
    super(message);
    this.name = "PlanSelectionError";
  }
}

/**
 * A version as a base image reports it, read with semver: dotted numbers ("9.0", "10.2.1", "2024.06": leading zeros
 * and missing parts read as in 2024.6.0), an optional leading "v", an optional pre-release ("2.0.0-rc1", below 2.0.0)
 * and build suffix (ignored). Parts past the third compare numerically after semver's order ("9.0.1.2" > "9.0.1.1").
 * Anything else ("unknown", the value `device add` writes into every agent config, "", "1.0.a") is no version: null.
 */
export function readVersion(text: string): { semver: SemVer; extra: bigint[] } | null {
  const m = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/i.exec(text.trim());
  if (!m) return null;
  const parts = m[1]!.split(".").map((p) => BigInt(p));
  const core = [0, 1, 2].map((i) => (parts[i] ?? 0n).toString()).join(".");
  const version = semver.coerce(m[2] ? `${core}-${m[2]}` : core, { includePrerelease: true });
  // coerce reads at most 16 digits a part (and semver no number past 2^53-1): a longer one is no version either.
  if (!version || `${version.major}.${version.minor}.${version.patch}` !== core) return null;
  return { semver: version, extra: parts.slice(3) };
}

/** Compares two versions as readVersion reads them: -1, 0 or 1, or null when either is not a readable version. */
export function compareVersions(a: string, b: string): number | null {
  const va = readVersion(a);
  const vb = readVersion(b);
  if (!va || !vb) return null;
  const c = semver.compare(va.semver, vb.semver);
  if (c !== 0) return c;
  for (let i = 0; i < Math.max(va.extra.length, vb.extra.length); i++) {
    const d = (va.extra[i] ?? 0n) - (vb.extra[i] ?? 0n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}

function eligibility(device: FleetDevice, input: SelectionInput): Exclusion | undefined {
  const { release } = input;
  if (!release.variants.includes(device.variant)) {
    return {
      deviceId: device.id,
      reason: "incompatible_variant",
      detail: `device ${device.id} is variant ${device.variant}, which release ${release.id} does not support (it supports ${release.variants.join(", ") || "no variant"})`,
    };
  }
  if (release.minBaseImage !== null) {
    if (device.baseImageVersion === null) {
      return {
        deviceId: device.id,
        reason: "base_image_unknown",
        detail: `device ${device.id} has not reported its base image version; release ${release.id} needs base image ${release.minBaseImage} or newer`,
      };
    }
    // A version that cannot be read is never taken for a new enough one (as text, "unknown" sorted above "9.0").
    const order = compareVersions(device.baseImageVersion, release.minBaseImage);
    if (order === null) {
      const deviceReadable = readVersion(device.baseImageVersion) !== null;
      return {
        deviceId: device.id,
        reason: "base_image_unknown",
        detail: deviceReadable
          ? `release ${release.id} needs base image ${JSON.stringify(release.minBaseImage)} or newer, which is not a version verge can read (e.g. 9.0, 10.2.1, 2024.06); no device can be checked against it`
          : `device ${device.id} reports base image ${JSON.stringify(device.baseImageVersion)}, which is not a version (e.g. 9.0, 10.2.1, 2024.06); release ${release.id} needs ${release.minBaseImage} or newer`,
      };
    }
    if (order < 0) {
      return {
        deviceId: device.id,
        reason: "base_image_too_old",
        detail: `device ${device.id} runs base image ${device.baseImageVersion}; release ${release.id} needs ${release.minBaseImage} or newer`,
      };
    }
  }
  const busy = input.busy[device.id];
  if (busy !== undefined) return { deviceId: device.id, reason: "busy", detail: `device ${device.id} is busy: ${busy}` };
  return undefined;
}

function matchesFilters(device: FleetDevice, stage: StageSpec): boolean {
  const { region, corridor, site } = stage.select;
  return (
    (region === null || (device.region !== null && region.includes(device.region))) &&
    (corridor === null || (device.corridor !== null && corridor.includes(device.corridor))) &&
    (site === null || (device.site !== null && site.includes(device.site)))
  );
}

function hasFilters(stage: StageSpec): boolean {
  return stage.select.region !== null || stage.select.corridor !== null || stage.select.site !== null;
}

/** ceil(percent% of n), tolerant of floating-point noise (7% of 100 is 7, not 8). */
function percentOf(percent: number, n: number): number {
  return Math.ceil((percent * n) / 100 - 1e-9);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Assigns the fleet's devices to the plan's stages. Throws PlanSelectionError when the plan cannot apply. */
export function selectStages(input: SelectionInput): Selection {
  const { plan, seed } = input;
  const fleet = new Map<string, FleetDevice>();
  for (const device of input.fleet) if (!fleet.has(device.id)) fleet.set(device.id, device);

  // Unknown cohorts first: the plan cannot be applied at all.
  for (const stage of plan.stages) {
    for (const cohort of stage.select.cohorts) {
      if (!Object.hasOwn(input.cohorts, cohort)) {
        const known = Object.keys(input.cohorts).sort();
        throw new PlanSelectionError(
          `stage "${stage.name}" selects cohort "${cohort}", which does not exist; ${known.length > 0 ? `known cohorts: ${known.join(", ")}` : "no cohort is defined yet"}`,
        );
      }
    }
  }

  // 1. Eligibility.
  const excluded = new Map<string, Exclusion>();
  for (const id of input.unknownIds ?? []) {
    if (!fleet.has(id) && !excluded.has(id)) excluded.set(id, { deviceId: id, reason: "unknown_device", detail: `device ${id} is not enrolled` });
  }
  const eligible = new Set<string>();
  for (const device of fleet.values()) {
    const why = eligibility(device, input);
    if (why) excluded.set(device.id, why);
    else eligible.add(device.id);
  }

  // 2. Named members: every device a stage names, directly or through a cohort, with where it was named.
  const namedBy = new Map<string, { stage: string; via: string }>();
  const named: string[][] = plan.stages.map((stage) => {
    const members: Array<{ id: string; via: string }> = [
      ...stage.select.devices.map((id) => ({ id, via: "listed in devices" })),
      ...stage.select.cohorts.flatMap((cohort) => (input.cohorts[cohort] ?? []).map((id) => ({ id, via: `cohort ${cohort}` }))),
    ];
    const ids: string[] = [];
    for (const { id, via } of members) {
      const owner = namedBy.get(id);
      if (owner && owner.stage !== stage.name) {
        throw new PlanSelectionError(`device ${id} is named by stage "${owner.stage}" (${owner.via}) and by stage "${stage.name}" (${via}): a device can be in one stage only`);
      }
      if (owner) continue;
      namedBy.set(id, { stage: stage.name, via });
      if (!fleet.has(id)) {
        if (!excluded.has(id)) {
          excluded.set(id, {
            deviceId: id,
            reason: "unknown_device",
            detail: `device ${id} (${via}, stage ${stage.name}) is not enrolled or not among the devices this rollout may target`,
          });
        }
      } else if (eligible.has(id)) {
        ids.push(id);
      }
    }
    return ids;
  });

  // 3. Fill the stages in order.
  const rank = (id: string) => createHash("sha256").update(`${seed}:${id}`).digest("hex");
  const ordered = [...fleet.values()]
    .filter((d) => eligible.has(d.id))
    .map((d) => ({ device: d, rank: rank(d.id) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.device.id < b.device.id ? -1 : 1))
    .map((r) => r.device);

  const assigned = new Set<string>();
  const inWaves = new Set<string>();
  let waveBase: FleetDevice[] | undefined;
  const warnings: string[] = [];

  const stages = plan.stages.map((stage, index): StageAssignment => {
    const explicit = named[index] ?? [];
    // The devices a wave's percentage is a share of: what canary and pilot left, fixed when the first wave starts.
    if (stage.kind === "wave") waveBase ??= ordered.filter((d) => !assigned.has(d.id));
    const pool = ordered.filter((d) => !assigned.has(d.id) && !namedBy.has(d.id) && matchesFilters(d, stage)).map((d) => d.id);
    let target: number | undefined;
    let picked: string[];
    if (stage.select.count !== null) {
      target = stage.select.count;
      picked = pool.slice(0, Math.max(0, target - explicit.length));
    } else if (stage.select.percent !== null) {
      if (waveBase !== undefined && stage.kind === "wave") {
        const base = waveBase.filter((d) => matchesFilters(d, stage));
        const covered = base.filter((d) => inWaves.has(d.id)).length;
        target = Math.max(0, percentOf(stage.select.percent, base.length) - covered);
      } else {
        target = percentOf(stage.select.percent, ordered.filter((d) => matchesFilters(d, stage)).length);
      }
      picked = pool.slice(0, Math.max(0, target - explicit.length));
    } else if (stage.select.devices.length > 0 || stage.select.cohorts.length > 0) {
      // Named members, plus every remaining device matching the filters when the stage has filters too.
      picked = hasFilters(stage) ? pool : [];
    } else {
      // Filters only, or nothing (a wave that takes all remaining devices).
      picked = pool;
    }

    const deviceIds = [...explicit, ...picked].sort();
    for (const id of deviceIds) {
      assigned.add(id);
      if (stage.kind === "wave") inWaves.add(id);
    }
    if (deviceIds.length === 0) {
      const names = stage.select.devices.length > 0 || stage.select.cohorts.length > 0;
      const why =
        target === 0 && pool.length > 0
          ? "earlier waves already cover its share"
          : names && !hasFilters(stage) && target === undefined
            ? "every device it names is excluded or not enrolled"
            : "no eligible device that matches it is left";
      warnings.push(`stage "${stage.name}" selects no device: ${why}`);
    } else if (target !== undefined && deviceIds.length < target) {
      warnings.push(`stage "${stage.name}" asks for ${plural(target, "device")} but only ${deviceIds.length} eligible ${deviceIds.length === 1 ? "was" : "were"} left`);
    }
    return { name: stage.name, kind: stage.kind, deviceIds };
  });

  return {
    stages,
    excluded: [...excluded.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0)),
    unassigned: ordered.filter((d) => !assigned.has(d.id)).map((d) => d.id).sort(),
    warnings,
  };
}
