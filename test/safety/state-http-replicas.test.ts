import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { connectHttp, type HttpClient, newToken, READ_WRITE, type TestToken, writeTokensFile } from "../helpers/http.js";
import { type HttpChild, runToExit, startHttpChild } from "../helpers/http-child.js";
import { replicaEnv } from "../helpers/replicas.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("three HTTP replicas, one Redis, one fake cloud enforcing 20 requests/s per action", () => {
  let redis: StateRedis;
  let fake: FakeCloud;
  let servers: HttpChild[];
  let backupId: string;
  const tokens: Record<string, TestToken> = {
    alice: { token: newToken(), scopes: READ_WRITE },
    bob: { token: newToken(), scopes: READ_WRITE },
    viewer: { token: newToken(), scopes: ["redis:read"] },
    restorer: { token: newToken(), scopes: ["redis:restore"] },
  };
  const clients: HttpClient[] = [];
  const as = async (who: string, replica: number) => {
    const c = await connectHttp((servers[replica] as HttpChild).url, tokens[who]?.token);
    clients.push(c);
    return c;
  };
  const idle = () => until("no restore in flight on the fake", () => !fake.state.hasRestoreInFlight(SESSIONS));

  beforeAll(async () => {
    [redis, fake] = await Promise.all([startStateRedis(), FakeCloud.start({ rateLimit: 20, preparingMs: 50, runningMs: 150 })]);
    const env = replicaEnv(fake, redis.url, {
      TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile(tokens),
      TENCENTCLOUD_REDIS_HTTP_PORT: "0",
      TENCENTCLOUD_REDIS_LOG_LEVEL: "info",
    });
    servers = await Promise.all([0, 1, 2].map(() => startHttpChild([], env)));
    const a = await as("alice", 0);
    const backups = sc(await a.call("list_backups", { instanceId: SESSIONS })).backups as Array<{ restorable: boolean; backupId: string }>;
    backupId = backups.find((b) => b.restorable)?.backupId ?? "";
    expect(backupId).not.toBe("");
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await fake?.close();
    await redis?.close();
  });
  beforeEach(async () => {
    await idle();
    fake.reset();
  });

  it("a plan made on A is confirmed on B once by its caller, refused on C, and void for another caller", async () => {
    const [a, b, c] = [await as("alice", 0), await as("alice", 1), await as("alice", 2)];
    const plan = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(plan.status).toBe("confirmation_required");
    expect(sc(await b.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken })).status).toBe(
      "submitted",
    );
    const replay = sc(await c.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken }));
    expect(replay.error?.code).toBe("ClientError.ConfirmationInvalid");
    await idle();
    const plan2 = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const bob = await as("bob", 2);
    const stolen = sc(await bob.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan2.confirmToken }));
    expect(stolen.error?.message).toMatch(/another caller/);
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("two callers' confirmations of one instance racing on two replicas send one RestoreInstance", async () => {
    const [a, b] = [await as("alice", 0), await as("bob", 1)];
    const p1 = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const p2 = sc(await b.call("restore_instance", { instanceId: SESSIONS, backupId }));
    fake.inject("RestoreInstance", { kind: "delay", ms: 1500 }, 1);
    const results = (
      await Promise.all([
        a.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: p1.confirmToken }),
        b.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: p2.confirmToken }),
      ])
    ).map(sc);
    expect(results.filter((r) => r.status === "submitted")).toHaveLength(1);
    const refused = results.find((r) => r.error)?.error;
    expect(refused).toMatchObject({ code: "ResourceUnavailable.InstanceLockedError", category: "conflict", retryable: true });
    expect(refused.message).toMatch(/started by token:(alice|bob) at \d{4}-/);
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("90 concurrent reads spread over the three replicas: all answered, none throttled", async () => {
    const viewers = [await as("viewer", 0), await as("viewer", 1), await as("viewer", 2)];
    const results = await Promise.all(
      Array.from({ length: 90 }, (_, i) => (viewers[i % 3] as HttpClient).call("list_instances")),
    );
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(fake.requests.filter((r) => r.errorCode?.startsWith("RequestLimitExceeded"))).toEqual([]);
    expect(fake.count("DescribeInstances")).toBeGreaterThanOrEqual(90);
  });

  it("GET /metrics: needs redis:read; Prometheus text without any secret", async () => {
    const url = (servers[0] as HttpChild).url.replace(/\/mcp$/, "/metrics");
    const get = (token?: string) => fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const anonymous = await get();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect((await get(tokens.restorer?.token)).status).toBe(403);
    const ok = await get(tokens.viewer?.token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await ok.text();
    expect(text).toMatch(/tcrmcp_tool_calls_total\{tool="list_instances",outcome="ok"\} \d+/);
    expect(text).toMatch(/tcrmcp_restores_total\{outcome="planned"\} [1-9]/); // A made the plans
    expect(text).toMatch(/tcrmcp_sessions [1-9]/);
    for (const t of Object.values(tokens)) expect(text).not.toContain(t.token);
    expect(text).not.toContain(SANDBOX_CREDENTIALS.secretKey);
  });

  it("logs JSON lines with the caller, the tool, the MCP request id and the Tencent RequestId", () => {
    const records = (servers[0] as HttpChild)
      .stderr()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const apiCall = records.find((r) => r.msg === "api call" && r.tool === "restore_instance");
    expect(apiCall).toMatchObject({ level: "info", caller: "token:alice", tool: "restore_instance" });
    expect(apiCall?.mcpRequestId).toMatch(/^\d+$/);
    expect(apiCall?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof apiCall?.time).toBe("string");
    const all = servers.map((s) => s.stderr()).join("");
    for (const t of Object.values(tokens)) expect(all).not.toContain(t.token);
  });
});

describe("HTTP mode's start", () => {
  it("warns that replicas would not share guarantees without TENCENTCLOUD_REDIS_STATE_URL", async () => {
    const fake = await FakeCloud.start();
    try {
      const env = replicaEnv(fake, "", {
        TENCENTCLOUD_REDIS_HTTP_AUTH: "none",
        TENCENTCLOUD_REDIS_HTTP_PORT: "0",
        TENCENTCLOUD_REDIS_LOG_LEVEL: "info",
      });
      const server = await startHttpChild([], env);
      await until("the warning", () => server.stderr().includes("TENCENTCLOUD_REDIS_STATE_URL is not set"));
      await server.stop();
    } finally {
      await fake.close();
    }
  });

  it("refuses TENCENTCLOUD_REDIS_METRICS_PUBLIC=true beyond loopback", async () => {
    const tokensFile = writeTokensFile({ ops: { token: newToken(), scopes: READ_WRITE } });
    const { code, stderr } = await runToExit(["--http", "--host", "0.0.0.0", "--port", "0"], {
      TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: tokensFile,
      TENCENTCLOUD_REDIS_METRICS_PUBLIC: "true",
    });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/TENCENTCLOUD_REDIS_METRICS_PUBLIC=true is only allowed on a loopback host/);
  });
});
