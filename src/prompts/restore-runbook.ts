import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { GetPromptResult } from "@modelcontextprotocol/sdk/types.js";
import { instanceIdSchema } from "../tools/shared.js";

export const RESTORE_RUNBOOK = "restore_runbook";

/**
 * The safe order of a restore, as steps for an agent (or a person reading along). With an instanceId the first
 * step is done: the steps name that instance.
 */
export function restoreRunbook(instanceId?: string): string {
  const target = instanceId ?? "the instance";
  const find = instanceId
    ? `1. Find the instance: call list_instances and check that ${instanceId} is there, its name is the one the ` +
      `user means, and its status is running. Say its name and region back to the user.`
    : "1. Find the instance: call list_instances (search by name if the user gave one) and agree with the user on " +
      "exactly one instanceId. Say its name and region back to the user.";
  return [
    `Restore ${target} from a backup, safely. Follow these steps in order; do not skip or merge any.`,
    "",
    find,
    `2. Choose a backup: call list_backups for ${target} and show the user the candidates (when each was taken, ` +
      "its type, whether it is restorable). The user picks the moment to go back to: everything written after it " +
      "will be lost.",
    `3. Take an undo point: call backup_instance for ${target}, then follow its taskId with check_task until it ` +
      "is done. Restoring that backup later brings today's data back. If backup_instance is not available, tell " +
      "the user that the current data cannot be brought back, and get their explicit agreement to go on anyway. " +
      "(Clone route, restoreMethod clone: the original is not touched and stays as the undo point, so this step " +
      "is optional.)",
    `4. Plan: call restore_instance for ${target} with the chosen backupId and no confirmToken. Nothing is ` +
      "restored yet: the answer (status confirmation_required) is the plan, with the backup's time, the warning " +
      "and, when there is one, the undo backup.",
    "5. Confirm with the human: show the plan's instance, backup time and warning to the user in your own words " +
      "and ask them to confirm. Only after a clear yes, call restore_instance again with the same arguments plus " +
      "the confirmToken. Never confirm on the user's behalf, and never call it a second time for the same restore.",
    "6. Follow the task: pass the returned taskId to check_task (with waitSeconds) until done is true. If a call " +
      "fails with category outcome_unknown, do not restore again: check the instance and its tasks first. " +
      "Clone route (status cloning): pass cloneInstanceId to check_task as instanceId until status is running; " +
      "the clone is a new pay-as-you-go instance with the backup's data, and the original is unchanged.",
    "7. Verify: when check_task reports succeed, call list_instances and check the instance is running again; " +
      "ask the user to check the data they care about. Tell them how to undo (restore the undo point from step 3).",
    "8. Clone route only: switch the address. Call switch_address with instanceId (the original) and toInstanceId " +
      "(the clone); show its plan (clients lose the address for a moment) and confirm with the user as in step 5. " +
      "If it is interrupted, call it again with the same pair: it resumes. Tell the user the undo (switch_address " +
      "with the two reversed) and that the original still bills until they delete it; this server never deletes.",
    "",
    "On any error, read its hint and follow it; stop and ask the user whenever the next step is not clear.",
  ].join("\n");
}

/** Registers the prompts. */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    RESTORE_RUNBOOK,
    {
      title: "Restore runbook",
      description:
        "The safe order of a restore: find the instance, choose a backup, take an undo point, plan, confirm with " +
        "the human, follow the task, verify.",
      argsSchema: {
        instanceId: instanceIdSchema.optional().describe("The instance to restore, like crs-5a4py64p, if already known"),
      },
    },
    ({ instanceId }): GetPromptResult => ({
      description: `Restore runbook${instanceId ? ` for ${instanceId}` : ""}`,
      messages: [{ role: "user", content: { type: "text", text: restoreRunbook(instanceId) } }],
    }),
  );
}
