// The drill's report from its ledger record: times and durations, passed only when verified and destroyed,
// cleaned up only when nothing bills; its text in en-US and zh-CN (no English sentence left in zh-CN beyond what
// the clone itself answered); and the restore plan's line about the last drill.

import { describe, expect, it } from "vitest";
import { drillReport, lastDrillLine, renderDrillReport } from "../../src/drill/report.js";
import { DRILL_TEXTS, drillEnUS, drillZhCN } from "../../src/i18n/drill.js";
import type { DrillRecord } from "../../src/safety/state/drills.js";
import { englishSentences } from "../i18n/english.js";

const T0 = Date.parse("2026-12-06T02:00:00Z");
const PASSED: DrillRecord = {
  drillId: "dr_5Kq2x9",
  region: "ap-guangzhou",
  sourceInstanceId: "crs-sbx4ctlg",
  backupId: "1250000000-8362901-1796500000",
  cloneInstanceId: "crs-lqz7y86j",
  dealName: "20261206297021530591847",
  destroyTaskId: 1000042,
  times: {
    requested: T0,
    running: T0 + 252_000,
    verified: T0 + 253_500,
    destroyRequested: T0 + 254_000,
    destroyed: T0 + 290_000,
  },
  verification: {
    level: "data",
    verdict: "verified",
    why: "answered",
    reason: "the clone's address answered PING",
    checks: [
      { name: "ping", status: "pass", detail: "PONG, after AUTH" },
      { name: "min_keys", status: "pass", detail: "27 keys, at least 10 required", observed: 27, expected: 10 },
      { name: "required_key", key: "product:count", status: "pass", detail: "exists" },
    ],
    keys: 27,
    keyspace: { db0: { keys: 27, expires: 0 } },
    memoryUsedBytes: 1_153_434,
    durationMs: 1500,
  },
  estimatedCostCny: 0.1234,
  status: "completed",
};

describe("drillReport", () => {
  it("a passed drill: ISO times, the restore's time and the others, cleaned up", () => {
    const r = drillReport(PASSED);
    expect(r).toMatchObject({
      drillId: "dr_5Kq2x9",
      sourceInstanceId: "crs-sbx4ctlg",
      cloneInstanceId: "crs-lqz7y86j",
      status: "completed",
      passed: true,
      cleanedUp: true,
      estimatedCostCny: 0.1234,
    });
    expect(r.times).toEqual({
      requested: "2026-12-06T02:00:00.000Z",
      running: "2026-12-06T02:04:12.000Z",
      verified: "2026-12-06T02:04:13.500Z",
      destroyRequested: "2026-12-06T02:04:14.000Z",
      destroyed: "2026-12-06T02:04:50.000Z",
    });
    expect(r.durations).toEqual({ restoreMs: 252_000, verifyMs: 1500, destroyMs: 36_000, totalMs: 290_000 });
    expect(JSON.stringify(r)).not.toContain("null");
  });

  it("not passed: an inconclusive verification, a clone not destroyed, a clone never delivered", () => {
    const inconclusive = drillReport({
      ...PASSED,
      verification: { ...(PASSED.verification as NonNullable<DrillRecord["verification"]>), verdict: "inconclusive" },
    });
    expect(inconclusive).toMatchObject({ passed: false, cleanedUp: true });
    const billing = drillReport({ ...PASSED, status: "destroying", times: { ...PASSED.times, destroyed: undefined } });
    expect(billing).toMatchObject({ passed: false, cleanedUp: false });
    expect(billing.durations).toEqual({ restoreMs: 252_000, verifyMs: 1500 });
    const { cloneInstanceId: _none, verification: _v, ...rest } = PASSED;
    const undelivered = drillReport({
      ...rest,
      status: "failed",
      times: { requested: T0 },
      error: { code: "FailedOperation.PayFailed", message: "the order was not paid" },
    });
    expect(undelivered).toMatchObject({ passed: false, cleanedUp: true, error: { code: "FailedOperation.PayFailed" } });
    expect(undelivered.durations).toEqual({});
  });
});

