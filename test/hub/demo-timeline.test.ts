// What the demo prints, as tables: progress lines, rule verdicts, the pause block, the summary.
import { describe, expect, it } from "vitest";
import type { EventView, StatusView } from "../../hub/cli/api-types.js";
import { pauseLines, progressLine, ruleVerdict, stamp, stateCounts, summaryLines, wrap } from "../../hub/demo/timeline.js";

const zero = { pending: 0, downloading: 0, verified: 0, activated: 0, failed: 0, cancelled: 0, rolling_back: 0, rolled_back: 0, total: 0, notStarted: 0 };
const progress = (p: Partial<typeof zero>) => ({ ...zero, ...p });

function view(over: { status?: string; activeStage?: string | null; stages?: Array<{ name: string; status: string; progress: ReturnType<typeof progress> }>; progress?: ReturnType<typeof progress>; rollback?: StatusView["rollback"] }): StatusView {
  return {
    rollout: { id: "ro-1", releaseId: "rel-1", status: over.status ?? "active" },
    release: { id: "rel-1", version: "1", counter: 1 },
    activeStage: over.activeStage ?? null,
    stages: over.stages ?? [],
    progress: over.progress ?? progress({}),
    rollback: over.rollback ?? { requested: 0, confirmed: 0, overdue: 0 },
  } as unknown as StatusView;
}

const pause: EventView = {
  id: 9,
  rolloutId: "ro-2",
  at: "2026-01-01T00:00:10.000Z",
  type: "paused",
  stage: "canary",
  actor: "hub",
  rule: { name: "availability", metric: "availability", op: "<", threshold: 0.995, observed: 0.8, windowMs: 10_000, devices: 2 },
  explanation: "Rule fired. The rollout is paused.",
  links: [{ title: "Grafana", url: "http://g/d" }],
};

describe("demo timeline", () => {
  it.each([
    [0, "[  0.0s]"],
    [1234, "[  1.2s]"],
    [61_050, "[ 61.0s]"],
  ])("stamp(%i) = %s", (ms, text) => expect(stamp(ms)).toBe(text));

  it.each([
    [progress({ activated: 3, total: 10, notStarted: 7 }), "activated 3, not started 7"],
    [progress({ activated: 0, downloading: 2, rolled_back: 1, total: 3 }), "activated 0, downloading 2, rolled back 1"],
  ])("stateCounts %#", (p, text) => expect(stateCounts(p)).toBe(text));

  it("a progress line shows the active stage's bar and devices by state, then the rollout's, then the rollback", () => {
    const s = view({
      activeStage: "pilot",
      stages: [
        { name: "canary", status: "converged", progress: progress({ activated: 2, total: 2 }) },
        { name: "pilot", status: "active", progress: progress({ activated: 2, downloading: 3, total: 5 }) },
      ],
      progress: progress({ activated: 4, downloading: 3, total: 50, notStarted: 43 }),
      rollback: { requested: 2, confirmed: 1, overdue: 0 },
    });
    expect(progressLine(s)).toBe("pilot [####------] 2/5 active (downloading 3) | rollout 50 devices: activated 4, downloading 3, not started 43 | rollback 1/2 confirmed");
  });

  it("a rule verdict and the pause block say which rule, what it saw and why", () => {
    expect(ruleVerdict(pause)).toBe("availability 80% < 99.5% (2 devices, over 10s)");
    expect(ruleVerdict({ ...pause, rule: undefined })).toBeUndefined();
    expect(pauseLines(pause)).toEqual([
      'ro-2 PAUSED at canary by rule "availability": availability 80% < 99.5% (2 devices, over 10s)',
      "          Rule fired. The rollout is paused.",
      "          Grafana: http://g/d",
    ]);
  });

  it("wraps at spaces", () => {
    expect(wrap("aaa bbb ccc dddd", 8, "> ")).toEqual(["> aaa bbb", "> ccc dddd"]);
  });

  it("the summary: a completed rollout, a paused one with its rule and time to detection, the fleet", () => {
    const done = view({ status: "completed", stages: [{ name: "all", status: "completed", progress: progress({ activated: 5, total: 5 }) }], progress: progress({ activated: 5, total: 5 }) });
    const paused = view({
      status: "paused",
      stages: [
        { name: "canary", status: "failed", progress: progress({ rolled_back: 2, total: 2 }) },
        { name: "wave-1", status: "pending", progress: progress({ total: 3, notStarted: 3 }) },
      ],
      progress: progress({ rolled_back: 2, total: 5, notStarted: 3 }),
      rollback: { requested: 2, confirmed: 2, overdue: 0 },
    });
    const lines = summaryLines(
      [
        { label: "good", status: done, createdAt: 0, endedAt: 12_300 },
        { label: "bad", status: paused, createdAt: 0, endedAt: 5_000, pause, firstActivatedAt: Date.parse(pause.at) - 4_200 },
      ],
      new Map([["rel-1", 5]]),
      20_000,
    );
    expect(lines).toEqual([
      "Summary (20.0 s)",
      "  good: rollout ro-1 of rel-1 (all 5)",
      "    completed: 5/5 devices activated in 12.3 s",
      "  bad: rollout ro-1 of rel-1 (canary 2, wave-1 3)",
      '    paused at canary by rule "availability": availability 80% < 99.5% (2 devices, over 10s), 4.2 s after its first device activated it',
      "    rolled back: 2/2 device(s) back on their previous release; 2 of 5 devices ever got the release, 3 never did",
      "  fleet now: 5 on rel-1",
    ]);
  });
});
