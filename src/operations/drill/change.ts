// drill_restore as a change (docs/drill.md): a clone of a backup (or a second) made like a restore by clone, but
// tagged and named as a drill's, recorded in the drills ledger, then followed by check_task { drillId } to its
// verification and its destroy (follow.ts). It goes through the gates like every change; it never changes the source.
import { createHash, randomBytes } from "node:crypto";
import type { RedisApi } from "../../cloud/api.js";
import { EDITIONS } from "../../cloud/editions.js";
import { CloudError, isOutcomeUnknown, outcomeUnknown } from "../../cloud/errors.js";
import { inCurrency } from "../../cloud/price.js";
import { beijingToIso, isoTime } from "../../cloud/views.js";
import type { Answer, Change, Earlier, Run } from "../../gates/gate.js";
import { checked } from "../../gates/preflight.js";
import { messages } from "../../i18n/index.js";
import type { AuditRecord } from "../../records/audit.js";
import type { DrillRecord } from "../../records/store/drills.js";
import type { ToolContext } from "../context.js";
import type { ChangeCall } from "../pipeline.js";
import { planView } from "../plan-view.js";
import { notePreflight, type Preflight, preflight } from "../preflight.js";
import { cloneFacts } from "../restore-clone/facts.js";
import { cloneRequest, findCloneByName } from "../restore-clone/send.js";
import { elicitConfirmation } from "../restore-form.js";
import { drillCloneName, drillTags, drillTagValue, newestBackup } from "./facts.js";
import type { DrillAnswer } from "./output.js";

/** What drill_restore's arguments give the change. */
export interface DrillRequest {
  instanceId: string;
  backupId?: string;
  pointInTime?: string;
  region?: string;
  confirmToken?: string;
  approvalId?: string;
  waitSeconds?: number;
}

/** The time a drill is expected to keep its clone when no earlier drill of the instance tells (ms). */
export const EXPECTED_DRILL_MS = 30 * 60_000;

/** The drill's ID: from the confirmToken in token mode (the plan names the clone the confirmed call makes). */
export const drillIdFor = (nonce: string) => `dr_${createHash("sha256").update(nonce).digest("hex").slice(0, 12)}`;

/** A restore drill of one instance: exactly one CloneInstances (the clone tagged as the drill's), or none. */
export function drillChange(args: DrillRequest, call: ChangeCall): Change<Preflight, Earlier, DrillAnswer> {
  const { ctx, extra, record } = call;
  const { config, api } = ctx;
  const t = messages(config.language);
  let drillId = drillIdFor(args.confirmToken ?? randomBytes(8).toString("hex"));
  let backupId = args.backupId;
  let expected = { ms: EXPECTED_DRILL_MS, fromDrill: undefined as string | undefined };
  const target = (run: Run<Preflight>) => ({
    region: run.region,
    instanceId: args.instanceId,
    backupId: backupId ?? (args.pointInTime === undefined ? "newest" : undefined),
    pointInTime: args.pointInTime,
  });
  /** The clone as the drill makes it: renamed and retagged for the drill `id`. */
  const asDrill = (pf: Preflight, id: string) => {
    if (!pf.cloneRead) throw new Error("drill without the clone's reads");
    pf.clone = cloneFacts(pf.instance, pf.backup, pf.cloneRead, id);
    const restored = pf.clone.cloneTime ?? pf.backup.StartTime;
    pf.clone.name = drillCloneName(pf.instance.InstanceName ?? "", restored, id);
    const what = pf.clone.cloneTime ? `pit:${beijingToIso(pf.clone.cloneTime)}` : String(pf.backup.BackupId);
    pf.clone.tags = drillTags(pf.clone.tags, drillTagValue(pf.instance.InstanceId, what, id));
    drillId = id;
    record.drillId = id;
  };
  const check = async (run: Run<Preflight>) => {
    await refuseUncloneable(api, run.region, args.instanceId, extra.signal);
    if (backupId === undefined && args.pointInTime === undefined) {
      backupId = await newestBackup(api, { region: run.region, instanceId: args.instanceId, signal: extra.signal });
      if (backupId === undefined) {
        throw new CloudError(
          "InvalidParameterValue.BackupNotExists",
          `Refused: instance ${args.instanceId} has no backup that can be restored (normal, not locked); make one with backup_instance first. Nothing was sent.`,
          { notSent: true },
        );
      }
    }
    const pf = await preflight(
      api,
      { ...config, restoreMethod: "clone" },
      {
        region: run.region,
        instanceId: args.instanceId,
        backupId,
        pointInTime: args.pointInTime,
        signal: extra.signal,
        snapshotTasks: false,
        drills: ctx.services.safety.state.drills,
      },
    );
    asDrill(pf, drillId);
    notePreflight(record, pf);
    const last = pf.lastDrill;
    if (last?.times.destroyed !== undefined) {
      expected = { ms: Math.max(60_000, last.times.destroyed - last.times.requested), fromDrill: last.drillId };
    }
    return pf;
  };
  return {
    verb: "run restore drills",
    instances: [args.instanceId],
    askedRegion: args.region,
    audit: "drill",
    approval: (run) => ({
      tool: "drill_restore",
      binding: { ...target(run), method: "clone" },
      approvalId: args.approvalId,
      waitSeconds: args.waitSeconds,
      plan: async () => {
        const pf = await check(run);
        const fields = drillPlanFields(pf, expected, t);
        return { instance: pf.instance, fields, text: drillPlanText(fields), pre: pf };
      },
    }),
    confirm: {
      binding: (run) => ({
        caller: record.caller,
        region: run.region,
        instanceId: args.instanceId,
        backupId: `drill:${args.backupId ?? `pit:${args.pointInTime ?? "newest"}`}`,
      }),
      token: args.confirmToken,
      plan: (_run, pf, token, expiresAt) => {
        asDrill(pf, drillIdFor(token)); // as the confirmed call will make it
        const fields = drillPlanFields(pf, expected, t);
        const until = isoTime(expiresAt);
        const text =
          `Nothing was created yet. ${drillPlanText(fields)}\nShow this to the user. If they agree, call drill_restore ` +
          `again with the same arguments plus confirmToken "${token}" (single use, until ${until}).`;
        return { structured: { status: "confirmation_required", confirmToken: token, expiresAt: until, ...fields }, text };
      },
      form: async (_run, pf) => {
        await elicitConfirmation(ctx.server, extra, planView(pf, t), config.confirmTtlMs, t);
      },
    },
    lock: { counted: false, label: `drill ${backupId ?? args.pointInTime ?? "newest"}` },
    check,
    intent: (run) => ({ kind: "clone", only: { instanceName: checked(run).clone?.name } }),
    send: async (run) => sendDrill(ctx, checked(run), record, drillId, expected.ms),
  };
}

