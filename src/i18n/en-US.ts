import { approvalEnUS } from "./approval.js";
import type { Messages } from "./messages.js";

export const enUS: Messages = {
  duration: ({ days, hours, minutes }) =>
    days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`,
  backupType: (type) => type,
  taskStatus: (status) => status,
  progress: ({ taskId, status, seconds, waitSeconds }) =>
    `Task ${taskId}: ${status}, ${seconds} s waited of ${waitSeconds} s`,
  restoreAgain: ({ taskId, clone, sentAt }) =>
    `This same restore was already sent at ${sentAt} (${clone ? `clone ${clone}` : `task ${taskId}`}): confirming this plan restores AGAIN.`,
  planWarning: ({ label, backupId, startTime, age, undo }) =>
    `Restoring ${label} from backup ${backupId} replaces ALL of its data with the backup taken at ${startTime} ` +
    `(${age} ago). Every write made to the instance after that time will be lost. ` +
    (undo
      ? `Undo: restore backup ${undo.backupId}, taken ${undo.age} ago; writes after it are lost.`
      : "No backup is newer than this one, so the instance's current data cannot be brought back after the restore. " +
        "To make an undo point first, call backup_instance, then check_task until it is done, then plan the restore again."),
  form: {
    question: ({ label, instanceId, region }) =>
      `Restore Redis instance ${label} (${instanceId}, ${region}) from a backup?`,
    backup: ({ backupId, type, startTime, age }) => `Backup: ${backupId}, ${type}, taken ${startTime} (${age} ago).`,
    confirmTitle: ({ instanceId, backupId }) => `Overwrite all data of ${instanceId} with backup ${backupId}`,
    confirmDescription: ({ startTime }) => `Everything written after ${startTime} will be lost.`,
  },
  approval: approvalEnUS,
  doctor: {
    title: "tencentcloud-redis-mcp doctor",
    sections: {
      credentials: "Credentials",
      endpoint: "Endpoint",
      actions: "Permissions (CAM), per API action",
      settings: "Settings",
      notes: "Notes",
    },
    labels: {
      source: "source",
      secretId: "SecretId",
      temporary: "temporary",
      expires: "expires",
      base: "assumed with",
      authenticates: "authenticates",
      endpoint: "endpoint",
      connectedTo: "connected to",
      region: "region",
      latency: "latency",
      clockSkew: "clock skew",
      tools: "tools",
      confirmMode: "confirm mode",
      readOnly: "read-only",
      allowlist: "allowlist",
      auditLog: "audit log",
      sharedState: "shared state",
      needed: "needed by",
    },
    source: ({ text }) => text,
    yes: "yes",
    no: "no",
    none: "none",
    unknown: "unknown",
    anyInstance: "any instance",
    notConfigured: "not configured",
    noSource: "no credentials found",
    writable: (path) => `${path} (writable)`,
    notWritable: (path, reason) => `${path} (NOT writable: ${reason})`,
    latencyMs: (ms) => `${ms} ms`,
    skew: (seconds) =>
      seconds === 0
        ? "none (against the API's Date header, 1 s resolution)"
        : `${Math.abs(seconds)} s ${seconds > 0 ? "ahead of" : "behind"} the API's clock (its Date header)`,
    skewWarning: (seconds) =>
      `The clock is ${Math.abs(seconds)} s off the API's: requests are refused beyond 300 s (AuthFailure.SignatureExpire). Fix it with NTP.`,
    expiresAt: (iso, inSeconds) => `${iso} (in ${inSeconds} s; renewed automatically when the source allows)`,
    verdict: {
      allowed: "allowed",
      denied: "DENIED",
      unknown: "unknown",
    },
    notNeeded: "(not needed by the configured tools)",
    probeNote:
      "RestoreInstance, ManualBackupInstance, CloneInstances, ModifyNetworkConfig and DestroyPostpaidInstance are probed only with an instance ID that cannot exist, so nothing can be restored, backed up, bought, moved or destroyed. " +
      "A permission error (UnauthorizedOperation.*, AuthFailure.UnauthorizedOperation) means denied; a not-found or invalid-parameter error, " +
      "or the action's documented answer to an ID that does not exist (DescribeTaskInfo: FailedOperation.SystemError), means allowed; " +
      "anything else (cloud unreachable, internal errors) is unknown, never allowed.",
    scopedNote:
      "A policy limited to named instances may show a probe with a made-up instance ID as denied although the real instances are allowed.",
    ok: "OK: everything the configured tools need works.",
    notOk: "NOT OK: something the configured tools need does not work (see above).",
    missingStatements: "Missing CAM permissions: add this statement to the policy of these credentials:",
    unreached: (code, message) => `the API could not be reached: ${code}: ${message}`,
    notAuthenticated: (code, message) => `the credentials were refused: ${code}: ${message}`,
    noCredentials: (code, message) => `no usable credentials: ${code}: ${message}`,
    auditUnwritable: "the audit log cannot be written: restores and backups would be refused (ClientError.AuditLogUnavailable)",
    stateReachable: (store: string) => `${store} (reachable)`,
    stateUnreachable: (store: string) =>
      `${store} (NOT reachable: restores and backups would be refused with ClientError.StateUnavailable; the log above names the cause)`,
    memoryState: "this process's memory (TENCENTCLOUD_REDIS_STATE_URL not set)",
    approval: approvalEnUS.doctor,
  },
  demo: {
    title: "tencentcloud-redis-mcp demo: a restore drill in the sandbox (no Tencent Cloud account needed)",
    server: ({ name, version }) => `server: node dist/index.js --sandbox (MCP over stdio, ${name} ${version})`,
    stepFind: "Find the instance (list_instances)",
    stepWrite: ({ host, port, key }) => `Write a key (redis-cli -h ${host} -p ${port} -a <password> SET ${key} ...)`,
    stepBackup: "Take a backup (backup_instance, then check_task)",
    stepUndo: "Take an undo point (backup_instance, then check_task: the data as it is now, before the restore)",
    backupSubmitted: ({ taskId, remark }) => `backup_instance: task ${taskId} (remark "${remark}")`,
    newBackup: ({ backupId, startTime }) => `check_task: new backup ${backupId}, taken ${startTime}`,
    restorable: "restorable",
    snapshot: "(a real RDB snapshot of the instance)",
    howToUndo: ({ instanceId, backupId, startTime }) =>
      `To undo this restore: restore_instance with instanceId ${instanceId} and backupId ${backupId} ` +
      `(the undo point, taken ${startTime}); writes made after it are lost.`,
    stepList: "List backups (list_backups)",
    stepCorrupt: "Corrupt the data (the incident)",
    stepPlan: "Plan the restore (restore_instance)",
    stepConfirm: "Confirm (restore_instance again, with the confirmToken)",
    stepFollow: "Follow the task to its end (check_task)",
    stepRead: "Read the key back",
    found: ({ name, instanceId, host, port }) => `-> ${name} (${instanceId}), a real redis-server at ${host}:${port}`,
    noRedis: ({ instanceId }) => `${instanceId} has no redis-server: is redis-server installed?`,
    restoring: ({ backupId }) => `-> restoring ${backupId}`,
    plan: ({ warning, expiresAt }) =>
      `Nothing was restored yet. The plan's warning, shown to the user:\n${warning}\nThe user agrees; the confirmToken works once, until ${expiresAt}.`,
    noConfirmation: "(this server has no confirmation step: the restore was submitted directly)",
    submitted: ({ taskId, source }) => `restore submitted as task ${taskId} (password from the server: ${source})`,
    taskStatus: ({ taskId, status }) => `task ${taskId}: ${status}`,
    progress: ({ progress, total, message }) =>
      `progress ${progress}${total ? `/${total}` : ""}${message ? ` - ${message}` : ""}`,
    failedCall: ({ what, text }) => `${what} failed: ${text}`,
    restored: "RESTORED: the data written before the backup is back, the corruption is gone.",
    notRestored: "FAILED: the data did not come back.",
    failed: ({ message }) => `demo failed: ${message}`,
  },
  clone: {
    method: ({ method, edition, forced, tableMethod }) =>
      (method === "clone"
        ? `Method: clone. ${edition} is restored by cloning a new instance from the backup, then moving the address to it (switch_address).`
        : `Method: in place. ${edition} is restored in place (RestoreInstance overwrites the instance's data).`) +
      (forced
        ? ` Forced by TENCENTCLOUD_REDIS_RESTORE_METHOD; the edition's own method is ${tableMethod === "clone" ? "clone" : "in place"}.`
        : ""),
    warning: ({ label, name, backupId, startTime, price }) =>
      `This creates a NEW instance, ${name}, with the data of backup ${backupId} (taken ${startTime}). Nothing changes ` +
      `for ${label} until switch_address moves its address to the clone; ${label} then stays as the undo point ` +
      `(switching back undoes the restore). The clone is pay-as-you-go (${price}) and bills until someone deletes it.`,
    price: ({ shown, currency, per }) => `${shown} ${currency} per ${per}`,
    priceUnknown: "price not quoted",
    confirmTitle: ({ name }) => `Create the pay-as-you-go clone ${name} from this backup`,
    confirmDescription: "The original is not changed; the clone bills until it is deleted.",
    progress: ({ instanceId, status, seconds, waitSeconds }) =>
      `Clone ${instanceId}: ${status}, ${seconds} s waited of ${waitSeconds} s`,
    switchWarning: ({ from, to, address }) =>
      `${to} takes the address ${address} that ${from} has now, and ${from} gets another address. Between the two ` +
      "steps clients lose the address for a moment. Switching back (the two reversed) undoes it.",
    switchRoles: ({ original, clone, direction }) =>
      direction === "restore"
        ? `Restore: ${original} is the original and ${clone} its clone; the original's address goes to the clone.`
        : `Undo: ${clone} is the clone and ${original} the original; the address goes back to the original.`,
    switchQuestion: ({ from, to, address, region }) => `Move the address ${address} from ${from} to ${to} (${region})?`,
    switchConfirmTitle: ({ from, to }) => `Give ${to} the address of ${from}`,
    switchConfirmDescription: "Clients lose the address for a moment between the two steps.",
    demo: {
      title: ({ name, instanceId, edition }) =>
        `Part 2: ${name} (${instanceId}) is ${edition}: Tencent restores it by clone, then an address switch`,
      stepWrite: ({ host, port, key }) => `Write a key at the instance's address ${host}:${port} (SET ${key} ...) and back it up`,
      stepCorrupt: "Corrupt the data; a client at the instance's unchanged address reads the corruption",
      stepPlan: "Plan and confirm the restore (restore_instance: method clone)",
      plan: ({ methodReason, name, price, warning }) =>
        `${methodReason}\nThe clone: ${name}, ${price}.\nThe plan's warning, shown to the user:\n${warning}`,
      cloning: ({ cloneId, dealName }) => `cloning into the new instance ${cloneId} (order ${dealName})`,
      stepFollow: "Follow the clone until it runs (check_task with instanceId)",
      cloneStatus: ({ cloneId, status, address }) => `clone ${cloneId}: ${status}${address ? `, at ${address}` : ""}`,
      stepBefore: "Read at the original's address: nothing changed for it yet",
      stepSwitch: "Move the address to the clone (switch_address: plan, confirm)",
      switchPlan: ({ warning }) => `The switch's warning, shown to the user:\n${warning}`,
      switched: ({ to, address, from, fromAddress }) => `switched: ${to} answers at ${address}; ${from} is now at ${fromAddress}`,
      stepAfter: "Read at the same address again",
      stepUndo: "Undo: switch back (switch_address with the two reversed)",
      restored: "RESTORED BY CLONE: the same address answers the backup's data.",
      undone: "UNDONE: switched back, the address answers the original instance (and its data) again.",
      notRestored: "FAILED: the address did not answer the expected data.",
      billing: ({ instanceId, region }) =>
        `${instanceId} still exists and still bills: this server never deletes it (it deletes only its own restore drills' clones). When no undo is wanted ` +
        `any more, delete it in the console or with: tccli redis DestroyPostpaidInstance --InstanceId ${instanceId} --region ${region}`,
    },
  },
};
