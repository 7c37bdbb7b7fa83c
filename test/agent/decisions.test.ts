// Table tests for the agent's pure decisions.
import { describe, expect, it } from "vitest";
import {
  acceptCommand,
  acceptDesired,
  backoffDelay,
  canTransition,
  checkManifest,
  firstTelemetrySeq,
  isSameTransition,
  kpiCountsDelta,
  needsReservation,
  nextHealthCheck,
  reconnectDelay,
  shouldReportProgress,
} from "../../device-agent/decisions.js";
import type { DeploymentStateName } from "../../proto/index.js";

const NOW = 1_700_000_000_000;

describe("acceptDesired", () => {
  const ctx = { deviceId: "sc-1", lastSeq: 10, now: NOW };
  it.each([
    ["next seq", { deviceId: "sc-1", seq: 11, expiresAt: NOW + 1 }, { ok: true }],
    // expiresAt 0 is proto3's "not set": refused, never taken as valid for ever
    ["no expiry", { deviceId: "sc-1", seq: 11, expiresAt: 0 }, { ok: false, reason: "no_expiry" }],
    ["another device", { deviceId: "sc-2", seq: 11, expiresAt: NOW + 1 }, { ok: false, reason: "wrong_device" }],
    ["expired", { deviceId: "sc-1", seq: 11, expiresAt: NOW }, { ok: false, reason: "expired" }],
    ["older seq", { deviceId: "sc-1", seq: 9, expiresAt: NOW + 1 }, { ok: false, reason: "stale_seq" }],
    ["same seq", { deviceId: "sc-1", seq: 10, expiresAt: NOW + 1 }, { ok: false, reason: "duplicate" }],
    ["same seq, since expired", { deviceId: "sc-1", seq: 10, expiresAt: NOW - 1 }, { ok: false, reason: "duplicate" }],
  ])("%s", (_name, desired, expected) => {
    expect(acceptDesired(desired, ctx)).toMatchObject(expected);
  });
});

describe("acceptCommand", () => {
  const ctx = { deviceId: "sc-1", lastCommandSeq: 5, now: NOW };
  it.each([
    ["next seq", { deviceId: "sc-1", seq: 6, expiresAt: NOW + 1 }, { ok: true }],
    ["another device", { deviceId: "sc-2", seq: 6, expiresAt: NOW + 1 }, { ok: false, reason: "wrong_device" }],
    ["replayed", { deviceId: "sc-1", seq: 5, expiresAt: NOW + 1 }, { ok: false, reason: "stale_seq" }],
    ["expired", { deviceId: "sc-1", seq: 6, expiresAt: NOW - 1 }, { ok: false, reason: "expired" }],
    ["no expiry", { deviceId: "sc-1", seq: 6, expiresAt: 0 }, { ok: false, reason: "no_expiry" }],
  ])("%s", (_name, command, expected) => {
    expect(acceptCommand(command, ctx)).toMatchObject(expected);
  });
});

describe("checkManifest", () => {
  const manifest = { releaseId: "rel-5", counter: 5, expiresAt: 0, compatibleVariants: ["sc-x1", "sc-x2"] };
  const ctx = { releaseId: "rel-5", variant: "sc-x1", highestCounter: 4, now: NOW };
  it.each([
    ["valid", manifest, ctx, { ok: true }],
    ["same counter as installed", manifest, { ...ctx, highestCounter: 5 }, { ok: true }],
    ["other release", { ...manifest, releaseId: "rel-6" }, ctx, { ok: false, reason: "release_mismatch" }],
    ["expired", { ...manifest, expiresAt: NOW - 1 }, ctx, { ok: false, reason: "expired" }],
    ["variant not listed", manifest, { ...ctx, variant: "vms-1" }, { ok: false, reason: "incompatible_variant" }],
    ["counter below highest", manifest, { ...ctx, highestCounter: 6 }, { ok: false, reason: "counter_rollback" }],
    ["back to the previous slot", manifest, { ...ctx, highestCounter: 6, previousReleaseId: "rel-5" }, { ok: true }],
    ["previous slot holds another release", manifest, { ...ctx, highestCounter: 6, previousReleaseId: "rel-4" }, { ok: false, reason: "counter_rollback" }],
  ])("%s", (_name, m, c, expected) => {
    expect(checkManifest(m, c)).toMatchObject(expected);
  });
});

