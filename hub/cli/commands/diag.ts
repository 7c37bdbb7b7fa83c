// verge device diag: ask a device for a bundle of its logs and state, follow it, list them, fetch one.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, existsSync, renameSync, rmSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import type { Command } from "commander";
import type { BundleView } from "../api-types.js";
import { CliError, EXIT } from "../client.js";
import { duration } from "../context.js";
import type { Cli } from "../context.js";
import { ago, bytes, table, truncate } from "../format.js";

const path = (id: string) => `/api/devices/${encodeURIComponent(id)}/diagnostics/bundles`;

export function registerDiagCommands(device: Command, cli: Cli): void {
  const diag = device
    .command("diag")
    .description("remote diagnostics: a device uploads a bundle of its logs and state; fetch and open it")
    .addHelpText(
      "after",
      `
A bundle is a gzip'd tar (open it with tar xzf): the agent's own log (newest lines), state.json, the slots'
release.json, the downloads listing, the config with its secret redacted, recent transitions and counters. The
device uploads it resumably over its link; the hub keeps the last few per device. The hub also asks on its own when
a device reports a failed deployment (its rollout event links the bundle).

Examples:
  verge device diag collect sc-0001 --wait           # ask, wait until uploaded, say where it is
  verge device diag list sc-0001
  verge device diag get sc-0001 --out sc-0001.tar.gz  # the newest complete bundle
  verge device diag get sc-0001 dg-20250501120304-1a2b3c4d
  tar xzf sc-0001.tar.gz && less sc-0001-*/logs/agent.log`,
    );

  diag
    .command("collect")
    .argument("<id>", "device id")
    .description("ask the device for a diagnostics bundle (a signed command); --wait until it is uploaded")
    .option("--reason <text>", "why (kept with the bundle and in the audit log)")
    .option("--wait", "wait until the bundle is complete (exit 0), failed or expired (exit 1)")
    .option("--timeout <duration>", "with --wait: give up waiting after this (the device may still upload later)", duration("--timeout", 1000), 300_000)
    .option("--interval <duration>", "with --wait: how often to ask the hub", duration("--interval", 100), 1000)
    .addHelpText(
      "after",
      `
Needs an operator token. A device offline now gets the command when it reconnects (within the hub's command
validity); until then the bundle stays "requested".

Examples:
  verge device diag collect sc-0001 --reason "lag spikes since 2.4.1" --wait
  verge device diag collect sc-0001 --wait --timeout 15m -o json | jq -r .url`,
    )
    .action(async (id: string, opts: { reason?: string; wait?: boolean; timeout: number; interval: number }) => {
      const api = cli.client();
      const { bundle } = await api.request<{ bundle: BundleView }>("POST", path(id), opts.reason ? { reason: opts.reason } : {});
      if (!opts.wait) {
        cli.print(bundle, () =>
          [
            `diagnostics bundle ${bundle.bundleId} requested from ${id} (command sent)`,
            `  follow it: verge device diag list ${id}`,
            `  once complete: verge device diag get ${id} ${bundle.bundleId}`,
          ].join("\n"),
        );
        return;
      }
      const final = await waitForBundle(cli, id, bundle.bundleId, opts.timeout, opts.interval);
      cli.print(final, () => describeOutcome(final));
      if (final.status !== "complete") process.exitCode = EXIT.failed;
    });

  diag
    .command("list")
    .argument("<id>", "device id")
    .description("the device's diagnostics bundles, newest first: status, size, why they were asked")
    .action(async (id: string) => {
      const res = { bundles: (await cli.client().getAll<BundleView>(path(id), "bundles")).items };
      cli.print(res, () =>
        res.bundles.length
          ? table(
              ["BUNDLE", "STATUS", "TRIGGER", "REQUESTED", "BY", "SIZE", "ROLLOUT", "WHY"],
              res.bundles.map((b) => [
                b.bundleId,
                b.status === "uploading" && b.size ? `uploading ${Math.floor((b.received / b.size) * 100)}%` : b.status,
                b.trigger,
                ago(b.requestedAt),
                b.requestedBy,
                b.size === null ? null : bytes(b.size),
                b.rolloutId,
                truncate(b.status === "failed" ? `${b.statusReason ?? ""}: ${b.statusDetail ?? ""}` : (b.reason ?? ""), 80),
              ]),
            )
          : `no diagnostics bundles of ${id}; ask for one: verge device diag collect ${id} --wait`,
      );
    });

  diag
    .command("get")
    .argument("<id>", "device id")
    .argument("[bundle]", "bundle id (default: the newest complete one)")
    .description("download a complete bundle (gzip'd tar); its sha256 is checked before the file is in place")
    .option("--out <file>", "where to write it; - for stdout (default <device>-<bundle>.tar.gz here; never overwritten)")
    .addHelpText(
      "after",
      `
-o stays the output format of what verge prints (table or json); the bundle goes to --out.

Examples:
  verge device diag get sc-0001 --out /tmp/sc-0001.tar.gz
  verge device diag get sc-0001 --out - | tar tzf -`,
    )
    .action(async (id: string, bundleId: string | undefined, opts: { out?: string }) => {
      const res = await cli.client().download(`${path(id)}/${encodeURIComponent(bundleId ?? "latest")}`);
      const realId = res.headers.get("x-verge-bundle-id") ?? bundleId ?? "latest";
      const expected = res.headers.get("x-verge-sha256") ?? "";
      const toStdout = opts.out === "-";
      const file = opts.out ?? `${id}-${realId}.tar.gz`;
      if (!toStdout && existsSync(file)) {
        await res.body?.cancel();
        throw new CliError(`${file} already exists (not overwritten); choose another --out`, EXIT.usage);
      }
      const hash = createHash("sha256");
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      const source = Readable.fromWeb(res.body! as ReadableStream<Uint8Array>);
      const part = `${file}.part`;
      try {
        if (toStdout) {
          for await (const chunk of source.pipe(meter) as AsyncIterable<Buffer>) {
            if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
          }
        } else {
          await pipeline(source, meter, createWriteStream(part, { flags: "wx", mode: 0o600 }));
        }
      } catch (err) {
        if (!toStdout) rmSync(part, { force: true });
        throw new CliError(`download of ${realId} failed: ${(err as Error).message}`, EXIT.failed);
      }
      const sha256 = hash.digest("hex");
      if (expected && sha256 !== expected) {
        if (!toStdout) rmSync(part, { force: true });
        throw new CliError(`bundle ${realId}: got sha256 ${sha256}, the hub says ${expected}; nothing written`, EXIT.failed);
      }
      if (toStdout) return;
      renameSync(part, file);
      cli.print({ deviceId: id, bundleId: realId, file, size, sha256 }, () => `wrote ${file}: bundle ${realId} of ${id}, ${bytes(size)}, sha256 checked\n  open it: tar xzf ${file}`);
    });
}

