// switch_address's rules and steps (docs/restore-methods.md): give `toInstanceId` the address (VIP and port) `instanceId` has
// now, the documented way: ModifyNetworkConfig changeVip moves `instanceId` off its address (Recycle 0, so it is
// released), then gives `toInstanceId` that VIP and port; each step's task is followed to its end before the next.
// A switch in progress is kept in the safety state, so that an interrupted one resumes from the step reached and
// never repeats a finished step. Sends nothing itself: the tool passes `send`, which audits each request.
import type { ApiInstance, ModifyNetworkConfigRequest, ModifyNetworkConfigResponse, RedisApi } from "../../cloud/api.js";
import { CloudError, isOutcomeUnknown } from "../../cloud/errors.js";
import { sleep } from "../../cloud/limiter.js";
import { parseTaskId } from "../../cloud/views.js";
import type { Journal } from "../../records/journal.js";
import type { RecordStore } from "../../records/store/types.js";
import { addressWithClone, noteSwitched, refuseReversed, type Roles, rolesOf } from "./direction.js";

export type SwitchStep = "off" | "on";

/** A switch in progress, as kept in the safety state (never a secret). */
export interface SwitchRecord {
  instanceId: string;
  toInstanceId: string;
  /** The address moved: `instanceId`'s when the switch began. */
  host: string;
  port: number;
  /** The step to do (or being done). */
  step: SwitchStep;
  /** The step's request was sent (its answer may have been lost). */
  sent: boolean;
  /** The step's task, when its answer named one. */
  taskId?: number;
  /** Every task the switch started, in order. */
  taskIds: number[];
  startedAt: number;
  caller: string;
}

export interface Pair {
  region: string;
  instanceId: string;
  toInstanceId: string;
}

/** Where an address is now: one line per instance. */
export interface AddressNow {
  instanceId: string;
  host?: string;
  port?: number;
  status?: number;
}

/** How long a switch is remembered. */
const RECORD_MS = 7 * 24 * 3600_000;
/** The longest a step's task is followed before the call gives up (the switch stays resumable). */
const STEP_MAX_MS = 10 * 60_000;

export const switchKey = (p: Pair) => `switch:${p.region}:${p.instanceId}:${p.toInstanceId}`;

const refused = (message: string) =>
  new CloudError("ClientError.SwitchRefused", `Refused: ${message}. Nothing was sent.`, { notSent: true });

export function parseSwitchRecord(value: Record<string, unknown> | undefined): SwitchRecord | undefined {
  if (!value) return undefined;
  const { instanceId, toInstanceId, host, port, step } = value;
  if (typeof instanceId !== "string" || typeof toInstanceId !== "string" || typeof host !== "string") return undefined;
  if (typeof port !== "number" || (step !== "off" && step !== "on")) return undefined;
  return value as unknown as SwitchRecord;
}

/** Refuses a "switch" of an instance to itself, before anything (locks included) is taken. */
export function assertTwoInstances(pair: Pick<Pair, "instanceId" | "toInstanceId">): void {
  if (pair.instanceId === pair.toInstanceId) throw refused("instanceId and toInstanceId are the same instance");
}

/** What the plan and the switch start from: both instances and any switch of the pair in progress. */
export interface SwitchFacts {
  from: ApiInstance;
  to: ApiInstance;
  /** Which is the original, which the clone, and which way this call moves the address. */
  roles: Roles;
  /** A switch of this pair already in progress (interrupted): the call resumes it. */
  record?: SwitchRecord;
}

/**
 * Reads both instances and the state of the pair, and refuses (nothing sent) a switch that is not between an
 * instance and a clone of it, both running, in the same VPC and subnet, or while the reverse switch is unfinished;
 * and (ClientError.SwitchReversed) a move of the address back to the original before any switch gave it to the clone.
 */
