// The tool names are a public interface: pinned here, literally, once. Every test that checks what a server lists
// compares with this (a tool renamed, dropped or reordered in TOOLS fails them all); a new tool is added here.
export const PUBLIC_TOOLS = [
  "list_instances",
  "list_backups",
  "backup_instance",
  "restore_instance",
  "check_task",
  "switch_address",
  "drill_restore",
] as const;
