// The texts of the approval (docs/approval.md) a person reads: the approvers' webhook message, the approval page and the
// `approvals` command line. One object per language, typed by ApprovalTexts.

export interface ApprovalTexts {
  /** The webhook's message to the approvers. */
  notice(p: {
    id: string;
    requester: string;
    tool: string;
    instance: string;
    backup: string;
    method: string;
    expiresAt: string;
    link?: string;
  }): { title: string; lines: string[] };
  /** The progress notification while a call waits for a decision. */
  waiting(p: { seconds: number; waitSeconds: number }): string;
  /** A status word (pending, approved, denied, used, expired). */
  status(status: string): string;
  /** A method word (in_place, clone, ...). */
  method(method: string): string;
  /** The page's words: plain strings (the page's script fills in {placeholders}). */
  page: {
    title: string;
    listTitle: string;
    signInTitle: string;
    signInHelp: string;
    tokenLabel: string;
    signIn: string;
    signOut: string;
    loading: string;
    nonePending: string;
    open: string;
    requester: string;
    tool: string;
    instance: string;
    backup: string;
    pointInTime: string;
    taken: string;
    age: string;
    lost: string;
    undo: string;
    noUndo: string;
    method: string;
    price: string;
    expires: string;
    status: string;
    decidedBy: string;
    reason: string;
    reasonPlaceholder: string;
    approve: string;
    deny: string;
    confirmApprove: string;
    decided: string;
    error401: string;
    error403: string;
    error404: string;
    error409: string;
    errorOther: string;
    statuses: Record<string, string>;
    methods: Record<string, string>;
  };
  /** doctor's row of the approval settings. */
  doctor: {
    label: string;
    off: string;
    summary(p: { always: boolean; tags: string; ttlMinutes: number; webhook: string; reach: string }): string;
  };
  /** The command line's words. */
  cli: {
    header: string;
    none: string;
    approved(id: string): string;
    denied(id: string): string;
    refused(why: string): string;
    unknown(id: string): string;
    self: string;
    decided(status: string): string;
    expired: string;
    usage: string;
    needsState: string;
    reasonRequired: string;
  };
}

const STATUS_EN: Record<string, string> = {
  pending: "pending",
  approved: "approved",
  denied: "denied",
  used: "used",
  expired: "expired",
};
const METHOD_EN: Record<string, string> = { in_place: "restore in place", clone: "restore into a clone" };

export const approvalEnUS: ApprovalTexts = {
  notice: ({ id, requester, tool, instance, backup, method, expiresAt, link }) => ({
    title: `Approval requested: ${tool} on ${instance}`,
    lines: [
      `Requested by: ${requester}`,
      `Instance: ${instance}`,
      `Backup: ${backup}`,
      `Method: ${METHOD_EN[method] ?? method}`,
      `Expires: ${expiresAt}`,
      `Approval ID: ${id}`,
      link ? `Review it: ${link}` : `Review it with: tencentcloud-redis-mcp approvals show ${id}`,
    ],
  }),
  waiting: ({ seconds, waitSeconds }) => `Waiting for an approver: ${seconds} s of ${waitSeconds} s`,
  status: (status) => STATUS_EN[status] ?? status,
  method: (method) => METHOD_EN[method] ?? method,
  page: {
    title: "Approve a change",
    listTitle: "Pending approvals",
    signInTitle: "Sign in",
    signInHelp: "Paste your own bearer token (it needs the scope redis:approve). It stays in this tab only.",
    tokenLabel: "Bearer token",
    signIn: "Sign in",
    signOut: "Sign out",
    loading: "Loading…",
    nonePending: "No approval is pending.",
    open: "Review",
    requester: "Requested by",
    tool: "Tool",
    instance: "Instance",
    backup: "Backup",
    pointInTime: "Point in time",
    taken: "Taken",
    age: "Age",
    lost: "What is lost",
    undo: "Undo",
    noUndo: "No newer backup: this change cannot be undone.",
    method: "Method",
    price: "Price",
    expires: "Expires",
    status: "Status",
    decidedBy: "Decided by",
    reason: "Reason",
    reasonPlaceholder: "Why (shown to the requester)",
    approve: "Approve",
    deny: "Deny",
    confirmApprove: "Approve this change? It overwrites the instance's data.",
    decided: "Decision recorded.",
    error401: "Your token was not accepted: sign in again.",
    error403: "Refused: you need the scope redis:approve, and you cannot approve your own request.",
    error404: "No such approval (it may have been forgotten a day after it expired).",
    error409: "Already decided, used or expired: nothing changed.",
    errorOther: "The server could not answer; try again.",
    statuses: STATUS_EN,
    methods: METHOD_EN,
  },
  doctor: {
    label: "approval",
    off: "not required (no approval mode, no tag policy)",
    summary: ({ always, tags, ttlMinutes, webhook, reach }) =>
      `${always ? "every change" : `instances tagged ${tags}`}; expires after ${ttlMinutes} min; webhook ${webhook}; approvers reach it by ${reach}`,
  },
  cli: {
    header: "ID | status | requester | tool | instance | backup | method | expires",
    none: "No approval requests.",
    approved: (id) => `Approved ${id}.`,
    denied: (id) => `Denied ${id}.`,
    refused: (why) => `Refused: ${why}`,
    unknown: (id) => `No approval ${id} is known.`,
    self: "you requested this change yourself: another person must approve it",
    decided: (status) => `it is already ${STATUS_EN[status] ?? status}`,
    expired: "it expired",
    usage:
      "Usage: tencentcloud-redis-mcp approvals list [--json] | show ID [--json] | approve ID [--reason text] | deny ID --reason text",
    needsState:
      "The approvals command works on the shared state: set TENCENTCLOUD_REDIS_STATE_URL to the servers' Redis.",
    reasonRequired: "Give a reason with --reason when you deny.",
  },
};

