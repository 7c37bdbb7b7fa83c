// A TCP proxy for tests, between agents and the hub: counts bytes, can hold new connections until opened (a gate),
// throttle the downstream direction, and cut every connection. Listens on an ephemeral port.
import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  readonly url: (scheme: string) => string;
  /** Bytes sent from upstream to clients (e.g. artifact bytes served through the proxy). */
  readonly bytesDown: () => number;
  /** Bytes sent from clients to upstream (e.g. an upload through the proxy). */
  readonly bytesUp: () => number;
  readonly connections: () => number;
  /** New and held connections wait until open() is called. */
  hold(): void;
  open(): void;
  /** Limit upstream->client bytes per second (0 = unlimited). */
  throttle(bytesPerSecond: number): void;
  /** Destroys every open connection (both sides). */
  cutAll(): void;
  /**
   * Cuts each connection (both sides) once it has carried this many upstream->client bytes (direction "down", the
   * default) or client->upstream bytes ("up": uploads); the bytes past the limit are never forwarded (nor counted in
   * bytesDown/bytesUp). 0 = off.
   */
  cutEvery(bytes: number, direction?: "down" | "up"): void;
  /** Connections cut by cutEvery. */
  readonly cuts: () => number;
  /** Points the proxy at another upstream port (a restarted server). */
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<TcpProxy> {
  let target = upstreamPort;
  let held = false;
  let rate = 0;
  let down = 0;
  let up = 0;
  let cutUp = 0;
  let count = 0;
  let cutLimit = 0;
  let cutCount = 0;
  const waiting: Array<() => void> = [];
  const pairs = new Set<[Socket, Socket | undefined]>();

  /** client -> upstream: counted, and cut at the "up" limit. */
  const pipeUp = (from: Socket, to: Socket) => {
    let carried = 0;
    from.on("data", (chunk: Buffer) => {
      if (cutUp > 0 && carried + chunk.length >= cutUp) {
        const slice = chunk.subarray(0, Math.max(0, cutUp - carried));
        carried += slice.length;
        up += slice.length;
        from.pause();
        from.removeAllListeners("data");
        cutCount++;
        to.write(slice, () => {
          to.destroy();
          from.destroy();
        });
        return;
      }
      carried += chunk.length;
      up += chunk.length;
      if (!to.write(chunk)) {
        from.pause();
        to.once("drain", () => from.resume());
      }
    });
    from.on("end", () => to.end());
  };

  const pipeThrottled = (from: Socket, to: Socket) => {
    let carried = 0;
    from.on("data", (chunk: Buffer) => {
      if (cutLimit > 0 && carried + chunk.length >= cutLimit) {
        const slice = chunk.subarray(0, Math.max(0, cutLimit - carried));
        carried += slice.length;
        down += slice.length;
        from.pause();
        from.removeAllListeners("data");
        cutCount++;
        to.write(slice, () => {
          to.destroy();
          from.destroy();
        });
        return;
      }
      carried += chunk.length;
      down += chunk.length;
      const ok = to.write(chunk);
      if (rate > 0) {
        from.pause();
        setTimeout(() => from.resume(), Math.ceil((chunk.length / rate) * 1000));
      } else if (!ok) {
        from.pause();
        to.once("drain", () => from.resume());
      }
    });
    from.on("end", () => to.end());
  };

  const server: Server = createServer((client) => {
    count++;
    const pair: [Socket, Socket | undefined] = [client, undefined];
    pairs.add(pair);
    client.on("error", () => undefined);
    client.on("close", () => {
      pair[1]?.destroy();
      pairs.delete(pair);
    });
    const start = () => {
      if (client.destroyed) return;
      const upstream = connect(target, upstreamHost);
      pair[1] = upstream;
      upstream.on("error", () => client.destroy());
      upstream.on("close", () => client.destroy());
      pipeUp(client, upstream);
      pipeThrottled(upstream, client);
    };
    if (held) {
      client.pause();
      waiting.push(() => {
        client.resume();
        start();
      });
    } else {
      start();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    bytesDown: () => down,
    bytesUp: () => up,
    connections: () => count,
    hold: () => {
      held = true;
    },
    open: () => {
      held = false;
      for (const go of waiting.splice(0)) go();
    },
    throttle: (bps) => {
      rate = bps;
    },
    cutAll: () => {
      for (const [c, u] of pairs) {
        c.destroy();
        u?.destroy();
      }
    },
    cutEvery: (bytes, direction = "down") => {
      if (direction === "up") cutUp = bytes;
      else cutLimit = bytes;
    },
    cuts: () => cutCount,
    retarget: (p) => {
      target = p;
    },
    close: async () => {
      for (const [c, u] of pairs) {
        c.destroy();
        u?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
