// A webhook receiver for tests: a real HTTP server on port 0 that records every request as received (raw body,
// headers) and answers what the test says: a status, or nothing at all ("hang"). verifyVerge() is the check a
// receiver makes, as the README shows it.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { WebhookBody } from "../../hub/services/webhooks.service.js";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as it arrived, what the signature covers. */
  raw: string;
  json: WebhookBody;
}

export interface WebhookReceiver {
  readonly port: number;
  /** http://127.0.0.1:<port><path> */
  url(path?: string): string;
  /** Every request so far, in arrival order. */
  readonly requests: ReceivedWebhook[];
  /** Answer from now on with this status and body (default 200), or never answer ("hang"). */
  respond(status: number | "hang", body?: string): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let answer: { status: number | "hang"; body: string } = { status: 200, body: "" };
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      requests.push({ path: req.url ?? "", headers: req.headers, raw, json: JSON.parse(raw) as WebhookBody });
      if (answer.status === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: (path = "/") => `http://127.0.0.1:${port}${path}`,
    requests,
    respond(status, body = "") {
      answer = { status, body };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The receiver's check (README "Notifications (webhooks)"): a fresh timestamp and the HMAC of `${timestamp}.${rawBody}`. */
export function verifyVerge(headers: IncomingHttpHeaders, rawBody: string, secret: string, maxAgeMs = 5 * 60_000, now = Date.now()): boolean {
  const timestamp = String(headers["x-verge-timestamp"] ?? "");
  const signature = String(headers["x-verge-signature"] ?? "");
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > maxAgeMs) return false;
  const expected = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
