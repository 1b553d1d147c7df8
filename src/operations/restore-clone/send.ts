// restore_instance's clone route (docs/restore-methods.md): Redis 4.0+ and Valkey are restored by cloning a new instance from
// the backup (exactly one CloneInstances, never resent), then following it with check_task and moving the
// address with switch_address. The plan and the confirmation are restore_instance's own.
import { CLONE_ROUTE_CODES } from "../../cloud/editions.js";
import { CloudError, isOutcomeUnknown, outcomeUnknown, withOverride } from "../../cloud/errors.js";
import { beijingToIso } from "../../cloud/views.js";
import type { AuditRecord } from "../../records/audit.js";
import type { CloneFacts } from "./facts.js";
import type { ApiBackup, ApiInstance, CloneInstancesRequest, RedisApi } from "../../cloud/api.js";
import type { Logger } from "../../base/log.js";
import { sleep } from "../../cloud/limiter.js";
import type { ResolvedPassword } from "../password.js";

const LOOKUPS = 3;
import { passwordErrorWithSource } from "../password.js";
import type { PlanView } from "../plan-view.js";
import type { Preflight } from "../preflight.js";
import type { RestoreAnswer } from "../restore-output.js";
import type { Answer } from "../../gates/gate.js";
import type { ToolContext } from "../context.js";

const UNKNOWN_HINT =
  "CloneInstances may or may not have created the clone (it buys an instance), and no instance with its unique name " +
  "was found: do NOT call restore_instance again. Look at list_instances (search for the name in the message) " +
  "before anything else; restore again only once you know no clone exists.";

function next(cloneId: string, sourceId: string): string {
  return (
    `Follow the clone with check_task { instanceId: "${cloneId}", waitSeconds: 300 } until it is running; check its data; ` +
    `then switch_address { instanceId: "${sourceId}", toInstanceId: "${cloneId}" } gives it ${sourceId}'s address.`
  );
}

/** Sends CloneInstances once. A lost answer is never resent: the clone is looked up by its unique name. */
export async function submitClone(ctx: ToolContext, pf: Preflight, record: AuditRecord): Promise<Answer<RestoreAnswer>> {
  const facts = pf.clone;
  if (!facts) throw new Error("clone route without clone facts");
  const instanceId = pf.instance.InstanceId;
  const backupId = String(pf.backup.BackupId);
  const base = {
    instanceId,
    backupId,
    region: pf.region,
    passwordSource: pf.password.source,
    method: "clone" as const,
    ...(facts.cloneTime ? { pointInTime: beijingToIso(facts.cloneTime) } : {}),
  };
  const answer = async (cloneId: string, dealName: string | undefined, extra: Record<string, unknown>, note: string) => {
    Object.assign(record, { cloneInstanceId: cloneId, dealName });
    await rememberClone(ctx, pf.region, cloneId, { dealName, sourceId: instanceId, backupId, name: facts.name });
    const structured: RestoreAnswer = {
      status: "cloning",
      cloneInstanceId: cloneId,
      ...(dealName ? { dealName } : {}),
      ...base,
      ...extra,
      next: next(cloneId, instanceId),
    };
    return {
      structured,
      text:
        `Cloning ${instanceId} from backup ${backupId}${facts.cloneTime ? ` at ${facts.cloneTime} (Beijing time)` : ""} ` +
        `into the new instance ${cloneId} (${facts.name}). ${note}${structured.next} The original is unchanged and stays as the undo point; ` +
        "the clone bills (pay-as-you-go) until someone deletes it.",
    };
  };
  try {
    const res = await ctx.api.cloneInstances(cloneRequest(pf.instance, pf.backup, facts, pf.password), {
      region: pf.region,
    });
    const cloneId = res.InstanceIds?.[0];
    if (!cloneId) {
      throw new CloudError("ClientError.BadResponse", "CloneInstances answered no InstanceIds", {
        override: {
          category: "outcome_unknown",
          retryable: false,
          hint: `${UNKNOWN_HINT} The clone's name: ${facts.name}.`,
        },
      });
    }
    Object.assign(record, { outcome: "submitted", requestId: res.RequestId });
    return await answer(cloneId, res.DealName, { requestId: res.RequestId }, "");
  } catch (caught) {
    if (!(caught instanceof CloudError)) throw caught;
    if (caught.code === "InvalidParameterValue.PasswordError")
      throw passwordErrorWithSource(caught, pf.password, instanceId);
    if (!isOutcomeUnknown(caught)) throw caught;
    const found = await findCloneByName(ctx.api, pf.region, facts.name, ctx.log, ctx.config.poll.initialMs);
    if (!found) throw outcomeUnknown(caught, `${UNKNOWN_HINT} The clone's name: ${facts.name}.`);
    const note =
      `CloneInstances' answer was lost (${caught.code}); it was not resent. The clone, found by its unique name ${facts.name} ` +
      "with DescribeInstances, exists. ";
    Object.assign(record, { outcome: "recovered", errorCode: caught.code, message: note });
    return await answer(found.InstanceId, undefined, { recovered: true, note }, note);
  }
}

