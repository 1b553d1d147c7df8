import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { fakeEnv } from "../helpers/harness.js";
import { type RpcMessage, RpcProcess } from "../helpers/rpc.js";

const CALLS = 1000;
const CONCURRENCY = 50;

describe("load over stdio", () => {
  let fake: FakeCloud;
  let s: RpcProcess;
  let tasks: number[];
  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 3_600_000 });
    tasks = [SANDBOX_INSTANCE_IDS.orders, SANDBOX_INSTANCE_IDS.sessions].map((id) => {
      const instance = fake.state.getInstance(id);
      const backup = fake.state.listBackups(id).find((b) => b.Status === 2);
      if (!instance || !backup) throw new Error(`no backup for ${id}`);
      return fake.state.createRestoreTask(instance, backup, undefined).TaskId;
    });
    s = RpcProcess.spawn(
      [],
      fakeEnv(fake, { TENCENTCLOUD_REDIS_RATE_LIMIT: "1000", TENCENTCLOUD_REDIS_LOG_LEVEL: "warning" }),
    );
    await s.initialize();
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
  });

  it(`${CALLS} tool calls at concurrency ${CONCURRENCY}: each answered once, under its own id, with its own result`, async () => {
    /** Call i: its tool, arguments, and what its answer must carry. */
    const plan = (i: number): [string, Record<string, unknown>, (m: RpcMessage) => unknown] => {
      const taskId = tasks[i % tasks.length] as number;
      const instanceId = i % 2 === 0 ? SANDBOX_INSTANCE_IDS.orders : SANDBOX_INSTANCE_IDS.sessions;
      if (i % 3 === 0)
        return ["check_task", { taskId }, (m) => expect(m.result?.structuredContent?.taskId).toBe(taskId)];
      if (i % 3 === 1) {
        return [
          "list_backups",
          { instanceId },
          (m) => expect(m.result?.structuredContent?.instanceId).toBe(instanceId),
        ];
      }
      return [
        "list_instances",
        { limit: (i % 3) + 1 },
        (m) => expect(m.result?.structuredContent?.instances).toHaveLength((i % 3) + 1),
      ];
    };
    let next = 0;
    const answers = new Map<string, RpcMessage>();
    const worker = async () => {
      while (next < CALLS) {
        const i = next++;
        const [tool, args, check] = plan(i);
        const id = `load-${i}`;
        const m = await s.callTool(tool, args, id);
        expect(m.id).toBe(id);
        expect(m.result?.isError, JSON.stringify(m).slice(0, 300)).toBeFalsy();
        check(m);
        answers.set(id, m);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(answers.size).toBe(CALLS);
    const responseIds = s.messages.filter((m) => typeof m.id === "string" && m.id.startsWith("load-")).map((m) => m.id);
    expect(responseIds).toHaveLength(CALLS); // none duplicated
    expect(new Set(responseIds).size).toBe(CALLS); // none lost
    // one request per call, plus one DescribeTaskList per task this server did not start (its kind, looked up once)
    expect(fake.count("DescribeTaskList")).toBe(tasks.length);
    expect(fake.count()).toBe(CALLS + tasks.length);
    expect(s.alive).toBe(true);
  });
});
