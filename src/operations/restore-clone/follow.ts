// check_task { instanceId } (docs/restore-methods.md): follows a clone made by restore_instance until it runs (DescribeInstances
// status 0 -> 2) or its order fails (DescribeInstanceDealDetail status 5 and above), with progress notifications.
import type { ApiDealDetail, ApiInstance } from "../../cloud/api.js";
import { CloudError } from "../../cloud/errors.js";
import { instanceStatusWord } from "../../cloud/views.js";
import { messages } from "../../i18n/index.js";
import type { Progress } from "../../base/progress.js";
import { editionName } from "../../cloud/editions.js";
import type { Answer } from "../../gates/gate.js";
import { cloneSourceOf } from "./facts.js";
import { cloneRecordKey } from "./send.js";
import type { ToolContext } from "../context.js";
import type { CloneStatus, CloneTaskAnswer } from "../task-output.js";
import { type Waited, waitWhile } from "../task-wait.js";
import type { Extra } from "../../base/request.js";

interface Seen {
  instance?: ApiInstance;
  deal?: ApiDealDetail;
  requestId: string;
}

/** Follows a clone (or any instance) until it runs, for up to `waitSeconds`. */
export async function followClone(
  args: { instanceId: string; waitSeconds: number },
  region: string,
  ctx: ToolContext,
  extra: Extra,
  /** check_task's progress notifications (passed in: check_task imports this file). */
  ProgressOf: typeof Progress,
): Promise<Answer<CloneTaskAnswer>> {
  const { poll } = ctx.config;
  const t = messages(ctx.config.language);
  const waitMs = args.waitSeconds * 1000;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const progress = new ProgressOf(extra, 0, args.waitSeconds, poll.progressEveryMs, started, t, (status, seconds) =>
    t.clone.progress({ instanceId: args.instanceId, status, seconds, waitSeconds: args.waitSeconds }),
  );
  const dealName = await recordedDeal(ctx, region, args.instanceId);
  const look = async (): Promise<Seen> => {
    const opts = { region, signal: extra.signal };
    const dealOf = async (name: string) => {
      const deals = await ctx.api.describeInstanceDealDetail({ DealName: name }, opts);
      return deals.DealDetails?.find((d) => d.DealName === name) ?? deals.DealDetails?.[0];
    };
    const [res, read] = await Promise.all([
      ctx.api.describeInstances({ InstanceId: args.instanceId, Limit: 1 }, opts),
      dealName ? dealOf(dealName) : undefined,
    ]);
    const instance = res.InstanceSet?.find((i) => i.InstanceId === args.instanceId);
    // the two reads are two moments: a clone that runs was delivered, so an order read as still delivering (3)
    // just before is read again, and the answer never says running beside a delivering order
    const deal = dealName && instance?.Status === 2 && read?.Status === 3 ? await dealOf(dealName) : read;
    return { instance, deal, requestId: res.RequestId };
  };

  let waited: Waited<Seen>;
  try {
    const first = await look();
    if (!first.instance && !first.deal) throw notFound(args.instanceId, region, first.requestId); // a clone is listed at once
    if (first.instance && !dealName && !cloneSourceOf(first.instance)) throw notAClone(first.instance, region);
    const going = (seen: Seen) => statusOf(seen) === "creating";
    waited = await waitWhile(first, { look, going, status: statusOf, waitMs, elapsed, poll, progress, signal: extra.signal });
  } finally {
    progress.stop();
  }
  const { seen, interval, pollError } = waited;
  const status = statusOf(seen);
  const done = status !== "creating";
  const inst = seen.instance;
  const address = inst?.WanIp && inst.Port ? { host: inst.WanIp, port: inst.Port } : undefined;
  // the original, as the clone's tag names it (a clone whose tag is not listed yet: a placeholder)
  const source = inst && cloneSourceOf(inst);
  const original = source ? `"${source}"` : "<the original>";
  const next =
    status === "running"
      ? `Check the clone's data (it is the backup's), then call switch_address { instanceId: ${original}, toInstanceId: ` +
        `"${args.instanceId}" } to give it the original's address; the original stays as the undo point.`
      : status === "failed"
        ? "The clone was not made: read message; nothing changed for the original. Look at list_instances before restoring again."
        : `Not running yet: call check_task { instanceId: "${args.instanceId}", waitSeconds } again.`;
  // built field by field in the answer's order (next last); a field check_task does not declare does not compile
  const known: Omit<CloneTaskAnswer, "next"> = {
    kind: "clone",
    instanceId: args.instanceId,
    status,
    done,
    succeeded: status === "running",
    message: failure(seen) ?? "",
    requestId: seen.requestId,
  };
  if (address) known.address = address;
  if (inst) {
    known.instance = { instanceId: inst.InstanceId, status: instanceStatusWord(inst.Status), statusCode: inst.Status, name: inst.InstanceName };
  }
  if (dealName) known.dealName = dealName;
  if (seen.deal) known.dealStatus = seen.deal.Status;
  if (waitMs > 0) known.waitedSeconds = Math.round(elapsed() / 100) / 10;
  if (pollError) known.pollError = pollError;
  if (!done) known.nextCheckAfterSeconds = Math.max(1, Math.ceil((waitMs > 0 ? interval : poll.maxMs) / 1000));
  const structured: CloneTaskAnswer = { ...known, next };
  const where = address ? ` at ${address.host}:${address.port}` : "";
  return { structured, text: `Clone ${args.instanceId}: ${status}${where}. ${structured.message ? `${structured.message}. ` : ""}${next}` };
}

