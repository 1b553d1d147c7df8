import type { Messages } from "./messages.js";

const TYPES: Readonly<Record<string, string>> = {
  manual: "手动备份",
  automatic: "自动备份",
  before_config_change: "变更配置前备份",
};

const STATUSES: Readonly<Record<string, string>> = {
  preparing: "准备中",
  running: "执行中",
  succeed: "成功",
  failed: "失败",
  error: "出错",
  checking: "查询中",
};

export const zhCN: Messages = {
  duration: ({ days, hours, minutes }) =>
    days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${minutes} 分钟` : `${minutes} 分钟`,
  backupType: (type) => TYPES[type] ?? "其他备份",
  taskStatus: (status) => STATUSES[status] ?? "未知状态",
  progress: ({ taskId, status, seconds, waitSeconds }) =>
    `任务 ${taskId}：${STATUSES[status] ?? "未知状态"}，已等待 ${seconds} 秒（最多 ${waitSeconds} 秒）`,
  planWarning: ({ label, backupId, startTime, age }) =>
    `从备份 ${backupId} 恢复 ${label} 会用 ${startTime}（${age}前）的备份替换该实例的全部数据。` +
    "该时间之后写入实例的所有数据都将丢失，且恢复无法撤销。",
  form: {
    question: ({ label, instanceId, region }) => `要从备份恢复 Redis 实例 ${label}（${instanceId}，${region}）吗？`,
    backup: ({ backupId, type, startTime, age }) => `备份：${backupId}，${type}，备份时间 ${startTime}（${age}前）。`,
    confirmTitle: ({ instanceId, backupId }) => `用备份 ${backupId} 覆盖 ${instanceId} 的全部数据`,
    confirmDescription: ({ startTime }) => `${startTime} 之后写入的所有数据都将丢失。`,
  },
  demo: {
    title: "tencentcloud-redis-mcp 演示：在沙箱中演练一次恢复（无需腾讯云账号）",
    server: ({ name, version }) => `服务端：node dist/index.js --sandbox（通过 stdio 的 MCP，${name} ${version}）`,
    stepFind: "查找实例（list_instances）",
    stepWrite: ({ port, key }) => `写入一个键（redis-cli -p ${port} -a <密码> SET ${key} ...）`,
    stepBackup: "创建备份（ManualBackupInstance：沙箱中的做法，相当于控制台的“立即备份”）",
    stepList: "列出备份（list_backups）",
    stepCorrupt: "破坏数据（模拟事故）",
    stepPlan: "制定恢复计划（restore_instance）",
    stepConfirm: "确认（再次调用 restore_instance，带上 confirmToken）",
    stepFollow: "跟踪任务直至结束（check_task）",
    stepRead: "读回该键",
    found: ({ name, instanceId, port }) => `-> ${name}（${instanceId}），真实的 redis-server，地址 127.0.0.1:${port}`,
    noRedis: ({ instanceId }) => `${instanceId} 没有 redis-server：是否已安装 redis-server？`,
    backupDone: ({ taskId }) => `备份任务 ${taskId} 已完成（实例的真实 RDB 快照）`,
    restoring: ({ backupId }) => `-> 正在恢复 ${backupId}`,
    plan: ({ warning, expiresAt }) =>
      `尚未恢复任何数据。向用户展示的计划警告：\n${warning}\n用户同意；confirmToken 只能使用一次，有效期至 ${expiresAt}。`,
    noConfirmation: "（此服务端没有确认步骤：恢复已直接提交）",
    submitted: ({ taskId, source }) => `恢复已提交，任务 ${taskId}（密码来源：${source}）`,
    taskStatus: ({ taskId, status }) => `任务 ${taskId}：${status}`,
    progress: ({ progress, total, message }) =>
      `进度 ${progress}${total ? `/${total}` : ""}${message ? ` - ${message}` : ""}`,
    failedCall: ({ what, text }) => `${what} 失败：${text}`,
    restored: "已恢复：备份之前写入的数据回来了，损坏的数据已消失。",
    notRestored: "失败：数据没有恢复。",
    failed: ({ message }) => `演示失败：${message}`,
  },
};
