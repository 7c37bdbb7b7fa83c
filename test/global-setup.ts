// Builds dist/ once before the suite: end-to-end tests run the real `verge`, `verge-hub` and `verge-agent` binaries.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  execFileSync(process.execPath, ["-e", "require('node:fs').cpSync('proto/gen','dist/proto/gen',{recursive:true})"], { stdio: "inherit" });
}
