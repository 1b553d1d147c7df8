// What a human is shown before a restore (or a drill): the instance, the backup, what will be lost, the clone as it
// will be made and its price. Pure: from a preflight, in the texts' language.
import { localPrice, priceField } from "../cloud/price.js";
import { backupAge, beijingToIso, instanceStatusWord, toBackup, toUndoBackup, type UndoBackup } from "../cloud/views.js";
import { enUS } from "../i18n/en-US.js";
import type { Messages } from "../i18n/index.js";
import type { Preflight } from "./preflight.js";
import type { CloneFacts } from "./restore-clone/facts.js";

/** What a human is shown before a restore: the instance, the backup, and what will be lost. */
export function planView(pf: Preflight, t: Messages = enUS, now = Date.now()) {
  const b = toBackup(pf.backup);
  const instance = {
    instanceId: pf.instance.InstanceId,
    name: pf.instance.InstanceName ?? "",
    status: instanceStatusWord(pf.instance.Status),
    statusCode: pf.instance.Status,
    noAuth: pf.instance.NoAuth === true,
    region: pf.region,
  };
  const { ageMinutes } = backupAge(pf.backup, now);
  const backup = { backupId: b.backupId, startTime: b.startTime, type: b.type, ageMinutes, age: inWords(ageMinutes, t) };
  const label = instance.name ? `${instance.name} (${instance.instanceId})` : instance.instanceId;
  const undoBackup: UndoBackup | undefined = pf.undo ? toUndoBackup(pf.undo, now) : undefined;
  const undo = undoBackup ? { backupId: undoBackup.backupId, age: inWords(undoBackup.ageMinutes, t) } : undefined;
  const { route } = pf;
  const methodReason = t.clone.method({
    method: route.method,
    edition: route.edition,
    forced: route.why === "setting",
    tableMethod: route.tableMethod,
  });
  const clone = pf.clone ? cloneView(pf.clone, route.edition) : undefined;
  const warning = clone
    ? t.clone.warning({
        label,
        name: clone.name,
        backupId: backup.backupId,
        startTime: backup.startTime,
        price: priceText(clone.price, t),
      })
    : t.planWarning({ label, backupId: backup.backupId, startTime: backup.startTime, age: backup.age, undo });
  const shown = b.remark ? { ...backup, remark: b.remark } : backup;
  const typed = pf.clone?.cloneTime ? { ...shown, type: "point_in_time" } : shown;
  return {
    method: route.method,
    methodReason,
    instance,
    backup: typed,
    warning,
    ...(clone ? { clone } : {}),
    ...(undoBackup ? { undoBackup } : {}),
  };
}

/** The plan's `clone` object: the new instance as it will be made, and its price (never the password). */
function cloneView(c: CloneFacts, edition: string) {
  const view = {
    name: c.name,
    zoneId: c.zoneId,
    ...(c.vpcId ? { vpcId: c.vpcId } : {}),
    ...(c.subnetId ? { subnetId: c.subnetId } : {}),
    securityGroupIds: c.securityGroupIds,
    port: c.port,
    type: c.type,
    edition,
    ...(c.sizeMb !== undefined ? { sizeMb: c.sizeMb } : {}),
    ...(c.shardSizeMb !== undefined ? { shardSizeMb: c.shardSizeMb } : {}),
    ...(c.shardNum !== undefined ? { shardNum: c.shardNum } : {}),
    ...(c.replicasNum !== undefined ? { replicasNum: c.replicasNum } : {}),
    ...(c.cloneTime ? { pointInTime: beijingToIso(c.cloneTime) } : {}),
    price: { ...priceField(c.price), bills: "until someone deletes it" },
  };
  return view;
}

function priceText(price: CloneFacts["price"], t: Messages): string {
  return localPrice(price, t.clone);
}
export type PlanView = ReturnType<typeof planView>;

/** An age in whole minutes, in words of the texts' language ("3 h 12 min"). */
function inWords(minutes: number, t: Messages): string {
  return t.duration({ days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 });
}
