import { describe, expect, it } from "vitest";
import { parsePlan } from "../../hub/rollout/plan.js";
import type { Plan } from "../../hub/rollout/plan.js";
import { PlanSelectionError, compareVersions, selectStages } from "../../hub/rollout/selection.js";
import type { FleetDevice, Selection, SelectionInput } from "../../hub/rollout/selection.js";

function plan(raw: unknown): Plan {
  const result = parsePlan(raw);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return result.plan;
}

/** d01..dNN, ctl-a, base image 2.1.0, odd numbers north on corridor A9, even numbers south on A92; site = id. */
function fleetOf(n: number): FleetDevice[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `d${String(i + 1).padStart(2, "0")}`;
    const north = i % 2 === 0;
    return { id, variant: "ctl-a", site: `site-${id}`, region: north ? "north" : "south", corridor: north ? "A9" : "A92", baseImageVersion: "2.1.0" };
  });
}

const STAGED = plan({
  name: "staged",
  stages: [
    { name: "canary", select: { count: 1 } },
    { name: "pilot", select: { count: 3 } },
    { name: "wave-1", select: { percent: 50 } },
    { name: "wave-2", select: { percent: 100 } },
  ],
});

function input(over: Partial<SelectionInput> = {}): SelectionInput {
  return {
    plan: STAGED,
    seed: "ro-1",
    release: { id: "r-1", variants: ["ctl-a"], minBaseImage: null },
    fleet: fleetOf(20),
    cohorts: {},
    busy: {},
    ...over,
  };
}

function sizes(s: Selection): Record<string, number> {
  return Object.fromEntries(s.stages.map((st) => [st.name, st.deviceIds.length]));
}

function stageOf(s: Selection, deviceId: string): string | undefined {
  return s.stages.find((st) => st.deviceIds.includes(deviceId))?.name;
}

describe("selectStages: sizes and reproducibility", () => {
  it("20 devices, canary 1 / pilot 3 / waves 50% and 100%: 1, 3, 8, 8, every device once", () => {
    const s = selectStages(input());
    expect(sizes(s)).toEqual({ canary: 1, pilot: 3, "wave-1": 8, "wave-2": 8 });
    const all = s.stages.flatMap((st) => st.deviceIds);
    expect(new Set(all).size).toBe(20);
    expect([...all].sort()).toEqual(fleetOf(20).map((d) => d.id));
    expect(s.stages.map((st) => st.kind)).toEqual(["canary", "pilot", "wave", "wave"]);
    for (const st of s.stages) expect(st.deviceIds).toEqual([...st.deviceIds].sort());
    expect(s).toMatchObject({ excluded: [], unassigned: [], warnings: [] });
  });

  it("the same seed gives the same stages, whatever the fleet's order; another seed gives others", () => {
    const first = selectStages(input());
    expect(selectStages(input())).toEqual(first);
    expect(selectStages(input({ fleet: fleetOf(20).reverse() }))).toEqual(first);
    const other = selectStages(input({ seed: "ro-2" }));
    expect(sizes(other)).toEqual(sizes(first));
    expect(other.stages.map((st) => st.deviceIds)).not.toEqual(first.stages.map((st) => st.deviceIds));
  });

  it("adding one device moves at most one other device across each stage boundary", () => {
    for (const seed of ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"]) {
      const before = selectStages(input({ seed }));
      const after = selectStages(input({ seed, fleet: fleetOf(21) }));
      const moved = fleetOf(20).filter((d) => stageOf(before, d.id) !== stageOf(after, d.id));
      expect(moved.length).toBeLessThanOrEqual(STAGED.stages.length - 1);
      expect(stageOf(after, "d21")).toBeDefined();
    }
  });

  it.each([
    // [fleet size, waves, expected sizes]: waves are cumulative over what canary and pilot left, rounded up
    [3, [25, 50, 100], [1, 1, 1]],
    [1, [25, 50, 100], [1, 0, 0]],
    [10, [10, 50, 100], [1, 4, 5]],
    [100, [7, 100], [7, 93]],
  ])("%d devices, waves %j -> %j", (n, waves, expected) => {
    const p = plan({ name: "w", stages: waves.map((percent, i) => ({ name: `wave-${i + 1}`, select: { percent } })) });
    const s = selectStages(input({ plan: p, fleet: fleetOf(n) }));
    expect(s.stages.map((st) => st.deviceIds.length)).toEqual(expected);
    expect(s.unassigned).toEqual([]);
  });

  it("reports a stage that gets no device, or fewer than it asks for", () => {
    const p = plan({ name: "w", stages: [{ name: "pilot", select: { count: 5 } }, { name: "wave-1", select: { percent: 50 } }, { name: "wave-2", select: { percent: 100 } }] });
    const s = selectStages(input({ plan: p, fleet: fleetOf(3) }));
    expect(sizes(s)).toEqual({ pilot: 3, "wave-1": 0, "wave-2": 0 });
    expect(s.warnings).toEqual([
      'stage "pilot" asks for 5 devices but only 3 eligible were left',
      'stage "wave-1" selects no device: no eligible device that matches it is left',
      'stage "wave-2" selects no device: no eligible device that matches it is left',
    ]);
  });

  it("a canary or pilot percent is a share of the whole eligible fleet, rounded up", () => {
    const p = plan({ name: "p", stages: [{ name: "canary", select: { percent: 1 } }, { name: "pilot", select: { percent: "10%" } }, { name: "rest" }] });
    expect(sizes(selectStages(input({ plan: p })))).toEqual({ canary: 1, pilot: 2, rest: 17 });
  });
});

