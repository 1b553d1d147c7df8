// The clone route over stdio against the built server (dist/), pointed at a real-data sandbox in this process:
// the methods listed, one CloneInstances (a lost answer not resent), check_task following the clone, the switch
// and its undo with real data read at the same address, a Memcached instance refused.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { redisAt, requireRedisServer } from "../helpers/redis.js";
import { type StdioSession, startStdio } from "../helpers/stdio.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";

const read = (host: string, port: number, key: string) => redisAt(host, port, PASSWORD, "GET", key);
const write = (host: string, port: number, key: string, value: string) => redisAt(host, port, PASSWORD, "SET", key, value);

describe("the clone route over stdio (built server)", () => {
  let sandbox: Sandbox;
  let s: StdioSession;
  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 20, runningMs: 60, cloneMs: 100 });
    s = await startStdio([], fakeEnv(sandbox.fake, { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: PASSWORD }));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await sandbox?.close();
  });

  it("lists each instance's restore method", async () => {
    const listed = sc(await s.call("list_instances", {}));
    const method = Object.fromEntries(listed.instances.map((i: { instanceId: string; restoreMethod: string }) => [i.instanceId, i.restoreMethod]));
    expect(method[SANDBOX_INSTANCE_IDS.orders]).toBe("in_place");
    expect(method[SANDBOX_INSTANCE_IDS.reports]).toBe(undefined); // another region
    expect(method[CATALOG]).toBe("clone");
    expect(method[SANDBOX_INSTANCE_IDS.events]).toBe("clone");
  });

  it("clones (a lost answer is not resent), follows, switches: the same address answers the restored data; undo", async () => {
    const address = sandbox.fake.state.getInstance(CATALOG);
    const host = address?.WanIp ?? "";
    const port = address?.Port ?? 0;
    const good = String(await read(host, port, "product:1"));
    await write(host, port, "product:1", "CORRUPTED");

    const backups = sc(await s.call("list_backups", { instanceId: CATALOG })).backups as Array<{ restorable: boolean; backupId: string }>;
    const backupId = backups.find((b) => b.restorable)?.backupId;
    sandbox.fake.reset();
    sandbox.fake.inject("CloneInstances", { kind: "drop", phase: "after" }, 1);
    const r = await s.call("restore_instance", { instanceId: CATALOG, backupId });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "cloning", method: "clone", recovered: true });
    expect(sandbox.fake.count("CloneInstances")).toBe(1);
    const cloneId = sc(r).cloneInstanceId as string;

    const follow = sc(await s.call("check_task", { instanceId: cloneId, waitSeconds: 120 }));
    expect(follow).toMatchObject({ kind: "clone", status: "running", done: true });
    expect(await read(host, port, "product:1")).toBe("CORRUPTED");

    const switched = await s.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    expect(switched.isError, JSON.stringify(switched)).toBeFalsy();
    expect(sc(switched).address).toEqual({ host, port });
    expect(await read(host, port, "product:1")).toBe(good);

    const undo = await s.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(undo.isError, JSON.stringify(undo)).toBeFalsy();
    expect(await read(host, port, "product:1")).toBe("CORRUPTED");
    expect(sandbox.fake.count("ModifyNetworkConfig")).toBe(4);
    await write(host, port, "product:1", good);
  }, 120_000);

  it("refuses a Memcached instance, sending nothing", async () => {
    const events = SANDBOX_INSTANCE_IDS.events;
    sandbox.fake.state.updateInstance(events, { Type: 200 });
    try {
      sandbox.fake.reset();
      const r = await s.call("restore_instance", { instanceId: events, backupId: "1" });
      expect(sc(r).error.code).toBe("ClientError.EditionUnsupported");
      expect(sandbox.fake.requests.every((q) => q.action.startsWith("Describe"))).toBe(true);
    } finally {
      sandbox.fake.state.updateInstance(events, { Type: 18 });
    }
  });
});
