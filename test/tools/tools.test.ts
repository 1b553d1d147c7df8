import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("tools over a real MCP client against the fake", () => {
  let h: Harness;
  beforeAll(async () => {
    // a task stays preparing 1 s, so that the first check_task sees it on a loaded machine (its first call also
    // compiles check_task's output check)
    h = await startHarness({ fake: { preparingMs: 1000 } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("lists exactly the public tools, each with schemas and every annotation stated", async () => {
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(PUBLIC_TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
      expect(tool.outputSchema?.type).toBe("object");
      expect(Object.keys(tool.outputSchema?.properties ?? {})).toContain("error");
      const a = tool.annotations ?? {};
      for (const key of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
        expect(typeof (a as Record<string, unknown>)[key], `${tool.name}.${key}`).toBe("boolean");
      }
      expect(a.openWorldHint).toBe(true);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.restore_instance?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
    expect(byName.backup_instance?.annotations).toEqual({
      title: "Back up a Redis instance now",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    });
    expect(Object.keys(byName.backup_instance?.inputSchema.properties ?? {}).sort()).toEqual(
      ["instanceId", "region", "remark", "storageDays"],
    );
    expect(byName.backup_instance?.inputSchema.required).toEqual(["instanceId"]);
    for (const name of ["list_instances", "list_backups", "check_task"]) {
      expect(byName[name]?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    }
    expect(byName.restore_instance?.description).toMatch(/check_task/);
    expect(byName.restore_instance?.description).toMatch(/list_backups/);
    expect(Object.keys(byName.restore_instance?.inputSchema.properties ?? {}).sort()).toEqual(
      ["backupId", "instanceId", "password", "pointInTime", "region"],
    );
    expect(byName.restore_instance?.inputSchema.required?.sort()).toEqual(["instanceId"]);
    expect(byName.switch_address?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
    expect(Object.keys(byName.switch_address?.inputSchema.properties ?? {}).sort()).toEqual(["instanceId", "region", "toInstanceId"]);
    expect(Object.keys(byName.list_instances?.inputSchema.properties ?? {}).sort()).toEqual(["limit", "offset", "region", "search"]);
    expect(Object.keys(byName.list_backups?.inputSchema.properties ?? {}).sort()).toEqual(
      ["beginTime", "endTime", "instanceId", "limit", "offset", "region"],
    );
    expect(Object.keys(byName.check_task?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["taskId", "region"]));
  });

  it("list_instances returns the instances with status as word and code", async () => {
    const r = await h.call("list_instances", {});
    expect(r.isError).toBeFalsy();
    const s = sc(r);
    expect(s.region).toBe("ap-guangzhou");
    const orders = s.instances.find((i: { instanceId: string }) => i.instanceId === ORDERS);
    expect(orders).toMatchObject({ name: "orders-cache", status: "running", statusCode: 2, noAuth: false });
    expect(s.instances.find((i: { instanceId: string }) => i.instanceId === SESSIONS).noAuth).toBe(true);
    expect(s.instances.find((i: { instanceId: string }) => i.instanceId === SANDBOX_INSTANCE_IDS.archive).status).toBe("isolated");
    expect(s.totalCount).toBe(s.instances.length);
    expect((r.content[0] as { text: string }).text).toContain(ORDERS);
    const sent = h.fake.requests.at(-1);
    expect(sent?.action).toBe("DescribeInstances");
    expect(sent?.signatureVerified).toBe(true);
    expect(sent?.headers["x-tc-language"]).toBe("en-US");
  });

  it("list_instances searches and pages", async () => {
    const search = sc(await h.call("list_instances", { search: "orders" }));
    expect(search.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([ORDERS]);
    const page = sc(await h.call("list_instances", { limit: 1 }));
    expect(page.instances).toHaveLength(1);
    expect(page.nextOffset).toBe(1);
    const other = sc(await h.call("list_instances", { region: "ap-shanghai" }));
    expect(other.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([SANDBOX_INSTANCE_IDS.reports]);
  });

  it("list_backups returns times, types, lock state and whether each can be restored", async () => {
    const r = await h.call("list_backups", { instanceId: ORDERS });
    expect(r.isError).toBeFalsy();
    const backups = sc(r).backups as Array<Record<string, unknown>>;
    expect(backups.length).toBeGreaterThanOrEqual(3);
    for (const b of backups) expect(b.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(backups.some((b) => b.type === "manual" && b.restorable === true)).toBe(true);
    expect(backups.some((b) => b.locked === true && b.restorable === false)).toBe(true);
    const times = backups.map((b) => Date.parse(b.startTime as string));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("list_backups passes the time window to the API in Beijing time", async () => {
    await h.call("list_backups", { instanceId: ORDERS, beginTime: "2026-11-01T00:00:00Z", endTime: "2026-11-02" });
    const params = h.fake.requests.at(-1)?.params as Record<string, unknown>;
    expect(params.BeginTime).toBe("2026-11-01 08:00:00");
    expect(params.EndTime).toBe("2026-11-02 00:00:00");
    // every status, not the API's default of normal only: locked and expired backups are shown and explained
    expect(params.Status).toEqual([2, 1, -1, 3, 4]);
  });

  it("restore_instance returns a numeric taskId that check_task follows to succeed", async () => {
    const backupId = (sc(await h.call("list_backups", { instanceId: SESSIONS })).backups as Array<{ restorable: boolean; backupId: string }>).find(
      (b) => b.restorable,
    )?.backupId;
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(r.isError).toBeFalsy();
    const s = sc(r);
    expect(s).toMatchObject({ status: "submitted", instanceId: SESSIONS, backupId, region: "ap-guangzhou" });
    expect(typeof s.taskId).toBe("number");
    expect(s.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.fake.count("RestoreInstance")).toBe(1);
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const t = sc(await h.call("check_task", { taskId: String(s.taskId) }));
      seen.add(t.status);
      if (t.done) {
        expect(t).toMatchObject({ status: "succeed", succeeded: true, instanceId: SESSIONS, taskType: "redis备份恢复流程" });
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect([...seen]).toEqual(expect.arrayContaining(["preparing", "running", "succeed"]));
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it("accepts a TaskId the API sends as a string of digits", async () => {
    h.fake.taskIdAsString = true;
    try {
      const backupId = (sc(await h.call("list_backups", { instanceId: SESSIONS })).backups as Array<{ restorable: boolean; backupId: string }>).find(
        (b) => b.restorable,
      )?.backupId;
      // the previous test's restore may still be in flight on SESSIONS: wait for it
      await waitIdle(h, SESSIONS);
      const s = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(typeof s.taskId).toBe("number");
      expect(h.fake.count("RestoreInstance")).toBe(1);
    } finally {
      h.fake.taskIdAsString = false;
    }
  });

  it.each(["failed", "error"] as const)("check_task reports a %s task as done and not succeeded", async (outcome) => {
    await waitIdle(h, SESSIONS);
    h.fake.state.failNextRestore(outcome, `disk full (${outcome})`);
    const backupId = (sc(await h.call("list_backups", { instanceId: SESSIONS })).backups as Array<{ restorable: boolean; backupId: string }>).find(
      (b) => b.restorable,
    )?.backupId;
    const { taskId } = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
    let t: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !t.done; i++) {
      await new Promise((r) => setTimeout(r, 20));
      t = sc(await h.call("check_task", { taskId }));
    }
    expect(t).toMatchObject({ status: outcome, done: true, succeeded: false, message: `disk full (${outcome})` });
  });

  it("check_task on an unknown task is a structured InvalidParameter error", async () => {
    const r = await h.call("check_task", { taskId: 999_999_999 });
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({ code: "InvalidParameter.InvalidParameter", category: "invalid_input", retryable: false });
    expect(sc(r).error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

async function waitIdle(h: Harness, instanceId: string): Promise<void> {
  for (let i = 0; i < 200 && h.fake.state.hasRestoreInFlight(instanceId); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}
