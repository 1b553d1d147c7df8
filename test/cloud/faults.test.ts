import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Fault } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const ID = SANDBOX_INSTANCE_IDS.orders;
const password = SANDBOX_PASSWORDS[ID];

/** Each action, and the tool call that makes it. */
const ACTIONS: Array<[string, string, (backupId: string) => Record<string, unknown>]> = [
  ["DescribeInstances", "list_instances", () => ({})],
  ["DescribeInstanceBackups", "list_backups", () => ({ instanceId: ID })],
  ["DescribeTaskInfo", "check_task", () => ({ taskId: 1 })],
  ["RestoreInstance", "restore_instance", (backupId) => ({ instanceId: ID, backupId, password })],
];

/** Faults that never run the action (so a restore leaves no task behind), and the code each must give. */
const FAULTS: Array<[string, Fault, string]> = [
  ["HTTP 500", { kind: "status", status: 500 }, "ClientError.HttpStatus"],
  ["HTTP 502", { kind: "status", status: 502 }, "ClientError.HttpStatus"],
  ["HTTP 503", { kind: "status", status: 503 }, "ClientError.HttpStatus"],
  [
    "200 with HTML",
    { kind: "body", body: "<html><body>maintenance</body></html>", contentType: "text/html" },
    "ClientError.BadResponse",
  ],
  [
    "truncated JSON",
    { kind: "body", body: '{"Response":{"TotalCount":3,"InstanceSet":[{"Inst' },
    "ClientError.BadResponse",
  ],
  ["an empty body", { kind: "body", body: "" }, "ClientError.BadResponse"],
  ["no Response", { kind: "body", body: '{"Result":{}}' }, "ClientError.BadResponse"],
  ["Response null", { kind: "body", body: '{"Response":null}' }, "ClientError.BadResponse"],
  [
    "an error without a code",
    { kind: "body", body: '{"Response":{"Error":{},"RequestId":"r-1"}}' },
    "ClientError.BadResponse",
  ],
  ["a reset connection", { kind: "drop", phase: "before" }, "ClientError.NetworkError"],
  ["a hang past the timeout", { kind: "hang", phase: "before" }, "ClientError.Timeout"],
  ["a Tencent error", { kind: "error", code: "FailedOperation.SystemError" }, "FailedOperation.SystemError"],
  ["throttling", { kind: "error", code: "RequestLimitExceeded" }, "RequestLimitExceeded"],
];

const CASES = ACTIONS.flatMap(([action, tool, args]) =>
  FAULTS.map(([label, fault, code]) => [action, label, tool, args, fault, code] as const),
);

describe("faults from the API, for every action, without retries", () => {
  let h: Harness;
  let backupId: string;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_MAX_RETRIES: "0", TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.3" } });
    backupId = h.fake.state.listBackups(ID).find((b) => b.Status === 2)?.BackupId ?? "";
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it.each(CASES)("%s: %s", async (action, _label, tool, args, fault, code) => {
    h.fake.inject(action, fault, 1);
    const r = await h.call(tool, args(backupId));
    expect(r.isError).toBe(true);
    const error = sc(r).error;
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.hint.length).toBeGreaterThan(0);
    expect(typeof error.retryable).toBe("boolean");
    expect(JSON.stringify(r)).not.toMatch(/at \S+\.(js|ts):\d+|undefined/);
    expect(h.fake.count(action)).toBe(1);
    if (action === "RestoreInstance" && code.startsWith("ClientError.") && !fault.kind.startsWith("drop")) {
      expect(error.category).toBe("outcome_unknown"); // the request reached the API: it may have run
    }
    expect(h.fake.state.listTasks(ID)).toHaveLength(0);
    // The server keeps answering.
    const ok = await h.call("list_instances", {});
    expect(ok.isError).toBeFalsy();
  });
});

describe("retries: read-only actions retry a 503, a restore never does", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_MAX_RETRIES: "2", TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.3" } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it.each(ACTIONS.filter(([action]) => action !== "RestoreInstance"))("%s", async (action, tool, args) => {
    h.fake.inject(action, { kind: "status", status: 503 }, 2);
    const r = await h.call(tool, args(""));
    expect(sc(r).error?.code ?? "no error").not.toMatch(/^ClientError\./); // the third attempt got an answer
    expect(h.fake.count(action)).toBe(3);
  });

  it("RestoreInstance", async () => {
    const backupId = h.fake.state.listBackups(ID).find((b) => b.Status === 2)?.BackupId ?? "";
    h.fake.inject("RestoreInstance", { kind: "status", status: 503 }, 2);
    const r = await h.call("restore_instance", { instanceId: ID, backupId, password });
    expect(sc(r).error).toMatchObject({
      code: "ClientError.HttpStatus",
      category: "outcome_unknown",
      retryable: false,
    });
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });
});
