import { hostname, userInfo } from "node:os";
import { showHidden } from "../base/visible.js";
import type { ApprovalsCommand } from "./cli-args.js";
import type { Config } from "../config/index.js";
import { approvalView } from "./view.js";
import { messages } from "../i18n/index.js";
import type { Logger } from "../base/log.js";
import { NO_METRICS } from "../base/metrics.js";
import { ApprovalGate } from "./gate.js";
import { AuditLog } from "../records/audit.js";
import type { Approval } from "../records/store/approvals.js";
import { isoTime } from "../cloud/views.js";

/** The person deciding on this host: cli:<OS user>@<host>. */
export function cliIdentity(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: the environment's name
  }
  return `cli:${user}@${hostname()}`;
}

/**
 * Runs the approvals command against the shared state (TENCENTCLOUD_REDIS_STATE_URL): lists the requests, shows
 * one, or decides one as cli:<user>@<host> (recorded in TENCENTCLOUD_REDIS_AUDIT_LOG when set). Returns the exit
 * code: 0 done, 1 refused (unknown, decided, expired, own request), 2 usage or no shared state.
 */
export async function approvalsMain(
  config: Config,
  log: Logger,
  cmd: ApprovalsCommand,
  write: (s: string) => void,
): Promise<number> {
  const t = messages(config.language).approval;
  const needsId = cmd.sub === "show" || cmd.sub === "approve" || cmd.sub === "deny";
  if (!cmd.sub || !["list", "show", "approve", "deny"].includes(cmd.sub) || (needsId && !cmd.id)) {
    write(`${t.cli.usage}\n`);
    return 2;
  }
  if (cmd.sub === "deny" && !cmd.reason?.trim()) {
    write(`${t.cli.reasonRequired}\n`);
    return 2;
  }
  if (!config.state) {
    write(`${t.cli.needsState}\n`);
    return 2;
  }
  const { RedisState } = await import("../records/store/redis-state.js");
  const state = await RedisState.connect(config, config.state, log);
  try {
    state.assertAvailable();
    const gate = new ApprovalGate(config, state.approvals, new AuditLog(config.auditLogPath, log), log, NO_METRICS);
    const json = (value: unknown) => write(`${JSON.stringify(value, null, 2)}\n`);
    if (cmd.sub === "list") {
      const all = await state.approvals.list();
      if (cmd.json) json({ approvals: all.map((a) => approvalView(a)) });
      else write(all.length === 0 ? `${t.cli.none}\n` : `${[t.cli.header, ...all.map((a) => line(a, t))].join("\n")}\n`);
      return 0;
    }
    const id = cmd.id as string;
    if (cmd.sub === "show") {
      const found = await gate.get(id);
      if (!found) {
        write(`${t.cli.unknown(id)}\n`);
        return 1;
      }
      if (cmd.json) json(approvalView(found));
      else write(`${details(found, t)}\n`);
      return 0;
    }
    const decision = cmd.sub === "approve" ? "approve" : "deny";
    const result = await gate.decide(id, { id: cliIdentity(), mayApprove: true }, decision, cmd.reason?.trim() || undefined);
    if (result.ok) {
      if (cmd.json) json(approvalView(result.approval));
      else write(`${decision === "approve" ? t.cli.approved(id) : t.cli.denied(id)}\n${details(result.approval, t)}\n`);
      return 0;
    }
    const why =
      result.why === "unknown"
        ? t.cli.unknown(id)
        : result.why === "self"
          ? t.cli.refused(t.cli.self)
          : result.why === "expired"
            ? t.cli.refused(t.cli.expired)
            : t.cli.refused(t.cli.decided("approval" in result && result.approval ? result.approval.status : "decided"));
    write(`${why}\n`);
    return 1;
  } finally {
    await state.close();
  }
}

type Texts = ReturnType<typeof messages>["approval"];

function line(a: Approval, t: Texts): string {
  const iso = isoTime(a.expiresAt);
  return [a.id, t.status(a.status), a.requester, a.tool, a.instanceId, a.backupId ?? a.pointInTime ?? "-", t.method(a.method), iso]
    .map(showHidden)
    .join(" | ");
}

function details(a: Approval, t: Texts): string {
  const p = t.page;
  const backup = a.plan.backup as { startTime?: string; age?: string } | undefined;
  const undo = a.plan.undoBackup as { backupId?: string; startTime?: string } | undefined;
  const rows: Array<[string, string | undefined]> = [
    ["ID", a.id],
    [p.status, t.status(a.status)],
    [p.requester, a.requester],
    [p.tool, a.tool],
    [p.instance, `${a.instanceName ? `${a.instanceName} ` : ""}(${a.instanceId}, ${a.region})`],
    [p.backup, a.backupId],
    [p.pointInTime, a.pointInTime],
    [p.taken, backup?.startTime],
    [p.age, backup?.age],
    [p.method, t.method(a.method)],
    [p.price, typeof a.plan.price === "string" ? a.plan.price : undefined],
    [p.undo, undo?.backupId ? `${undo.backupId} (${undo.startTime ?? ""})` : p.noUndo],
    [p.lost, typeof a.plan.warning === "string" ? a.plan.warning : undefined],
    [p.expires, isoTime(a.expiresAt)],
    [p.decidedBy, a.decidedBy],
    [p.reason, a.reason],
  ];
  return rows
    .filter((r): r is [string, string] => r[1] !== undefined && r[1] !== "")
    // a value from the cloud (a name, a warning naming it) is shown with its hidden characters as their codes: no
    // terminal escape sequence, bidi override or zero-width character reaches the approver's terminal as itself
    .map(([k, v]) => `${k}: ${showHidden(v)}`)
    .join("\n");
}
