// /readyz on the built server with --http and a shared state: ready while the state Redis answers, 503 while it
// is gone (every change would be refused) and ready again when it is back; /healthz (liveness) stays 200
// throughout; on SIGTERM both answer 503.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { fakeEnv } from "../helpers/harness.js";
import { connectHttp, newToken, READ_WRITE, writeTokensFile } from "../helpers/http.js";
import { startHttpChild } from "../helpers/http-child.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";

describe("/readyz (built server, --http, a shared state)", () => {
  let fake: FakeCloud;
  let redis: StateRedis;
  beforeAll(async () => {
    fake = await FakeCloud.start();
    redis = await startStateRedis();
  });
  afterAll(async () => {
    await redis?.close();
    await fake?.close();
  });

  it("follows the state Redis; /healthz does not; both 503 on SIGTERM", async () => {
    const token = newToken();
    const child = await startHttpChild(
      ["--port", "0"],
      fakeEnv(fake, {
        TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile({ bot: { token, scopes: READ_WRITE } }),
        TENCENTCLOUD_REDIS_STATE_URL: redis.url,
        TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS: "300",
      }),
    );
    const probe = async (path: string) => {
      const res = await fetch(new URL(path, child.url));
      return { code: res.status, body: (await res.json()) as { status: string } };
    };
    try {
      expect(await probe("/readyz")).toEqual({ code: 200, body: { status: "ready" } });
      await redis.kill();
      await until("readyz says the state is unavailable", async () => (await probe("/readyz")).code === 503, 15_000);
      expect(await probe("/readyz")).toEqual({ code: 503, body: { status: "state_unavailable" } });
      expect(await probe("/healthz")).toEqual({ code: 200, body: { status: "ok" } });
      await redis.restart();
      await until("readyz is ready again", async () => (await probe("/readyz")).code === 200, 20_000);
      // a call in flight keeps the server up while it drains
      const c = await connectHttp(child.url, token);
      fake.inject("DescribeInstances", { kind: "delay", ms: 3000 }, 1);
      const listing = c.call("list_instances", {});
      await until("the call reached the cloud", () => fake.count("DescribeInstances") > 0, 5_000);
      child.child.kill("SIGTERM");
      await until("readyz answers shutting_down", async () => (await probe("/readyz")).body.status === "shutting_down", 5_000);
      expect(await probe("/readyz")).toEqual({ code: 503, body: { status: "shutting_down" } });
      expect((await probe("/healthz")).code).toBe(503);
      expect((await listing).isError).toBeFalsy();
    } finally {
      await child.stop();
    }
  }, 60_000);
});