describe("deployment state machine", () => {
  const cases: [DeploymentStateName | null, DeploymentStateName, boolean][] = [
    [null, "pending", true],
    [null, "activated", true], // a desired state for the release already running
    ["pending", "downloading", true],
    ["pending", "verified", true],
    ["pending", "activated", false],
    ["downloading", "downloading", true],
    ["downloading", "verified", true],
    ["downloading", "activated", false],
    ["verified", "activated", true],
    ["verified", "downloading", false],
    ["verified", "verified", true], // still not activating, and why: maintenance window closed, safety check failing
    ["pending", "failed", true],
    ["downloading", "failed", true],
    ["verified", "failed", true],
    ["verified", "cancelled", true], // a rollback to the release still running, or superseded by another release
    ["verified", "rolling_back", true], // the health check failed over its whole span: switching back
    ["rolling_back", "activated", false],
    ["rolled_back", "downloading", false], // a retry is a new deployment (from none), never a resumed one
    ["rolled_back", "activated", false],
    ["activated", "cancelled", false],
    ["failed", "downloading", true],
    ["failed", "activated", false],
    ["activated", "failed", false],
    ["activated", "downloading", false],
    ["activated", "rolling_back", true],
    ["rolling_back", "rolled_back", true],
    ["rolling_back", "failed", true],
    ["cancelled", "downloading", false],
  ];
  it.each(cases)("%s -> %s: %s", (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });
});

describe("health check retries over the span", () => {
  const T = NOW;
  const span = { switchedAt: T, spanMs: 60_000, intervalMs: 5_000 };
  it.each([
    ["just switched", T, { retry: true, delayMs: 5_000 }],
    ["mid-span", T + 30_000, { retry: true, delayMs: 5_000 }],
    ["less than an interval left: the last check falls on the end", T + 58_000, { retry: true, delayMs: 2_000 }],
    ["span over", T + 60_000, { retry: false, elapsedMs: 60_000 }],
    ["restart long after the span", T + 3_600_000, { retry: false, elapsedMs: 3_600_000 }],
    ["clock went back: never more than one span from now", T - 3_600_000, { retry: true, delayMs: 5_000 }],
  ])("%s", (_name, now, expected) => {
    expect(nextHealthCheck({ ...span, now })).toEqual(expected);
  });
  it("a span of 0 is one check, no retry", () => {
    expect(nextHealthCheck({ switchedAt: T, now: T, spanMs: 0, intervalMs: 5_000 })).toEqual({ retry: false, elapsedMs: 0 });
  });
});

describe("progress reports", () => {
  const total = 1000;
  it.each([
    ["first report", undefined, { at: 0, bytes: 0 }, true],
    ["too soon, small step", { at: 0, bytes: 0 }, { at: 500, bytes: 100 }, false],
    ["too soon, 25% step", { at: 0, bytes: 0 }, { at: 500, bytes: 250 }, true],
    ["2 s later", { at: 0, bytes: 0 }, { at: 2000, bytes: 10 }, true],
    ["2 s later, no progress", { at: 0, bytes: 10 }, { at: 2000, bytes: 10 }, false],
    ["complete: verified follows", { at: 0, bytes: 900 }, { at: 5000, bytes: 1000 }, false],
  ])("%s", (_name, last, current, expected) => {
    expect(shouldReportProgress(last, { ...current, total })).toBe(expected);
  });
});

