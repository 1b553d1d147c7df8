// The shared-state measurements of `npm run bench`: what Redis adds to a restore call (token + lock), and how
// close three replicas sharing one 20/s budget through Redis come to the API's rate without being throttled.

import { loadConfig } from "../src/config/index.js";
import { Logger } from "../src/base/log.js";
import { openState, type SafetyState } from "../src/records/store/index.js";
import { FakeCloud } from "../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "../src/sandbox/seed.js";
import { RpcProcess } from "../test/helpers/rpc.js";
import { startStateRedis } from "../test/helpers/state-redis.js";
import { longTask } from "./fake-process.js";
import { sleep } from "./stats.js";

export interface StateOverhead {
  calls: number;
  ms: { memory: number[]; redis: number[] };
}

/**
 * The safety-state work of one confirmed restore call, without the API: issue the plan's token, spend it,
 * take the instance's lock, check it right before sending, release it. Memory vs Redis on loopback.
 */
export async function stateOverhead(rounds: number, perRound: number): Promise<StateOverhead> {
  const redis = await startStateRedis();
  const log = new Logger("error", () => {});
  const memory = await openState(loadConfig([], {}), log);
  const shared = await openState(loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: redis.url }), log);
  const out: StateOverhead = { calls: rounds * perRound, ms: { memory: [], redis: [] } };
  const binding = { caller: "local", region: SANDBOX_REGION, instanceId: "crs-bench001", backupId: "b-1" };
  const once = async (state: SafetyState) => {
    const { token } = await state.tokens.issue(binding);
    await state.tokens.consume(token, binding);
    const lock = await state.locks.acquire(binding.region, binding.instanceId, {
      backupId: binding.backupId,
      confirm: "token",
      startedAt: Date.now(),
    });
    await lock.assertHeld();
    await lock.release();
  };
  try {
    for (let i = 0; i < 100; i++) await Promise.all([once(memory), once(shared)]); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const [name, state] of [
        ["memory", memory],
        ["redis", shared],
      ] as const) {
        for (let i = 0; i < perRound; i++) {
          const t0 = performance.now();
          await once(state);
          out.ms[name].push(performance.now() - t0);
        }
      }
    }
    return out;
  } finally {
    await Promise.all([memory.close(), shared.close()]);
    await redis.close();
  }
}

export interface ReplicaThroughput {
  replicas: number;
  calls: number;
  limit: number;
  idealMs: number;
  elapsedMs: number[];
  throttled: number[];
  failed: number[];
}

/**
 * `calls` concurrent check_task calls spread over `replicas` server processes that share one Redis, against a
 * fake allowing `limit` DescribeTaskInfo per second for all of them together.
 */
export async function replicaThroughput(rounds: number, replicas: number, calls: number, limit: number) {
  const out: ReplicaThroughput = {
    replicas,
    calls,
    limit,
    idealMs: (calls / limit) * 1000,
    elapsedMs: [],
    throttled: [],
    failed: [],
  };
  const redis = await startStateRedis();
  try {
    for (let round = 0; round < rounds; round++) {
      const fake = await FakeCloud.start({ preparingMs: 3_600_000 });
      const env = {
        TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
        TENCENTCLOUD_REGION: SANDBOX_REGION,
        TENCENTCLOUD_REDIS_ENDPOINT: fake.url,
        TENCENTCLOUD_REDIS_STATE_URL: redis.url,
        TENCENTCLOUD_REDIS_RATE_LIMIT: String(limit),
      };
      const servers = Array.from({ length: replicas }, () => RpcProcess.spawn([], env, { keep: false }));
      try {
        await Promise.all(servers.map((s) => s.initialize()));
        const taskId = longTask(fake);
        fake.rateLimit = limit;
        await redis.command("FLUSHALL");
        fake.reset();
        await sleep(1100); // an empty window on both sides
        const t0 = performance.now();
        const results = await Promise.all(
          Array.from({ length: calls }, (_, i) => (servers[i % replicas] as RpcProcess).callTool("check_task", { taskId })),
        );
        out.elapsedMs.push(performance.now() - t0);
        out.failed.push(results.filter((r) => r.error || r.result?.isError).length);
        out.throttled.push(fake.requests.filter((r) => r.errorCode?.startsWith("RequestLimitExceeded")).length);
      } finally {
        await Promise.all(servers.map((s) => s.close()));
        await fake.close();
      }
    }
  } finally {
    await redis.close();
  }
  return out;
}
