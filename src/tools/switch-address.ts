import { z } from "zod";
import { CloudError } from "../cloud/errors.js";
import { messages } from "../i18n/index.js";
import type { AuditRecord } from "../safety/audit.js";
import { approvalInUse } from "../config.js";
import { askToConfirm } from "../safety/confirm.js";
import type { Journal } from "../safety/journal.js";
import { assertInstanceAllowed } from "../safety/scope.js";
import type { RecordStore } from "../safety/state/types.js";
import {
  type AddressNow,
  addressesNow,
  assertTwoInstances,
  checkSwitch,
  parseSwitchRecord,
  switchKey,
  type Pair,
  runSwitch,
  type SwitchFacts,
} from "../safety/switch.js";
import {
  audited,
  callerOf,
  defineTool,
  type Extra,
  inFlightSchema,
  inFlightView,
  instanceIdSchema,
  regionSchema,
  resolveRegion,
  type ToolContext,
  type ToolOutput,
  withError,
  withInFlight,
} from "./shared.js";
import { approvalArguments, approvalOutput, approvalStep } from "./approval-step.js";

const address = z.object({ instanceId: z.string(), host: z.string().optional(), port: z.number().int().optional() });

/** What the answer shows of where each address is: the instance and its address, nothing the switch reads besides. */
const addressView = (now: readonly AddressNow[]): z.infer<typeof address>[] =>
  now.map(({ instanceId, host, port }) => ({ instanceId, host, port }));

const output = z.object({
  status: z
    .enum(["switched", "confirmation_required", "approval_required"])
    .describe(
      "switched: toInstanceId has the address now. confirmation_required: nothing was sent; show the plan, then " +
        "confirm. approval_required: nothing was sent; a second person must approve, then call again with approvalId",
    ),
  instanceId: z.string(),
  toInstanceId: z.string(),
  region: z.string(),
  address: z.object({ host: z.string(), port: z.number().int() }).describe("The address moved (VIP and port)"),
  addresses: z.array(address).describe("Where each instance's address is now"),
  resumed: z.boolean().optional().describe("True when an interrupted switch of this pair was resumed"),
  resumeStep: z.enum(["off", "on"]).optional().describe("Plan of a resume: the step it resumes from"),
  inFlight: inFlightSchema,
  taskIds: z.array(z.number().int()).optional().describe("The ModifyNetworkConfig tasks of the switch"),
  undo: z.string().optional().describe("The call that switches back (undoes it)"),
  billing: z.string().optional().describe("The original still bills; how to delete an instance no longer needed"),
  warning: z.string().optional().describe("Show it to the user before confirming"),
  confirmToken: z.string().optional().describe("When confirmation_required: pass it back, with the same arguments"),
  expiresAt: z.string().optional(),
  ...approvalOutput,
});
type Output = z.infer<typeof output>;

interface SwitchArgs {
  instanceId: string;
  toInstanceId: string;
  region?: string;
  confirmToken?: string;
  approvalId?: string;
  waitSeconds?: number;
}

export const switchAddress = defineTool({
  name: "switch_address",
  title: "Move an instance's address to its clone",
  description:
    "DESTRUCTIVE: gives toInstanceId the address (VIP, port) instanceId has now; instanceId gets another. Only " +
    "between an instance and its clone (restore_instance's clone route, running per check_task), same subnet. " +
    "Clients lose the address for a moment. Undo: the two reversed. confirmation_required: show the warning; if " +
    "the user agrees, call again adding confirmToken. Interrupted: call again, it resumes.",
  inputSchema: (config) =>
    z.strictObject({
      instanceId: instanceIdSchema.describe("The instance whose address moves (the original, or the clone to undo)"),
      toInstanceId: instanceIdSchema.describe("The instance that gets the address"),
      region: regionSchema,
      ...(config.confirmMode === "token"
        ? {
            confirmToken: z
              .string()
              .regex(/^ct_[A-Za-z0-9_-]{16,64}$/, "must be the confirmToken of a confirmation_required answer")
              .optional()
              .describe("Leave it out first; after the user agrees to the plan, call again with it (single use)"),
          }
        : {}),
      ...(approvalInUse(config) ? approvalArguments : {}),
    }),
  outputSchema: withError(output),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  actions: ["DescribeInstances", "ModifyNetworkConfig", "DescribeTaskInfo", "DescribeTaskList", "DescribeInstanceBackups"],
  async handler(args, ctx, extra) {
    const record: AuditRecord = {
      event: "switch_address",
      caller: callerOf(extra, ctx).id,
      region: args.region ?? ctx.config.region,
      instanceId: args.instanceId,
      toInstanceId: args.toInstanceId,
      confirm: ctx.config.confirmMode,
      outcome: "refused",
    };
    return audited(
      ctx,
      record,
      (outcome) => ctx.metrics.switchAddress(outcome),
      (progress) => switchFlow(args as SwitchArgs, ctx, extra, record, progress),
    );
  },
});

