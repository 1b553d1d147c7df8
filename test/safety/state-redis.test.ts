import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloudError } from "../../src/cloud/errors.js";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import { openState, type SafetyState } from "../../src/records/store/index.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";

const binding = { caller: "token:alice", region: "ap-guangzhou", instanceId: "crs-abcdef12", backupId: "b-1" };

describe("the Redis safety state, against a real redis-server", () => {
  let redis: StateRedis;
  const opened: SafetyState[] = [];
  const logs: string[] = [];
  const open = async (env: Record<string, string> = {}) => {
    const config = loadConfig([], {
      TENCENTCLOUD_REDIS_STATE_URL: redis.url,
      TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS: "300",
      ...env,
    });
    const state = await openState(config, new Logger("debug", (line) => logs.push(line)));
    expect(state.kind).toBe("redis");
    opened.push(state);
    return state;
  };
  beforeAll(async () => {
    redis = await startStateRedis();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await redis.command("FLUSHALL");
  });
  afterAll(() => redis.close());

  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return "ok";
    } catch (error) {
      return error instanceof CloudError ? error.code : `unexpected ${String(error)}`;
    }
  };

  it("a token presented 60 times at once on three replicas is spent exactly once", async () => {
    const replicas = [await open(), await open(), await open()];
    const { token } = await (replicas[0] as SafetyState).tokens.issue(binding);
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => codeOf((replicas[i % 3] as SafetyState).tokens.consume(token, binding))),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "ClientError.ConfirmationInvalid")).toHaveLength(59);
  });

  it("a token is bound to its arguments and caller, spent by a wrong presentation, and forgotten at expiry", async () => {
    const state = await open({ TENCENTCLOUD_REDIS_CONFIRM_TTL_SECONDS: "10" });
    const a = await state.tokens.issue(binding);
    expect(a.token).toMatch(/^ct_[A-Za-z0-9_-]{32}$/);
    await expect(state.tokens.consume(a.token, { ...binding, backupId: "b-2" })).rejects.toThrow(
      /issued for instance crs-abcdef12, backup b-1/,
    );
    await expect(state.tokens.consume(a.token, binding)).rejects.toThrow(/unknown, expired or was already used/);
    const b = await state.tokens.issue(binding);
    await expect(state.tokens.consume(b.token, { ...binding, caller: "token:bob" })).rejects.toThrow(
      /another caller/,
    );
    // only a hash of the token is stored, with the token's TTL
    const keys = (await redis.command("KEYS", "*")) as string[];
    expect(keys.join(" ")).not.toContain(a.token.slice(3));
    const c = await state.tokens.issue(binding);
    const [key] = (await redis.command("KEYS", "tcrmcp:token:*")) as string[];
    const ttl = Number(await redis.command("PTTL", key as string));
    expect(ttl).toBeGreaterThan(8000);
    expect(ttl).toBeLessThanOrEqual(10_000);
    await redis.command("PEXPIRE", key as string, "1");
    await new Promise((r) => setTimeout(r, 20));
    await expect(state.tokens.consume(c.token, binding)).rejects.toThrow(/unknown, expired/);
  });

  it("the restore lock: one holder across replicas, the refusal names caller and start, only the owner releases", async () => {
    const [a, b] = [await open(), await open()];
    const startedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
    const held = await a.locks.acquire("ap-guangzhou", "crs-abcdef12", {
      caller: "token:bot",
      backupId: "b-1",
      confirm: "token",
      startedAt,
    });
    const refused = await b.locks
      .acquire("ap-guangzhou", "crs-abcdef12", { backupId: "b-2", confirm: "token", startedAt: Date.now() })
      .then(
        () => undefined,
        (e: CloudError) => e,
      );
    expect(refused?.toBody()).toMatchObject({
      code: "ResourceUnavailable.InstanceLockedError",
      category: "conflict",
      retryable: true,
    });
    expect(refused?.message).toContain("token:bot");
    expect(refused?.message).toContain("2026-01-02T03:04:05.000Z");
    // another instance is not locked
    const other = await b.locks.acquire("ap-guangzhou", "crs-zzzzzz99", { backupId: "b", confirm: "none", startedAt });
    await other.release();
    await held.assertHeld();
    // someone else's value in the key: our release must not delete it
    const [key] = (await redis.command("KEYS", "tcrmcp:lock:*")) as string[];
    await redis.command("SET", key as string, "someone-else");
    await expect(held.assertHeld()).rejects.toMatchObject({ code: "ClientError.StateUnavailable" });
    await held.release();
    expect(await redis.command("GET", key as string)).toBe("someone-else");
  });

  it("a held lock is renewed past its expiry; a holder that dies lets it lapse at expiry", async () => {
    const env = { TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS: "1" };
    const [a, b] = [await open(env), await open(env)];
    const details = { backupId: "b-1", confirm: "none", startedAt: Date.now() };
    const held = await a.locks.acquire("ap-guangzhou", "crs-abcdef12", details);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await codeOf(b.locks.acquire("ap-guangzhou", "crs-abcdef12", details))).toBe(
      "ResourceUnavailable.InstanceLockedError",
    );
    await held.assertHeld();
    await a.close(); // dies without releasing: renewals stop
    const [key] = (await redis.command("KEYS", "tcrmcp:lock:*")) as string[];
    const pttl = Number(await redis.command("PTTL", key as string));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(1000); // it expires by itself within the lock's expiry
    let taken: Awaited<ReturnType<typeof b.locks.acquire>> | undefined;
    await until("the lock lapses", async () => {
      taken = await b.locks.acquire("ap-guangzhou", "crs-abcdef12", details).catch(() => undefined);
      return taken !== undefined;
    });
    await taken?.release();
  });

  it("the budget: 3 replicas asking 90 permits together never hold more than 20 in any window", async () => {
    const replicas = [await open(), await open(), await open()];
    const grants: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 90 }, async (_, i) => {
        const release = await (replicas[i % 3] as SafetyState).budget.acquire("DescribeInstances");
        grants.push(Date.now());
        await new Promise((r) => setTimeout(r, 5 + (i % 7) * 3)); // the request's round trip
        release();
      }),
    );
    grants.sort((x, y) => x - y);
    // a permit frees one window (1010 ms) after its answer: any 21 grants span more than a second
    for (let i = 20; i < grants.length; i++)
      expect((grants[i] as number) - (grants[i - 20] as number)).toBeGreaterThanOrEqual(1000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(3000); // 90 at 20 per window: at least four windows
    expect(await redis.command("EXISTS", "tcrmcp:budget:DescribeInstances")).toBe(1);
  });

  it("waiting for a permit honours cancellation, and a cancelled wait takes no slot", async () => {
    const state = await open({ TENCENTCLOUD_REDIS_RATE_LIMIT: "1" });
    const first = await state.budget.acquire("DescribeTaskInfo");
    const controller = new AbortController();
    const waiting = state.budget.acquire("DescribeTaskInfo", controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await codeOf(waiting)).toBe("ClientError.Cancelled");
    first();
    const t = Date.now();
    const next = await state.budget.acquire("DescribeTaskInfo");
    expect(Date.now() - t).toBeGreaterThanOrEqual(900); // one window after the first answer, not more
    next();
  });

  it("Redis hanging: commands time out into StateUnavailable, reads use the local share; answering again: shared", async () => {
    const state = await open();
    redis.pause();
    try {
      expect(await codeOf(state.tokens.issue(binding))).toBe("ClientError.StateUnavailable");
      expect(
        await codeOf(state.locks.acquire("ap-guangzhou", "crs-abcdef12", { backupId: "b", confirm: "none", startedAt: 0 })),
      ).toBe("ClientError.StateUnavailable");
      const release = await state.budget.acquire("DescribeBackups");
      release();
      expect(state.budget.mode?.()).toBe("local");
    } finally {
      redis.resume();
    }
    await until("shared again", async () => {
      const r = await state.budget.acquire("DescribeBackups");
      r();
      return state.budget.mode?.() === "shared";
    });
    const { token } = await state.tokens.issue(binding);
    await state.tokens.consume(token, binding);
  });

  it("Redis gone: changes fail closed with StateUnavailable, the budget falls back to a local share; back: full service", async () => {
    const state = await open({ TENCENTCLOUD_REDIS_REPLICAS: "4" });
    await redis.kill();
    await until("the client notices", () => {
      try {
        state.assertAvailable();
        return false;
      } catch {
        return true;
      }
    });
    const body = (() => {
      try {
        state.assertAvailable();
      } catch (e) {
        return (e as CloudError).toBody();
      }
    })();
    expect(body).toMatchObject({ code: "ClientError.StateUnavailable", category: "unavailable", retryable: true });
    expect(body?.hint).toMatch(/TENCENTCLOUD_REDIS_STATE_URL/);
    expect(await codeOf(state.tokens.issue(binding))).toBe("ClientError.StateUnavailable");
    expect(
      await codeOf(
        state.locks.acquire("ap-guangzhou", "crs-abcdef12", { backupId: "b", confirm: "none", startedAt: 0 }),
      ),
    ).toBe("ClientError.StateUnavailable");
    // reads: 5 permits (20 / 4 replicas) at once, the sixth waits a window
    const local = await Promise.all(Array.from({ length: 5 }, () => state.budget.acquire("DescribeInstances")));
    let sixth = false;
    const waiting = state.budget.acquire("DescribeInstances").then((release) => {
      sixth = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(sixth).toBe(false);
    for (const release of local) release();
    (await waiting)();
    expect(logs.join("")).toMatch(/local share|limits itself to 5 requests\/s/);
    await redis.restart();
    await until(
      "reconnected",
      () => {
        try {
          state.assertAvailable();
          return true;
        } catch {
          return false;
        }
      },
      15_000,
    );
    const { token } = await state.tokens.issue(binding);
    await state.tokens.consume(token, binding);
    expect(logs.join("")).toMatch(/reachable again/);
  });
});

