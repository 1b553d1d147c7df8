import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const ID = SANDBOX_INSTANCE_IDS.orders;
const MEGABYTE = "x".repeat(1024 * 1024);
const MEGA_DIGITS = "1".repeat(1024 * 1024);

/** [label, tool, arguments, the field the error must name]. */
const CASES: Array<[string, string, Record<string, unknown>, string]> = [
  // check_task: task IDs
  ["taskId missing", "check_task", {}, "taskId"],
  ["taskId negative", "check_task", { taskId: -1 }, "taskId"],
  ["taskId zero", "check_task", { taskId: 0 }, "taskId"],
  ["taskId fractional", "check_task", { taskId: 1.5 }, "taskId"],
  ["taskId huge", "check_task", { taskId: 1e20 }, "taskId"],
  ["taskId above 2^53", "check_task", { taskId: 2 ** 53 + 2 }, "taskId"],
  ["taskId as a string above 2^53", "check_task", { taskId: "9999999999999999" }, "taskId"],
  ["taskId letters", "check_task", { taskId: "abc" }, "taskId"],
  ["taskId empty string", "check_task", { taskId: "" }, "taskId"],
  ["taskId negative string", "check_task", { taskId: "-5" }, "taskId"],
  ["taskId fractional string", "check_task", { taskId: "1.5" }, "taskId"],
  ["taskId 17 digits", "check_task", { taskId: "12345678901234567" }, "taskId"],
  ["taskId megabyte of digits", "check_task", { taskId: MEGA_DIGITS }, "taskId"],
  ["taskId null", "check_task", { taskId: null }, "taskId"],
  ["taskId boolean", "check_task", { taskId: true }, "taskId"],
  ["taskId array", "check_task", { taskId: [1] }, "taskId"],
  ["taskId object", "check_task", { taskId: { id: 1 } }, "taskId"],
  ["taskId SQL injection", "check_task", { taskId: "1; DROP TABLE tasks" }, "taskId"],
  ["check_task unknown field", "check_task", { taskId: 1, verbose: true }, "verbose"],
  ["region a number", "check_task", { taskId: 1, region: 123 }, "region"],
  ["region empty", "check_task", { taskId: 1, region: "" }, "region"],
  ["region with a newline", "check_task", { taskId: 1, region: "ap-guangzhou\n" }, "region"],
  ["region path traversal", "check_task", { taskId: 1, region: "../../etc/passwd" }, "region"],
  ["region shell injection", "check_task", { taskId: 1, region: "ap-guangzhou; rm -rf /" }, "region"],
  // list_instances
  ["search empty", "list_instances", { search: "" }, "search"],
  ["search with NUL", "list_instances", { search: "a\u0000b" }, "search"],
  ["search with an escape sequence", "list_instances", { search: "\u001b[31mred" }, "search"],
  ["search a megabyte", "list_instances", { search: MEGABYTE }, "search"],
  ["search a number", "list_instances", { search: 42 }, "search"],
  ["limit zero", "list_instances", { limit: 0 }, "limit"],
  ["limit above 100", "list_instances", { limit: 101 }, "limit"],
  ["limit fractional", "list_instances", { limit: 2.5 }, "limit"],
  ["limit a string", "list_instances", { limit: "10" }, "limit"],
  ["offset negative", "list_instances", { offset: -1 }, "offset"],
  ["list_instances unknown field", "list_instances", { instanceId: ID }, "instanceId"],
  // list_backups: instance IDs and times
  ["instanceId missing", "list_backups", {}, "instanceId"],
  ["instanceId empty", "list_backups", { instanceId: "" }, "instanceId"],
  ["instanceId prefix only", "list_backups", { instanceId: "crs-" }, "instanceId"],
  ["instanceId upper case", "list_backups", { instanceId: "CRS-SBX1ORDE" }, "instanceId"],
  ["instanceId SQL injection", "list_backups", { instanceId: "crs-abc123'; DROP TABLE x;--" }, "instanceId"],
  ["instanceId with a newline", "list_backups", { instanceId: `${ID}\n` }, "instanceId"],
  ["instanceId full-width unicode", "list_backups", { instanceId: "ｃｒｓ-ａｂｃｄｅｆｇｈ" }, "instanceId"],
  ["instanceId with an emoji", "list_backups", { instanceId: "crs-abc😀def" }, "instanceId"],
  ["instanceId a megabyte", "list_backups", { instanceId: `crs-${MEGABYTE}` }, "instanceId"],
  ["instanceId a number", "list_backups", { instanceId: 12345678 }, "instanceId"],
  ["beginTime words", "list_backups", { instanceId: ID, beginTime: "yesterday" }, "beginTime"],
  ["beginTime impossible date", "list_backups", { instanceId: ID, beginTime: "2026-13-45 99:99:99" }, "beginTime"],
  ["endTime a number", "list_backups", { instanceId: ID, endTime: 20261127 }, "endTime"],
  ["list_backups limit 1000", "list_backups", { instanceId: ID, limit: 1000 }, "limit"],
  // restore_instance: backup IDs, passwords
  ["backupId missing", "restore_instance", { instanceId: ID }, "backupId"],
  ["backupId empty", "restore_instance", { instanceId: ID, backupId: "" }, "backupId"],
  ["backupId path traversal", "restore_instance", { instanceId: ID, backupId: "../../backups/x" }, "backupId"],
  ["backupId with a space", "restore_instance", { instanceId: ID, backupId: "a b" }, "backupId"],
  ["backupId too long", "restore_instance", { instanceId: ID, backupId: "b".repeat(129) }, "backupId"],
  ["backupId HTML", "restore_instance", { instanceId: ID, backupId: "<script>alert(1)</script>" }, "backupId"],
  ["backupId a megabyte", "restore_instance", { instanceId: ID, backupId: MEGABYTE }, "backupId"],
  ["instanceId missing on restore", "restore_instance", { backupId: "b-1" }, "instanceId"],
  ["password empty", "restore_instance", { instanceId: ID, backupId: "b-1", password: "" }, "password"],
  ["password a number", "restore_instance", { instanceId: ID, backupId: "b-1", password: 123456 }, "password"],
  ["restore unknown field", "restore_instance", { instanceId: ID, backupId: "b-1", bogusField: 1 }, "bogusField"],
];