describe("selectStages: eligibility", () => {
  it("excludes incompatible variants and too-old or unknown base images, with details, and does not count them", () => {
    const fleet = fleetOf(20);
    fleet[0] = { ...fleet[0]!, variant: "vms-b" };
    fleet[1] = { ...fleet[1]!, baseImageVersion: "1.9.2" };
    fleet[2] = { ...fleet[2]!, baseImageVersion: null };
    fleet[3] = { ...fleet[3]!, baseImageVersion: "1.10.0" };
    const s = selectStages(input({ fleet, release: { id: "r-7", variants: ["ctl-a", "ctl-b"], minBaseImage: "1.10.0" } }));
    expect(s.excluded).toEqual([
      { deviceId: "d01", reason: "incompatible_variant", detail: "device d01 is variant vms-b, which release r-7 does not support (it supports ctl-a, ctl-b)" },
      { deviceId: "d02", reason: "base_image_too_old", detail: "device d02 runs base image 1.9.2; release r-7 needs 1.10.0 or newer" },
      { deviceId: "d03", reason: "base_image_unknown", detail: "device d03 has not reported its base image version; release r-7 needs base image 1.10.0 or newer" },
    ]);
    // 17 eligible: canary 1, pilot 3, the 13 left split 7 + 6.
    expect(sizes(s)).toEqual({ canary: 1, pilot: 3, "wave-1": 7, "wave-2": 6 });
    const placed = s.stages.flatMap((st) => st.deviceIds);
    expect(placed).toContain("d04");
    expect(placed).not.toContain("d01");
    expect(placed).not.toContain("d02");
    expect(placed).not.toContain("d03");
  });

  it("excludes busy devices with the reason the caller gave", () => {
    const s = selectStages(input({ busy: { d05: "in active rollout ro-0 (release r-0)" } }));
    expect(s.excluded).toEqual([{ deviceId: "d05", reason: "busy", detail: "device d05 is busy: in active rollout ro-0 (release r-0)" }]);
    expect(s.stages.flatMap((st) => st.deviceIds)).toHaveLength(19);
    expect(stageOf(s, "d05")).toBeUndefined();
  });

  it("excludes ids that are not enrolled: the caller's, and devices or cohort members a stage names", () => {
    const p = plan({ name: "p", stages: [{ name: "canary", select: { devices: ["d01", "ghost-1"] } }, { name: "pilot", select: { cohort: "pilots" } }, { name: "rest" }] });
    const s = selectStages(input({ plan: p, unknownIds: ["ghost-2"], cohorts: { pilots: ["d02", "ghost-3"] } }));
    expect(s.excluded.map((e) => [e.deviceId, e.reason])).toEqual([
      ["ghost-1", "unknown_device"],
      ["ghost-2", "unknown_device"],
      ["ghost-3", "unknown_device"],
    ]);
    expect(s.excluded[0]?.detail).toBe("device ghost-1 (listed in devices, stage canary) is not enrolled or not among the devices this rollout may target");
    expect(s.excluded[1]?.detail).toBe("device ghost-2 is not enrolled");
    expect(s.excluded[2]?.detail).toMatch(/ghost-3 \(cohort pilots, stage pilot\)/);
    expect(sizes(s)).toEqual({ canary: 1, pilot: 1, rest: 18 });
  });

  it("a named device that cannot take the release is excluded, not silently dropped, and not replaced", () => {
    const p = plan({ name: "p", stages: [{ name: "canary", select: { devices: ["d01"] } }, { name: "rest" }] });
    const s = selectStages(input({ plan: p, busy: { d01: "in active rollout ro-0 (release r-0)" } }));
    expect(s.excluded.map((e) => [e.deviceId, e.reason])).toEqual([["d01", "busy"]]);
    expect(s.stages[0]?.deviceIds).toEqual([]);
    expect(s.warnings).toEqual(['stage "canary" selects no device: every device it names is excluded or not enrolled']);
  });
});

