import type { SettleContext, Settlement } from "../settlement.js";

/** A drill clone's destroy: the clone isolated (or gone) tells it was sent; still running when old, it was not. */
export async function settleDestroy({ api, intent, old }: SettleContext): Promise<Settlement | undefined> {
  const res = await api.describeInstances({ InstanceId: intent.instanceId, Limit: 1 }, { region: intent.region ?? "" });
  const clone = (res.InstanceSet ?? []).find((i) => i.InstanceId === intent.instanceId);
  if (!clone || clone.Status < 0) {
    const found = clone ? `isolated (status ${clone.Status})` : "no longer listed";
    return { outcome: "recovered", found: intent.instanceId, message: `instance ${intent.instanceId} is ${found}` };
  }
  if (!old) return undefined;
  return { outcome: "not_sent", message: `instance ${intent.instanceId} is still status ${clone.Status}: never sent` };
}
