// switch_address as a change: what it declares to the gates (src/gates/order.ts). Two instances, both locked; each
// of its two ModifyNetworkConfig steps is journaled on its own (steps.ts), so it declares no single intent.
import { CloudError } from "../../cloud/errors.js";
import { isoTime } from "../../cloud/views.js";
import { askToConfirm } from "../../gates/confirm.js";
import type { Answer, Change, Run } from "../../gates/gate.js";
import type { SwitchAnswer } from "./output.js";
import { checked } from "../../gates/preflight.js";
import { messages } from "../../i18n/index.js";
import type { AuditRecord } from "../../records/audit.js";
import type { Journal } from "../../records/journal.js";
import type { RecordStore } from "../../records/store/types.js";
import { inFlightView, type ToolContext, withInFlight } from "../context.js";
import { audited, type ChangeCall } from "../pipeline.js";
import { type Roles, rolesOf } from "./direction.js";
import {
  type AddressNow,
  addressesNow,
  addressOf,
  assertTwoInstances,
  checkSwitch,
  type Pair,
  parseSwitchRecord,
  runSwitch,
  type SwitchFacts,
  switchKey,
} from "./steps.js";

/** What the answer shows of where each address is: the instance and its address, nothing the switch reads besides. */
const addressView = (now: readonly AddressNow[]) => now.map(({ instanceId, host, port }) => ({ instanceId, host, port }));

/** What switch_address's arguments give the change. */
export interface SwitchRequest {
  instanceId: string;
  toInstanceId: string;
  region?: string;
  confirmToken?: string;
  approvalId?: string;
  waitSeconds?: number;
}

