// switch_address (docs/restore-methods.md) on the sandbox with real data: a client at the original's unchanged address reads the
// corrupted data; after the clone and the switch the same address answers the restored data; switching back
// undoes it. Interrupted switches resume without repeating a finished step; refusals send nothing.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { createServer } from "../../src/server.js";
import { connectClient } from "../helpers/client.js";
import { fakeEnv, type Harness, sc, startHarness } from "../helpers/harness.js";
import { redisAt, requireRedisServer } from "../helpers/redis.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";
const ENV = { TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: PASSWORD };
const KEY = "product:1";

const get = (a: { host: string; port: number }, key: string) => redisAt(a.host, a.port, PASSWORD, "GET", key);
const set = (a: { host: string; port: number }, key: string, value: string) =>
  redisAt(a.host, a.port, PASSWORD, "SET", key, value);

function addressOf(h: Harness, instanceId: string): { host: string; port: number } {
  const i = h.fake.state.getInstance(instanceId);
  return { host: i?.WanIp ?? "", port: i?.Port ?? 0 };
}

/** A clone of the catalog instance from its newest backup, running. */
async function makeClone(h: Harness): Promise<string> {
  const backups = sc(await h.call("list_backups", { instanceId: CATALOG }));
  const backupId = backups.backups.find((b: { restorable: boolean }) => b.restorable).backupId;
  const r = await h.call("restore_instance", { instanceId: CATALOG, backupId });
  expect(r.isError, JSON.stringify(r)).toBeFalsy();
  const cloneId = sc(r).cloneInstanceId as string;
  const follow = sc(await h.call("check_task", { instanceId: cloneId, waitSeconds: 120 }));
  expect(follow.status, JSON.stringify(follow)).toBe("running");
  return cloneId;
}

const modifies = (h: Harness) =>
  h.fake.requests.filter((q) => q.action === "ModifyNetworkConfig").map((q) => q.params as Record<string, unknown>);

