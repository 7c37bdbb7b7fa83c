// The simulator's shared HTTP limit: at most N requests of all its devices in flight, the rest in turn.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { limitedFetch } from "../../device-agent/simulator/throttle.js";
import { waitFor } from "../helpers/wait.js";

describe("the simulator's HTTP limit", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A server that answers each request only when the test says so; counts requests open at once. */
  async function heldServer() {
    const held: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
    let open = 0;
    let most = 0;
    const server = createServer((req, res) => {
      open++;
      most = Math.max(most, open);
      res.on("close", () => open--);
      held.push({ req, res });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const answer = (status: number, body: string) => {
      const next = held.shift()!;
      next.res.writeHead(status, { "content-type": "text/plain" }).end(body);
      return next.req.url;
    };
    return { url, held, answer, most: () => most };
  }

  it("keeps at most `max` requests at the server, hands the others their turn in order, and frees a slot for a body read, an error answer left unread, and an abort while waiting", async () => {
    const s = await heldServer();
    const f = limitedFetch(2);
    const first = f(`${s.url}/a`);
    const second = f(`${s.url}/b`);
    const third = f(`${s.url}/c`);
    const aborter = new AbortController();
    const aborted = f(`${s.url}/never`, { signal: aborter.signal });
    const fourth = f(`${s.url}/d`);
    await waitFor("two requests at the server", () => s.held.length === 2);

    aborter.abort(new Error("device stopped"));
    await expect(aborted).rejects.toThrow("device stopped");

    // /a answered 200: its slot is held until its body has been read
    expect(s.answer(200, "artifact a")).toBe("/a");
    const a = await first;
    expect(s.held.length).toBe(1);
    expect(await a.text()).toBe("artifact a");
    await waitFor("/c at the server once /a's body was read", () => s.held.length === 2);
    // /b answered 404 and its body never read by the caller: the slot is free anyway
    expect(s.answer(404, "no such artifact")).toBe("/b");
    expect((await second).status).toBe(404);
    await waitFor("/d at the server", () => s.held.length === 2);
    expect(s.answer(200, "artifact c")).toBe("/c");
    expect(s.answer(200, "artifact d")).toBe("/d");
    expect(await (await third).text()).toBe("artifact c");
    expect(await (await fourth).text()).toBe("artifact d");
    expect(s.most()).toBe(2);
  });

  it("frees the slot of a download cancelled half-way", async () => {
    const s = await heldServer();
    const f = limitedFetch(1);
    const first = f(`${s.url}/big`);
    const second = f(`${s.url}/next`);
    await waitFor("the first request at the server", () => s.held.length === 1);
    const big = s.held[0]!;
    big.res.writeHead(200, { "content-type": "application/octet-stream" });
    big.res.write("first part");
    const res = await first;
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first part");
    await reader.cancel(new Error("abandoned"));
    await waitFor("the second request at the server", () => s.held.some((h) => h.req.url === "/next"));
    s.held.splice(0, s.held.findIndex((h) => h.req.url === "/next"));
    expect(s.answer(200, "done")).toBe("/next");
    expect(await (await second).text()).toBe("done");
  });

  it("refuses a limit that is not a whole number of at least 1", () => {
    expect(() => limitedFetch(0)).toThrow("max must be a whole number >= 1, got 0");
  });
});
