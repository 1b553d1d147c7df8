import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Extra } from "../base/request.js";
import { askToConfirm } from "../gates/confirm.js";
import { enUS } from "../i18n/en-US.js";
import type { Messages } from "../i18n/index.js";
import type { PlanView } from "./plan-view.js";

/**
 * Asks the human through MCP form elicitation (TENCENTCLOUD_REDIS_CONFIRM=elicit). Returns only when they
 * accepted and ticked the confirmation; every other answer, a timeout, or a client without the capability
 * refuses the restore (fail closed).
 */
export async function elicitConfirmation(
  server: McpServer,
  extra: Extra,
  plan: PlanView,
  timeoutMs: number,
  t: Messages = enUS,
) {
  const { instance, backup } = plan;
  const message = [
    t.form.question({
      label: instance.name || instance.instanceId,
      instanceId: instance.instanceId,
      region: instance.region,
    }),
    t.form.backup({
      backupId: backup.backupId,
      type: t.backupType(backup.type),
      startTime: backup.startTime,
      age: backup.age,
    }),
    plan.methodReason,
    plan.warning,
  ].join("\n");
  const title = plan.clone
    ? t.clone.confirmTitle({ name: plan.clone.name })
    : t.form.confirmTitle({ instanceId: instance.instanceId, backupId: backup.backupId });
  const description = plan.clone
    ? t.clone.confirmDescription
    : t.form.confirmDescription({ startTime: backup.startTime });
  return askToConfirm(server, extra, { message, title, description }, timeoutMs);
}
