// A region comes back: 200 real agents (real mqtt.js clients, own data dirs) behind one proxy in front of the real hub's
// broker. The broker goes away for everyone at once (every connection cut, new ones refused for a moment); the agents
// must come back spread over their jitter window, not in one burst. The same holds at start (a region's power back).
// This is a distribution check, not a timing benchmark: the bounds are wide so a loaded machine passes.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { backoffDelay, reconnectDelay } from "../../device-agent/decisions.js";
import { startFleet, stopFleet } from "../helpers/fleet.js";
import type { FleetAgent } from "../helpers/fleet.js";
import { startTestHub } from "../helpers/hub.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import { tempDir, waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Spread {
  count: number;
  /** 10th and 90th percentile of the delays, ms. */
  p10: number;
  p90: number;
  max: number;
  /** The largest share of the delays inside any span of a tenth of the window. */
  maxTenthShare: number;
}

/** How delays (ms after the outage) spread over a window of `windowMs`. */
function spreadOf(delays: number[], windowMs: number): Spread {
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const slice = windowMs / 10;
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! < sorted[i]! - slice) j++;
    most = Math.max(most, i - j + 1);
  }
  return { count: sorted.length, p10: at(0.1), p90: at(0.9), max: sorted.at(-1) ?? 0, maxTenthShare: most / sorted.length };
}

/** What the fleet needs: most of the window used, no tenth of it holding a burst, everyone back soon after it. */
function expectSpread(delays: number[], windowMs: number, marginMs: number): Spread {
  const s = spreadOf(delays, windowMs);
  const seen = JSON.stringify(s);
  expect(s.p90 - s.p10, `10th-90th percentile span ${seen}`).toBeGreaterThanOrEqual(0.6 * windowMs);
  expect(s.maxTenthShare, `largest share in a tenth of the window ${seen}`).toBeLessThanOrEqual(0.25);
  expect(s.max, `last one back ${seen}`).toBeLessThanOrEqual(windowMs + marginMs);
  return s;
}

describe("the spread measure", () => {
  const W = 6000;
  const draws = (n: number) => Array.from({ length: n }, (_, i) => (i + 0.5) / n);

  it("passes reconnect delays drawn over the jitter window", () => {
    const delays = draws(200).map((r) => reconnectDelay(0, { jitterMs: W, minMs: 500, maxMs: 2000 }, r));
    expect(spreadOf(delays, W)).toMatchObject({ count: 200, maxTenthShare: expect.closeTo(0.1, 1) as number });
    expectSpread(delays, W, 0);
  });

  it("flags the old policy, whose first attempts all fell within [min/2, min]", () => {
    const delays = draws(200).map((r) => backoffDelay(0, 500, 2000, r));
    const s = spreadOf(delays, W);
    expect(s.p90 - s.p10).toBeLessThan(0.6 * W);
    expect(s.maxTenthShare).toBeGreaterThan(0.25);
  });
});

describe("200 agents after a shared outage", () => {
  it("reconnect spread over the configured jitter window, as they connected at start", async () => {
    const W = 6000;
    const MARGIN = 4000;
    const t = tempDir("verge-storm-");
    cleanups.push(t.cleanup);
    const h = await startTestHub(join(t.dir, "hub"));
    cleanups.push(() => h.stop());
    const proxy = await startTcpProxy(h.hub.broker.port);
    cleanups.push(() => proxy.close());

    const fleet: FleetAgent[] = await startFleet(h, t.dir, 200, {
      mqttUrl: proxy.url("mqtt"),
      extraConfig: { heartbeatIntervalS: 3600, mqtt: { keepaliveS: 60, reconnectJitterMs: W, connectJitterMs: W, reconnectMinMs: 500, reconnectMaxMs: 2000 } },
    });
    cleanups.push(() => stopFleet(fleet));

    // Power back: every agent starts at once and connects after its start jitter.
    await waitFor("every agent connected", () => fleet.every((a) => a.connectedAt.length >= 1), W + 20_000, 50);
    expectSpread(
      fleet.map((a) => a.connectedAt[0]! - a.startedAt),
      W,
      MARGIN,
    );

    // The broker goes away for everyone: connections cut, new ones refused for a moment (a restart), then back.
    proxy.refuse();
    const outageAt = Date.now();
    proxy.cutAll();
    const reopen = setTimeout(() => proxy.open(), 300);
    cleanups.push(() => clearTimeout(reopen));
    await waitFor("every agent connected again", () => fleet.every((a) => a.connectedAt.length >= 2), W + 20_000, 50);
    expectSpread(
      fleet.map((a) => a.connectedAt[1]! - outageAt),
      W,
      MARGIN,
    );
    // the broker saw them all back
    await waitFor("the broker counts 200 device sessions", () => h.hub.broker.aedes.connectedClients >= 200);
  }, 90_000);
});
