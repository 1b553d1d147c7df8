// The sandbox with real data: a restore drill through the MCP tools against redis-server processes.

import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, STATE_ONLY_NOTE } from "../../src/sandbox/index.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { SANDBOX_DATA, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { alive, requireRedisServer } from "../helpers/redis.js";
import { sdkClient } from "./helpers.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const ORDERS_PASSWORD = SANDBOX_PASSWORDS[ORDERS] ?? "";

describe("sandbox backed by redis-server", () => {
  let sandbox: Sandbox;
  let h: Harness;
  let port: number;
  let host: string;

  const redis = () => RespClient.connect(port, host, ORDERS_PASSWORD);
  const get = async (...keys: string[]) => {
    const client = await redis();
    try {
      return await client.command("MGET", ...keys);
    } finally {
      client.close();
    }
  };
  const set = async (pairs: Record<string, string>) => {
    const client = await redis();
    try {
      for (const [k, v] of Object.entries(pairs)) await client.command("SET", k, v);
    } finally {
      client.close();
    }
  };
  /** restore_instance (through a confirmation step when the server asks for one), then check_task to the end. */
  const restore = async (backupId: string, extra: Record<string, unknown> = {}) => {
    const args = { instanceId: ORDERS, backupId, ...extra };
    let r = sc(await h.call("restore_instance", args));
    if (r.status === "confirmation_required")
      r = sc(await h.call("restore_instance", { ...args, confirmToken: r.confirmToken }));
    if (r.error) return r;
    const seen: string[] = [];
    for (let i = 0; i < 500; i++) {
      const t = sc(await h.call("check_task", { taskId: r.taskId }));
      if (seen.at(-1) !== t.status) seen.push(t.status);
      if (t.done) return { ...t, seen };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("the restore task did not finish");
  };

  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60 });
    h = await startHarness({
      sharedFake: sandbox.fake,
      env: { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: ORDERS_PASSWORD },
    });
    const instances = sc(await h.call("list_instances", {})).instances as Array<Record<string, unknown>>;
    const orders = instances.find((i) => i.instanceId === ORDERS);
    // its address: a loopback VIP of its own (a listener that forwards to its redis-server)
    expect(orders).toMatchObject({ host: expect.stringMatching(/^127\.\d+\.1\.11$/), status: "running" });
    port = orders?.port as number;
    host = orders?.host as string;
  });
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  it("starts each running instance with its seed data, behind its password", async () => {
    const live = SANDBOX_DATA[ORDERS]?.at(-1) ?? {};
    expect(await get(...Object.keys(live))).toEqual(Object.values(live));
    expect(sandbox.redis?.ports().size).toBe(5);
    await expect(RespClient.connect(port, host, "wrong")).rejects.toThrow(/WRONGPASS|invalid/);
    const noAuth = await RespClient.connect(port, host);
    await expect(noAuth.command("GET", "orders:1001")).rejects.toThrow(/NOAUTH/);
    noAuth.close();
  });

  it("drill: write, snapshot, break, restore through the tools, and the data is back", async () => {
    await set({ "drill:a": "1", "drill:b": "before" });
    const { TaskId } = await sdkClient(sandbox.fake).ManualBackupInstance({ InstanceId: ORDERS, Remark: "drill" });
    expect(Number(TaskId)).toBeGreaterThan(0);
    const backups = sc(await h.call("list_backups", { instanceId: ORDERS })).backups as Array<Record<string, unknown>>;
    const snapshot = backups.find((b) => b.remark === "drill");
    expect(snapshot).toMatchObject({ restorable: true });

    await set({ "drill:a": "corrupted", "drill:b": "corrupted", "drill:c": "written after the backup" });
    const done = await restore(String(snapshot?.backupId));
    expect(done).toMatchObject({ status: "succeed", succeeded: true });
    expect(done.seen).toContain("running");
    expect(await get("drill:a", "drill:b", "drill:c")).toEqual(["1", "before", null]);
    // The same port and the same password after the restart.
    const instance = sandbox.fake.state.getInstance(ORDERS);
    expect(instance).toMatchObject({ Port: port, Status: 2 });
  });

  it("restoring an older seed backup brings back older data", async () => {
    const backups = sc(await h.call("list_backups", { instanceId: ORDERS })).backups as Array<Record<string, unknown>>;
    const oldest = backups.filter((b) => b.restorable).at(-1);
    expect(oldest?.type).toBe("automatic");
    expect(await restore(String(oldest?.backupId))).toMatchObject({ status: "succeed" });
    const first = SANDBOX_DATA[ORDERS]?.[0] ?? {};
    expect(await get(...Object.keys(first), "orders:1003")).toEqual([...Object.values(first), null]);
  });

  it("a wrong password is InvalidParameterValue.PasswordError and changes nothing", async () => {
    const other = await startHarness({ sharedFake: sandbox.fake });
    try {
      const backupId = (
        sc(await other.call("list_backups", { instanceId: ORDERS })).backups as Array<{
          backupId: string;
        }>
      )[0]?.backupId;
      const r = await other.call("restore_instance", { instanceId: ORDERS, backupId, password: "not-the-password" });
      expect(sc(r).error?.code).toBe("InvalidParameterValue.PasswordError");
      expect(JSON.stringify(r)).not.toContain(ORDERS_PASSWORD);
    } finally {
      await other.close();
    }
  });

  it("close() stops every redis-server and removes its directories", async () => {
    const other = await startSandbox({ preparingMs: 1, runningMs: 1 });
    const pids = other.redis?.pids() ?? [];
    const root = other.redis?.root ?? "";
    const addresses = other.redis?.listening() ?? [];
    expect(pids).toHaveLength(5);
    expect(addresses).toHaveLength(5);
    expect(pids.every(alive)).toBe(true);
    await other.close();
    expect(pids.filter(alive)).toEqual([]);
    // nothing listens at the instances' addresses any more
    for (const address of addresses) {
      const [ip, p] = address.split(":");
      await expect(RespClient.connect(Number(p), ip)).rejects.toThrow(/ECONNREFUSED/);
    }
    expect(existsSync(root)).toBe(false);
  });
});

describe("sandbox without redis-server", () => {
  it("runs state-only, says so, and shows no address", async () => {
    const sandbox = await startSandbox({ redisServer: false });
    try {
      expect(sandbox.redis).toBeUndefined();
      expect(sandbox.note).toBe(STATE_ONLY_NOTE);
      expect(sandbox.fake.state.getInstance(ORDERS)?.WanIp).toBe("");
    } finally {
      await sandbox.close();
    }
  });
});
