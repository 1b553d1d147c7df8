import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { restorableBackup, waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("TENCENTCLOUD_REDIS_CONFIRM=elicit with a client that supports form elicitation", () => {
  let h: Harness;
  let backupId: string;
  let asked: Array<{ message: string; requestedSchema: unknown }> = [];
  let answer: (() => Promise<ElicitResult>) | undefined;
  beforeAll(async () => {
    h = await startHarness({
      env: { TENCENTCLOUD_REDIS_CONFIRM: "elicit" },
      client: { capabilities: { elicitation: {} } },
    });
    h.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      const params = request.params as { message: string; requestedSchema: unknown };
      asked.push({ message: params.message, requestedSchema: params.requestedSchema });
      if (!answer) throw new Error("no answer set");
      return answer();
    });
    backupId = await restorableBackup(h, SESSIONS);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await waitIdle(h, SESSIONS);
    h.fake.reset();
    asked = [];
  });

  it("has no confirmToken argument", async () => {
    const tool = (await h.client.listTools()).tools.find((t) => t.name === "restore_instance");
    expect(Object.keys(tool?.inputSchema.properties ?? {})).not.toContain("confirmToken");
  });

  it("accept with the box ticked: restores in one call, after showing instance, backup time and what is lost", async () => {
    answer = async () => ({ action: "accept", content: { confirm: true } });
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(r.isError).toBeFalsy();
    expect(sc(r)).toMatchObject({ status: "submitted", instanceId: SESSIONS, backupId });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.message).toContain(SESSIONS);
    expect(asked[0]?.message).toContain("session-store");
    expect(asked[0]?.message).toMatch(/taken \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00 \(1 h 0 min ago\)/);
    expect(asked[0]?.message).toMatch(/will be lost/);
    expect(asked[0]?.requestedSchema).toMatchObject({
      type: "object",
      properties: { confirm: { type: "boolean" } },
      required: ["confirm"],
    });
    expect(h.fake.count("RestoreInstance")).toBe(1);
    // checked before asking, and again after the answer
    expect(h.fake.count("DescribeInstances")).toBe(2);
  });

  it.each([
    ["decline", { action: "decline" }, /declined/],
    ["cancel", { action: "cancel" }, /dismissed/],
    ["accept without the box ticked", { action: "accept", content: { confirm: false } }, /did not tick/],
  ] as const)("%s: ConfirmationDeclined, nothing sent", async (_label, result, message) => {
    answer = async () => result as ElicitResult;
    const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(r.isError).toBe(true);
    expect(sc(r).error).toMatchObject({ code: "ClientError.ConfirmationDeclined", retryable: false });
    expect(sc(r).error.message).toMatch(message);
    expect(asked).toHaveLength(1);
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });

  it("a second call for the same instance while the human decides is refused, naming the first", async () => {
    let release: (r: ElicitResult) => void = () => {};
    answer = () => new Promise<ElicitResult>((resolve) => (release = resolve));
    const first = h.call("restore_instance", { instanceId: SESSIONS, backupId });
    for (let i = 0; i < 200 && asked.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const second = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
    expect(sc(second).error.code).toBe("ResourceUnavailable.InstanceLockedError");
    expect(sc(second).error.message).toMatch(/already in progress here/);
    expect(sc(second).error.hint).toContain(`backup ${backupId}`);
    expect(sc(second).error.hint).toContain("confirmation elicit");
    expect(asked).toHaveLength(1);
    release({ action: "accept", content: { confirm: true } });
    expect(sc(await first).status).toBe("submitted");
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });
});

describe("TENCENTCLOUD_REDIS_CONFIRM=elicit with a client without elicitation", () => {
  it("fails closed with ConfirmationUnavailable and a hint to use token mode", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "elicit" } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
      expect(sc(r).error).toMatchObject({ code: "ClientError.ConfirmationUnavailable", retryable: false });
      expect(sc(r).error.hint).toContain("TENCENTCLOUD_REDIS_CONFIRM=token");
      expect(h.fake.count("RestoreInstance")).toBe(0);
    } finally {
      await h.close();
    }
  });
});
