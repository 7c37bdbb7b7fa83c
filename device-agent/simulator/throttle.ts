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

/**
 * A fetch that runs at most `max` requests at once; the others wait their turn (in order). A slot is held until the
 * response body has been read to its end, cancelled or failed (a body that is not 2xx is read at once, so a caller that
 * drops it cannot hold a slot). Real devices each have their own link; thousands of simulated ones share one process,
 * and each download in flight is a socket of that process and of the hub: 10,000 devices downloading at once ran both
 * out of file descriptors (EMFILE), so the fleet's downloads failed and backed off for minutes.
 */
export function limitedFetch(max: number, base: typeof fetch = fetch): typeof fetch {
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`max must be a whole number >= 1, got ${max}`);
  let active = 0;
  const waiting: Array<{ go: () => void; signal?: AbortSignal | null; onAbort?: () => void }> = [];
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) {
      active--;
      return;
    }
    if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
    next.go();
  };
  const acquire = (signal?: AbortSignal | null): Promise<void> => {
    if (active < max) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted();
      const entry: (typeof waiting)[number] = { go: resolve, signal };
      if (signal) {
        entry.onAbort = () => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      waiting.push(entry);
    });
  };
  return async (input, init) => {
    await acquire(init?.signal);
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      release();
    };
    let res: Response;
    try {
      res = await base(input, init);
      if (!res.ok || !res.body) {
        const bytes = res.body ? await res.arrayBuffer() : null;
        done();
        return new Response(bytes && res.status !== 304 ? bytes : null, { status: res.status, statusText: res.statusText, headers: res.headers });
      }
    } catch (err) {
      done();
      throw err;
    }
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const next = await reader.read();
            if (next.done) {
              done();
              controller.close();
            } else controller.enqueue(next.value);
          } catch (err) {
            done();
            controller.error(err);
          }
        },
        cancel(reason) {
          done();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