describe("selectStages: selectors", () => {
  it("explicit devices, a cohort and a region filter each place their devices; a final empty wave takes the rest", () => {
    const p = plan({
      name: "p",
      stages: [
        { name: "canary", select: { devices: ["d05"] } },
        { name: "pilot", select: { cohort: "pilots" } },
        { name: "north", select: { region: "north" } },
        { name: "rest" },
      ],
    });
    const s = selectStages(input({ plan: p, cohorts: { pilots: ["d02", "d04", "d07"], unused: ["d09"] } }));
    const north = fleetOf(20).filter((d) => d.region === "north" && !["d05", "d07"].includes(d.id)).map((d) => d.id);
    const south = fleetOf(20).filter((d) => d.region === "south" && !["d02", "d04"].includes(d.id)).map((d) => d.id);
    expect(s.stages).toEqual([
      { name: "canary", kind: "canary", deviceIds: ["d05"] },
      { name: "pilot", kind: "pilot", deviceIds: ["d02", "d04", "d07"] },
      { name: "north", kind: "wave", deviceIds: north },
      { name: "rest", kind: "wave", deviceIds: south },
    ]);
    expect(s.unassigned).toEqual([]);
  });

  it("explicit devices come first and count fills up; devices a later stage names are never picked earlier", () => {
    const p = plan({ name: "p", stages: [{ name: "pilot", select: { devices: ["d07"], count: 4 } }, { name: "special", select: { devices: ["d01", "d02", "d03", "d04", "d05", "d06"] } }] });
    for (const seed of ["a", "b", "c", "d", "e"]) {
      const s = selectStages(input({ plan: p, seed }));
      expect(s.stages[0]?.deviceIds).toHaveLength(4);
      expect(s.stages[0]?.deviceIds).toContain("d07");
      expect(s.stages[0]?.deviceIds.filter((id) => id <= "d06")).toEqual([]);
      expect(s.stages[1]?.deviceIds).toEqual(["d01", "d02", "d03", "d04", "d05", "d06"]);
      expect(s.unassigned).toHaveLength(10);
    }
  });

  it("filters combine: every given filter must match, any value of a list matches; count samples the matches", () => {
    const p = plan({
      name: "p",
      stages: [
        { name: "canary", select: { region: "north", count: 2 } },
        { name: "a92", select: { corridor: ["A92", "A99"], site: ["site-d02", "site-d04", "site-d05"] } },
      ],
    });
    const s = selectStages(input({ plan: p }));
    expect(s.stages[0]?.deviceIds).toHaveLength(2);
    expect(s.stages[0]?.deviceIds.every((id) => Number(id.slice(1)) % 2 === 1)).toBe(true);
    expect(s.stages[1]?.deviceIds).toEqual(["d02", "d04"]);
  });

  it("a filtered wave's percent is cumulative over the remaining devices that match it", () => {
    const p = plan({
      name: "p",
      stages: [
        { name: "north-half", select: { region: "north", percent: 50 } },
        { name: "north-all", select: { region: "north", percent: 100 } },
        { name: "half", select: { percent: 50 } },
        { name: "all", select: { percent: 100 } },
      ],
    });
    // 10 north: 5 then 5. Whole fleet 20: half = 10 already covered by the north waves -> 0; then the 10 south.
    const s = selectStages(input({ plan: p }));
    expect(sizes(s)).toEqual({ "north-half": 5, "north-all": 5, half: 0, all: 10 });
    expect(s.warnings).toEqual(['stage "half" selects no device: earlier waves already cover its share']);
  });
});

