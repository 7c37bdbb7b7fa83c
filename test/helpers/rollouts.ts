// Helpers for staged-rollout tests: releases from bytes, inline plans with durations in seconds, a KPI source that
// behaves per release (the stand-in for a traffic controller's own counters), and status polling through the API.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { KpiCounts, KpiSource } from "../../device-agent/kpi.js";
import { LAG_BUCKET_BOUNDS_MS, lagBucketIndex } from "../../proto/index.js";
import type { TestHub } from "./hub.js";
import type { RolloutBrakes, RolloutEventJson, StageView } from "../../hub/services/rollouts.service.js";
import type { StageCriteriaView } from "../../hub/services/criteria.service.js";
import { waitFor } from "./wait.js";

export interface StageStatus {
  name: string;
  kind: string;
  status: string;
  phase: string;
  startedAt: number | null;
  convergedAt: number | null;
  observeUntil: number | null;
  completedAt: number | null;
  progress: Record<string, number>;
  config: StageView["config"];
  held: number;
  rules: Array<{ name: string; verdict: string | null; value: number | null; breachSince: number | null; firingSince: number | null }>;
  awaitingApproval: boolean;
  criteria: StageCriteriaView;
}

/** An event as the API returns it (eventJson in hub/services/rollouts.service.ts, the same JSON as on MQTT). */
export type RolloutEventView = RolloutEventJson;

export interface StatusView {
  rollout: { id: string; status: string; pauseReason: string | null; releaseId: string };
  activeStage: string | null;
  gates: { canaryHealthy: boolean; failureThreshold: boolean; safetyChecks: boolean };
  brakes: RolloutBrakes;
  stages: StageStatus[];
  progress: Record<string, number>;
  counts: Record<string, number>;
  rollback: { requested: number; confirmed: number; overdue: number };
  devices: Array<{ deviceId: string; stage: string; state: string; reason: string | null; detail: string | null; issuedAt: number | null; previousReleaseId: string | null; rollbackRequestedAt: number | null; heldBy: string | null }>;
  events: RolloutEventView[];
}

/** A release of one random `app` component; returns the bytes. */
export async function makeRelease(h: TestHub, id: string, size = 16 * 1024, variants = ["sc-x1"]): Promise<Buffer> {
  const bytes = randomBytes(size);
  const sha = await h.upload(bytes);
  const res = await h.api("POST", "/api/releases", { id, version: id, variants, components: [{ name: "app", sha256: sha }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return bytes;
}

export async function status(h: TestHub, id: string): Promise<StatusView> {
  const res = await h.api<StatusView>("GET", `/api/rollouts/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function waitForStatus(h: TestHub, id: string, what: string, pred: (s: StatusView) => boolean, timeoutMs = 30_000): Promise<StatusView> {
  return waitFor(
    `${id}: ${what}`,
    async () => {
      const s = await status(h, id);
      return pred(s) && s;
    },
    timeoutMs,
  );
}

/** Rolls `releaseId` to `devices` in one stage and waits for completion: the baseline a later rollback returns to. */
export async function baseline(h: TestHub, id: string, releaseId: string, devices: string[]): Promise<void> {
  const res = await h.api("POST", "/api/rollouts", { id, releaseId, devices });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await waitForStatus(h, id, "baseline completed", (s) => s.rollout.status === "completed" && s.progress.activated === devices.length);
}

/** An inline plan with second-scale durations; stages default to canary 1 / pilot 3 / waves 50% and 100%. */
export function testPlan(opts: { rules?: unknown[]; stages?: unknown[]; defaults?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    name: "test",
    defaults: { observe: "1s", deviceTimeout: "60s", failureThreshold: "50%", activation: "download_then_activate", ...opts.defaults },
    rules: opts.rules ?? [],
    stages: opts.stages ?? [
      { name: "canary", select: { count: 1 } },
      { name: "pilot", select: { count: 3 } },
      { name: "wave-1", select: { percent: 50 } },
      { name: "wave-2", select: { percent: 100 } },
    ],
  };
}

/** What a device running a release looks like: availability, event lag, dropped share. */
export interface Behaviour {
  availability?: number;
  lagMs?: number;
  droppedRatio?: number;
}

/** A KPI source whose counts follow the running release (looked up at each window, so tests may change the map). */
export function kpiByRelease(behaviours: Record<string, Behaviour>): KpiSource {
  return {
    collect(window): KpiCounts {
      const b = behaviours[window.releaseId] ?? {};
      const up = Math.round(1000 * (b.availability ?? 1));
      const events = 1000;
      const dropped = Math.round(events * (b.droppedRatio ?? 0));
      const lagBucketCounts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
      lagBucketCounts[lagBucketIndex(b.lagMs ?? 300)] = events - dropped;
      return { secondsUp: up, secondsDown: 1000 - up, eventsProcessed: events - dropped, eventsDropped: dropped, lagBucketCounts };
    },
  };
}

export function eventsOf(s: StatusView, type: string): RolloutEventView[] {
  return s.events.filter((e) => e.type === type);
}