describe("a Redis that is down when the server starts", () => {
  it("starts degraded (changes refused, no address in the agent's error), then serves fully once Redis is up", async () => {
    const redis = await startStateRedis();
    await redis.kill();
    const logs: string[] = [];
    const state = await openState(
      loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: redis.url }),
      new Logger("debug", (line) => logs.push(line)),
    );
    try {
      const refused = await state.tokens.issue(binding).then(
        () => undefined,
        (e: CloudError) => e,
      );
      expect(refused?.code).toBe("ClientError.StateUnavailable");
      expect(JSON.stringify(refused?.toBody())).not.toContain(String(redis.port)); // the address stays in the log
      expect(logs.join("")).toContain(String(redis.port));
      await redis.restart();
      await until("connected", () => {
        try {
          state.assertAvailable();
          return true;
        } catch {
          return false;
        }
      }, 15_000);
      const { token } = await state.tokens.issue(binding);
      await state.tokens.consume(token, binding);
    } finally {
      await state.close();
      await redis.close();
    }
  });
});

describe("a Redis with a password", () => {
  it("connects with it and never writes it in a log line or an error", async () => {
    const password = "s3cret-Pa55word";
    const redis = await startStateRedis({ password });
    const logs: string[] = [];
    const log = new Logger("debug", (line) => logs.push(line));
    try {
      const good = await openState(loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: redis.url }), log);
      const { token } = await good.tokens.issue(binding);
      await good.tokens.consume(token, binding);
      await good.close();
      const wrongUrl = redis.url.replace(password, "wrong-pw-XYZ");
      const bad = await openState(loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: wrongUrl }), log);
      const error = await bad.tokens.issue(binding).then(
        () => undefined,
        (e: CloudError) => e,
      );
      expect(error?.code).toBe("ClientError.StateUnavailable");
      await bad.close();
      const all = logs.join("") + JSON.stringify(error?.toBody());
      expect(all).toMatch(/state store/);
      expect(all).not.toContain(password);
      expect(all).not.toContain("wrong-pw-XYZ");
      expect(() => loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: `http://:${password}@host:6379` })).toThrow(
        /TENCENTCLOUD_REDIS_STATE_URL must be a Redis URL/,
      );
      expect(() => loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: `http://:${password}@host:6379` })).not.toThrow(
        password,
      );
      const config = loadConfig([], { TENCENTCLOUD_REDIS_STATE_URL: redis.url });
      expect(JSON.stringify(config)).not.toContain(password);
      expect(config.state?.where).toBe(`redis://127.0.0.1:${redis.port}`);
    } finally {
      await redis.close();
    }
  });
});
