/** CAM policies (policy syntax 2.0) for the actions the server needs. */

export const READ_ACTIONS = ["DescribeInstances", "DescribeInstanceBackups", "DescribeTaskInfo", "DescribeTaskList"];

/** The API actions each tool calls (restore_instance also reads: preflight, task snapshot, lost-answer lookup). */
export const ACTIONS_BY_TOOL: Readonly<Record<string, readonly string[]>> = {
  list_instances: ["DescribeInstances"],
  list_backups: ["DescribeInstanceBackups"],
  restore_instance: ["DescribeInstances", "DescribeInstanceBackups", "DescribeTaskList", "RestoreInstance"],
  // check_task also reads the kind of a task it did not start, and names the backup a backup task made
  check_task: ["DescribeTaskInfo", "DescribeInstances", "DescribeTaskList", "DescribeInstanceBackups"],
  backup_instance: ["ManualBackupInstance"],
};

export interface CamPolicy {
  version: "2.0";
  statement: Array<{ effect: "allow"; action: string[]; resource: string[] }>;
}

/** One allow statement for these actions, on every resource (narrow `resource` to instances if you like). */
export function policyFor(actions: readonly string[]): CamPolicy {
  return {
    version: "2.0",
    statement: [{ effect: "allow", action: actions.map((a) => `redis:${a}`), resource: ["*"] }],
  };
}
