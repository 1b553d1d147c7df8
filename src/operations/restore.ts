// restore_instance as a change: what it declares to the gates (src/gates/order.ts). Its route (in place or by
// clone) comes from the edition table (src/cloud/editions.ts) through the preflight; ROUTES holds what differs.
import { randomBytes } from "node:crypto";
import { routeOf } from "../cloud/editions.js";
import { isoTime } from "../cloud/views.js";
import type { RestoreMethod } from "../config/restore-method.js";
import type { Answer, Change, Run } from "../gates/gate.js";
import { checked } from "../gates/preflight.js";
import { type Messages, messages } from "../i18n/index.js";
import type { AuditRecord } from "../records/audit.js";
import type { OperationKind } from "../records/journal.js";
import { inFlightView, type ToolContext, withInFlight } from "./context.js";
import { withLastDrill } from "./drill/last-drill.js";
import type { ChangeCall } from "./pipeline.js";
import { planView } from "./plan-view.js";
import { notePreflight, type Preflight, preflight } from "./preflight.js";
import { cloneFacts } from "./restore-clone/facts.js";
import { clonePlanText, submitClone } from "./restore-clone/send.js";
import { elicitConfirmation } from "./restore-form.js";
import type { RestoreAnswer } from "./restore-output.js";
import { submitInPlace } from "./restore-in-place/send.js";
import { type EarlierRestore, earlierView, namingEarlier, noteUndo, repeatedRestore } from "./restore-repeat.js";

/** What differs between the routes: the intent journaled and how the change is sent. The edition table picks one. */
interface Route {
  intent(pf: Preflight): { kind: OperationKind; only?: Partial<AuditRecord> };
  send(ctx: ToolContext, pf: Preflight, record: AuditRecord): Promise<Answer<RestoreAnswer>>;
}

const ROUTES: Record<RestoreMethod, Route> = {
  // with the restore tasks that existed before it (to find its own if the answer is lost)
  in_place: {
    intent: (pf) => ({ kind: "restore", only: { knownTasks: [...(pf.tasks?.known ?? [])].slice(0, 50) } }),
    send: submitInPlace,
  },
  clone: { intent: (pf) => ({ kind: "clone", only: { instanceName: pf.clone?.name } }), send: submitClone },
};

/** What restore_instance's arguments give the change. */
export interface RestoreRequest {
  instanceId: string;
  backupId?: string;
  pointInTime?: string;
  region?: string;
  password?: string;
  confirmToken?: string;
  approvalId?: string;
  waitSeconds?: number;
}

