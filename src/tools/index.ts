import { backupInstance } from "./backup-instance.js";
import { checkTask } from "./check-task.js";
import { drillRestore } from "./drill-restore.js";
import { listBackups } from "./list-backups.js";
import { listInstances } from "./list-instances.js";
import { restoreInstance } from "./restore-instance.js";
import { switchAddress } from "./switch-address.js";
import type { ToolDefinition } from "./shared.js";

/** Every tool this server can offer, in the order they are listed (`npm run gen` copies the names to config/tool-names.ts). */
export const TOOLS: readonly ToolDefinition[] = [
  listInstances,
  listBackups,
  backupInstance,
  restoreInstance,
  checkTask,
  switchAddress,
  drillRestore,
] as unknown as readonly ToolDefinition[];