describe("backoff and seq reservation", () => {
  it("grows, stays within [ceiling/2, ceiling] and is capped", () => {
    expect(backoffDelay(0, 1000, 60_000, 0)).toBe(500);
    expect(backoffDelay(0, 1000, 60_000, 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(3, 1000, 60_000, 0)).toBe(4000);
    expect(backoffDelay(20, 1000, 60_000, 0.999)).toBeLessThanOrEqual(60_000);
    expect(backoffDelay(20, 1000, 60_000, 0)).toBe(30_000);
  });
  const policy = { jitterMs: 30_000, minMs: 1000, maxMs: 60_000 };
  it.each([
    // attempt, random, delay: attempt 0 spreads over the whole jitter window, uniformly
    ["first attempt, low end of the window", 0, 0, 0],
    ["first attempt, middle of the window", 0, 0.5, 15_000],
    ["first attempt, high end of the window", 0, 0.999_999, 29_999],
    // then capped exponential backoff with equal jitter, from the minimum
    ["second attempt, lowest", 1, 0, 500],
    ["second attempt, highest", 1, 0.999_999, 1000],
    ["third attempt, lowest", 2, 0, 1000],
    ["fifth attempt, lowest", 4, 0, 4000],
    ["far out, capped, lowest", 30, 0, 30_000],
    ["far out, capped, highest", 30, 0.999_999, 60_000],
    ["very far out, no overflow", 5000, 0.5, 45_000],
  ])("reconnect delay: %s", (_name, attempt, random, expected) => {
    expect(reconnectDelay(attempt, policy, random)).toBe(expected);
  });
  it("reconnect delay: a zero jitter window connects at once, then backs off", () => {
    expect(reconnectDelay(0, { ...policy, jitterMs: 0 }, 0.7)).toBe(0);
    expect(reconnectDelay(1, { ...policy, jitterMs: 0 }, 0)).toBe(500);
  });
  it("reconnect delay: first attempts of a fleet cover the window evenly", () => {
    // 1000 evenly spaced draws: every tenth of the window gets a tenth of the fleet
    const delays = Array.from({ length: 1000 }, (_, i) => reconnectDelay(0, policy, i / 1000));
    const perTenth = Array.from({ length: 10 }, (_, k) => delays.filter((d) => d >= k * 3000 && d < (k + 1) * 3000).length);
    expect(perTenth).toEqual(Array.from({ length: 10 }, () => 100));
  });
  it("reserves before using a seq at or above the mark", () => {
    expect(needsReservation(999, 1000)).toBe(false);
    expect(needsReservation(1000, 1000)).toBe(true);
  });
});

describe("KPI counts from cumulative counters", () => {
  const c = (up: number, down: number, processed: number, dropped: number, lag: number[] = [0, 0]) => ({
    secondsUp: up,
    secondsDown: down,
    eventsProcessed: processed,
    eventsDropped: dropped,
    lagBucketCounts: lag,
  });
  it.each([
    ["growth", c(10, 1, 100, 2, [5, 1]), c(70, 1, 160, 3, [50, 2]), c(60, 0, 60, 1, [45, 1]), false],
    ["unchanged", c(10, 1, 100, 2), c(10, 1, 100, 2), c(0, 0, 0, 0), false],
    ["application restarted", c(1000, 5, 9000, 9), c(20, 0, 40, 0), c(20, 0, 40, 0), true],
    ["only one counter went down", c(10, 1, 100, 2), c(70, 1, 160, 1), c(70, 1, 160, 1), true],
    ["a bucket went down", c(10, 1, 100, 2, [5, 5]), c(70, 1, 160, 2, [6, 4]), c(70, 1, 160, 2, [6, 4]), true],
  ])("%s", (_name, previous, current, counts, reset) => {
    expect(kpiCountsDelta(previous, current)).toEqual({ counts, reset });
  });
});

describe("first telemetry seq of a run", () => {
  const now = 1_800_000_000_000; // 2027: clock floor 1.8e15
  it.each([
    ["nothing survived: the clock floor", { nowMs: now }, now * 1000],
    ["the seq file: no floor while a mark survives", { fileMark: 5000, nowMs: now }, 5000],
    ["state.json's mark alone", { stateMark: 7, nowMs: now }, 7],
    ["the outbox's highest seq above the file", { outboxHighSeq: 41, fileMark: 40, nowMs: now }, 42],
    ["the highest mark wins", { fileMark: 3000, stateMark: 2000, outboxHighSeq: 2500, nowMs: now }, 3000],
    ["a clock gone back: the marks win", { fileMark: 2_000_000_000_000_000, nowMs: 1000 }, 2_000_000_000_000_000],
    ["a clock far in the future is not believed", { nowMs: 2 ** 50 }, 1],
    ["a clock at 0 and nothing left: 1", { nowMs: 0 }, 1],
    ["an unsafe mark is ignored", { fileMark: 2 ** 60, stateMark: 12, nowMs: 0 }, 12],
    ["only unsafe marks: the clock floor", { fileMark: 2 ** 60, nowMs: now }, now * 1000],
    ["a fresh state.json and an empty journal: the clock floor", { stateMark: 1, outboxHighSeq: 0, nowMs: now }, now * 1000],
  ])("%s", (_name, marks, expected) => {
    const seq = firstTelemetrySeq(marks);
    expect(seq).toBe(expected);
    expect(Number.isSafeInteger(seq)).toBe(true);
  });
});

describe("a transition announced before a power cut", () => {
  const announced = { rolloutId: "ro-1", releaseId: "rel-1", desiredSeq: 7, fromState: 3, state: 4, reason: "", bytesDone: 10, bytesTotal: 10 };
  it.each([
    ["the same step redone", {}, true],
    ["another to-state", { state: 5 }, false],
    ["another from-state", { fromState: 2 }, false],
    ["another desired seq", { desiredSeq: 8 }, false],
    ["another rollout", { rolloutId: "ro-2" }, false],
    ["another reason", { reason: "maintenance_window" }, false],
    ["a new progress report", { bytesDone: 11 }, false],
  ])("%s", (_name, change, same) => {
    expect(isSameTransition(announced, { ...announced, ...change })).toBe(same);
  });
});