/** A restore of one instance from one backup (or second), in place or by clone: exactly one request, or none. */
export function restoreChange(args: RestoreRequest, call: ChangeCall): Change<Preflight, EarlierRestore, RestoreAnswer> {
  const { ctx, extra, record } = call;
  const { config, api } = ctx;
  const t = messages(config.language);
  // the clone's name: from the token the call confirmed (the one its plan named), else one per call
  const callNonce = randomBytes(8).toString("hex");
  const target = (run: Run<Preflight, EarlierRestore>) => ({
    region: run.region,
    instanceId: args.instanceId,
    backupId: args.backupId,
    pointInTime: args.pointInTime,
  });
  const inFlight = (run: Run<Preflight, EarlierRestore>) => run.settled.map(inFlightView);
  // the final check (under the locks) snapshots the restore tasks; a plan's names the last drill
  const check = async (run: Run<Preflight, EarlierRestore>, final: boolean) => {
    const pf = await preflight(api, config, {
      ...target(run),
      passwordArgument: args.password,
      signal: extra.signal,
      snapshotTasks: final,
      ...(final ? {} : { drills: ctx.services.safety.state.drills }),
    });
    if (pf.cloneRead) pf.clone = cloneFacts(pf.instance, pf.backup, pf.cloneRead, run.confirmed ?? callNonce);
    notePreflight(record, pf);
    noteMethod(record, pf);
    noteUndo(record, pf);
    return pf;
  };
  return {
    verb: "restore",
    instances: [args.instanceId],
    askedRegion: args.region,
    audit: "restore",
    sentBefore: {
      kinds: ["restore", "clone"],
      // a point in time: its backup is known only after the preflight
      ...(args.backupId === undefined
        ? {}
        : { same: (intent: AuditRecord) => intent.backupId === args.backupId && !intent.pointInTime }),
      view: earlierView,
    },
    repeated: (run, earlier) => withInFlight(repeatedRestore(earlier, record, config, run.usedApproval), inFlight(run)),
    approval: (run) => ({
      tool: "restore_instance",
      binding: target(run),
      // bound to the route too: in place or clone, by the instance's edition (or the setting)
      methodOf: async (pf) => {
        if (pf) return pf.route.method;
        const found = await api.describeInstances(
          { InstanceId: args.instanceId, Limit: 1 },
          { region: run.region, signal: extra.signal },
        );
        const instance = found.InstanceSet.find((i) => i.InstanceId === args.instanceId) ?? {
          InstanceId: args.instanceId,
        };
        return routeOf(instance, config.restoreMethod).method;
      },
      approvalId: args.approvalId,
      waitSeconds: args.waitSeconds,
      plan: async () => {
        const pf = await check(run, false);
        const view = namingEarlier(planView(pf, t), run.earlier, t);
        const price = view.clone?.price;
        const fields: Partial<RestoreAnswer> = {
          instanceId: args.instanceId,
          backupId: args.backupId,
          region: run.region,
          passwordSource: pf.password.source,
          ...view,
          method: pf.route.method,
          ...(price ? { price: price.text } : {}),
        };
        const text = view.clone ? `Plan: restore by clone (${pf.route.method}). ${view.warning}` : planText(view);
        const last = withLastDrill({ structured: fields, text }, pf.lastDrill, config.language);
        return { instance: pf.instance, fields: last.structured, text: last.text, pre: pf };
      },
    }),
    confirm: {
      binding: (run) => ({
        caller: record.caller,
        region: run.region,
        instanceId: args.instanceId,
        backupId: args.backupId ?? `pit:${args.pointInTime}`,
      }),
      token: args.confirmToken,
      plan: async (run, pf, token, expiresAt) => {
        if (pf.cloneRead) pf.clone = cloneFacts(pf.instance, pf.backup, pf.cloneRead, token); // named as the confirmed call names it
        const planned = withInFlight(plan(pf, token, expiresAt, t, run.earlier), inFlight(run));
        return withLastDrill(planned, pf.lastDrill, config.language);
      },
      form: async (_run, pf) => {
        await elicitConfirmation(ctx.server, extra, planView(pf, t), config.confirmTtlMs, t);
      },
    },
    lock: { counted: true, label: args.backupId ?? `pit:${args.pointInTime}` },
    check,
    intent: (run) => ROUTES[checked(run).route.method].intent(checked(run)),
    send: async (run) => {
      const pf = checked(run);
      return withInFlight(await ROUTES[pf.route.method].send(ctx, pf, record), inFlight(run));
    },
  };
}

function plan(
  pf: Preflight,
  confirmToken: string,
  expiresAt: number,
  t: Messages,
  earlier: EarlierRestore | undefined,
): Answer<RestoreAnswer> {
  const view = namingEarlier(planView(pf, t), earlier, t);
  const until = isoTime(expiresAt);
  const structured: RestoreAnswer = {
    status: "confirmation_required",
    instanceId: view.instance.instanceId,
    backupId: view.backup.backupId,
    region: pf.region,
    passwordSource: pf.password.source,
    confirmToken,
    expiresAt: until,
    ...view,
  };
  if (view.clone) return { structured, text: clonePlanText(view, confirmToken, until) };
  const text =
    `Nothing was restored yet. ${planText(view)}\nShow this to the user. If they agree, call restore_instance again with the same ` +
    `arguments plus confirmToken "${confirmToken}" (single use, until ${until}).`;
  return { structured, text };
}

function planText(view: ReturnType<typeof planView>): string {
  return (
    `Plan: restore ${view.instance.name} (${view.instance.instanceId}, ${view.instance.status}) ` +
    `from backup ${view.backup.backupId} (${view.backup.type}, taken ${view.backup.startTime}, ${view.backup.age} ago).\n` +
    `WARNING: ${view.warning}`
  );
}

/** The method (and why), for the audit record. */
function noteMethod(record: AuditRecord, pf: Preflight): void {
  record.method = pf.route.method;
  record.methodWhy =
    pf.route.why === "setting" ? "TENCENTCLOUD_REDIS_RESTORE_METHOD" : `edition table: ${pf.route.edition}`;
}