/** Moves the address of `instanceId` to `toInstanceId`, or resumes such a move interrupted. */
export function switchChange(args: SwitchRequest, call: ChangeCall): Change<SwitchFacts, SwitchMade, SwitchAnswer> {
  const { ctx, extra, record, progress } = call;
  const { config, api } = ctx;
  const { state, journal } = ctx.services.safety;
  const t = messages(config.language);
  const pairOf = (run: Run<SwitchFacts>): Pair => ({
    region: run.region,
    instanceId: args.instanceId,
    toInstanceId: args.toInstanceId,
  });
  const warningOf = (f: SwitchFacts) => {
    const host = f.record?.host ?? f.from.WanIp ?? "";
    const port = f.record?.port ?? f.from.Port ?? 6379;
    const address = `${host}:${port}`;
    const roles = t.clone.switchRoles(f.roles);
    const warning = `${roles} ${t.clone.switchWarning({ from: args.instanceId, to: args.toInstanceId, address })}`;
    return { host, port, warning };
  };
  const resumes = (f: SwitchFacts) => (f.record ? ` (resumes an interrupted switch at step ${f.record.step})` : "");
  return {
    verb: "switch addresses",
    instances: [args.instanceId, args.toInstanceId],
    askedRegion: args.region,
    checkArgs: () => assertTwoInstances(args),
    audit: "switch",
    // a switch whose record died with a stopped server (memory state) resumes from the journal
    resume: (run) => resumeFromJournal(journal, state.records, pairOf(run)),
    // a used approval repeated by its requester (its answer lost): the switch it made is reported once its last
    // step (the address given to toInstanceId) was sent; nothing is sent again
    sentBefore: {
      kinds: ["switch"],
      view: (op) =>
        op.intent.switchStep === "on"
          ? { operationId: op.intent.operationId, sentAt: op.intent.time, address: op.intent.address }
          : undefined,
    },
    repeated: (run, made) => repeatedSwitch(ctx, pairOf(run), made, run.usedApproval, extra.signal),
    approval: (run) => ({
      tool: "switch_address",
      // bound to the pair: the instance that gets the address is the switch's "method"
      binding: { region: run.region, instanceId: args.instanceId, method: `to:${args.toInstanceId}` },
      approvalId: args.approvalId,
      waitSeconds: args.waitSeconds,
      plan: async () => {
        const facts = await checkSwitch(api, state.records, journal, pairOf(run), extra.signal);
        const { host, port, warning } = warningOf(facts);
        // the approver is told, as a token plan tells, that this resumes an interrupted switch
        const resume = facts.record ? { resumed: true, resumeStep: facts.record.step } : {};
        const fields: Partial<SwitchAnswer> = {
          ...pairOf(run),
          ...facts.roles,
          address: { host, port },
          ...resume,
          warning,
          method: `to:${args.toInstanceId}`,
        };
        // the tag policy: a tag on either instance counts
        const tags = [...(facts.from.InstanceTags ?? []), ...(facts.to.InstanceTags ?? [])];
        const text = `Plan: ${warning}${resumes(facts)}`;
        return { instance: { ...facts.from, InstanceTags: tags }, fields, text, pre: facts };
      },
    }),
    confirm: {
      binding: (run) => ({
        caller: record.caller,
        region: run.region,
        instanceId: args.instanceId,
        backupId: `switch:${args.toInstanceId}`,
      }),
      token: args.confirmToken,
      plan: async (run, facts, token, expiresAt) => {
        const { host, port, warning } = warningOf(facts);
        record.address = `${host}:${port}`;
        const structured: SwitchAnswer = {
          status: "confirmation_required",
          ...pairOf(run),
          ...facts.roles,
          address: { host, port },
          addresses: addressView(await addressesNow({ api, region: run.region }, pairOf(run))),
          ...(facts.record ? { resumed: true, resumeStep: facts.record.step } : {}),
          warning,
          confirmToken: token,
          expiresAt: isoTime(expiresAt),
        };
        const text =
          `Nothing was switched yet. Plan: ${warning}${resumes(facts)}\n` +
          `Show this to the user. If they agree, call switch_address again with the same arguments plus confirmToken "${token}".`;
        return { structured, text };
      },
      form: async (run, facts) => {
        const { host, port, warning } = warningOf(facts);
        const where = `${host}:${port}`;
        const pair = { from: args.instanceId, to: args.toInstanceId };
        await askToConfirm(
          ctx.server,
          extra,
          {
            message: `${t.clone.switchQuestion({ ...pair, address: where, region: run.region })}\n${warning}`,
            title: t.clone.switchConfirmTitle(pair),
            description: t.clone.switchConfirmDescription,
          },
          config.confirmTtlMs,
        );
      },
    },
    lock: { counted: false, label: `switch:${args.toInstanceId}` },
    check: (run) => checkSwitch(api, state.records, journal, pairOf(run), extra.signal),
    send: async (run) => {
      const facts = checked(run);
      const { host, port } = warningOf(facts);
      record.address = `${host}:${port}`;
      const stepRecord = (step: string): AuditRecord => ({ ...record, switchStep: step, outcome: "refused" });
      const result = await runSwitch(
        {
          api,
          records: state.records,
          region: run.region,
          caller: record.caller,
          pollMs: Math.min(config.poll.initialMs, 250),
          signal: undefined, // once begun, a switch is followed to its end (or its record kept), not cancelled
          send: (step, req) => {
            progress.sent = true;
            record.switchStep = step;
            const r = stepRecord(step);
            return audited(
              ctx,
              r,
              () => {},
              async (sent) => {
                await sent.intent("switch"); // each step is one operation of the journal
                const res = await api.modifyNetworkConfig(req, { region: run.region });
                Object.assign(r, { outcome: "submitted", requestId: res.RequestId });
                return res;
              },
            );
          },
        },
        pairOf(run),
        facts,
      );
      Object.assign(record, { outcome: "submitted", switchStep: "done", switchTaskIds: result.record.taskIds });
      const { host: h, port: p } = result.record;
      const now = await addressesNow({ api, region: run.region }, pairOf(run));
      return withInFlight(
        answer(ctx, pairOf(run), facts.roles, { host: h, port: p }, now, { resumed: result.resumed, taskIds: result.record.taskIds }),
        run.settled.map(inFlightView),
      );
    },
  };
}

/** The switch a used approval made: its last step's operation, when it was sent, the address it moved. */
interface SwitchMade {
  operationId: string;
  sentAt: string;
  address?: string;
}

