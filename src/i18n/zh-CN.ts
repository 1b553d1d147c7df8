import { approvalZhCN } from "./approval.js";
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

const CLONE_STATUSES: Readonly<Record<string, string>> = { creating: "创建中", running: "运行中", failed: "失败" };

export const zhCN: Messages = {
  duration: ({ days, hours, minutes }) =>
    days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${minutes} 分钟` : `${minutes} 分钟`,
  backupType: (type) => TYPES[type] ?? "其他备份",
  taskStatus: (status) => STATUSES[status] ?? "未知状态",
  progress: ({ taskId, status, seconds, waitSeconds }) =>
    `任务 ${taskId}：${STATUSES[status] ?? "未知状态"}，已等待 ${seconds} 秒（最多 ${waitSeconds} 秒）`,
  restoreAgain: ({ taskId, clone, sentAt }) =>
    `同一恢复已于 ${sentAt} 发送(${clone ? `克隆实例 ${clone}` : `任务 ${taskId}`}):确认此计划将再次恢复。`,
  planWarning: ({ label, backupId, startTime, age, undo }) =>
    `从备份 ${backupId} 恢复 ${label} 会用 ${startTime}（${age}前）的备份替换该实例的全部数据。` +
    "该时间之后写入实例的所有数据都将丢失。" +
    (undo
      ? `撤销方法：恢复备份 ${undo.backupId}（${undo.age}前创建）；在它之后写入的数据会丢失。`
      : "没有比它更新的备份，恢复后无法找回实例当前的数据。" +
        "若要先建立撤销点，请调用 backup_instance，再用 check_task 等它完成，然后重新制定恢复计划。"),
  form: {
    question: ({ label, instanceId, region }) => `要从备份恢复 Redis 实例 ${label}（${instanceId}，${region}）吗？`,
    backup: ({ backupId, type, startTime, age }) => `备份：${backupId}，${type}，备份时间 ${startTime}（${age}前）。`,
    confirmTitle: ({ instanceId, backupId }) => `用备份 ${backupId} 覆盖 ${instanceId} 的全部数据`,
    confirmDescription: ({ startTime }) => `${startTime} 之后写入的所有数据都将丢失。`,
  },
  approval: approvalZhCN,
  doctor: {
    title: "tencentcloud-redis-mcp 自检（doctor）",
    sections: {
      credentials: "凭证",
      endpoint: "接入点",
      actions: "权限（CAM），按 API 操作",
      settings: "设置",
      notes: "说明",
    },
    labels: {
      source: "来源",
      secretId: "SecretId",
      temporary: "临时凭证",
      expires: "过期时间",
      base: "扮演角色所用凭证",
      authenticates: "认证通过",
      endpoint: "接入点",
      connectedTo: "实际连接",
      region: "地域",
      latency: "延迟",
      clockSkew: "时钟偏差",
      tools: "工具",
      confirmMode: "确认方式",
      readOnly: "只读",
      allowlist: "允许的实例",
      auditLog: "审计日志",
      sharedState: "共享状态",
      needed: "用于",
    },
    source: ({ kind, text, path, roleArn, sessionName }) =>
      kind === "environment"
        ? "环境变量（TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY）"
        : kind === "profile"
          ? `配置文件 ${path ?? ""}`
          : kind === "tke-oidc"
            ? "TKE OIDC（TKE_ROLE_ARN、TKE_WEB_IDENTITY_TOKEN_FILE）"
            : kind === "cvm-role"
              ? "CVM 实例角色（元数据服务）"
              : kind === "assumed-role"
                ? `角色 ${roleArn ?? ""}（STS AssumeRole，会话 ${sessionName ?? ""}）`
                : text,
    yes: "是",
    no: "否",
    none: "无",
    unknown: "未知",
    anyInstance: "任意实例",
    notConfigured: "未配置",
    noSource: "未找到凭证",
    writable: (path) => `${path}（可写）`,
    notWritable: (path, reason) => `${path}（不可写：${reason}）`,
    latencyMs: (ms) => `${ms} 毫秒`,
    skew: (seconds) =>
      seconds === 0
        ? "无（对照 API 的 Date 响应头，精度 1 秒）"
        : `比 API 的时钟${seconds > 0 ? "快" : "慢"} ${Math.abs(seconds)} 秒（对照其 Date 响应头）`,
    skewWarning: (seconds) =>
      `本机时钟与 API 相差 ${Math.abs(seconds)} 秒：超过 300 秒的请求会被拒绝（AuthFailure.SignatureExpire）。请用 NTP 校准时钟。`,
    expiresAt: (iso, inSeconds) => `${iso}（${inSeconds} 秒后；来源支持时会自动续期）`,
    verdict: { allowed: "允许", denied: "拒绝", unknown: "未知" },
    notNeeded: "（当前配置的工具不需要）",
    probeNote:
      "RestoreInstance、ManualBackupInstance、CloneInstances、ModifyNetworkConfig 和 DestroyPostpaidInstance 只用一个不可能存在的实例 ID 探测，因此不会恢复、备份、购买、移动或销毁任何实例。" +
      "权限错误（UnauthorizedOperation.*、AuthFailure.UnauthorizedOperation）表示拒绝；实例不存在或参数无效的错误，" +
      "或该操作对不存在的 ID 的既定回答（DescribeTaskInfo：FailedOperation.SystemError）表示允许；" +
      "其他情况（无法连接云端、内部错误）均为未知，绝不视为允许。",
    scopedNote: "若策略只允许指定的实例，用虚构实例 ID 的探测可能显示为拒绝，而真实实例其实是允许的。",
    ok: "正常：当前配置的工具所需的一切均可用。",
    notOk: "异常：当前配置的工具所需的某些条件不满足（见上文）。",
    missingStatements: "缺少 CAM 权限：请在这组凭证的策略中加入以下语句：",
    unreached: (code, message) => `无法连接 API：${code}：${message}`,
    notAuthenticated: (code, message) => `凭证被拒绝：${code}：${message}`,
    noCredentials: (code, message) => `没有可用的凭证：${code}：${message}`,
    auditUnwritable: "无法写入审计日志：恢复和备份将被拒绝（ClientError.AuditLogUnavailable）",
    stateReachable: (store: string) => `${store}（可连接）`,
    stateUnreachable: (store: string) =>
      `${store}（无法连接：恢复和备份将被拒绝（ClientError.StateUnavailable）；原因见上方日志）`,
    memoryState: "本进程内存（未设置 TENCENTCLOUD_REDIS_STATE_URL）",
    approval: approvalZhCN.doctor,
  },
  demo: {
    title: "tencentcloud-redis-mcp 演示：在沙箱中演练一次恢复（无需腾讯云账号）",
    server: ({ name, version }) => `服务端：node dist/index.js --sandbox（通过 stdio 的 MCP，${name} ${version}）`,
    stepFind: "查找实例（list_instances）",
    stepWrite: ({ host, port, key }) => `写入一个键（redis-cli -h ${host} -p ${port} -a <密码> SET ${key} ...）`,
    stepBackup: "创建备份（backup_instance，然后 check_task）",
    stepUndo: "建立撤销点（backup_instance，然后 check_task：恢复前实例当前的数据）",
    backupSubmitted: ({ taskId, remark }) => `backup_instance：任务 ${taskId}（备注“${remark}”）`,
    newBackup: ({ backupId, startTime }) => `check_task：新备份 ${backupId}，备份时间 ${startTime}`,
    restorable: "可恢复",
    snapshot: "（实例的真实 RDB 快照）",
    howToUndo: ({ instanceId, backupId, startTime }) =>
      `如需撤销这次恢复：调用 restore_instance，instanceId 为 ${instanceId}，backupId 为 ${backupId}` +
      `（撤销点，备份时间 ${startTime}）；在它之后写入的数据会丢失。`,
    stepList: "列出备份（list_backups）",
    stepCorrupt: "破坏数据（模拟事故）",
    stepPlan: "制定恢复计划（restore_instance）",
    stepConfirm: "确认（再次调用 restore_instance，带上 confirmToken）",
    stepFollow: "跟踪任务直至结束（check_task）",
    stepRead: "读回该键",
    found: ({ name, instanceId, host, port }) => `-> ${name}（${instanceId}），真实的 redis-server，地址 ${host}:${port}`,
    noRedis: ({ instanceId }) => `${instanceId} 没有 redis-server：是否已安装 redis-server？`,
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
  clone: {
    method: ({ method, edition, forced, tableMethod }) =>
      (method === "clone"
        ? `恢复方式：克隆。${edition} 通过从备份克隆一个新实例、再把地址切换到新实例（switch_address）来恢复。`
        : `恢复方式：原地恢复。${edition} 在原实例上恢复（RestoreInstance 覆盖实例的数据）。`) +
      (forced
        ? `由 TENCENTCLOUD_REDIS_RESTORE_METHOD 指定；该版本本身的方式是${tableMethod === "clone" ? "克隆" : "原地恢复"}。`
        : ""),
    warning: ({ label, name, backupId, startTime, price }) =>
      `这会创建一个新实例 ${name}，数据来自备份 ${backupId}（备份时间 ${startTime}）。在 switch_address 把地址切换到克隆实例之前，` +
      `${label} 不会有任何变化；之后 ${label} 保留为撤销点（切换回来即可撤销）。克隆实例按量计费（${price}），直到有人删除它为止。`,
    price: ({ shown, currency, per }) => `报价每${per === "hour" ? "小时" : "月"} ${shown} ${currency === "CNY" ? "元" : currency}`,
    priceUnknown: "未获得报价",
    confirmTitle: ({ name }) => `从此备份创建按量计费的克隆实例 ${name}`,
    confirmDescription: "原实例不会被修改；克隆实例在删除之前持续计费。",
    progress: ({ instanceId, status, seconds, waitSeconds }) =>
      `克隆实例 ${instanceId}：${CLONE_STATUSES[status] ?? "未知状态"}，已等待 ${seconds} 秒（最多 ${waitSeconds} 秒）`,
    switchWarning: ({ from, to, address }) =>
      `${to} 将获得 ${from} 当前的地址 ${address}，${from} 将获得另一个地址。两步之间客户端会短暂连不上该地址。` +
      "反向再切换一次（两个实例互换）即可撤销。",
    switchRoles: ({ original, clone, direction }) =>
      direction === "restore"
        ? `恢复：${original} 是原实例，${clone} 是它的克隆实例；原实例的地址切换到克隆实例。`
        : `撤销：${clone} 是克隆实例，${original} 是原实例；地址切换回原实例。`,
    switchQuestion: ({ from, to, address, region }) => `要把地址 ${address} 从 ${from} 切换到 ${to}（${region}）吗？`,
    switchConfirmTitle: ({ from, to }) => `让 ${to} 使用 ${from} 的地址`,
    switchConfirmDescription: "两步之间客户端会短暂连不上该地址。",
    demo: {
      title: ({ name, instanceId, edition }) => `第二部分：${name}（${instanceId}）是 ${edition}：腾讯云通过克隆再切换地址来恢复它`,
      stepWrite: ({ host, port, key }) => `在实例地址 ${host}:${port} 写入一个键（SET ${key} ...）并备份`,
      stepCorrupt: "破坏数据；连接实例原地址的客户端读到的是损坏的数据",
      stepPlan: "制定并确认恢复计划（restore_instance：克隆方式）",
      plan: ({ methodReason, name, price, warning }) =>
        `${methodReason}\n克隆实例：${name}，${price}。\n向用户展示的计划警告：\n${warning}`,
      cloning: ({ cloneId, dealName }) => `正在克隆到新实例 ${cloneId}（订单 ${dealName}）`,
      stepFollow: "跟踪克隆实例直到运行（check_task，带 instanceId）",
      cloneStatus: ({ cloneId, status, address }) => `克隆实例 ${cloneId}：${CLONE_STATUSES[status] ?? status}${address ? `，地址 ${address}` : ""}`,
      stepBefore: "读取原实例地址：原实例尚未有任何变化",
      stepSwitch: "把地址切换到克隆实例（switch_address：计划、确认）",
      switchPlan: ({ warning }) => `向用户展示的切换警告：\n${warning}`,
      switched: ({ to, address, from, fromAddress }) => `已切换：${to} 使用地址 ${address}；${from} 现在的地址是 ${fromAddress}`,
      stepAfter: "再次读取同一地址",
      stepUndo: "撤销：切换回来（switch_address，两个实例互换）",
      restored: "已通过克隆恢复：同一地址返回的是备份中的数据。",
      undone: "已撤销：已切换回来，该地址再次由原实例（及其数据）应答。",
      notRestored: "失败：该地址没有返回预期的数据。",
      billing: ({ instanceId, region }) =>
        `${instanceId} 仍然存在并持续计费：此服务端不会删除它（它只删除自己的恢复演练克隆）。不再需要撤销时，请在控制台删除它，或执行：` +
        `tccli redis DestroyPostpaidInstance --InstanceId ${instanceId} --region ${region}`,
    },
  },
};
