// The drill's pieces together on the sandbox with real data, the way the drill operation will chain them: a
// pay-as-you-go clone of a backup (CloneInstances through the server's client), the drill recorded in the ledger,
// the clone verified at data level at the address the cloud gives it (AUTH with the source's password), then
// DestroyPostpaidInstance followed to its end, and the report. For a Redis 6.2 instance with a password and a
// Redis 7.0 cluster without one; the source's data and address stay as they were. The published example answers
// TaskId as a string of digits ("6954227"), as the fake does: Number() reads both.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallOptions } from "../../src/cloud/api.js";
import { TencentRedisClient } from "../../src/cloud/client.js";
import { loadConfig } from "../../src/config.js";
import { drillReport, lastDrillLine, renderDrillReport } from "../../src/drill/report.js";
import { verifyClone } from "../../src/drill/verify.js";
import { drillEnUS } from "../../src/i18n/drill.js";
import { Logger } from "../../src/log.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { SANDBOX_CREDENTIALS, SANDBOX_DATA, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { lastPassedDrill, MemoryDrills } from "../../src/safety/state/drills.js";
import { Secret } from "../../src/secret.js";
import { requireRedisServer } from "../helpers/redis.js";
import { until } from "../sandbox/helpers.js";

const REGION: CallOptions = { region: "ap-guangzhou" };

describe("a drill's pieces on the sandbox", () => {
  let sandbox: Sandbox;
  let api: TencentRedisClient;
  const drills = new MemoryDrills();

  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60, cloneMs: 200 });
    api = new TencentRedisClient(
      loadConfig([], {
        TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
        TENCENTCLOUD_REGION: REGION.region,
        TENCENTCLOUD_REDIS_ENDPOINT: sandbox.fake.url,
        TENCENTCLOUD_REDIS_MAX_RETRIES: "0",
      }),
      new Logger("error", () => {}),
    );
  });
  afterAll(async () => {
    api?.close();
    await sandbox?.close();
  });

  const describeOne = async (id: string) => (await api.describeInstances({ InstanceId: id }, REGION)).InstanceSet[0];

  it.each([
    ["Redis 6.2 with a password", SANDBOX_INSTANCE_IDS.catalog, "product:count"],
    ["Redis 7.0 cluster, password-free", SANDBOX_INSTANCE_IDS.events, "event:2"],
  ])("%s: cloned, verified at data level, destroyed, reported", async (_what, sourceId, key) => {
    const source = await describeOne(sourceId);
    if (!source) throw new Error(`no ${sourceId} in the sandbox`);
    const home = { host: String(source.WanIp), port: Number(source.Port) };
    const password = source.NoAuth ? undefined : SANDBOX_PASSWORDS[sourceId];
    const [backup] = (await api.describeInstanceBackups({ InstanceId: sourceId }, REGION)).BackupSet;
    const groups = await api.describeInstanceSecurityGroup({ InstanceIds: [sourceId] }, REGION);
    const drillId = `dr_${sourceId}`;
    const requested = Date.now();
    await drills.create({
      drillId,
      region: REGION.region,
      sourceInstanceId: sourceId,
      backupId: backup?.BackupId,
      times: { requested },
      status: "cloning",
    });
    const clone = await api.cloneInstances(
      {
        InstanceId: sourceId,
        GoodsNum: 1,
        ZoneId: Number(source.ZoneId),
        BillingMode: 0,
        Period: 1,
        SecurityGroupIdList: (groups.InstanceSecurityGroupsDetail[0]?.SecurityGroupDetails ?? []).map(
          (g) => g.SecurityGroupId,
        ),
        BackupId: String(backup?.BackupId),
        VpcId: source.UniqVpcId,
        SubnetId: source.UniqSubnetId,
        VPort: source.Port,
        InstanceName: `drill-${sourceId}`,
        ResourceTags: [{ TagKey: "tencentcloud-redis-mcp-drill", TagValue: drillId }],
        ...(password === undefined ? { NoAuth: true } : { Password: password }),
      },
      REGION,
    );
    const cloneId = String(clone.InstanceIds[0]);
    await drills.transition(drillId, ["cloning"], { cloneInstanceId: cloneId, dealName: clone.DealName });
    const running = await until(
      () => describeOne(cloneId),
      (i) => i?.Status === 2,
      `${cloneId} running`,
    );
    await drills.transition(drillId, ["cloning"], { status: "verifying", times: { running: Date.now() } });

    const verification = await verifyClone(
      {
        host: String(running?.WanIp),
        port: Number(running?.Port),
        password: password === undefined ? undefined : new Secret(password),
      },
      {
        probes: { requiredKeys: [key], minKeys: 1 },
        cloud: async () => {
          throw new Error("the clone's address answers on the sandbox: the cloud level is not needed");
        },
      },
    );
    expect(verification).toMatchObject({ level: "data", verdict: "verified", why: "answered" });
    expect(verification.checks[0]).toMatchObject({ name: "ping", status: "pass", auth: password !== undefined });
    const backupData = SANDBOX_DATA[sourceId]?.at(-1) ?? {};
    expect(verification.keys).toBeGreaterThanOrEqual(1);
    expect(Object.keys(backupData)).toContain(key);

    const destroy = await api.destroyPostpaidInstance({ InstanceId: cloneId }, REGION);
    await drills.transition(drillId, ["verifying"], {
      status: "destroying",
      verification,
      destroyTaskId: Number(destroy.TaskId),
      times: { verified: Date.now(), destroyRequested: Date.now() },
    });
    const task = await until(
      () => api.describeTaskInfo({ TaskId: Number(destroy.TaskId) }, REGION),
      (t) => ["succeed", "failed", "error"].includes(t.Status),
      "the destroy",
    );
    expect(task.Status).toBe("succeed");
    expect((await describeOne(cloneId))?.Status).toBe(-2);
    const done = await drills.transition(drillId, ["destroying"], {
      status: "completed",
      times: { destroyed: Date.now() },
    });
    if (!done) throw new Error("the drill did not complete");

    const report = drillReport(done);
    expect(report).toMatchObject({ passed: true, cleanedUp: true, cloneInstanceId: cloneId });
    expect(report.durations.restoreMs).toBeGreaterThanOrEqual(200);
    const text = renderDrillReport(report, drillEnUS).join("\n");
    expect(text).toContain("Result: passed");
    if (password) expect(`${text}${JSON.stringify(report)}`).not.toContain(password);
    expect(lastDrillLine(await lastPassedDrill(drills, REGION.region, sourceId), drillEnUS)).toMatch(
      new RegExp(`^backup ${backup?.BackupId} restored in \\d+ s on \\d{4}-\\d{2}-\\d{2}, data verified$`),
    );

    // the source: same address, its data answering there
    const after = await describeOne(sourceId);
    expect(after).toMatchObject({ Status: 2, WanIp: home.host, Port: home.port });
    const c = await RespClient.connect(home.port, home.host, password);
    try {
      expect(await c.command("GET", key)).toBe(backupData[key]);
    } finally {
      c.close();
    }
    // nothing but the clone was destroyed
    const closes = sandbox.fake.requests
      .filter((r) => r.action === "DestroyPostpaidInstance")
      .map((r) => r.params as { InstanceId?: unknown });
    expect(closes.at(-1)).toEqual({ InstanceId: cloneId });
    expect(closes.some((p) => p.InstanceId === sourceId)).toBe(false);
  });
});
