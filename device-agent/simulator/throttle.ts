// A slow cellular link for the `slow_download` profile: the artifact's body is handed to the agent at a fixed rate,
// a quarter second's worth at a time, and stops at once when the download is aborted.
import { setTimeout as delay } from "node:timers/promises";

/** `body` at `bytesPerS`: each slice is released after the time the link would take to carry it. */
export function throttleBody(body: ReadableStream<Uint8Array>, bytesPerS: number, signal?: AbortSignal | null): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const sliceBytes = Math.max(1, Math.floor(bytesPerS / 4));
  let pending: Uint8Array = new Uint8Array(0);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending.length === 0) {
          const next = await reader.read();
          if (next.done) {
            controller.close();
            return;
          }
          pending = next.value;
        }
        const slice = pending.subarray(0, sliceBytes);
        pending = pending.subarray(slice.length);
        try {
          await delay((slice.length / bytesPerS) * 1000, undefined, signal ? { signal } : {});
        } catch (err) {
          await reader.cancel(err).catch(() => undefined);
          throw err;
        }
        controller.enqueue(slice);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * A fetch whose response bodies arrive at `bytesPerS` when `slow()` says so at the time of the request. The body is
 * read whole from the hub first and handed out slowly from memory (the simulator's artifacts are small): aborting
 * undici's request in the middle of a body left it reconnecting for nothing, a socket that never sends a request and
 * so holds up an HTTP server's close for a minute.
 */
export function throttledFetch(slow: () => number | undefined, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const bytesPerS = slow();
    if (!bytesPerS) return base(input, init);
    const res = await base(input, init);
    if (!res.body) return res;
    const whole = new Uint8Array(await res.arrayBuffer());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(whole);
        controller.close();
      },
    });
    return new Response(throttleBody(body, bytesPerS, init?.signal), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
