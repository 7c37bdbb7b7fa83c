// agent: memory and CPU of one idle device agent, the built binary (dist/device-agent/main.js) run as its own process
// with an enrolled config at the default intervals (heartbeat 60 s, KPI 60 s, keepalive 60 s, log level info), after
// it connected and warmed up. Read from /proc (Linux): VmRSS each second, utime + stime over the whole span.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { packageRoot } from "../../hub/db/database.js";
import { startTestHub } from "../helpers/hub.js";
import type { Bench, Figure } from "./types.js";
import { BenchUnavailable, percentile, reap, round, sleep, until } from "./util.js";

const defaults = {
  /** Seconds after the agent connected before measuring (module loading, first heartbeat and inventory). */
  warmup: 15,
  /** Seconds measured. */
  seconds: 60,
};
type Params = typeof defaults;

const CLOCK_TICKS = 100;

function procStat(pid: number): { cpuTicks: number; rssKiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return { cpuTicks, rssKiB: Number(rss?.[1] ?? NaN) };
}

/** dist/ as `npm run build` makes it; built here when missing (the test suite's global setup builds it too). */
function agentBinary(): string {
  const root = packageRoot();
  const bin = join(root, "dist", "device-agent", "main.js");
  if (!existsSync(bin)) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  return bin;
}

export const bench: Bench<Params> = {
  name: "agent",
  description: "RSS and CPU of one idle verge-agent process (built binary, default intervals) after warm-up",
  defaults,
  smoke: { warmup: 1, seconds: 2 },
  async run(p, log) {
    if (!existsSync("/proc/self/stat")) throw new BenchUnavailable("needs /proc (Linux) to read the agent's RSS and CPU");
    const bin = agentBinary();
    const dir = mkdtempSync(join(tmpdir(), "verge-bench-agent-"));
    try {
      const h = await startTestHub(join(dir, "hub"));
      try {
        const res = await h.api<{ agentConfig: string }>("POST", "/api/devices", { id: "idle-0001", variant: "sc-x1" });
        if (res.status !== 201) throw new Error(`enroll: ${res.status}`);
        const dataDir = join(dir, "agent");
        mkdirSync(dataDir);
        const config = { ...(parseYaml(res.body.agentConfig) as Record<string, unknown>), dataDir };
        const file = join(dir, "agent.yaml");
        writeFileSync(file, toYaml(config), { mode: 0o600 });
        const child = spawn(process.execPath, [bin, "--config", file], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        try {
          await until(
            "the agent online at the hub",
            () => {
              if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode}: ${stderr}`);
              return h.hub.repos.devices.get("idle-0001")?.online === true;
            },
            30_000,
            100,
          );
          await sleep(p.warmup * 1000);
          const pid = child.pid!;
          const start = procStat(pid);
          const t0 = performance.now();
          const rss: number[] = [start.rssKiB];
          const end = t0 + p.seconds * 1000;
          while (performance.now() < end) {
            await sleep(Math.min(1000, Math.max(0, end - performance.now())));
            rss.push(procStat(pid).rssKiB);
          }
          const stop = procStat(pid);
          const wallS = (performance.now() - t0) / 1000;
          const cpuS = (stop.cpuTicks - start.cpuTicks) / CLOCK_TICKS;
          const figures: Figure[] = [
            { name: "RSS (median)", value: round(percentile(rss, 0.5) / 1024, 1), unit: "MiB", note: `VmRSS sampled every second for ${p.seconds} s after ${p.warmup} s of warm-up` },
            { name: "RSS (max)", value: round(Math.max(...rss) / 1024, 1), unit: "MiB" },
            { name: "CPU", value: round((100 * cpuS) / wallS, 3), unit: "% of a core", note: `utime + stime over ${wallS.toFixed(0)} s (clock ticks of 10 ms)` },
            { name: "CPU per hour", value: round((cpuS / wallS) * 3600, 2), unit: "s" },
          ];
          log(`idle agent pid ${pid}: RSS ${figures[0]!.value} MiB, CPU ${cpuS.toFixed(2)} s over ${wallS.toFixed(0)} s`);
          return { params: p, figures };
        } finally {
          child.kill("SIGTERM");
          await reap(child);
        }
      } finally {
        await h.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