describe("malformed tool calls are refused before any request, naming the field", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("covers at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)("%s", async (_label, tool, args, field) => {
    const r = await h.call(tool, args);
    expect(r.isError).toBe(true);
    // A structured error an agent can act on: the code, the category, the field, what it expects, a hint.
    const error = sc(r).error;
    expect(error.code).toBe("ClientError.InvalidArgument");
    expect(error.category).toBe("invalid_input");
    expect(error.retryable).toBe(false);
    const named = (error.fields as Array<{ path: string; problem: string; expected: string }>).find(
      (f) => f.path === field,
    );
    expect(named, JSON.stringify(error.fields)).toBeDefined();
    expect(named?.problem.length).toBeGreaterThan(0);
    expect(named?.expected.length).toBeGreaterThan(0);
    expect(error.hint).toMatch(/Nothing was sent/);
    const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    expect(text).toContain(field);
    // A megabyte argument is not echoed back, and nothing leaks a stack.
    expect(JSON.stringify(r).length).toBeLessThan(4000);
    expect(text).not.toMatch(/at \S+\.(js|ts):\d+/);
    expect(h.fake.count()).toBe(0);
    // The server keeps answering.
    const ok = await h.call("check_task", { taskId: "1" });
    expect(sc(ok).error?.code ?? "no error").toBe("InvalidParameter.InvalidParameter");
  });

  it("the hint says where a bad instanceId comes from", async () => {
    const r = await h.call("list_backups", { instanceId: "crs-" });
    expect(sc(r).error.hint).toContain("instanceId comes from list_instances, like crs-1a2b3c4d");
    expect(sc(r).error.fields[0].expected).toMatch(/list_instances/);
  });

  it("an unknown argument's hint names the arguments the tool takes", async () => {
    const r = await h.call("check_task", { taskId: 1, verbose: true });
    expect(sc(r).error.fields).toEqual([
      expect.objectContaining({ path: "verbose", problem: "unknown argument" }),
    ]);
    expect(sc(r).error.hint).toMatch(/^Remove verbose: check_task takes only taskId, /);
  });

  it("a megabyte-long unknown argument name is not echoed back whole either", async () => {
    const name = `k${"x".repeat(1_000_000)}`;
    const r = await h.call("check_task", { taskId: 1, [name]: true });
    const error = sc(r).error;
    expect(error.code).toBe("ClientError.InvalidArgument");
    expect(error.fields[0].problem).toBe("unknown argument");
    expect(error.fields[0].path.startsWith("kxxx")).toBe(true);
    expect(JSON.stringify(r).length).toBeLessThan(4000);
    expect(h.fake.count()).toBe(0);
  });

  it("names every field at fault in one answer", async () => {
    const r = await h.call("restore_instance", { instanceId: "nope", bogus: 1 });
    const paths = (sc(r).error.fields as Array<{ path: string }>).map((f) => f.path).sort();
    expect(paths).toEqual(["backupId", "bogus", "instanceId"]);
    expect(sc(r).error.fields.find((f: { path: string }) => f.path === "backupId").problem).toBe("required, but missing");
  });
});
