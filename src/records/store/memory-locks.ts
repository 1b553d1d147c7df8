import { instanceLocked, type LockDetails } from "./types.js";

/**
 * At most one restore per instance in flight from this process (the memory state). `acquire` refuses a second
 * one with the API's own code for a locked instance, naming the first call in the hint.
 */
export class InflightLocks {
  private readonly held = new Map<string, LockDetails>();

  /** Takes the instance's lock, or throws ResourceUnavailable.InstanceLockedError. Returns the release. */
  acquire(region: string, instanceId: string, details: LockDetails): () => void {
    const key = `${region}/${instanceId}`;
    const first = this.held.get(key);
    if (first) throw instanceLocked(instanceId, first, "here");
    this.held.set(key, details);
    return () => {
      if (this.held.get(key) === details) this.held.delete(key);
    };
  }
}