/** How long check_task remembers a clone's order. */
const CLONE_RECORD_MS = 7 * 24 * 3600_000;

/** The key of a clone's record (its order, for check_task). */
export const cloneRecordKey = (region: string, cloneId: string) => `clone:${region}:${cloneId}`;

/** Remembers the clone's order for check_task; a store that fails only costs check_task the order's status. */
async function rememberClone(ctx: ToolContext, region: string, cloneId: string, value: Record<string, unknown>): Promise<void> {
  try {
    await ctx.services.safety.state.records.put(cloneRecordKey(region, cloneId), value, CLONE_RECORD_MS);
  } catch (caught) {
    ctx.log.warning("clone record not kept", { cloneId, code: caught instanceof CloudError ? caught.code : "unexpected" });
  }
}

/** The plan's text for the clone route. */
export function clonePlanText(view: PlanView, confirmToken: string, expiresAt: string): string {
  const c = view.clone;
  const price = c?.price.text;
  return (
    `Nothing was created yet. Plan (method clone): ${view.methodReason}\nClone ${view.instance.name} (${view.instance.instanceId}) ` +
    `from backup ${view.backup.backupId} (taken ${view.backup.startTime}) into a new pay-as-you-go instance ${c?.name} ` +
    `(zone ${c?.zoneId}, ${c?.vpcId ?? "basic network"}/${c?.subnetId ?? "-"}, port ${c?.port}, security groups ` +
    `${c?.securityGroupIds.join(", ") || "none"}); price ${price}.\nWARNING: ${view.warning}\nShow this to the user. If they ` +
    `agree, call restore_instance again with the same arguments plus confirmToken "${confirmToken}" (single use, until ${expiresAt}).`
  );
}

/** RestoreInstance refused on an edition the table restores by clone: the hint names the clone route. */
export function withCloneRouteHint(caught: CloudError, pf: Preflight): CloudError {
  if (pf.route.tableMethod !== "clone" || !CLONE_ROUTE_CODES.has(caught.code)) return caught;
  return withOverride(caught, {
    retryable: false,
    hint:
      `${pf.route.edition} is restored by clone, not in place: another backup would be refused the same way. The ` +
      "operator forced in_place (TENCENTCLOUD_REDIS_RESTORE_METHOD); set it to auto (or clone) and call restore_instance " +
      "again: it clones a new instance from the backup, then switch_address moves the address to it.",
  });
}

/** The one CloneInstances request: every field from the source, the password only here. */
export function cloneRequest(
  instance: ApiInstance,
  backup: Pick<ApiBackup, "BackupId">,
  facts: CloneFacts,
  password: ResolvedPassword,
): CloneInstancesRequest {
  const req: CloneInstancesRequest = {
    InstanceId: instance.InstanceId,
    GoodsNum: 1,
    ZoneId: facts.zoneId,
    BillingMode: 0,
    Period: 1,
    SecurityGroupIdList: facts.securityGroupIds,
    BackupId: String(backup.BackupId),
    InstanceName: facts.name,
    VPort: facts.port,
    ResourceTags: facts.tags,
  };
  if (facts.vpcId) req.VpcId = facts.vpcId;
  if (facts.subnetId) req.SubnetId = facts.subnetId;
  if (instance.NoAuth === true) req.NoAuth = true;
  else req.Password = password.value;
  if (facts.projectId !== undefined) req.ProjectId = facts.projectId;
  if (facts.nodeSet) req.NodeSet = facts.nodeSet;
  if (facts.cloneTime) req.CloneTime = facts.cloneTime;
  return req;
}

/**
 * After a CloneInstances whose answer was lost: the clone, looked up by its unique name (DescribeInstances
 * SearchKey), a few times (it may appear late). Undefined when it is not found (the caller reports outcome_unknown).
 */
export async function findCloneByName(
  api: RedisApi,
  region: string,
  name: string,
  log: Logger,
  pauseMs: number,
): Promise<ApiInstance | undefined> {
  for (let lookup = 1; lookup <= LOOKUPS; lookup++) {
    try {
      const res = await api.describeInstances({ SearchKey: name, Limit: 100 }, { region });
      const found = (res.InstanceSet ?? []).find((i) => i.InstanceName === name);
      if (found) {
        log.notice("clone recovered after a lost answer", { instanceId: found.InstanceId, lookup });
        return found;
      }
    } catch (caught) {
      log.warning("clone lookup failed", { lookup, code: caught instanceof CloudError ? caught.code : "unexpected" });
    }
    if (lookup < LOOKUPS) await sleep(pauseMs);
  }
  return undefined;
}
