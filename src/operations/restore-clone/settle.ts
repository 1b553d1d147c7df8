import type { SettleContext, Settlement } from "../settlement.js";

/** A clone: the new instance by its unique InstanceName (DescribeInstances SearchKey). */
export async function settleClone({ api, intent, old }: SettleContext): Promise<Settlement | undefined> {
  const name = intent.instanceName;
  if (!name) return { outcome: "unknown", message: "the intent names no InstanceName to look the clone up by" };
  const res = await api.describeInstances({ SearchKey: name, Limit: 100, Offset: 0 }, { region: intent.region ?? "" });
  const found = (res.InstanceSet ?? []).filter((i) => i.InstanceName === name);
  if (found.length === 1) {
    const id = found[0]?.InstanceId ?? "";
    return { outcome: "recovered", found: id, message: `instance ${id} named "${name}" found` };
  }
  if (found.length > 1) {
    const ids = found.map((i) => i.InstanceId).join(", ");
    return { outcome: "unknown", message: `several instances are named "${name}" (${ids})` };
  }
  if (!old) return undefined;
  return { outcome: "not_sent", message: `no instance is named "${name}": never sent` };
}