describe("switch_address on the sandbox with real data", () => {
  let sandbox: Sandbox;
  let h: Harness;
  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 20, runningMs: 60, cloneMs: 100 });
    const audit = join(mkdtempSync(join(tmpdir(), "switch-")), "audit.jsonl");
    h = await startHarness({ sharedFake: sandbox.fake, env: { ...ENV, TENCENTCLOUD_REDIS_AUDIT_LOG: audit } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await sandbox?.close();
  });

  it("the same address answers the restored data after the switch, and the old data after the undo", async () => {
    const original = addressOf(h, CATALOG);
    const good = await get(original, KEY);
    expect(String(good)).toMatch(/lamp/);
    await set(original, KEY, "CORRUPTED");
    expect(await get(original, KEY)).toBe("CORRUPTED");

    const cloneId = await makeClone(h);
    expect(await get(original, KEY)).toBe("CORRUPTED"); // nothing changed for the original until the switch
    h.fake.reset();
    const r = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    expect(r.isError, JSON.stringify(r)).toBeFalsy();
    const s = sc(r);
    expect(s.status).toBe("switched");
    expect(s.address).toEqual(original);
    const steps = modifies(h);
    expect(steps).toHaveLength(2);
    expect(steps[0]).toEqual({ InstanceId: CATALOG, Operation: "changeVip", Recycle: 0 });
    expect(steps[1]).toEqual({ InstanceId: cloneId, Operation: "changeVip", Vip: original.host, VPort: original.port, Recycle: 0 });
    // the first step's task was followed to its end before the second was sent
    const actions = h.fake.requests.map((q) => q.action);
    const first = actions.indexOf("ModifyNetworkConfig");
    const second = actions.lastIndexOf("ModifyNetworkConfig");
    expect(actions.slice(first + 1, second)).toContain("DescribeTaskInfo");
    expect(s.addresses.find((a: { instanceId: string }) => a.instanceId === cloneId)).toMatchObject(original);
    const moved = s.addresses.find((a: { instanceId: string }) => a.instanceId === CATALOG);
    expect(moved.host).not.toBe(original.host);
    expect(s.undo).toBe(`switch_address { instanceId: "${cloneId}", toInstanceId: "${CATALOG}" }`);
    expect(s.billing).toMatch(/still bills/);
    expect(s.billing).toMatch(/never deletes it \(it deletes only its own restore drills' clones\)/);
    expect(s.billing).toMatch(/tccli redis DestroyPostpaidInstance --InstanceId crs-sbx5cat6/);

    expect(String(await get(original, KEY))).toMatch(/lamp/); // the same address, the restored data

    const undo = await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(undo.isError, JSON.stringify(undo)).toBeFalsy();
    expect(await get(original, KEY)).toBe("CORRUPTED"); // switched back: the original answers again
    expect(addressOf(h, CATALOG)).toEqual(original);
    await set(original, KEY, String(good));
  }, 120_000);

  it("an interrupted switch (its first task could not be followed) resumes without repeating step 1", async () => {
    const cloneId = await makeClone(h);
    const original = addressOf(h, CATALOG);
    h.fake.reset();
    h.fake.inject("DescribeTaskInfo", { kind: "status", status: 503 }, 20);
    const r = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    expect(r.isError).toBe(true);
    expect(sc(r).error.code).toBe("ClientError.SwitchInterrupted");
    expect(sc(r).error.message).toMatch(/stopped at step 1/);
    expect(sc(r).error.message).toMatch(new RegExp(`Now: ${CATALOG} at `));
    expect(modifies(h)).toHaveLength(1);
    h.fake.reset();
    const resumed = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    expect(resumed.isError, JSON.stringify(resumed)).toBeFalsy();
    expect(sc(resumed).resumed).toBe(true);
    expect(modifies(h)).toEqual([{ InstanceId: cloneId, Operation: "changeVip", Vip: original.host, VPort: original.port, Recycle: 0 }]);
    expect(addressOf(h, cloneId)).toEqual(original);
    const back = await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(back.isError, JSON.stringify(back)).toBeFalsy();
    expect(addressOf(h, CATALOG)).toEqual(original);
  }, 120_000);

  it("step 2 refused: the switch is kept with the original off its address, and resumes with step 2 only", async () => {
    const cloneId = await makeClone(h);
    const original = addressOf(h, CATALOG);
    h.fake.reset();
    h.fake.inject("ModifyNetworkConfig", { kind: "delay", ms: 1 }, 1);
    h.fake.inject("ModifyNetworkConfig", { kind: "error", code: "FailedOperation.SystemError", message: "injected" }, 1);
    const r = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    expect(r.isError).toBe(true);
    expect(sc(r).error.code).toBe("ClientError.SwitchInterrupted");
    expect(sc(r).error.message).toMatch(/stopped at step 2/);
    expect(addressOf(h, CATALOG).host).not.toBe(original.host);
    // the other direction is refused while this switch is unfinished
    const reverse = await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(sc(reverse).error.code).toBe("ClientError.SwitchRefused");
    h.fake.reset();
    const resumed = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    expect(resumed.isError, JSON.stringify(resumed)).toBeFalsy();
    expect(modifies(h).map((p) => p.InstanceId)).toEqual([cloneId]);
    expect(addressOf(h, cloneId)).toEqual(original);
    await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(addressOf(h, CATALOG)).toEqual(original);
  }, 120_000);

  it("refuses, sending nothing: not a clone of each other, another subnet, the same instance", async () => {
    const cloneId = await makeClone(h);
    h.fake.reset();
    const notClone = await h.call("switch_address", { instanceId: ORDERS, toInstanceId: CATALOG });
    expect(sc(notClone).error.code).toBe("ClientError.SwitchRefused");
    expect(sc(notClone).error.message).toMatch(/not an instance and a clone of it/);
    const same = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: CATALOG });
    expect(sc(same).error.code).toBe("ClientError.SwitchRefused");
    const subnet = h.fake.state.getInstance(cloneId)?.UniqSubnetId;
    h.fake.state.updateInstance(cloneId, { UniqSubnetId: "subnet-sbx00002" });
    const other = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    h.fake.state.updateInstance(cloneId, { UniqSubnetId: subnet });
    expect(sc(other).error.code).toBe("ClientError.SwitchRefused");
    expect(sc(other).error.message).toMatch(/one VPC subnet/);
    expect(modifies(h)).toEqual([]);
  }, 120_000);

  it("the two reversed before any switch: refused (SwitchReversed, nothing sent, the hint gives the right call); after a switch: the undo", async () => {
    const cloneId = await makeClone(h);
    const original = addressOf(h, CATALOG);
    h.fake.reset();
    const swapped = await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(swapped.isError).toBe(true);
    const error = sc(swapped).error;
    expect(error.code).toBe("ClientError.SwitchReversed");
    expect(error.message).toMatch(/Nothing was sent/);
    expect(error.message).toContain(`${CATALOG}, the original`);
    const right = `switch_address { instanceId: "${CATALOG}", toInstanceId: "${cloneId}" }`;
    expect(error.hint).toContain(right);
    expect(error.fields.map((f: { path: string }) => f.path)).toEqual(["instanceId", "toInstanceId"]);
    expect(modifies(h)).toEqual([]);
    expect(addressOf(h, CATALOG)).toEqual(original);

    // the plan (token mode) names the original and the clone, and says it is the restore
    const token = await startHarness({ sharedFake: sandbox.fake, env: { ...ENV, TENCENTCLOUD_REDIS_CONFIRM: "token" } });
    try {
      const plan = sc(await token.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId }));
      expect(plan.status).toBe("confirmation_required");
      expect(plan).toMatchObject({ original: CATALOG, clone: cloneId, direction: "restore" });
      expect(plan.warning).toMatch(new RegExp(`^Restore: ${CATALOG} is the original and ${cloneId} its clone`));
      const refusedToo = sc(await token.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG }));
      expect(refusedToo.error.code).toBe("ClientError.SwitchReversed"); // no token issued for it either
    } finally {
      await token.close();
    }
    const zh = await startHarness({
      sharedFake: sandbox.fake,
      env: { ...ENV, TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_LANGUAGE: "zh-CN" },
    });
    try {
      const plan = sc(await zh.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId }));
      expect(plan.warning).toMatch(new RegExp(`^恢复：${CATALOG} 是原实例，${cloneId} 是它的克隆实例`));
    } finally {
      await zh.close();
    }
    expect(modifies(h)).toEqual([]);

    const done = sc(await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId }));
    expect(done).toMatchObject({ status: "switched", original: CATALOG, clone: cloneId, direction: "restore" });
    expect(done.undo).toBe(`switch_address { instanceId: "${cloneId}", toInstanceId: "${CATALOG}" }`);
    h.fake.reset();
    const undo = await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG });
    expect(undo.isError, JSON.stringify(undo)).toBeFalsy();
    expect(sc(undo)).toMatchObject({ status: "switched", original: CATALOG, clone: cloneId, direction: "undo" });
    expect((undo.content as { text: string }[])[0]?.text).toMatch(new RegExp(`^Undo: ${cloneId} is the clone and ${CATALOG} the original`));
    expect(modifies(h).map((p) => p.InstanceId)).toEqual([cloneId, CATALOG]);
    expect(addressOf(h, CATALOG)).toEqual(original);
    // undone: the reversed call is refused again until the next switch to the clone
    h.fake.reset();
    const again = sc(await h.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG }));
    expect(again.error.code).toBe("ClientError.SwitchReversed");
    expect(modifies(h)).toEqual([]);
    // a server started afresh (memory state, nothing of the switch kept) reads it from the audit log's journal
    await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    const env = { ...ENV, TENCENTCLOUD_REDIS_AUDIT_LOG: h.config.auditLogPath ?? "" };
    const fresh = await startHarness({ sharedFake: sandbox.fake, env });
    try {
      const plan = sc(await fresh.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG }));
      expect(plan, JSON.stringify(plan)).toMatchObject({ status: "switched", direction: "undo" });
    } finally {
      await fresh.close();
    }
    expect(addressOf(h, CATALOG)).toEqual(original);
  }, 120_000);

  it("read-only: no switch_address; allowlist: both instances must be allowed; scope redis:restore", async () => {
    const ro = await startHarness({ sharedFake: sandbox.fake, env: { ...ENV, TENCENTCLOUD_REDIS_READ_ONLY: "true" } });
    try {
      const { tools } = await ro.client.listTools();
      expect(tools.map((t) => t.name)).not.toContain("switch_address");
      const r = await ro.call("switch_address", { instanceId: CATALOG, toInstanceId: ORDERS });
      expect(r.isError).toBe(true);
    } finally {
      await ro.close();
    }
    const allow = await startHarness({ sharedFake: sandbox.fake, env: { ...ENV, TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: CATALOG } });
    try {
      h.fake.reset();
      const r = await allow.call("switch_address", { instanceId: CATALOG, toInstanceId: "crs-notallow" });
      expect(sc(r).error.code).toBe("ClientError.InstanceNotAllowed");
      expect(h.fake.requests).toEqual([]);
    } finally {
      await allow.close();
    }
    const config = loadConfig([], fakeEnv(sandbox.fake, ENV));
    const created = createServer({
      config,
      log: new Logger("error", () => {}),
      caller: { id: "token:viewer", kind: "token", name: "viewer", scopes: ["redis:read"] },
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const { client, tools } = await connectClient(a, { name: "viewer", beforeList: () => created.server.connect(b) });
    try {
      expect(tools.map((t) => t.name)).not.toContain("switch_address");
      const r = (await client.callTool({ name: "switch_address", arguments: { instanceId: CATALOG, toInstanceId: ORDERS } })) as CallToolResult;
      expect(sc(r).error.code).toBe("ClientError.ScopeMissing");
      expect(sc(r).error.message).toMatch(/redis:restore/);
    } finally {
      await client.close();
      await created.close();
    }
  }, 120_000);
});
