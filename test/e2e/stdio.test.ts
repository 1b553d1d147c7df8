import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { until } from "../helpers/follow.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { DIST_ENTRY, type StdioSession, startStdio } from "../helpers/stdio.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

describe("the built server over stdio", () => {
  describe("--sandbox", () => {
    let s: StdioSession;
    beforeAll(async () => {
      s = await startStdio(["--sandbox", "--confirm", "none"], { TENCENTCLOUD_REDIS_LOG_LEVEL: "info" });
    });
    afterAll(() => s.close());

    it("answers tools/list with the public tools", async () => {
      const { tools } = await s.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(PUBLIC_TOOLS);
      expect(s.client.getServerVersion()?.name).toBe("tencentcloud-redis-mcp");
    });

    it("restores and follows the task to succeed", async () => {
      const instanceId = SANDBOX_INSTANCE_IDS.orders;
      const backups = sc(await s.call("list_backups", { instanceId })).backups as Array<{ restorable: boolean; backupId: string }>;
      const backupId = backups.find((b) => b.restorable)?.backupId;
      const r = await s.call("restore_instance", { instanceId, backupId });
      expect(sc(r)).toMatchObject({ status: "submitted", passwordSource: "env" });
      let status = "";
      for (let i = 0; i < 200 && status !== "succeed"; i++) {
        status = sc(await s.call("check_task", { taskId: sc(r).taskId })).status;
        if (status !== "succeed") await new Promise((res) => setTimeout(res, 100));
      }
      expect(status).toBe("succeed");
      expect(s.stderr()).toContain("sandbox mode");
    });
  });

  describe("against a fake given by environment", () => {
    let fake: FakeCloud;
    beforeAll(async () => {
      fake = await FakeCloud.start({ preparingMs: 20, runningMs: 40 });
    });
    afterAll(() => fake.close());

    it("signs with TC3 and the fake verifies it", async () => {
      const s = await startStdio([], fakeEnv(fake));
      try {
        const r = await s.call("list_instances", {});
        expect(r.isError).toBeFalsy();
        expect(fake.requests.at(-1)).toMatchObject({ action: "DescribeInstances", signatureVerified: true });
        expect(fake.requests.at(-1)?.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKID/);
        expect(fake.requests.at(-1)?.headers["x-tc-version"]).toBe("2018-04-12");
      } finally {
        await s.close();
      }
    });

    it("read-only: offers the read tools only, and its ready line names exactly those", async () => {
      const s = await startStdio(["--read-only"], fakeEnv(fake, { TENCENTCLOUD_REDIS_LOG_LEVEL: "info" }));
      try {
        const { tools } = await s.client.listTools();
        const names = tools.map((t) => t.name);
        expect(names).toEqual(["list_instances", "list_backups", "check_task"]);
        expect(await until(() => s.stderr().includes("tencentcloud-redis-mcp ready"))).toBe(true);
        expect(s.stderr()).toContain(`tools=${names.join(",")} `);
      } finally {
        await s.close();
      }
    });

    it("starts and lists its tools without credentials; calls then fail with CredentialsMissing", async () => {
      // the CVM metadata service is fetched through http_proxy: a closed loopback port, nothing leaves loopback
      const env = fakeEnv(fake, { HOME: "/nonexistent-home", http_proxy: "http://127.0.0.1:9" });
      delete (env as Record<string, string | undefined>).TENCENTCLOUD_SECRET_ID;
      delete (env as Record<string, string | undefined>).TENCENTCLOUD_SECRET_KEY;
      const s = await startStdio([], env);
      try {
        expect((await s.client.listTools()).tools).toHaveLength(PUBLIC_TOOLS.length);
        const r = await s.call("list_instances", {});
        expect(sc(r).error.code).toBe("ClientError.CredentialsMissing");
        expect(s.stderr()).toMatch(/--sandbox/);
      } finally {
        await s.close();
      }
    });
  });

  it("exits non-zero on bad configuration, naming the variable", () => {
    const run = spawnSync(process.execPath, [DIST_ENTRY], {
      env: { PATH: process.env.PATH, TENCENTCLOUD_REDIS_ENDPOINT: "ftp://nope" },
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("TENCENTCLOUD_REDIS_ENDPOINT");
    expect(run.stdout).toBe("");
  });
});
