// `tencentcloud-redis-mcp sandbox-cloud`: the built server's entry serving the fake on its own, shared by two
// server processes as replicas share it (the container stage runs it in a Pod).
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS, SANDBOX_REGION } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { runToExit } from "../helpers/http-child.js";
import { until } from "../helpers/state-redis.js";
import { DIST_ENTRY, type StdioSession, startStdio } from "../helpers/stdio.js";

describe("sandbox-cloud", () => {
  let cloud: ChildProcess;
  let stderr = "";
  let url = "";
  const sessions: StdioSession[] = [];
  const requests = () =>
    stderr
      .split("\n")
      .filter((l) => l.includes('"sandbox cloud request"'))
      .map((l) => JSON.parse(l) as { action: string; region: string });

  beforeAll(async () => {
    cloud = spawn(process.execPath, [DIST_ENTRY, "sandbox-cloud", "--port", "0", "--running-ms", "200"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    cloud.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    await until("the fake logs its URL", () => /"url":"(http:[^"]+)"/.test(stderr));
    url = /"url":"(http:[^"]+)"/.exec(stderr)?.[1] ?? "";
  });
  afterAll(async () => {
    await Promise.allSettled(sessions.map((s) => s.close()));
    if (cloud.exitCode === null) cloud.kill("SIGKILL");
  });

  const replica = async () => {
    const s = await startStdio([], {
      TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
      TENCENTCLOUD_REGION: SANDBOX_REGION,
      TENCENTCLOUD_REDIS_ENDPOINT: url,
      TENCENTCLOUD_REDIS_CONFIRM: "none",
    });
    sessions.push(s);
    expect((await s.client.listTools()).tools.map((t) => t.name)).toContain("restore_instance");
    return s;
  };

  it("serves two servers one cloud: a restore through one is seen by the other, and logged once", async () => {
    const [a, b] = [await replica(), await replica()];
    const id = SANDBOX_INSTANCE_IDS.sessions;
    const backups = sc(await a.call("list_backups", { instanceId: id })).backups as Array<{ restorable: boolean; backupId: string }>;
    const backupId = backups.find((x) => x.restorable)?.backupId ?? "";
    const restored = sc(await a.call("restore_instance", { instanceId: id, backupId }));
    expect(restored.status).toBe("submitted");
    // the other server asks the same fake about the task the first one started
    const task = sc(await b.call("check_task", { taskId: restored.taskId, waitSeconds: 10 }));
    expect(task).toMatchObject({ done: true, succeeded: true });
    await until("the fake logged the task's polls", () => requests().some((r) => r.action === "DescribeTaskInfo"));
    expect(requests().filter((r) => r.action === "RestoreInstance")).toEqual([{ msg: "sandbox cloud request", action: "RestoreInstance", region: SANDBOX_REGION }]);
    expect(stderr).not.toContain(SANDBOX_CREDENTIALS.secretKey);
  });

  it("stops on SIGTERM with status 0", async () => {
    const exited = new Promise<number | null>((resolve) => cloud.once("exit", resolve));
    cloud.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses an unknown flag or a bad port with the usage line and status 2", async () => {
    for (const args of [["--prot", "9100"], ["--port", "99999"], ["--running-ms", "soon"]]) {
      const r = await runToExit(["sandbox-cloud", ...args], {});
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/usage: tencentcloud-redis-mcp sandbox-cloud/);
    }
  });
});