describe("selectStages: refusals", () => {
  it("throws a PlanSelectionError naming an unknown cohort and the known ones", () => {
    const p = plan({ name: "p", stages: [{ name: "pilot", select: { cohort: "pilot-sites" } }] });
    let error: unknown;
    try {
      selectStages(input({ plan: p, cohorts: { "low-risk": [], north: ["d01"] } }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanSelectionError);
    expect(error).toMatchObject({ code: "plan_selection", message: 'stage "pilot" selects cohort "pilot-sites", which does not exist; known cohorts: low-risk, north' });
    expect(() => selectStages(input({ plan: p }))).toThrow("no cohort is defined yet");
  });

  it("throws when one device is named by two stages", () => {
    const p = plan({ name: "p", stages: [{ name: "canary", select: { devices: ["d03"] } }, { name: "pilot", select: { cohort: "pilots" } }] });
    expect(() => selectStages(input({ plan: p, cohorts: { pilots: ["d01", "d03"] } }))).toThrow(
      'device d03 is named by stage "canary" (listed in devices) and by stage "pilot" (cohort pilots): a device can be in one stage only',
    );
  });
});

describe("compareVersions", () => {
  it.each([
    ["1.10.0", "1.9.2", 1],
    ["1.9.2", "1.10.0", -1],
    ["2.0.0", "2.0.0", 0],
    ["1.2", "1.2.0", 0],
    ["v1.2.3", "1.2.3", 0],
    ["1.2.3", "1.2.4", -1],
    ["2.0.0", "2.0.0-rc1", 1],
    ["2.0.0-rc1", "2.0.0-rc2", -1],
    ["10.0", "9.99.99", 1],
    ["2024.05.1", "2024.5.1", 0],
    ["2024.06", "2024.6.0", 0],
    ["2024.06", "2024.10", -1],
    ["9.0", "9.0", 0],
    ["10.2.1", "9.0", 1],
    ["9.0-rc1", "9.0", -1],
    ["9.0.1.2", "9.0.1.1", 1],
    ["9.0.1.0", "9.0.1", 0],
    ["9.0+build.7", "9.0", 0],
    // not versions: no order at all (as text, "unknown" sorted above "9.0" and passed --min-base-image 9.0)
    ["unknown", "9.0", null],
    ["9.0", "unknown", null],
    ["", "9.0", null],
    ["1.0.a", "1.0.b", null],
    ["build-7", "1.0", null],
    ["12345678901234567890", "1.0", null],
  ])("%s vs %s -> %s", (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe("selectStages: base images that are not versions", () => {
  it("--min-base-image 9.0 excludes a device reporting `unknown` (what `device add` writes) with reason base_image_unknown, never includes it", () => {
    const fleet = fleetOf(6);
    fleet[0] = { ...fleet[0]!, baseImageVersion: "unknown" };
    fleet[1] = { ...fleet[1]!, baseImageVersion: "8.9" };
    fleet[2] = { ...fleet[2]!, baseImageVersion: "9.0" };
    fleet[3] = { ...fleet[3]!, baseImageVersion: "10.2.1" };
    fleet[4] = { ...fleet[4]!, baseImageVersion: "2024.06" };
    fleet[5] = { ...fleet[5]!, baseImageVersion: "" };
    const s = selectStages(input({ fleet, release: { id: "r-9", variants: ["ctl-a", "ctl-b"], minBaseImage: "9.0" } }));
    expect(s.excluded).toEqual([
      { deviceId: "d01", reason: "base_image_unknown", detail: 'device d01 reports base image "unknown", which is not a version (e.g. 9.0, 10.2.1, 2024.06); release r-9 needs 9.0 or newer' },
      { deviceId: "d02", reason: "base_image_too_old", detail: "device d02 runs base image 8.9; release r-9 needs 9.0 or newer" },
      { deviceId: "d06", reason: "base_image_unknown", detail: 'device d06 reports base image "", which is not a version (e.g. 9.0, 10.2.1, 2024.06); release r-9 needs 9.0 or newer' },
    ]);
    expect(s.stages.flatMap((st) => st.deviceIds).sort()).toEqual(["d03", "d04", "d05"]);
  });

  it("a release minimum that is not a version excludes every device that has one, saying the minimum is at fault", () => {
    const fleet = fleetOf(2);
    fleet[0] = { ...fleet[0]!, baseImageVersion: "9.0" };
    fleet[1] = { ...fleet[1]!, baseImageVersion: "9.1" };
    const s = selectStages(input({ fleet, release: { id: "r-x", variants: ["ctl-a", "ctl-b"], minBaseImage: "nine" } }));
    expect(s.excluded.map((e) => [e.deviceId, e.reason])).toEqual([
      ["d01", "base_image_unknown"],
      ["d02", "base_image_unknown"],
    ]);
    expect(s.excluded[0]!.detail).toMatch(/needs base image "nine" or newer, which is not a version verge can read/);
  });
});
