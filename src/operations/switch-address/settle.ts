import type { SettleContext, Settlement } from "../settlement.js";

/**
 * A switch step (ModifyNetworkConfig changeVip), by the two instances' addresses: step "off" moved instanceId
 * off the address when it no longer has it; step "on" gave toInstanceId the address when it has it.
 */
export async function settleSwitch({ api, intent, old }: SettleContext): Promise<Settlement | undefined> {
  const [host, port] = (intent.address ?? "").split(":");
  if (!host || !intent.toInstanceId) return { outcome: "unknown", message: "the intent names no address to check" };
  const region = { region: intent.region ?? "" };
  const [from, to] = await Promise.all(
    [intent.instanceId, intent.toInstanceId].map(async (id) => {
      const res = await api.describeInstances({ InstanceId: id, Limit: 1, Offset: 0 }, region);
      return res.InstanceSet?.find((i) => i.InstanceId === id);
    }),
  );
  const has = (i: typeof from) => i?.WanIp === host && String(i?.Port) === port;
  const where = `${intent.instanceId} ${has(from) ? "has" : "has not"} ${intent.address}, ${intent.toInstanceId} ${has(to) ? "has" : "has not"} it`;
  const moved = intent.switchStep === "on" ? has(to) : from !== undefined && !has(from);
  if (moved) return { outcome: "recovered", found: where, message: `step ${intent.switchStep} was made` };
  if (!old) return undefined;
  const unmoved = intent.switchStep === "on" ? !has(to) : has(from);
  if (unmoved) return { outcome: "not_sent", found: where, message: `step ${intent.switchStep} was not made` };
  return { outcome: "unknown", found: where, message: "the addresses tell neither" };
}