describe("the report's text", () => {
  it("en-US: the outcome, the times, the level and each check, the cost, the cleanup", () => {
    expect(renderDrillReport(drillReport(PASSED), drillEnUS)).toEqual([
      "Restore drill dr_5Kq2x9 of crs-sbx4ctlg",
      "Result: passed (restored, verified, clone destroyed)",
      "Backup: 1250000000-8362901-1796500000",
      "Clone: crs-lqz7y86j",
      "Clone requested: 2026-12-06T02:00:00.000Z",
      "Running after: 4 min 12 s (the restore's time)",
      "Verified in: 2 s",
      "Destroyed in: 36 s",
      "Verification: data level, verified (the clone's address answered PING)",
      "Keys: 27",
      "Memory used: 1.1 MB",
      "  PING with the password: ok",
      "  Key count at least 10: ok (27 found)",
      "  Key product:count exists: ok",
      "Estimated cost: 0.12 CNY",
      "Clone destroyed: nothing left billing",
    ]);
  });

  it("zh-CN: the same facts, no English sentence of ours", () => {
    const failed = drillReport({
      ...PASSED,
      status: "destroying",
      times: { ...PASSED.times, destroyed: undefined },
      verification: {
        level: "cloud",
        verdict: "failed",
        why: "unreachable",
        reason: "the clone's address 10.0.1.20:6379 did not answer (connect ETIMEDOUT)",
        checks: [
          { name: "running", status: "pass", detail: "running (status 2)" },
          { name: "memory", status: "fail", detail: "x", observed: 2_097_152, expected: 52_428_800 },
          { name: "ping", status: "fail", detail: "WRONGPASS", auth: false },
          { name: "required_key", key: "orders:index", status: "fail", detail: "missing" },
        ],
        durationMs: 10,
      },
      error: { code: "ResourceUnavailable.InstanceStatusError", message: "忙" },
    });
    const lines = renderDrillReport(failed, drillZhCN);
    expect(lines).toContain("结果：进行中");
    expect(lines).toContain("校验：云端级，失败（从本服务无法连通克隆实例的地址）");
    expect(lines).toContain("  已用内存与备份大小相符：失败（已用 2.0 MB，备份 50.0 MB）");
    expect(lines).toContain("  键 orders:index 存在：失败");
    expect(lines).toContain("克隆实例尚未销毁：仍在计费");
    expect(lines).toContain("  PING（免密）：失败（WRONGPASS）");
    expect(lines).toContain("运行用时：4 分 12 秒（即恢复用时）");
    expect(englishSentences(lines.join("\n"))).toEqual([]);
    expect(renderDrillReport(drillReport(PASSED), drillZhCN)).toContain(
      "校验：数据级，通过（克隆实例的地址响应了 PING）",
    );
  });

  it("both languages say each outcome and duration", () => {
    for (const x of Object.values(DRILL_TEXTS)) {
      expect(new Set(["passed", "running", "not_passed"].map((o) => x.outcome(o as "passed")))).toHaveProperty(
        "size",
        3,
      );
      expect(x.duration(3_725_000)).toMatch(/^1 \S+ 2 \S+ 5 \S+$/);
      expect(x.duration(400)).toMatch(/^0 \S+$/);
    }
  });
});

describe("the restore plan's last drill", () => {
  it("names the backup, the restore's time and the day, and the level reached", () => {
    expect(lastDrillLine(PASSED, drillEnUS)).toBe(
      "backup 1250000000-8362901-1796500000 restored in 4 min 12 s on 2026-12-06, data verified",
    );
    expect(lastDrillLine(PASSED, drillZhCN)).toBe(
      "备份 1250000000-8362901-1796500000 于 2026-12-06 演练恢复，用时 4 分 12 秒，数据已校验",
    );
    const pit = { ...PASSED, backupId: undefined, pointInTime: "2026-12-05T23:30:00.000Z" };
    expect(lastDrillLine(pit, drillEnUS)).toBe(
      "point in time 2026-12-05T23:30:00.000Z restored in 4 min 12 s on 2026-12-06, data verified",
    );
    expect(lastDrillLine(undefined, drillEnUS)).toBeUndefined();
    expect(lastDrillLine({ ...PASSED, status: "destroying" }, drillEnUS)).toBeUndefined();
  });
});