const STATUS_ZH: Record<string, string> = {
  pending: "待审批",
  approved: "已批准",
  denied: "已拒绝",
  used: "已执行",
  expired: "已过期",
};
const METHOD_ZH: Record<string, string> = { in_place: "原地恢复", clone: "恢复到克隆实例" };

export const approvalZhCN: ApprovalTexts = {
  notice: ({ id, requester, tool, instance, backup, method, expiresAt, link }) => ({
    title: `审批请求：${tool}，实例 ${instance}`,
    lines: [
      `申请人：${requester}`,
      `实例：${instance}`,
      `备份：${backup}`,
      `方式：${METHOD_ZH[method] ?? method}`,
      `过期时间：${expiresAt}`,
      `审批 ID：${id}`,
      link ? `审批页面：${link}` : `查看：tencentcloud-redis-mcp approvals show ${id}`,
    ],
  }),
  waiting: ({ seconds, waitSeconds }) => `等待审批人：已等待 ${seconds} 秒，最多 ${waitSeconds} 秒`,
  status: (status) => STATUS_ZH[status] ?? status,
  method: (method) => METHOD_ZH[method] ?? method,
  page: {
    title: "审批变更",
    listTitle: "待审批列表",
    signInTitle: "登录",
    signInHelp: "粘贴您自己的访问令牌（需要 redis:approve 权限）。令牌只保存在此标签页中。",
    tokenLabel: "访问令牌",
    signIn: "登录",
    signOut: "退出",
    loading: "加载中…",
    nonePending: "没有待审批的请求。",
    open: "查看",
    requester: "申请人",
    tool: "工具",
    instance: "实例",
    backup: "备份",
    pointInTime: "时间点",
    taken: "备份时间",
    age: "距今",
    lost: "将丢失的数据",
    undo: "撤销方式",
    noUndo: "没有更新的备份：此变更无法撤销。",
    method: "方式",
    price: "价格",
    expires: "过期时间",
    status: "状态",
    decidedBy: "审批人",
    reason: "理由",
    reasonPlaceholder: "理由（申请人可见）",
    approve: "批准",
    deny: "拒绝",
    confirmApprove: "确定批准此变更？实例的数据将被覆盖。",
    decided: "审批结果已记录。",
    error401: "令牌无效：请重新登录。",
    error403: "已拒绝：需要 redis:approve 权限，且不能审批自己的请求。",
    error404: "找不到该审批（过期一天后记录会被删除）。",
    error409: "已审批、已执行或已过期：未做任何更改。",
    errorOther: "服务器无法应答，请重试。",
    statuses: STATUS_ZH,
    methods: METHOD_ZH,
  },
  doctor: {
    label: "审批",
    off: "不需要（未启用审批模式或标签策略）",
    summary: ({ always, tags, ttlMinutes, webhook, reach }) =>
      `${always ? "所有变更" : `带标签 ${tags} 的实例`}；${ttlMinutes} 分钟后过期；通知 ${webhook}；审批途径：${reach}`,
  },
  cli: {
    header: "ID | 状态 | 申请人 | 工具 | 实例 | 备份 | 方式 | 过期时间",
    none: "没有审批请求。",
    approved: (id) => `已批准 ${id}。`,
    denied: (id) => `已拒绝 ${id}。`,
    refused: (why) => `未执行：${why}`,
    unknown: (id) => `找不到审批 ${id}。`,
    self: "这是您自己申请的变更：必须由另一个人审批",
    decided: (status) => `它已经是${STATUS_ZH[status] ?? status}状态`,
    expired: "它已过期",
    usage:
      "用法：tencentcloud-redis-mcp approvals list [--json] | show ID [--json] | approve ID [--reason 理由] | deny ID --reason 理由",
    needsState: "审批命令使用共享状态：请将 TENCENTCLOUD_REDIS_STATE_URL 设为服务器所用的 Redis。",
    reasonRequired: "拒绝时请用 --reason 给出理由。",
  },
};