/** Polls the device's bundles until this one is complete, failed or expired, or the timeout; progress on stderr. */
async function waitForBundle(cli: Cli, id: string, bundleId: string, timeoutMs: number, intervalMs: number): Promise<BundleView> {
  const api = cli.client();
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const bundles = (await api.getAll<BundleView>(path(id), "bundles")).items;
    const b = bundles.find((x) => x.bundleId === bundleId);
    if (!b) throw new CliError(`bundle ${bundleId} of ${id} is gone from the hub`, EXIT.failed);
    const line = b.status === "uploading" && b.size ? `uploading: ${bytes(b.received)} of ${bytes(b.size)}` : b.status;
    if (line !== last && cli.output() === "table") process.stderr.write(`${bundleId}: ${line}\n`);
    last = line;
    if (b.status === "complete" || b.status === "failed" || b.status === "expired") return b;
    if (Date.now() >= deadline) {
      throw new CliError(`bundle ${bundleId} of ${id} is still ${b.status} after ${Math.round(timeoutMs / 1000)} s; follow it with: verge device diag list ${id}`, EXIT.failed);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describeOutcome(b: BundleView): string {
  if (b.status === "complete") {
    return [
      `bundle ${b.bundleId} of ${b.deviceId} complete: ${bytes(b.size)}, sha256 ${b.sha256}`,
      `  fetch it: verge device diag get ${b.deviceId} ${b.bundleId} --out ${b.deviceId}-${b.bundleId}.tar.gz`,
      `  url: ${b.url}`,
    ].join("\n");
  }
  if (b.status === "failed") return `bundle ${b.bundleId} of ${b.deviceId} failed: ${b.statusReason ?? "unknown"}${b.statusDetail ? ` (${b.statusDetail})` : ""}`;
  return `bundle ${b.bundleId} of ${b.deviceId} expired: no word from the device since ${new Date(b.updatedAt).toISOString()}; is it online? (verge device show ${b.deviceId})`;
}
