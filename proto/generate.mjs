// Generates the committed static protobuf code in proto/gen/ from proto/*.proto.
//   node proto/generate.mjs          regenerate proto/gen/
//   node proto/generate.mjs --check  regenerate into a temp dir and fail if it differs from what is committed
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const protoDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(protoDir);
const bin = (name) => join(root, "node_modules", ".bin", name);
const check = process.argv.includes("--check");
const sources = readdirSync(protoDir).filter((f) => f.endsWith(".proto")).sort().map((f) => join(protoDir, f));

function generate(outDir) {
  mkdirSync(outDir, { recursive: true });
  const js = join(outDir, "verge.js");
  execFileSync(bin("pbjs"), ["-t", "static-module", "-w", "es6", "--force-number", "--no-beautify", "-o", js, ...sources], { stdio: "inherit" });
  // 64-bit integers decode as JS numbers, not Long objects: this must run before the generated prototypes are built.
  const importLine = 'import $protobuf from "protobufjs/minimal.js";';
  const source = readFileSync(js, "utf8");
  if (!source.includes(importLine)) throw new Error(`pbjs output changed: "${importLine}" not found in ${js}`);
  const fixed = source.replace(importLine, () =>
    [
      importLine,
      "",
      "// verge: ms timestamps, seqs and byte counts stay far below 2^53, so no Long objects.",
      "$protobuf.util.Long = undefined;",
      "$protobuf.configure();",
    ].join("\n"),
  );
  writeFileSync(js, fixed);
  execFileSync(bin("pbts"), ["-o", join(outDir, "verge.d.ts"), js], { stdio: "inherit" });
}

if (!check) {
  generate(join(protoDir, "gen"));
  console.log("proto/gen regenerated");
} else {
  const tmp = mkdtempSync(join(tmpdir(), "verge-proto-"));
  try {
    generate(tmp);
    const stale = ["verge.js", "verge.d.ts"].filter((f) => {
      const committed = join(protoDir, "gen", f);
      return !existsSync(committed) || readFileSync(committed, "utf8") !== readFileSync(join(tmp, f), "utf8");
    });
    if (stale.length > 0) {
      console.error(`proto/gen is out of date (${stale.join(", ")}): run \`npm run proto:gen\` and commit the result`);
      process.exit(1);
    }
    console.log("proto/gen is current");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
