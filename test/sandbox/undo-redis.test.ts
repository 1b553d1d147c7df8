// Undo, end to end on real redis-server data: the undo point taken with backup_instance brings back exactly the
// data from before a restore.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { SANDBOX_DATA, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { requireRedisServer } from "../helpers/redis.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const PASSWORD = SANDBOX_PASSWORDS[ORDERS] ?? "";

describe("undo a restore with the undo point (redis-server)", () => {
  let sandbox: Sandbox;
  let h: Harness;
  let port: number;
  let host: string;

  /** Every key of the instance with its string value, sorted. */
  const dump = async (): Promise<Record<string, string>> => {
    const client = await RespClient.connect(port, host, PASSWORD);
    try {
      const keys = ((await client.command("KEYS", "*")) as string[]).sort();
      const values = keys.length ? ((await client.command("MGET", ...keys)) as string[]) : [];
      return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? ""]));
    } finally {
      client.close();
    }
  };
  const write = async (pairs: Record<string, string>) => {
    const client = await RespClient.connect(port, host, PASSWORD);
    try {
      for (const [k, v] of Object.entries(pairs)) await client.command("SET", k, v);
    } finally {
      client.close();
    }
  };
  const follow = async (taskId: number) => {
    const t = sc(await h.call("check_task", { taskId, waitSeconds: 30 }));
    expect(t.done, JSON.stringify(t)).toBe(true);
    return t;
  };
  const restore = async (backupId: string) => {
    const r = sc(await h.call("restore_instance", { instanceId: ORDERS, backupId }));
    expect(r.status, JSON.stringify(r)).toBe("submitted");
    const t = await follow(r.taskId);
    expect(t).toMatchObject({ kind: "restore", status: "succeed" });
    return r;
  };

  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60 });
    h = await startHarness({ sharedFake: sandbox.fake, env: { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: PASSWORD } });
    port = sandbox.fake.state.getInstance(ORDERS)?.Port ?? 0;
    host = sandbox.fake.state.getInstance(ORDERS)?.WanIp ?? "";
  });
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  it("write keys, take the undo point, restore an older backup, then undo: exactly the data from before", async () => {
    await write({ "undo:a": "written today", "undo:b": "also today", "orders:count": "7" });
    const before = await dump();
    expect(before["undo:a"]).toBe("written today");

    const b = sc(await h.call("backup_instance", { instanceId: ORDERS, remark: "undo point before the drill" }));
    const made = await follow(b.taskId);
    expect(made).toMatchObject({
      kind: "backup",
      status: "succeed",
      backup: { remark: "undo point before the drill" },
    });
    const undoId = made.backup.backupId as string;

    // restore the oldest restorable backup: the seed's first data set
    const backups = sc(await h.call("list_backups", { instanceId: ORDERS })).backups as Array<Record<string, unknown>>;
    const oldest = backups.filter((x) => x.restorable).at(-1);
    expect(oldest?.type).toBe("automatic");
    const restored = await restore(String(oldest?.backupId));
    expect(restored.undoBackup).toMatchObject({ backupId: undoId, remark: "undo point before the drill" });
    expect(await dump()).toEqual(SANDBOX_DATA[ORDERS]?.[0]);

    // undo: the undo point is the newest backup, so its own plan has no undo backup
    const undone = await restore(undoId);
    expect(undone).not.toHaveProperty("undoBackup");
    expect(await dump()).toEqual(before);
  });
});
