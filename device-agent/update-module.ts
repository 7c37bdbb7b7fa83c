// The update-module contract (DESIGN.md "Device deployment states"): install into the inactive slot, switch, health
// check, commit, rollback. The agent drives these steps and records progress in its state file; a module makes each
// step idempotent so the agent can redo any of them after a power cut.

/** One verified component file, ready to install under its component name. */
export interface InstallComponent {
  name: string;
  version: string;
  size: number;
  sha256: string;
  /** Path of the verified artifact (in <dataDir>/downloads/). */
  file: string;
}

export interface InstallRelease {
  releaseId: string;
  version: string;
  counter: number;
  components: InstallComponent[];
}

/** What a slot holds, as the module knows it. `release` is undefined for the factory image or an empty slot. */
export interface SlotStatus {
  name: string;
  active: boolean;
  release?: Omit<InstallRelease, "components"> & { components: Omit<InstallComponent, "file">[] };
}

export type StepResult = { ok: true } | { ok: false; detail: string };

export interface UpdateModule {
  readonly name: string;
  /** Prepares the slots on first start (the factory image) and repairs half-done switches. */
  init(): Promise<void>;
  slots(): Promise<SlotStatus[]>;
  /** Name of the running slot. */
  activeSlot(): Promise<string>;
  /** Name of the slot a new release goes into. */
  inactiveSlot(): Promise<string>;
  /** Writes `release` into `slot` (never the active one), replacing whatever was there. */
  install(slot: string, release: InstallRelease): Promise<StepResult>;
  /** Makes `slot` the running one, atomically. */
  switchTo(slot: string): Promise<StepResult>;
  /**
   * Checks the running slot holds `release` intact. Run after the switch, before the application's health check, and
   * retried with it over `healthCheck.spanS`.
   */
  healthCheck(slot: string, release: InstallRelease): Promise<StepResult>;
  /** Marks `slot` as known good: from now on it is what the device boots. */
  commit(slot: string): Promise<StepResult>;
  /** Switches back to `slot` (the previous release, already installed): no download. */
  rollback(slot: string): Promise<StepResult>;
}