export async function checkSwitch(
  api: RedisApi,
  records: RecordStore,
  journal: Journal,
  pair: Pair,
  signal?: AbortSignal,
): Promise<SwitchFacts> {
  assertTwoInstances(pair);
  const opts = { region: pair.region, signal };
  const [a, b, mine, reverse] = await Promise.all([
    api.describeInstances({ InstanceId: pair.instanceId, Limit: 1 }, opts),
    api.describeInstances({ InstanceId: pair.toInstanceId, Limit: 1 }, opts),
    records.get(switchKey(pair)),
    records.get(switchKey({ region: pair.region, instanceId: pair.toInstanceId, toInstanceId: pair.instanceId })),
  ]);
  const from = a.InstanceSet?.find((i) => i.InstanceId === pair.instanceId);
  const to = b.InstanceSet?.find((i) => i.InstanceId === pair.toInstanceId);
  for (const [id, found] of [[pair.instanceId, from], [pair.toInstanceId, to]] as const) {
    if (!found) {
      throw new CloudError("ResourceNotFound.InstanceNotExists", `Refused: instance ${id} does not exist in region ${pair.region}. Nothing was sent.`, {
        notSent: true,
      });
    }
  }
  if (!from || !to) throw refused("an instance is missing");
  if (parseSwitchRecord(reverse)) {
    throw refused(
      `the switch from ${pair.toInstanceId} to ${pair.instanceId} is unfinished: call switch_address with instanceId ` +
        `${pair.toInstanceId} and toInstanceId ${pair.instanceId} to finish it first`,
    );
  }
  const roles = rolesOf(from, to);
  if (!roles) {
    throw refused(`${to.InstanceId} and ${from.InstanceId} are not an instance and a clone of it (made by restore_instance)`);
  }
  const vpc = (i: ApiInstance) => `${i.UniqVpcId ?? i.VpcId ?? ""}/${i.UniqSubnetId ?? i.SubnetId ?? ""}`;
  if (vpc(from) !== vpc(to)) {
    throw refused(`${from.InstanceId} is in ${vpc(from)} and ${to.InstanceId} in ${vpc(to)}: an address moves only within one VPC subnet`);
  }
  const record = parseSwitchRecord(mine);
  if (!record && roles.direction === "undo" && !(await addressWithClone(records, journal, pair.region, roles))) refuseReversed(roles);
  if (!record) {
    for (const i of [from, to]) {
      if (i.Status !== 2) throw refused(`${i.InstanceId} is not running (status ${i.Status})`);
    }
    if (!from.WanIp || !from.Port) throw refused(`${from.InstanceId} has no VPC address to move`);
  }
  return record ? { from, to, roles, record } : { from, to, roles };
}

export interface SwitchDeps {
  api: RedisApi;
  records: RecordStore;
  region: string;
  caller: string;
  /** How often a step's task is polled: short, so that the second step goes the moment the first has ended. */
  pollMs: number;
  /** Sends one ModifyNetworkConfig, audited; marks the record sent first. */
  send(step: SwitchStep, req: ModifyNetworkConfigRequest): Promise<ModifyNetworkConfigResponse>;
  signal?: AbortSignal;
}

export interface SwitchDone {
  record: SwitchRecord;
  resumed: boolean;
  /** The steps done by this call. */
  done: SwitchStep[];
}

/**
 * Runs (or resumes) the switch to its end. Throws ClientError.SwitchInterrupted, the record kept, when a step
 * fails or cannot be followed to its end; the message says where each address is.
 */
export async function runSwitch(deps: SwitchDeps, pair: Pair, facts: SwitchFacts): Promise<SwitchDone> {
  const resumed = facts.record !== undefined;
  const record: SwitchRecord = facts.record ?? {
    instanceId: pair.instanceId,
    toInstanceId: pair.toInstanceId,
    host: facts.from.WanIp ?? "",
    port: facts.from.Port ?? 6379,
    step: "off",
    sent: false,
    taskIds: [],
    startedAt: Date.now(),
    caller: deps.caller,
  };
  const save = () => deps.records.put(switchKey(pair), record as unknown as Record<string, unknown>, RECORD_MS);
  const done: SwitchStep[] = [];
  if (!resumed) await save(); // before anything is sent: a crash after the send still leaves the switch resumable
  else await settleResumed(deps, pair, record, save);

  while (true) {
    if (!record.sent) {
      const req: ModifyNetworkConfigRequest =
        record.step === "off"
          ? { InstanceId: pair.instanceId, Operation: "changeVip", Recycle: 0 }
          : { InstanceId: pair.toInstanceId, Operation: "changeVip", Vip: record.host, VPort: record.port, Recycle: 0 };
      record.sent = true;
      await save();
      let res: ModifyNetworkConfigResponse;
      try {
        res = await deps.send(record.step, req);
      } catch (caught) {
        // a refusal: the step was not made; a lost answer: it may have been (the next call looks where the address is)
        if (!(caught instanceof CloudError && isOutcomeUnknown(caught))) {
          record.sent = false;
          await save();
        }
        throw await interrupted(deps, pair, record, caught);
      }
      record.taskId = parseTaskId(res.TaskId);
      if (record.taskId !== undefined) record.taskIds.push(record.taskId);
      await save();
    }
    await followStep(deps, pair, record);
    done.push(record.step);
    if (record.step === "on") break;
    // no write here: step 2 is recorded as sent right before it goes (a crash in between resumes by step 1's task)
    record.step = "on";
    record.sent = false;
    record.taskId = undefined;
  }
  await noteSwitched(deps.records, pair.region, pair.instanceId, pair.toInstanceId).catch(() => {}); // the journal has it too
  await deps.records.delete(switchKey(pair)).catch(() => {});
  return { record, resumed, done };
}