function notFound(instanceId: string, region: string, requestId: string): CloudError {
  return new CloudError(
    "ResourceNotFound.InstanceNotExists",
    `No instance ${instanceId} in region ${region}, and no order of a clone by that ID is known here`,
    { requestId },
  );
}

/** check_task { instanceId } on an instance no clone order or clone tag names: what it is, and what check_task follows. */
function notAClone(instance: ApiInstance, region: string): CloudError {
  const what = `a ${editionName(instance.Type)} instance (type ${instance.Type ?? "unknown"}), ${instanceStatusWord(instance.Status)}`;
  const named = instance.InstanceName ? ` named "${instance.InstanceName}"` : "";
  return new CloudError(
    "ClientError.InvalidArgument",
    `${instance.InstanceId} is not a clone made by restore_instance: it is ${what}${named}, in ${region}, with no clone tag. ` +
      "check_task follows a clone (instanceId: the cloneInstanceId restore_instance answered) or a task (taskId); " +
      "list_instances shows an instance. Nothing was sent.",
    {
      fields: [
        {
          path: "instanceId",
          problem: `${instance.InstanceId} is not a clone (it is ${what})`,
          expected: "the cloneInstanceId of a restore_instance answer, or taskId instead for a task",
        },
      ],
    },
  );
}

/** creating until the instance runs; failed when the order failed (status 5 and above) or the instance went away. */
function statusOf(seen: Seen): CloneStatus {
  if (seen.deal && seen.deal.Status >= 5) return "failed";
  const status = seen.instance?.Status;
  if (status === 2) return "running";
  if (status !== undefined && status < 0) return "failed";
  return "creating";
}

function failure(seen: Seen): string | undefined {
  if (seen.deal && seen.deal.Status >= 5) {
    return `The clone's order ${seen.deal.DealName ?? ""} failed (DescribeInstanceDealDetail status ${seen.deal.Status}${seen.deal.Description ? `: ${seen.deal.Description}` : ""})`;
  }
  const status = seen.instance?.Status;
  if (status !== undefined && status < 0) return `The instance is ${instanceStatusWord(status)} (status ${status})`;
  return undefined;
}

/** The order of a clone this server (or a replica) made; undefined when none is known or the store fails. */
async function recordedDeal(ctx: ToolContext, region: string, instanceId: string): Promise<string | undefined> {
  try {
    const record = await ctx.services.safety.state.records.get(cloneRecordKey(region, instanceId));
    return typeof record?.dealName === "string" ? record.dealName : undefined;
  } catch {
    return undefined;
  }
}
