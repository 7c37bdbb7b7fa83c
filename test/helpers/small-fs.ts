// A small filesystem the test can fill: a tmpfs mounted on a temp dir (needs root and mount(8); the test fails, never
// skips, when it cannot mount). fill() leaves (about) `leaveBytes` free with one fallocated file; drain() deletes it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, statfsSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallFs {
  dir: string;
  free(): number;
  fill(leaveBytes?: number): void;
  drain(): void;
  unmount(): void;
}

export function mountSmallFs(sizeMiB: number, prefix = "verge-smallfs-"): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m,mode=0755`, "tmpfs", dir], { stdio: "pipe" });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    throw new Error(
      `this test needs a small filesystem it can fill: "mount -t tmpfs -o size=${sizeMiB}m tmpfs ${dir}" failed (${detail}). ` +
        `Run it as root (or with CAP_SYS_ADMIN) on a machine with mount(8) (util-linux); it does not skip.`,
    );
  }
  const filler = join(dir, "filler.bin");
  const free = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    fill(leaveBytes = 0) {
      const bytes = (existsSync(filler) ? statSync(filler).size : 0) + free() - leaveBytes;
      if (bytes > 0) execFileSync("fallocate", ["-l", String(bytes), filler]);
    },
    drain() {
      if (existsSync(filler)) unlinkSync(filler);
    },
    unmount() {
      execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
