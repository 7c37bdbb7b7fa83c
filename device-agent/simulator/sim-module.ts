// The simulator's update module: two slots (a, b) that hold a release's record, not its files. The slots live in
// memory and in <dataDir>/sim-slots.json (a few hundred bytes, rewritten by temp file + rename on every step, no
// fsync: a simulator has no power cuts), so a restarted simulator resumes where its devices were. Installing checks
// that each verified artifact is on disk with its size, then records the release and its behaviour profile in the
// slot; nothing is copied, so ten thousand devices cost ten thousand small files. A release whose profile is
// `install_failure` fails its install here, so the agent reports `failed` with reason `install`.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import { writeFileAtomic } from "../state-file.js";
import type { InstallRelease, SlotStatus, StepResult, UpdateModule } from "../update-module.js";
import { SIM_PROFILES } from "./profiles.js";
import type { SimProfile } from "./profiles.js";

export const SIM_SLOTS_FILE = "sim-slots.json";
const SLOT_NAMES = ["a", "b"] as const;
type SlotName = (typeof SLOT_NAMES)[number];

const slotReleaseSchema = z.object({
  releaseId: z.string(),
  version: z.string(),
  counter: z.number(),
  components: z.array(z.object({ name: z.string(), version: z.string(), size: z.number(), sha256: z.string() })),
  profile: z.enum(SIM_PROFILES),
});
type SlotRelease = z.infer<typeof slotReleaseSchema>;

const slotsFileSchema = z.object({
  version: z.literal(1),
  active: z.enum(SLOT_NAMES),
  committed: z.enum(SLOT_NAMES),
  slots: z.object({ a: slotReleaseSchema.nullable(), b: slotReleaseSchema.nullable() }),
});
type SlotsFile = z.infer<typeof slotsFileSchema>;

export class SimUpdateModule implements UpdateModule {
  readonly name = "sim";
  private readonly file: string;
  private state: SlotsFile = { version: 1, active: "a", committed: "a", slots: { a: null, b: null } };

  constructor(
    dataDir: string,
    /** The profile of a release about to be installed (read from the manifest the agent stored). */
    private readonly profileOf: (releaseId: string) => SimProfile,
    private readonly log: Logger,
  ) {
    this.file = join(dataDir, SIM_SLOTS_FILE);
  }

  init(): Promise<void> {
    const loaded = this.load();
    if (!loaded) this.save();
    return Promise.resolve();
  }

  /** The slots file as the last run left it; false (factory image) when there is none or it is unreadable. */
  private load(): boolean {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return false;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = slotsFileSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({ file: this.file }, "simulated slots file unreadable, starting from the factory image");
      return false;
    }
    this.state = parsed.data;
    return true;
  }

  slots(): Promise<SlotStatus[]> {
    return Promise.resolve(
      SLOT_NAMES.map((name) => {
        const release = this.state.slots[name];
        const active = name === this.state.active;
        if (!release) return { name, active };
        const { profile: _profile, ...rest } = release;
        return { name, active, release: { ...rest, components: rest.components.map((c) => ({ ...c })) } };
      }),
    );
  }

  activeSlot(): Promise<string> {
    return Promise.resolve(this.state.active);
  }

  inactiveSlot(): Promise<string> {
    return Promise.resolve(this.state.active === "a" ? "b" : "a");
  }

  install(slot: string, release: InstallRelease): Promise<StepResult> {
    if (!isSlot(slot)) return Promise.resolve({ ok: false, detail: `no slot ${slot}` });
    if (slot === this.state.active) return Promise.resolve({ ok: false, detail: `refusing to install into the active slot ${slot}` });
    const profile = this.profileOf(release.releaseId);
    if (profile === "install_failure") {
      return Promise.resolve({ ok: false, detail: `simulated install failure: writing slot ${slot} failed (sim-profile: install_failure)` });
    }
    for (const c of release.components) {
      const size = sizeOf(c.file);
      if (size !== c.size) return Promise.resolve({ ok: false, detail: `component ${c.name}: ${c.file} holds ${size ?? "no"} bytes, expected ${c.size}` });
    }
    this.state.slots[slot] = {
      releaseId: release.releaseId,
      version: release.version,
      counter: release.counter,
      components: release.components.map(({ name, version, size, sha256 }) => ({ name, version, size, sha256 })),
      profile,
    };
    this.save();
    return Promise.resolve({ ok: true });
  }

  switchTo(slot: string): Promise<StepResult> {
    if (!isSlot(slot)) return Promise.resolve({ ok: false, detail: `no slot ${slot}` });
    this.state.active = slot;
    this.save();
    return Promise.resolve({ ok: true });
  }

  healthCheck(slot: string, release: InstallRelease): Promise<StepResult> {
    const held = isSlot(slot) ? this.state.slots[slot] : null;
    if (slot !== this.state.active) return Promise.resolve({ ok: false, detail: `slot ${slot} is not the running slot` });
    if (held?.releaseId !== release.releaseId) return Promise.resolve({ ok: false, detail: `slot ${slot} holds ${held?.releaseId ?? "nothing"}, not ${release.releaseId}` });
    return Promise.resolve({ ok: true });
  }

  commit(slot: string): Promise<StepResult> {
    if (!isSlot(slot)) return Promise.resolve({ ok: false, detail: `no slot ${slot}` });
    this.state.committed = slot;
    this.save();
    return Promise.resolve({ ok: true });
  }

  rollback(slot: string): Promise<StepResult> {
    if (!isSlot(slot)) return Promise.resolve({ ok: false, detail: `no slot ${slot}` });
    this.state.active = slot;
    this.state.committed = slot;
    this.save();
    return Promise.resolve({ ok: true });
  }

  /** The profile recorded with `releaseId` in either slot (undefined: neither holds it, e.g. the factory image). */
  profileInSlots(releaseId: string): SimProfile | undefined {
    for (const name of SLOT_NAMES) {
      const release = this.state.slots[name];
      if (release?.releaseId === releaseId) return release.profile;
    }
    return undefined;
  }

  /** The release running now (undefined: the factory image). */
  running(): SlotRelease | undefined {
    return this.state.slots[this.state.active] ?? undefined;
  }

  private save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.state), { fsync: false });
  }
}

function isSlot(name: string): name is SlotName {
  return name === "a" || name === "b";
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
