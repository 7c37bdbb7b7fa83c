// The IPC messages between the ingest benchmark and its publisher processes.
export type PublisherCommand =
  | { type: "setup"; url: string; devices: Array<{ id: string; secret: string; seqStart: number }> }
  | { type: "go"; messages: number; window: number; ratePerS: number }
  | { type: "exit" };

export type PublisherReply =
  | { type: "ready" }
  | { type: "done"; published: number; failed: number; elapsedMs: number; seqs: Record<string, number> }
  | { type: "error"; message: string };

export function isReply<T extends PublisherReply["type"]>(type: T) {
  return (m: unknown): m is Extract<PublisherReply, { type: T | "error" }> => typeof m === "object" && m !== null && ((m as { type?: unknown }).type === type || (m as { type?: unknown }).type === "error");
}

export type SubscriberCommand =
  | { type: "subscribe"; url: string; clientId: string; auth?: { username: string; password: string } }
  | { type: "count" }
  /** Every latency recorded since the last take, and the count. */
  | { type: "take" };

export type SubscriberReply =
  | { type: "subscribed" }
  | { type: "counted"; received: number }
  | { type: "latencies"; received: number; latencies: number[] }
  | { type: "error"; message: string };

export function isSubscriberReply<T extends SubscriberReply["type"]>(type: T) {
  return (m: unknown): m is Extract<SubscriberReply, { type: T | "error" }> => typeof m === "object" && m !== null && ((m as { type?: unknown }).type === type || (m as { type?: unknown }).type === "error");
}
