// The telemetry the ingest benchmark publishes: what an agent sends (proto/verge.proto), in the mix of a device at
// default intervals (one heartbeat and one KPI window a minute), with a deployment's progress transitions among them.
import { LAG_BUCKET_BOUNDS_MS, pb, stateToWire, topics } from "../../proto/index.js";

/** The n-th telemetry message of a device: every 25th a state transition, then heartbeats and KPI windows in turn: its topic and protobuf payload. */
export function telemetryMessage(deviceId: string, seq: number, n: number, now: number, startedAt = now): { topic: string; payload: Uint8Array } {
  if (n % 25 === 0) {
    const m = pb.StateTransition.create({
      deviceId,
      seq,
      eventTime: now,
      rolloutId: "",
      releaseId: "rel-2.4.1",
      fromState: stateToWire("downloading"),
      state: stateToWire("downloading"),
      bytesDone: 262_144 * ((n / 25) % 32),
      bytesTotal: 8_388_608,
      desiredSeq: 3,
    });
    return { topic: topics.up(deviceId, "state"), payload: pb.StateTransition.encode(m).finish() };
  }
  if (n % 2 === 1) {
    const m = pb.Heartbeat.create({
      deviceId,
      seq,
      eventTime: now,
      uptimeS: Math.floor((now - startedAt) / 1000) + 86_400,
      currentReleaseId: "rel-2.4.0",
      deploymentState: stateToWire("activated"),
      agentVersion: "0.1.0",
      rejected: {},
      outboxDepth: 0,
      outboxBytes: 0,
      outboxDropped: {},
      outboxMerged: 0,
    });
    return { topic: topics.up(deviceId, "heartbeat"), payload: pb.Heartbeat.encode(m).finish() };
  }
  // A minute of a signal controller: ~1,200 detector events, most within 250 ms, a tail to 2 s.
  const counts = new Array<number>(LAG_BUCKET_BOUNDS_MS.length + 1).fill(0);
  counts[0] = 700 + (seq % 50);
  counts[1] = 300;
  counts[2] = 150;
  counts[3] = 40;
  counts[5] = 8;
  counts[7] = 2;
  const m = pb.KpiReport.create({
    deviceId,
    seq,
    eventTime: now,
    windowStart: now - 60_000,
    windowEnd: now,
    releaseId: "rel-2.4.0",
    secondsUp: 60,
    secondsDown: 0,
    eventsProcessed: counts.reduce((a, b) => a + b, 0),
    eventsDropped: 0,
    lagBucketBoundsMs: [...LAG_BUCKET_BOUNDS_MS],
    lagBucketCounts: counts,
  });
  return { topic: topics.up(deviceId, "kpi"), payload: pb.KpiReport.encode(m).finish() };
}