async function switchFlow(
  args: SwitchArgs,
  ctx: ToolContext,
  extra: Extra,
  record: AuditRecord,
  progress: { sent: boolean },
): Promise<ToolOutput> {
  const { config, api } = ctx;
  const { tokens, locks, audit, state } = ctx.services.safety;
  if (config.readOnly) {
    throw new CloudError("ClientError.ReadOnly", "This server is read-only: it does not switch addresses.", { notSent: true });
  }
  assertInstanceAllowed(config, args.instanceId);
  assertInstanceAllowed(config, args.toInstanceId);
  assertTwoInstances(args);
  state.assertAvailable();
  const region = resolveRegion(args.region, config);
  const pair: Pair = { region, instanceId: args.instanceId, toInstanceId: args.toInstanceId };
  const binding = { caller: record.caller, region, instanceId: args.instanceId, backupId: `switch:${args.toInstanceId}` };
  const t = messages(config.language);
  // issue 18: settle the steps a stopped server left in doubt on either instance; a switch whose record died with
  // that server (memory state) resumes from the journal: its first step made, its second not sent
  const { journal, reconciler } = ctx.services.safety;
  await reconciler.before({ region, instanceId: pair.toInstanceId }, ctx);
  const inFlight = (await reconciler.before({ region, instanceId: pair.instanceId }, ctx)).map(inFlightView);
  await resumeFromJournal(journal, state.records, pair);
  const check = () => checkSwitch(api, state.records, pair, extra.signal);
  const warningOf = (f: SwitchFacts) => {
    const host = f.record?.host ?? f.from.WanIp ?? "";
    const port = f.record?.port ?? f.from.Port ?? 6379;
    return { host, port, warning: t.clone.switchWarning({ from: pair.instanceId, to: pair.toInstanceId, address: `${host}:${port}` }) };
  };

  const approval = await approvalStep(ctx, extra, record, {
    tool: "switch_address",
    // bound to the pair: the instance that gets the address is the switch's "method"
    binding: { region, instanceId: pair.instanceId, method: `to:${pair.toInstanceId}` },
    approvalId: args.approvalId,
    waitSeconds: args.waitSeconds,
    plan: async () => {
      const facts = await check();
      const { host, port, warning } = warningOf(facts);
      // the approver is told, as a token plan tells, that this resumes an interrupted switch
      const resume = facts.record ? { resumed: true, resumeStep: facts.record.step } : {};
      const fields = { ...pair, address: { host, port }, ...resume, warning, method: `to:${pair.toInstanceId}` };
      // the tag policy: a tag on either instance counts
      const tags = [...(facts.from.InstanceTags ?? []), ...(facts.to.InstanceTags ?? [])];
      const text = `Plan: ${warning}${facts.record ? ` (resumes an interrupted switch at step ${facts.record.step})` : ""}`;
      return { instance: { ...facts.from, InstanceTags: tags }, fields, text, pre: facts };
    },
  });
  if (approval.kind === "answer") return approval.answer;
  if (approval.kind === "none" && config.confirmMode === "token" && args.confirmToken === undefined) {
    const facts = approval.pre ?? (await check());
    audit.assertWritable("switch");
    const { token, expiresAt } = await tokens.issue(binding);
    record.outcome = "planned";
    const { host, port, warning } = warningOf(facts);
    record.address = `${host}:${port}`;
    const structured: Output = {
      status: "confirmation_required",
      ...pair,
      address: { host, port },
      addresses: addressView(await addressesNow({ api, region }, pair)),
      ...(facts.record ? { resumed: true, resumeStep: facts.record.step } : {}),
      warning,
      confirmToken: token,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    const text =
      `Nothing was switched yet. Plan: ${warning}${facts.record ? ` (resumes an interrupted switch at step ${facts.record.step})` : ""}\n` +
      `Show this to the user. If they agree, call switch_address again with the same arguments plus confirmToken "${token}".`;
    return { structured, text };
  }
  if (approval.kind === "none" && config.confirmMode === "token") await tokens.consume(args.confirmToken ?? "", binding);

  const details = { caller: record.caller, backupId: binding.backupId, confirm: config.confirmMode, startedAt: Date.now() };
  const lockA = await locks.acquire(region, pair.instanceId, details);
  try {
    const lockB = await locks.acquire(region, pair.toInstanceId, details);
    try {
      let facts = await check();
      if (approval.kind === "none" && config.confirmMode === "elicit") {
        const { host, port, warning } = warningOf(facts);
        const where = `${host}:${port}`;
        await askToConfirm(
          ctx.server,
          extra,
          {
            message: `${t.clone.switchQuestion({ from: pair.instanceId, to: pair.toInstanceId, address: where, region })}\n${warning}`,
            title: t.clone.switchConfirmTitle({ from: pair.instanceId, to: pair.toInstanceId }),
            description: t.clone.switchConfirmDescription,
          },
          config.confirmTtlMs,
        );
        facts = await check();
      }
      audit.assertWritable("switch");
      await lockA.assertHeld();
      await lockB.assertHeld();
      if (approval.kind === "approved") await approval.use(); // spent once, right before sending
      const { host, port } = warningOf(facts);
      record.address = `${host}:${port}`;
      const stepRecord = (step: string): AuditRecord => ({ ...record, switchStep: step, outcome: "refused" });
      const result = await runSwitch(
        {
          api,
          records: state.records,
          region,
          caller: record.caller,
          pollMs: Math.min(config.poll.initialMs, 250),
          signal: undefined, // once begun, a switch is followed to its end (or its record kept), not cancelled
          send: (step, req) => {
            progress.sent = true;
            record.switchStep = step;
            const r = stepRecord(step);
            return audited(ctx, r, () => {}, async (sent) => {
              await sent.intent("switch"); // each step is one operation of the journal
              const res = await api.modifyNetworkConfig(req, { region });
              Object.assign(r, { outcome: "submitted", requestId: res.RequestId });
              return res;
            });
          },
        },
        pair,
        facts,
      );
      Object.assign(record, { outcome: "submitted", switchStep: "done", switchTaskIds: result.record.taskIds });
      return withInFlight(
        await answer(ctx, pair, result.record.host, result.record.port, result.resumed, result.record.taskIds),
        inFlight,
      );
    } finally {
      await lockB.release();
    }
  } finally {
    await lockA.release();
  }
}

async function answer(
  ctx: ToolContext,
  pair: Pair,
  host: string,
  port: number,
  resumed: boolean,
  taskIds: number[],
): Promise<ToolOutput> {
  const addresses = addressView(await addressesNow({ api: ctx.api, region: pair.region }, pair));
  const undo = `switch_address { instanceId: "${pair.toInstanceId}", toInstanceId: "${pair.instanceId}" }`;
  const billing =
    `${pair.instanceId} still exists and still bills: this server never deletes an instance. When it is no longer ` +
    `needed (keep it while an undo may be wanted), delete it in the Tencent Cloud console (Redis > instance > ` +
    `More > Terminate) or with tccli: tccli redis DestroyPostpaidInstance --InstanceId ${pair.instanceId} --region ${pair.region} ` +
    "(DestroyPrepaidInstance for a monthly one).";
  const structured: Output = {
    status: "switched",
    ...pair,
    address: { host, port },
    addresses,
    resumed,
    taskIds,
    undo,
    billing,
  };
  const now = addresses.map((a) => `${a.instanceId} ${a.host ? `${a.host}:${a.port}` : "(address not read)"}`).join(", ");
  return {
    structured,
    text: `Switched: ${pair.toInstanceId} now answers at ${host}:${port}${resumed ? " (an interrupted switch resumed)" : ""}. Now: ${now}. Undo: ${undo}. ${billing}`,
  };
}

/**
 * Issue 18: a switch interrupted by a crash whose record is gone (memory state) but whose first step the journal
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
