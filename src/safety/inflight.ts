import { CloudError } from "../cloud/errors.js";

export interface InflightDetails {
  backupId: string;
  confirm: string;
  startedAt: number;
}

/**
 * At most one restore per instance in flight from this server. `acquire` refuses a second one with the API's
 * own code for a locked instance, naming the first call in the hint.
 */
export class InflightLocks {
  private readonly held = new Map<string, InflightDetails>();

  /** Takes the instance's lock, or throws ResourceUnavailable.InstanceLockedError. Returns the release. */
  acquire(region: string, instanceId: string, details: InflightDetails): () => void {
    const key = `${region}/${instanceId}`;
    const first = this.held.get(key);
    if (first) {
      throw new CloudError(
        "ResourceUnavailable.InstanceLockedError",
        `Refused by this server: a restore of ${instanceId} is already in progress here. Nothing was sent.`,
        {
          notSent: true,
          override: {
            retryable: false,
            hint:
              `Another restore_instance call for ${instanceId} (backup ${first.backupId}, confirmation ${first.confirm}, ` +
              `started ${new Date(first.startedAt).toISOString()}) has not finished. Wait for its result and follow its ` +
              "taskId with check_task; do not start a second restore of the same instance.",
          },
        },
      );
    }
    this.held.set(key, details);
    return () => {
      if (this.held.get(key) === details) this.held.delete(key);
    };
  }
}
