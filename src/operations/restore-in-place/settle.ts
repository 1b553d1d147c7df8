import { firstTask, type SettleContext, type Settlement } from "../settlement.js";

/** A restore: a type-010 task of that instance started after the intent (one no other operation has). */
export async function settleRestore({ api, intent, claimed, old }: SettleContext): Promise<Settlement | undefined> {
  const task = await firstTask(api, intent, "restore", new Set([...claimed, ...(intent.knownTasks ?? [])]));
  if (task !== undefined) {
    return { outcome: "recovered", taskId: task, message: `restore task ${task} of ${intent.instanceId} found` };
  }
  if (!old) return undefined;
  return { outcome: "not_sent", message: "no restore task of the instance started after the intent: never sent" };
}
