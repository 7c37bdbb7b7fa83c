// verge release: upload artifacts and create signed releases; list and show them.
import { existsSync } from "node:fs";
import type { Release } from "../../repos/releases.repo.js";
import { CliError, EXIT } from "../client.js";
import { collect } from "../context.js";
import type { Cli } from "../context.js";
import { ago, bytes, table } from "../format.js";

type ReleaseView = Pick<Release, "id" | "counter" | "version" | "variants" | "signedBy" | "createdAt"> & {
  components: Array<{ name: string; version: string; sha256: string; size: number }>;
};

export function registerReleaseCommands(cli: Cli): void {
  const release = cli.program
    .command("release")
    .description("create and inspect signed releases")
    .addHelpText(
      "after",
      `
Examples:
  verge release create --version 2.4.1 --variant sc-x1 --file ./build/app.bin
  verge release create --version 2.4.1 --variant sc-x1,sc-x2 --artifact app=./app.bin --artifact cfg=./cfg.tar
  verge release list
  verge release show rel-2.4.1 -o json`,
    );

  release
    .command("create")
    .description("upload artifact files and create a release whose manifest is signed by the release key")
    .requiredOption("--version <version>", "release version, e.g. 2.4.1")
    .option("--artifact <name=path>", "a component and its file, e.g. app=./app.bin (repeatable)", (v, prev: string[] = []) => [...prev, v])
    .option("--file <path>", "shorthand for --artifact app=<path>")
    .option("--variant <variants>", "a supported variant (repeatable or comma-separated)", collect)
    .option("--id <id>", "release id (default rel-<version>)")
    .option("--min-base-image <version>", "lowest base image version the release runs on")
    .option("--notes <text>", "release notes")
    .addHelpText(
      "after",
      `
Needs a release-manager (or admin) token. Artifacts are uploaded first (content-addressed by sha256), then the
manifest naming them is signed by the hub's release key.

Examples:
  verge release create --version 2.4.1 --variant sc-x1 --file ./build/app.bin
  verge release create --version 2.4.1 --id rel-2.4.1-hotfix --variant sc-x1 --artifact app=./app.bin --notes "loop timing fix"`,
    )
    .action(async (opts: { version: string; artifact?: string[]; file?: string; variant?: string[]; id?: string; minBaseImage?: string; notes?: string }) => {
      const artifacts = (opts.artifact ?? []).map((a) => {
        const eq = a.indexOf("=");
        if (eq <= 0) throw new CliError(`--artifact expects name=path, got "${a}"`, EXIT.usage);
        return { name: a.slice(0, eq), path: a.slice(eq + 1) };
      });
      if (opts.file) artifacts.push({ name: "app", path: opts.file });
      if (artifacts.length === 0) throw new CliError("give at least one --artifact name=path (or --file path)", EXIT.usage);
      if (!opts.variant?.length) throw new CliError("give at least one --variant the release supports", EXIT.usage);
      for (const a of artifacts) if (!existsSync(a.path)) throw new CliError(`${a.path}: no such file`, EXIT.usage);
      const api = cli.client();
      const components = [];
      for (const a of artifacts) {
        const up = await api.upload<{ sha256: string; size: number }>("/api/artifacts", a.path);
        if (cli.output() === "table") process.stderr.write(`uploaded ${a.path} (${bytes(up.size)}, sha256 ${up.sha256.slice(0, 12)}…)\n`);
        components.push({ name: a.name, sha256: up.sha256 });
      }
      const res = await api.request<{ release: ReleaseView }>("POST", "/api/releases", {
        id: opts.id,
        version: opts.version,
        components,
        variants: opts.variant,
        minBaseImage: opts.minBaseImage,
        notes: opts.notes,
      });
      cli.print(res, () => describeRelease(res.release));
    });

  release
    .command("list")
    .description("list releases, newest first")
    .action(async () => {
      const res = { releases: (await cli.client().getAll<ReleaseView>("/api/releases", "releases")).items };
      cli.print(res, () =>
        table(
          ["RELEASE", "VERSION", "COUNTER", "VARIANTS", "COMPONENTS", "CREATED"],
          res.releases.map((r) => [r.id, r.version, r.counter, r.variants.join(","), r.components.map((c) => c.name).join(","), ago(r.createdAt)]),
        ),
      );
    });

  release
    .command("show")
    .argument("<id>", "release id")
    .description("show a release and its components")
    .action(async (id: string) => {
      const res = await cli.client().request<{ release: ReleaseView }>("GET", `/api/releases/${encodeURIComponent(id)}`);
      cli.print(res, () => describeRelease(res.release));
    });
}

function describeRelease(r: ReleaseView): string {
  return [
    `release ${r.id}  version ${r.version}  counter ${r.counter}  signed by key ${r.signedBy}`,
    `variants: ${r.variants.join(", ")}`,
    table(["COMPONENT", "VERSION", "SIZE", "SHA256"], r.components.map((c) => [c.name, c.version, bytes(c.size), c.sha256])),
  ].join("\n");
}
