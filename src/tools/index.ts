import { backupInstance } from "./backup-instance.js";
import { checkTask } from "./check-task.js";
import { listBackups } from "./list-backups.js";
import { listInstances } from "./list-instances.js";
import { restoreInstance } from "./restore-instance.js";
import { switchAddress } from "./switch-address.js";
import type { ToolDefinition } from "./shared.js";

/** Every tool this server can offer, in the order they are listed. */
export const TOOLS: readonly ToolDefinition[] = [
  listInstances,
  listBackups,
  backupInstance,
  restoreInstance,
  checkTask,
  switchAddress,
] as unknown as readonly ToolDefinition[];
