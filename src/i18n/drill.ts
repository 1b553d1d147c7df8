// The texts of a restore drill a person reads: its report (the CLI's text output, the tool's summary) and the
// restore plan's line about an instance's last drill. One object per language, typed by DrillTexts.

/** A check of the verification, as the report shows it (the shape of src/safety/state/drills.ts's VerifyCheck). */
export interface DrillCheckText {
  name: "ping" | "min_keys" | "required_key" | "running" | "memory";
  status: "pass" | "fail" | "unknown";
  detail: string;
  key?: string;
  observed?: number;
  expected?: number;
  auth?: boolean;
}

export interface DrillTexts {
  title(drillId: string, instanceId: string): string;
  outcome(outcome: "passed" | "running" | "not_passed"): string;
  backup(backupId: string): string;
  pointInTime(at: string): string;
  clone(instanceId: string): string;
  requested(at: string): string;
  /** Clone requested -> running: the restore's time. */
  running(duration: string): string;
  verified(duration: string): string;
  destroyed(duration: string): string;
  level(
    level: "data" | "cloud",
    verdict: "verified" | "failed" | "inconclusive",
    why: "answered" | "refused" | "silent" | "unreachable",
  ): string;
  keys(count: number): string;
  memory(bytes: number): string;
  check(c: DrillCheckText): string;
  cost(cny: number): string;
  cleanup(done: boolean): string;
  error(code: string, message: string): string;
  /** 252000 -> "4 min 12 s". */
  duration(ms: number): string;
  lastDrill(p: {
    what: { backupId: string } | { pointInTime: string };
    duration: string;
    date: string;
    level: "data" | "cloud";
  }): string;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function parts(ms: number): { h: number; m: number; s: number } {
  const total = Math.round(ms / 1000);
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

export const drillEnUS: DrillTexts = {
  title: (id, instance) => `Restore drill ${id} of ${instance}`,
  outcome: (o) =>
    ({
      passed: "Result: passed (restored, verified, clone destroyed)",
      running: "Result: in progress",
      not_passed: "Result: not passed",
    })[o],
  backup: (id) => `Backup: ${id}`,
  pointInTime: (at) => `Point in time: ${at}`,
  clone: (id) => `Clone: ${id}`,
  requested: (at) => `Clone requested: ${at}`,
  running: (d) => `Running after: ${d} (the restore's time)`,
  verified: (d) => `Verified in: ${d}`,
  destroyed: (d) => `Destroyed in: ${d}`,
  level: (level, verdict, why) =>
    `Verification: ${level === "data" ? "data level" : "cloud level"}, ${verdict} (${
      {
        answered: "the clone's address answered PING",
        refused: "the clone's address answered but refused the connection",
        silent: "the clone's address accepted a connection but did not answer",
        unreachable: "the clone's address did not answer from here",
      }[why]
    })`,
  keys: (n) => `Keys: ${n}`,
  memory: (b) => `Memory used: ${mb(b)} MB`,
  check(c) {
    const mark = { pass: "ok", fail: "FAILED", unknown: "unknown" }[c.status];
    switch (c.name) {
      case "ping":
        return `PING${c.auth === false ? " (password-free)" : " with the password"}: ${mark}${c.status === "pass" ? "" : ` (${c.detail})`}`;
      case "min_keys":
        return `Key count at least ${c.expected ?? "?"}: ${mark} (${c.observed ?? "?"} found)`;
      case "required_key":
        return `Key ${c.key ?? "?"} exists: ${mark}`;
      case "running":
        return `Instance running: ${mark}`;
      case "memory":
        return c.observed === undefined || c.expected === undefined
          ? `Memory used against the backup's size: ${mark}`
          : `Memory used against the backup's size: ${mark} (${mb(c.observed)} MB used, backup ${mb(c.expected)} MB)`;
    }
  },
  cost: (cny) => `Estimated cost: ${cny.toFixed(2)} CNY`,
  cleanup: (done) => (done ? "Clone destroyed: nothing left billing" : "Clone not destroyed yet: it is still billing"),
  error: (code, message) => `Error: ${code}: ${message}`,
  duration(ms) {
    const { h, m, s } = parts(ms);
    if (h > 0) return `${h} h ${m} min ${s} s`;
    return m > 0 ? `${m} min ${s} s` : `${s} s`;
  },
  lastDrill: ({ what, duration, date, level }) =>
    `${"backupId" in what ? `backup ${what.backupId}` : `point in time ${what.pointInTime}`} restored in ${duration} on ${date}, ${level === "data" ? "data verified" : "verified at cloud level"}`,
};

export const drillZhCN: DrillTexts = {
  title: (id, instance) => `实例 ${instance} 的恢复演练 ${id}`,
  outcome: (o) =>
    ({
      passed: "结果：通过（已恢复、已校验、克隆实例已销毁）",
      running: "结果：进行中",
      not_passed: "结果：未通过",
    })[o],
  backup: (id) => `备份：${id}`,
  pointInTime: (at) => `时间点：${at}`,
  clone: (id) => `克隆实例：${id}`,
  requested: (at) => `发起克隆：${at}`,
  running: (d) => `运行用时：${d}（即恢复用时）`,
  verified: (d) => `校验用时：${d}`,
  destroyed: (d) => `销毁用时：${d}`,
  level: (level, verdict, why) =>
    `校验：${level === "data" ? "数据级" : "云端级"}，${{ verified: "通过", failed: "失败", inconclusive: "无法判定" }[verdict]}（${
      {
        answered: "克隆实例的地址响应了 PING",
        refused: "克隆实例的地址有响应，但拒绝了连接",
        silent: "克隆实例的地址接受了连接，但没有响应",
        unreachable: "从本服务无法连通克隆实例的地址",
      }[why]
    }）`,
  keys: (n) => `键数量：${n}`,
  memory: (b) => `已用内存：${mb(b)} MB`,
  check(c) {
    const mark = { pass: "通过", fail: "失败", unknown: "未知" }[c.status];
    switch (c.name) {
      case "ping":
        return `${c.auth === false ? "PING（免密）" : "使用密码 PING"}：${mark}${c.status === "pass" ? "" : `（${c.detail}）`}`;
      case "min_keys":
        return `至少 ${c.expected ?? "?"} 个键：${mark}（实有 ${c.observed ?? "?"} 个）`;
      case "required_key":
        return `键 ${c.key ?? "?"} 存在：${mark}`;
      case "running":
        return `实例运行中：${mark}`;
      case "memory":
        return c.observed === undefined || c.expected === undefined
          ? `已用内存与备份大小相符：${mark}`
          : `已用内存与备份大小相符：${mark}（已用 ${mb(c.observed)} MB，备份 ${mb(c.expected)} MB）`;
    }
  },
  cost: (cny) => `预估费用：${cny.toFixed(2)} 元`,
  cleanup: (done) => (done ? "克隆实例已销毁：没有仍在计费的实例" : "克隆实例尚未销毁：仍在计费"),
  error: (code, message) => `错误：${code}：${message}`,
  duration(ms) {
    const { h, m, s } = parts(ms);
    if (h > 0) return `${h} 小时 ${m} 分 ${s} 秒`;
    return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
  },
  lastDrill: ({ what, duration, date, level }) =>
    `${"backupId" in what ? `备份 ${what.backupId}` : `时间点 ${what.pointInTime}`} 于 ${date} 演练恢复，用时 ${duration}，${level === "data" ? "数据已校验" : "已在云端级校验"}`,
};

export const DRILL_TEXTS = { "en-US": drillEnUS, "zh-CN": drillZhCN } as const;