/** Redis 2.8 and CKV cannot be cloned: refused before anything else is read (a missing instance: the preflight's). */
async function refuseUncloneable(api: RedisApi, region: string, instanceId: string, signal?: AbortSignal): Promise<void> {
  const res = await api.describeInstances({ InstanceId: instanceId, Limit: 1 }, { region, signal });
  const instance = (res.InstanceSet ?? []).find((i) => i.InstanceId === instanceId);
  const edition = instance?.Type === undefined ? undefined : EDITIONS[instance.Type];
  if (edition?.method !== "in_place") return;
  throw new CloudError(
    "ClientError.DrillUnsupported",
    `Refused: ${instanceId} is a ${edition.name} instance, which Tencent Cloud cannot clone, so it cannot be drilled (its backups are restored in place only). Nothing was sent.`,
    { notSent: true },
  );
}

/** What the plan shows: what is cloned (as a restore by clone would), its cost for the expected time, the promises. */
function drillPlanFields(pf: Preflight, expected: { ms: number; fromDrill?: string }, t: ReturnType<typeof messages>) {
  const view = planView(pf, t);
  const cost = estimatedCost(pf, expected.ms);
  return {
    instanceId: pf.instance.InstanceId,
    backupId: String(pf.backup.BackupId),
    region: pf.region,
    passwordSource: pf.password.source,
    instance: view.instance,
    backup: view.backup,
    ...(view.clone ? { clone: view.clone } : {}),
    expectedMinutes: Math.round(expected.ms / 60_000),
    ...(expected.fromDrill ? { expectedFromDrill: expected.fromDrill } : {}),
    ...(cost !== undefined ? { estimatedCostCny: cost } : {}),
    warning:
      `The source ${pf.instance.InstanceId} is not touched (only its backup is read). A pay-as-you-go clone is made, ` +
      "verified, then destroyed at the end; it bills until then.",
  };
}

function drillPlanText(f: ReturnType<typeof drillPlanFields>): string {
  const c = f.clone;
  const cost = f.estimatedCostCny === undefined ? "cost not quoted" : `about ${f.estimatedCostCny} CNY`;
  return (
    `Plan: restore drill of ${f.instance.name} (${f.instanceId}) from backup ${f.backupId} (taken ${f.backup.startTime}): ` +
    `clone it into the pay-as-you-go instance ${c?.name} (zone ${c?.zoneId}, ${c?.vpcId ?? "basic network"}/${c?.subnetId ?? "-"}, ` +
    `port ${c?.port}, security groups ${c?.securityGroupIds.join(", ") || "none"}, the source's password), verify its data, ` +
    `then destroy it: ${cost} for about ${f.expectedMinutes} min (${c?.price.text}). ${f.warning}`
  );
}