/** The answer to a used approval repeated: the switch it made, as the instances stand now; nothing is sent. */
async function repeatedSwitch(
  ctx: ToolContext,
  pair: Pair,
  made: SwitchMade,
  approvalId: string | undefined,
  signal: AbortSignal,
): Promise<Answer<SwitchAnswer>> {
  const opts = { region: pair.region, signal };
  const [from, to] = await Promise.all(
    [pair.instanceId, pair.toInstanceId].map(async (id) => {
      const res = await ctx.api.describeInstances({ InstanceId: id, Limit: 1 }, opts);
      return res.InstanceSet?.find((i) => i.InstanceId === id);
    }),
  );
  const sent = `Approval ${approvalId} was already used: its switch of ${pair.instanceId}'s address to ${pair.toInstanceId} was sent at ${made.sentAt} (operation ${made.operationId})`;
  const roles = from && to ? rolesOf(from, to) : undefined;
  if (!roles) {
    throw new CloudError(
      "ResourceNotFound.InstanceNotExists",
      `${sent}, and one of the two is no longer listed, or no longer a clone of the other. Nothing was sent.`,
      { notSent: true },
    );
  }
  const [host = to?.WanIp ?? "", port = String(to?.Port ?? 6379)] = (made.address ?? "").split(":").filter(Boolean);
  const note =
    `${sent}: it was NOT sent again. To switch again, ask for a new approval (call without approvalId); ` +
    `its plan names the switch to make.`;
  // the instances just read say where each address is now: no second read
  const now = [addressOf(pair.instanceId, from), addressOf(pair.toInstanceId, to)];
  const out = answer(ctx, pair, roles, { host, port: Number(port) }, now, { resumed: false });
  const structured: SwitchAnswer = {
    ...out.structured,
    recovered: true,
    sentAt: made.sentAt,
    operationId: made.operationId,
    note,
  };
  return { structured, text: `${note} ${out.text}` };
}

/** The switched answer: the address moved (`at`), where each address is `now`, the undo and the billing. */
function answer(
  ctx: ToolContext,
  pair: Pair,
  roles: Roles,
  at: { host: string; port: number },
  now: readonly AddressNow[],
  { resumed, taskIds }: { resumed: boolean; taskIds?: number[] },
): Answer<SwitchAnswer> {
  const { host, port } = at;
  const addresses = addressView(now);
  const undo = `switch_address { instanceId: "${pair.toInstanceId}", toInstanceId: "${pair.instanceId}" }`;
  const billing =
    `${pair.instanceId} still exists and still bills: this server never deletes it (it deletes only its own restore drills' clones). When it is no longer ` +
    `needed (keep it while an undo may be wanted), delete it in the Tencent Cloud console (Redis > instance > ` +
    `More > Terminate) or with tccli: tccli redis DestroyPostpaidInstance --InstanceId ${pair.instanceId} --region ${pair.region} ` +
    "(DestroyPrepaidInstance for a monthly one).";
  const structured: SwitchAnswer = {
    status: "switched",
    ...pair,
    ...roles,
    address: { host, port },
    addresses,
    resumed,
    ...(taskIds ? { taskIds } : {}),
    undo,
    billing,
  };
  const where = addresses
    .map((a) => `${a.instanceId} ${a.host ? `${a.host}:${a.port}` : "(address not read)"}`)
    .join(", ");
  return {
    structured,
    text: `${messages(ctx.config.language).clone.switchRoles(roles)} Switched: ${pair.toInstanceId} now answers at ${host}:${port}${resumed ? " (an interrupted switch resumed)" : ""}. Now: ${where}. Undo: ${undo}. ${billing}`,
  };
}

/**
 * A switch interrupted by a crash whose record is gone (memory state) but whose first step the journal
 * shows made (settled or answered) and whose second was never sent: its record is put back, at step "on" with the
 * address the first step freed, so that the call resumes it instead of refusing (the address is on neither now).
 */
async function resumeFromJournal(journal: Journal, records: RecordStore, pair: Pair): Promise<void> {
  if (parseSwitchRecord(await records.get(switchKey(pair)))) return;
  const steps = await journal.operationsOf("switch", { region: pair.region, instanceId: pair.instanceId });
  const mine = steps.filter((op) => op.intent.toInstanceId === pair.toInstanceId);
  const last = mine.at(-1);
  if (last?.intent.switchStep !== "off") return;
  if (last.outcome?.outcome !== "submitted" && last.outcome?.outcome !== "recovered") return;
  const [host, port] = (last.intent.address ?? "").split(":");
  if (!host || !port) return;
  const record = {
    instanceId: pair.instanceId,
    toInstanceId: pair.toInstanceId,
    host,
    port: Number(port),
    step: "on",
    sent: false,
    taskIds: [],
    startedAt: Date.parse(last.intent.time),
    caller: last.intent.caller,
  };
  await records.put(switchKey(pair), record, 7 * 24 * 3600_000);
}
