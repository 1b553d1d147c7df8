import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLOUD_ACTIONS, type CloudAction } from "../../src/cloud/api.js";
import { loadConfig } from "../../src/config.js";
import { type DoctorReport, renderText, runDoctor } from "../../src/doctor/index.js";
import { Logger } from "../../src/log.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/seed.js";
import { FakeSts } from "../helpers/credential-fakes.js";
import { fakeEnv } from "../helpers/harness.js";
import { startStateRedis } from "../helpers/state-redis.js";

// The doctor against the fake, scenario by scenario: what it says, and its exit status.

const ALL = [
  "DescribeInstances",
  "DescribeInstanceBackups",
  "DescribeTaskInfo",
  "DescribeTaskList",
  "RestoreInstance",
  "ManualBackupInstance",
  "DescribeInstanceSecurityGroup",
  "InquiryPriceCreateInstance",
  "DescribeInstanceDealDetail",
  "DescribeSecondLevelBackupInfo",
  "CloneInstances",
  "ModifyNetworkConfig",
  "DestroyPostpaidInstance",
];

/** Every action that changes something: each is probed only with an instance that cannot exist. */
const WRITES = (Object.keys(CLOUD_ACTIONS) as CloudAction[]).filter((a) => !CLOUD_ACTIONS[a].readOnly);