/** The clone's price per hour times the expected time, in CNY (4 decimals); undefined without a CNY quote. */
export function estimatedCost(pf: Preflight, ms: number): number | undefined {
  const price = inCurrency(pf.clone?.price);
  if (price?.currency !== "CNY" || price.per !== "hour") return undefined;
  return Number((price.amount * (ms / 3600_000)).toFixed(4));
}

/** Records the drill, sends CloneInstances once (a lost answer: the clone found by its unique name, never resent). */
async function sendDrill(
  ctx: ToolContext,
  pf: Preflight,
  record: AuditRecord,
  drillId: string,
  expectedMs: number,
): Promise<Answer<DrillAnswer>> {
  const facts = pf.clone;
  if (!facts) throw new Error("drill without clone facts");
  const ledger = ctx.services.safety.state.drills;
  const cost = estimatedCost(pf, expectedMs);
  const drill: DrillRecord = {
    drillId,
    region: pf.region,
    sourceInstanceId: pf.instance.InstanceId,
    backupId: String(pf.backup.BackupId),
    ...(facts.cloneTime ? { pointInTime: beijingToIso(facts.cloneTime) } : {}),
    cloneName: facts.name,
    times: { requested: Date.now() },
    ...(cost !== undefined ? { estimatedCostCny: cost } : {}),
    status: "cloning",
    caller: record.caller,
  };
  await ledger.create(drill);
  let cloneId: string | undefined;
  let dealName: string | undefined;
  let note = "";
  try {
    const res = await ctx.api.cloneInstances(cloneRequest(pf.instance, pf.backup, facts, pf.password), { region: pf.region });
    cloneId = res.InstanceIds?.[0];
    dealName = res.DealName;
    Object.assign(record, { outcome: "submitted", requestId: res.RequestId });
    if (!cloneId) throw new CloudError("ClientError.BadResponse", "CloneInstances answered no InstanceIds");
  } catch (caught) {
    if (!(caught instanceof CloudError) || (!isOutcomeUnknown(caught) && caught.code !== "ClientError.BadResponse")) {
      await ledger.transition(drillId, ["cloning"], { status: "failed", error: errorOf(caught) }).catch(() => undefined);
      throw caught;
    }
    const found = await findCloneByName(ctx.api, pf.region, facts.name, ctx.log, ctx.config.poll.initialMs);
    if (!found) {
      throw outcomeUnknown(
        caught,
        `CloneInstances may or may not have made the drill's clone, named ${facts.name}: do NOT call drill_restore again; ` +
          `check_task { drillId: "${drillId}" } looks for it, and the server destroys it if it appears.`,
      );
    }
    cloneId = found.InstanceId;
    note = `CloneInstances' answer was lost (${caught.code}); it was not resent: the clone was found by its unique name. `;
    Object.assign(record, { outcome: "recovered", errorCode: caught.code, message: note });
  }
  record.cloneInstanceId = cloneId;
  await ledger.transition(drillId, ["cloning"], { cloneInstanceId: cloneId, ...(dealName ? { dealName } : {}) });
  const next = `check_task { drillId: "${drillId}", waitSeconds: 300 } follows the drill: the clone running, verified, destroyed.`;
  const structured: DrillAnswer = {
    status: "cloning",
    drillId,
    cloneInstanceId: cloneId,
    instanceId: pf.instance.InstanceId,
    backupId: String(pf.backup.BackupId),
    region: pf.region,
    passwordSource: pf.password.source,
    cloneName: facts.name,
    ...(drill.pointInTime ? { pointInTime: drill.pointInTime } : {}),
    ...(cost !== undefined ? { estimatedCostCny: cost } : {}),
    ...(note ? { recovered: true, note } : {}),
    next,
  };
  return {
    structured,
    text:
      `Restore drill ${drillId}: cloning ${pf.instance.InstanceId} from backup ${structured.backupId} into ${cloneId} ` +
      `(${facts.name}). ${note}The source is not touched. ${next}`,
  };
}

export function errorOf(caught: unknown): { code: string; message: string } {
  return caught instanceof CloudError
    ? { code: caught.code, message: caught.message }
    : { code: "ClientError.Internal", message: "an unexpected error" };
}
