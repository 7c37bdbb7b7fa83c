// Which behaviour profile a release has, as the simulated devices learn it: from the `sim-profile:` line of the
// release notes in the manifest a device verified and stored in its state.json. Shared by every device of one
// simulator (a release's manifest is the same signed bytes for all), so each release is decoded once.
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { decodeManifest, pb } from "../../proto/index.js";
import { stateFilePath } from "../state-file.js";
import { profileFromNotes } from "./profiles.js";
import type { SimProfile } from "./profiles.js";

/** What a device's state file says about the deployment in progress (only the fields read here). */
interface StoredState {
  deployment?: { releaseId?: string } | null;
  manifest?: { releaseId?: string; envelope?: string } | null;
}

export class ReleaseProfiles {
  private readonly known = new Map<string, SimProfile>();

  constructor(private readonly log: Logger) {}

  /** The profile of a release already learnt by some device, or undefined. */
  get(releaseId: string): SimProfile | undefined {
    return this.known.get(releaseId);
  }

  /**
   * The release the device at `dataDir` is deploying and its profile, from the manifest the agent verified and stored
   * (so the signature was checked by the agent itself; here the envelope is only unwrapped). undefined when the state
   * holds no deployment, or no manifest for it yet.
   */
  ofDeployment(dataDir: string): { releaseId: string; profile: SimProfile } | undefined {
    let state: StoredState;
    try {
      state = JSON.parse(readFileSync(stateFilePath(dataDir), "utf8")) as StoredState;
    } catch {
      return undefined;
    }
    const releaseId = state.deployment?.releaseId;
    if (!releaseId) return undefined;
    const cached = this.known.get(releaseId);
    if (cached) return { releaseId, profile: cached };
    const stored = state.manifest;
    if (stored?.releaseId !== releaseId || !stored.envelope) return undefined;
    const profile = this.learn(releaseId, Buffer.from(stored.envelope, "base64"));
    return profile ? { releaseId, profile } : undefined;
  }

  /** Reads the profile from a SignedEnvelope(ReleaseManifest) and remembers it. */
  private learn(releaseId: string, envelope: Uint8Array): SimProfile | undefined {
    let payload: Uint8Array;
    try {
      payload = pb.SignedEnvelope.decode(envelope).payload;
    } catch {
      return undefined;
    }
    const decoded = decodeManifest(payload);
    if (!decoded.ok || decoded.message.releaseId !== releaseId) return undefined;
    const verdict = profileFromNotes(decoded.message.notes);
    if (!verdict.ok) this.log.warn({ releaseId, detail: verdict.detail }, "release names an unknown simulator profile");
    else if (verdict.named) this.log.info({ releaseId, profile: verdict.profile }, "release carries a simulator profile");
    this.known.set(releaseId, verdict.profile);
    return verdict.profile;
  }
}
