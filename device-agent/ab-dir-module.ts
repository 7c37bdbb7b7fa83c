// A/B directory update module: <dataDir>/slots/a and slots/b, and <dataDir>/current, a symlink to the active slot.
// Install writes the inactive slot (a copy of the active one plus the new components), switch renames a fresh
// symlink over `current` (atomic on POSIX), commit records the slot in slots/committed.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { copyFile, mkdir, open, readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Logger } from "pino";
import type { CrashAt } from "./crash-point.js";
import { fsyncDir, writeFileAtomic } from "./state-file.js";
import type { InstallRelease, SlotStatus, StepResult, UpdateModule } from "./update-module.js";
import { COMPONENT_NAME, insideDir } from "./wire-fields.js";

const SLOTS = ["a", "b"] as const;
const RELEASE_FILE = "release.json";

export class AbDirModule implements UpdateModule {
  readonly name = "ab-dir";
  private readonly slotsDir: string;
  private readonly currentLink: string;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
    /** The VERGE_AGENT_CRASH_AT test hook (crash-point.ts): `installing` fires after the first component is written. */
    private readonly crashAt?: CrashAt,
  ) {
    this.slotsDir = join(dataDir, "slots");
    this.currentLink = join(dataDir, "current");
  }

  async init(): Promise<void> {
    for (const slot of SLOTS) await mkdir(join(this.slotsDir, slot), { recursive: true });
    // A crash during switchTo can leave the temp link behind; `current` itself is always whole.
    rmSync(`${this.currentLink}.tmp`, { force: true });
    if (!existsSync(this.currentLink)) {
      this.logger.info({ slot: "a" }, "no current slot link, pointing it at slot a (factory image)");
      this.link("a");
    }
  }

  activeSlot(): Promise<string> {
    return Promise.resolve(this.readLink());
  }

  async inactiveSlot(): Promise<string> {
    const active = await this.activeSlot();
    return active === "a" ? "b" : "a";
  }

  slots(): Promise<SlotStatus[]> {
    const active = this.readLink();
    return Promise.resolve(
      SLOTS.map((name) => {
        const release = this.readRelease(name);
        return release ? { name, active: name === active, release } : { name, active: name === active };
      }),
    );
  }

  async install(slot: string, release: InstallRelease): Promise<StepResult> {
    const active = this.readLink();
    if (slot === active) return { ok: false, detail: `refusing to install into the active slot ${slot}` };
    if (!(SLOTS as readonly string[]).includes(slot)) return { ok: false, detail: `no slot "${slot}"` };
    const bad = release.components.find((c) => !COMPONENT_NAME.test(c.name) || c.name === RELEASE_FILE);
    if (bad) return { ok: false, detail: `component name "${bad.name}" cannot be a file name in a slot` };
    const dir = join(this.slotsDir, slot);
    try {
      // Defence in depth behind the agent's field checks: nothing is read from or written to outside the data dir.
      for (const c of release.components) {
        insideDir(dir, c.name);
        insideDir(this.dataDir, c.file);
      }
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      // Components the release does not carry (e.g. base_image) stay what the running slot has.
      const activeDir = join(this.slotsDir, active);
      for (const entry of await readdir(activeDir, { withFileTypes: true })) {
        if (!entry.isFile() || entry.name === RELEASE_FILE) continue;
        if (release.components.some((c) => c.name === entry.name)) continue;
        await copyFile(join(activeDir, entry.name), join(dir, entry.name));
        await syncFile(join(dir, entry.name));
      }
      for (const component of release.components) {
        await copyFile(component.file, join(dir, component.name));
        await syncFile(join(dir, component.name));
        this.crashAt?.("installing");
      }
      const manifest = {
        releaseId: release.releaseId,
        version: release.version,
        counter: release.counter,
        components: release.components.map(({ name, version, size, sha256 }) => ({ name, version, size, sha256 })),
      };
      writeFileAtomic(join(dir, RELEASE_FILE), JSON.stringify(manifest, null, 2) + "\n");
      fsyncDir(dir);
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: `install into slot ${slot} failed: ${(err as Error).message}` };
    }
  }

  switchTo(slot: string): Promise<StepResult> {
    if (!(SLOTS as readonly string[]).includes(slot)) return Promise.resolve({ ok: false, detail: `no slot "${slot}"` });
    try {
      this.link(slot);
      return Promise.resolve({ ok: true });
    } catch (err) {
      return Promise.resolve({ ok: false, detail: `switch to slot ${slot} failed: ${(err as Error).message}` });
    }
  }

  async healthCheck(slot: string, release: InstallRelease): Promise<StepResult> {
    if (this.readLink() !== slot) return { ok: false, detail: `current points at ${this.readLink()}, not ${slot}` };
    for (const component of release.components) {
      const file = join(this.currentLink, component.name);
      const sha256 = await sha256Of(file).catch(() => undefined);
      if (sha256 === undefined) return { ok: false, detail: `${component.name} is missing from slot ${slot}` };
      if (sha256 !== component.sha256) return { ok: false, detail: `${component.name} in slot ${slot} has sha256 ${sha256}` };
    }
    return { ok: true };
  }

  commit(slot: string): Promise<StepResult> {
    try {
      writeFileAtomic(join(this.slotsDir, "committed"), `${slot}\n`);
      return Promise.resolve({ ok: true });
    } catch (err) {
      return Promise.resolve({ ok: false, detail: `commit failed: ${(err as Error).message}` });
    }
  }

  async rollback(slot: string): Promise<StepResult> {
    const switched = await this.switchTo(slot);
    return switched.ok ? this.commit(slot) : switched;
  }

  private readLink(): string {
    return basename(readlinkSync(this.currentLink));
  }

  /** Atomically points `current` at `slot`: a new symlink renamed over the old one, then the directory fsynced. */
  private link(slot: string): void {
    const tmp = `${this.currentLink}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(join("slots", slot), tmp);
    renameSync(tmp, this.currentLink);
    fsyncDir(this.dataDir);
  }

  private readRelease(slot: string): SlotStatus["release"] {
    try {
      return JSON.parse(readFileSync(join(this.slotsDir, slot, RELEASE_FILE), "utf8")) as SlotStatus["release"];
    } catch {
      return undefined;
    }
  }
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}