describe("doctor", () => {
  let fake: FakeCloud;
  const lines: string[] = [];
  beforeAll(async () => {
    fake = await FakeCloud.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.clockSkewMs = 0;
    fake.addCredential(SANDBOX_CREDENTIALS); // clears denials
    lines.length = 0;
  });

  async function doctor(env: Record<string, string> = {}, argv: string[] = []): Promise<DoctorReport> {
    const config = loadConfig(argv, fakeEnv(fake, { TENCENTCLOUD_REDIS_LOG_LEVEL: "debug", ...env }));
    return runDoctor(config, new Logger("debug", (l) => lines.push(l)));
  }

  it("all allowed: ok, every action allowed, the source named without its secret, a table for people", async () => {
    const r = await doctor();
    expect(r.ok).toBe(true);
    expect(r.actions).toEqual(Object.fromEntries(ALL.map((a) => [a, "allowed"])));
    expect(r.credentials).toMatchObject({ found: true, authenticates: true, kind: "environment", temporary: false });
    expect(r.credentials.secretId).toBe("AKID...0000");
    expect(r.endpoint).toMatchObject({ reached: true, region: "ap-guangzhou", connectedTo: `127.0.0.1:${fake.port}` });
    expect(Math.abs(r.endpoint.clockSkewSeconds ?? 99)).toBeLessThanOrEqual(1);
    expect(r.endpoint.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.missing).toEqual([]);
    // writes were probed only with an instance that cannot exist: nothing restored, backed up, bought, moved or destroyed
    const instances = fake.state.listInstances().map((i) => [i.InstanceId, i.WanIp, i.Port]);
    for (const action of WRITES) {
      const sent = fake.requests.filter((q) => q.action === action);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.params).toMatchObject({ InstanceId: "crs-doctor-probe-does-not-exist" });
      expect(sent[0]?.errorCode).toBe("ResourceNotFound.InstanceNotExists");
    }
    expect(fake.state.listTasks()).toEqual([]);
    expect(fake.state.listInstances().map((i) => [i.InstanceId, i.WanIp, i.Port])).toEqual(instances);
    expect(r.probes.InquiryPriceCreateInstance).toMatchObject({ code: "InvalidParameterValue.SpecNotExist" });
    const text = renderText(r);
    expect(text).toContain("OK: everything the configured tools need works.");
    expect(text).toMatch(/RestoreInstance\s+allowed\s+\(ResourceNotFound\.InstanceNotExists\)/);
    expect(text).toContain("cannot exist");
    expect(text).toContain("nothing can be restored, backed up, bought, moved or destroyed");
    expect(text).toContain("A policy limited to named instances may show");
    const everything = `${JSON.stringify(r)}${text}${lines.join("")}`;
    expect(everything).not.toContain(SANDBOX_CREDENTIALS.secretKey);
    expect(everything).not.toContain(SANDBOX_CREDENTIALS.secretId);
  });

  it("an assumed role: the source, its base, temporary, and when it expires", async () => {
    const sts = await new FakeSts(fake, [SANDBOX_CREDENTIALS]).listen();
    try {
      const r = await doctor({
        TENCENTCLOUD_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/redis-restore",
        TENCENTCLOUD_ROLE_DURATION_SECONDS: "3600",
        TENCENTCLOUD_STS_ENDPOINT: sts.url,
      });
      expect(r.ok).toBe(true);
      const issued = sts.issued[0];
      expect(r.credentials).toMatchObject({
        kind: "assumed-role",
        temporary: true,
        authenticates: true,
        expiresAt: new Date((issued?.expiredTime ?? 0) * 1000).toISOString(),
      });
      expect(r.credentials.source).toContain("qcs::cam::uin/100000000001:roleName/redis-restore");
      expect(r.credentials.base).toContain("TENCENTCLOUD_SECRET_ID");
      expect(renderText(r)).toMatch(/expires\s+\d{4}-\d{2}-\d{2}T.*\(in 3[56]\d\d s/);
      const everything = `${JSON.stringify(r)}${renderText(r)}${lines.join("")}`;
      expect(everything).not.toContain(issued?.secretKey);
      expect(everything).not.toContain(issued?.token);
    } finally {
      await sts.close();
    }
  });

  it("restore denied: not ok, RestoreInstance denied, and the missing statement is printed", async () => {
    fake.deny(SANDBOX_CREDENTIALS.secretId, ["RestoreInstance"]);
    const r = await doctor();
    expect(r.ok).toBe(false);
    expect(r.actions.RestoreInstance).toBe("denied");
    expect(r.actions.DescribeInstances).toBe("allowed");
    expect(r.missing).toEqual(["RestoreInstance"]);
    expect(r.missingPolicy).toEqual({
      version: "2.0",
      statement: [{ effect: "allow", action: ["redis:RestoreInstance"], resource: ["*"] }],
    });
    const text = renderText(r);
    expect(text).toMatch(/RestoreInstance\s+DENIED\s+\(AuthFailure\.UnauthorizedOperation\)/);
    expect(text).toContain("NOT OK");
    expect(text).toContain('"redis:RestoreInstance"');
  });

  it("restore denied but the server is read-only: ok (the restore is not needed)", async () => {
    fake.deny(SANDBOX_CREDENTIALS.secretId, ["RestoreInstance"], "UnauthorizedOperation.NoCAMAuthed");
    const r = await doctor({}, ["--read-only"]);
    expect(r.actions.RestoreInstance).toBe("denied");
    expect(r.probes.RestoreInstance).toMatchObject({ needed: false, code: "UnauthorizedOperation.NoCAMAuthed" });
    expect(r.ok).toBe(true);
  });

  it("reads denied: authenticated, but the reads are denied and listed as missing", async () => {
    fake.deny(SANDBOX_CREDENTIALS.secretId, ["DescribeInstances", "DescribeInstanceBackups"]);
    const r = await doctor();
    expect(r.ok).toBe(false);
    expect(r.credentials.authenticates).toBe(true);
    expect(r.actions).toMatchObject({
      DescribeInstances: "denied",
      DescribeInstanceBackups: "denied",
      DescribeTaskInfo: "allowed",
      RestoreInstance: "allowed",
    });
    expect(r.missing.sort()).toEqual(["DescribeInstanceBackups", "DescribeInstances"]);
    expect(r.missingPolicy?.statement[0]?.action.sort()).toEqual([
      "redis:DescribeInstanceBackups",
      "redis:DescribeInstances",
    ]);
  });

  it("bad key: does not authenticate, every action unknown (never allowed), no secret shown", async () => {
    const r = await doctor({ TENCENTCLOUD_SECRET_KEY: "a-wrong-secret-key" });
    expect(r.ok).toBe(false);
    expect(r.credentials).toMatchObject({ found: true, authenticates: false });
    expect(r.credentials.error?.code).toBe("AuthFailure.SignatureFailure");
    expect(Object.values(r.actions)).toEqual(ALL.map(() => "unknown"));
    const text = renderText(r);
    expect(text).toContain("the credentials were refused: AuthFailure.SignatureFailure");
    expect(`${text}${JSON.stringify(r)}${lines.join("")}`).not.toContain("a-wrong-secret-key");
  });

  it("clock skew beyond the API's window: the skew is measured and the calls are refused", async () => {
    fake.clockSkewMs = -400_000; // this machine runs 400 s ahead of the API
    const r = await doctor();
    expect(r.ok).toBe(false);
    expect(r.credentials.authenticates).toBe(false);
    expect(r.credentials.error?.code).toBe("AuthFailure.SignatureExpire");
    expect(r.endpoint.clockSkewSeconds).toBeGreaterThanOrEqual(399);
    expect(r.endpoint.clockSkewSeconds).toBeLessThanOrEqual(401);
    expect(renderText(r)).toMatch(/clock skew\s+(399|400|401) s ahead of the API's clock/);
  });

  it("a small clock skew works but is warned about", async () => {
    fake.clockSkewMs = 120_000; // 120 s behind
    const r = await doctor();
    expect(r.ok).toBe(true);
    expect(r.endpoint.clockSkewSeconds).toBeLessThanOrEqual(-119);
    expect(r.warnings.join()).toMatch(/clock skew -1[12]\d s/);
    expect(renderText(r)).toContain("Fix it with NTP");
  });

  it("the cloud unreachable: every action unknown, not ok", async () => {
    const closed = await FakeCloud.start();
    const url = closed.url;
    await closed.close();
    const r = await doctor({ TENCENTCLOUD_REDIS_ENDPOINT: url });
    expect(r.ok).toBe(false);
    expect(r.endpoint.reached).toBe(false);
    expect(r.endpoint.error?.code).toBe("ClientError.NetworkError");
    expect(Object.values(r.actions)).toEqual(ALL.map(() => "unknown"));
  });

  it("an audit log that cannot be written: not ok", async () => {
    const r = await doctor({ TENCENTCLOUD_REDIS_AUDIT_LOG: "/nonexistent-dir-for-doctor/audit.jsonl" });
    expect(r.settings.auditLog).toMatchObject({ writable: false });
    expect(r.ok).toBe(false);
    const dir = mkdtempSync(path.join(tmpdir(), "doctor-audit-"));
    try {
      const ok = await doctor({ TENCENTCLOUD_REDIS_AUDIT_LOG: path.join(dir, "audit.jsonl") });
      expect(ok.settings.auditLog).toMatchObject({ writable: true });
      expect(ok.ok).toBe(true);
      expect(existsSync(path.join(dir, "audit.jsonl"))).toBe(false); // checked, not created
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the shared state's Redis: reachable, or not ok", async () => {
    const redis = await startStateRedis();
    try {
      const ok = await doctor({ TENCENTCLOUD_REDIS_STATE_URL: redis.url });
      expect(ok.settings.sharedState).toEqual({ store: `redis://127.0.0.1:${redis.port}`, reachable: true });
      expect(ok.ok).toBe(true);
      expect(renderText(ok)).toContain(`shared state`);
      await redis.kill();
      const down = await doctor({ TENCENTCLOUD_REDIS_STATE_URL: redis.url });
      expect(down.settings.sharedState).toMatchObject({ reachable: false });
      expect(down.ok).toBe(false);
      expect(renderText(down)).toMatch(/NOT reachable/);
      expect((await doctor()).settings.sharedState).toBeNull();
    } finally {
      await redis.close();
    }
  }, 30_000);

  it("the built command: --json prints one object on stdout, exit 0 when all works and 1 when not", async () => {
    const entry = path.resolve("dist/index.js");
    if (!existsSync(entry)) throw new Error("dist/index.js is missing: run npm run build first (npm test does)");
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [entry, "doctor", "--json", "--region", "ap-guangzhou"],
          { env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), ...fakeEnv(fake), ...env }, timeout: 30_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const good = await run({});
    expect(good.code).toBe(0);
    const report = JSON.parse(good.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.actions.RestoreInstance).toBe("allowed");
    fake.deny(SANDBOX_CREDENTIALS.secretId, ["RestoreInstance"]);
    const bad = await run({});
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, actions: { RestoreInstance: "denied" } });
    expect(`${good.stdout}${good.stderr}${bad.stdout}${bad.stderr}`).not.toContain(SANDBOX_CREDENTIALS.secretKey);
  });
});
