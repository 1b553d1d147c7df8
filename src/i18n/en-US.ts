import type { Messages } from "./messages.js";

export const enUS: Messages = {
  duration: ({ days, hours, minutes }) =>
    days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`,
  backupType: (type) => type,
  taskStatus: (status) => status,
  progress: ({ taskId, status, seconds, waitSeconds }) =>
    `Task ${taskId}: ${status}, ${seconds} s waited of ${waitSeconds} s`,
  planWarning: ({ label, backupId, startTime, age }) =>
    `Restoring ${label} from backup ${backupId} replaces ALL of its data with the backup taken at ${startTime} ` +
    `(${age} ago). Every write made to the instance after that time will be lost, and the restore cannot be undone.`,
  form: {
    question: ({ label, instanceId, region }) =>
      `Restore Redis instance ${label} (${instanceId}, ${region}) from a backup?`,
    backup: ({ backupId, type, startTime, age }) => `Backup: ${backupId}, ${type}, taken ${startTime} (${age} ago).`,
    confirmTitle: ({ instanceId, backupId }) => `Overwrite all data of ${instanceId} with backup ${backupId}`,
    confirmDescription: ({ startTime }) => `Everything written after ${startTime} will be lost.`,
  },
  demo: {
    title: "tencentcloud-redis-mcp demo: a restore drill in the sandbox (no Tencent Cloud account needed)",
    server: ({ name, version }) => `server: node dist/index.js --sandbox (MCP over stdio, ${name} ${version})`,
    stepFind: "Find the instance (list_instances)",
    stepWrite: ({ port, key }) => `Write a key (redis-cli -p ${port} -a <password> SET ${key} ...)`,
    stepBackup: "Take a backup (ManualBackupInstance: the sandbox's way, like the console's 'back up now')",
    stepList: "List backups (list_backups)",
    stepCorrupt: "Corrupt the data (the incident)",
    stepPlan: "Plan the restore (restore_instance)",
    stepConfirm: "Confirm (restore_instance again, with the confirmToken)",
    stepFollow: "Follow the task to its end (check_task)",
    stepRead: "Read the key back",
    found: ({ name, instanceId, port }) => `-> ${name} (${instanceId}), a real redis-server on 127.0.0.1:${port}`,
    noRedis: ({ instanceId }) => `${instanceId} has no redis-server: is redis-server installed?`,
    backupDone: ({ taskId }) => `backup task ${taskId} done (a real RDB snapshot of the instance)`,
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
};
