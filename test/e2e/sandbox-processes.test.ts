// No redis-server survives the sandbox server, however it ends: client disconnect, SIGTERM, SIGINT, SIGKILL.

import { existsSync, readlinkSync } from "node:fs";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sc } from "../helpers/harness.js";
import { alive, eventually, redisPidsOnPort, requireRedisServer } from "../helpers/redis.js";
import { type StdioSession, startStdio } from "../helpers/stdio.js";

/** The server's instances that have a redis-server, and the PIDs of those processes. */
async function liveRedis(s: StdioSession): Promise<{ ports: number[]; pids: number[] }> {
  const result = sc(await s.call("list_instances", {}));
  expect(result.sandbox).toMatch(/real redis-server/);
  const ports = (result.instances as Array<{ host?: string; port?: number }>)
    .filter((i) => i.host === "127.0.0.1")
    .map((i) => i.port ?? 0);
  const pids = ports.flatMap(redisPidsOnPort);
  return { ports, pids };
}

/** The sandbox's temporary root: the parent of the directory each redis-server runs in. */
const sandboxRoots = (pids: number[]) => [...new Set(pids.map((pid) => dirname(readlinkSync(`/proc/${pid}/cwd`))))];

describe("sandbox processes", () => {
  beforeAll(() => {
    requireRedisServer();
  });

  it("are stopped when the MCP client disconnects (stdin closes)", async () => {
    const s = await startStdio(["--sandbox"], { TENCENTCLOUD_REDIS_LOG_LEVEL: "debug" });
    const { ports, pids } = await liveRedis(s);
    expect(ports).toHaveLength(2); // the two running instances of ap-guangzhou
    expect(pids).toHaveLength(2);
    await s.close();
    expect(await eventually(() => !pids.some(alive))).toBe(true);
    expect(s.stderr()).toMatch(/shutting down reason="stdin closed"/);
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    it(`are stopped when the server gets ${signal}`, async () => {
      const s = await startStdio(["--sandbox"]);
      const { pids } = await liveRedis(s);
      expect(pids.length).toBeGreaterThan(0);
      const roots = sandboxRoots(pids);
      expect(roots).toHaveLength(1);
      expect(roots[0]).toMatch(/tencentcloud-redis-sandbox-/);
      const server = s.transport.pid ?? 0;
      process.kill(server, signal);
      expect(await eventually(() => !alive(server))).toBe(true);
      // SIGKILL runs no handler: the watchdog, which sees its pipe close, kills the processes.
      expect(await eventually(() => !pids.some(alive))).toBe(true);
      expect(await eventually(() => !roots.some(existsSync))).toBe(true);
      await s.close();
    });
  }
});