/**
 * A resumed switch whose step was sent: follow its task if it named one; else (the answer was lost) look where
 * the address is: moved means the step is finished (never sent again), unmoved means it was not made.
 */
async function settleResumed(deps: SwitchDeps, pair: Pair, record: SwitchRecord, save: () => Promise<void>): Promise<void> {
  if (!record.sent || record.taskId !== undefined) return;
  const now = await addressesNow(deps, pair);
  const [from, to] = now;
  const finished =
    record.step === "off"
      ? from?.host !== undefined && from.host !== record.host
      : to?.host === record.host && to.port === record.port;
  if (finished || from?.status === 1 || to?.status === 1) return; // followStep waits for the address (and the task)
  record.sent = false;
  await save();
}

/** Follows the step's task (DescribeTaskInfo), or without one the address itself, until it ended. */
async function followStep(deps: SwitchDeps, pair: Pair, record: SwitchRecord): Promise<void> {
  const started = Date.now();
  const opts = { region: deps.region, signal: deps.signal };
  while (true) {
    if (record.taskId !== undefined) {
      const task = await deps.api.describeTaskInfo({ TaskId: record.taskId }, opts).catch(async (caught: unknown) => {
        throw await interrupted(deps, pair, record, caught);
      });
      if (task.Status === "succeed") return;
      if (task.Status === "failed" || task.Status === "error") {
        const failed = new CloudError(
          "ClientError.SwitchInterrupted",
          `step ${record.step} (task ${record.taskId}) ended ${task.Status}${task.TaskMessage ? `: ${task.TaskMessage}` : ""}`,
        );
        record.sent = false;
        record.taskId = undefined;
        await deps.records.put(switchKey(pair), record as unknown as Record<string, unknown>, RECORD_MS);
        throw await interrupted(deps, pair, record, failed);
      }
    } else {
      const [from, to] = await addressesNow(deps, pair);
      const moved =
        record.step === "off"
          ? from?.host !== undefined && from.host !== record.host && from.status === 2
          : to?.host === record.host && to.port === record.port && to.status === 2;
      if (moved) return;
    }
    if (Date.now() - started > STEP_MAX_MS) {
      throw await interrupted(deps, pair, record, new CloudError("ClientError.SwitchInterrupted", `step ${record.step} did not end within ${STEP_MAX_MS / 60_000} min`));
    }
    await sleep(deps.pollMs, deps.signal);
  }
}

/** Where an instance's address is, as DescribeInstances lists it (not listed: no host). */
export function addressOf(instanceId: string, i: ApiInstance | undefined): AddressNow {
  return { instanceId, host: i?.WanIp || undefined, port: i?.Port, status: i?.Status };
}

/** Where each address is now (a failed lookup leaves the host out). */
export async function addressesNow(deps: Pick<SwitchDeps, "api" | "region" | "signal">, pair: Pair): Promise<AddressNow[]> {
  const opts = { region: deps.region, signal: deps.signal };
  return Promise.all(
    [pair.instanceId, pair.toInstanceId].map(async (id) => {
      try {
        const res = await deps.api.describeInstances({ InstanceId: id, Limit: 1 }, opts);
        return addressOf(id, res.InstanceSet?.find((x) => x.InstanceId === id));
      } catch {
        return { instanceId: id };
      }
    }),
  );
}

export function describeAddresses(now: readonly AddressNow[]): string {
  return now.map((a) => `${a.instanceId} at ${a.host ? `${a.host}:${a.port}` : "an address that could not be read"}`).join(", ");
}

/** ClientError.SwitchInterrupted: the switch is kept; the message says the step reached and where each address is. */
async function interrupted(deps: SwitchDeps, pair: Pair, record: SwitchRecord, cause: unknown): Promise<CloudError> {
  const why = cause instanceof CloudError ? `${cause.code}: ${cause.message}` : "an unexpected failure";
  const now = await addressesNow({ ...deps, signal: undefined }, pair);
  return new CloudError(
    "ClientError.SwitchInterrupted",
    `The switch of ${record.host}:${record.port} from ${pair.instanceId} to ${pair.toInstanceId} stopped at step ` +
      `${record.step === "off" ? `1 (moving ${pair.instanceId} off the address)` : `2 (giving ${pair.toInstanceId} the address)`}` +
      ` (${why}). Now: ${describeAddresses(now)}.`,
    cause instanceof CloudError ? { requestId: cause.requestId } : {},
  );
}
