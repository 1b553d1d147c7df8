// No redis-server and no instance address survives the sandbox server, however it ends: client disconnect,
// SIGTERM, SIGINT, SIGKILL. (The addresses are listeners in the server's own process.)

import { existsSync, readlinkSync } from "node:fs";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sc } from "../helpers/harness.js";
import { alive, childRedisPids, eventually, eventuallyAsync, refused, requireRedisServer } from "../helpers/redis.js";
import { type StdioSession, startStdio } from "../helpers/stdio.js";

/** The addresses of the server's live instances (ap-guangzhou), and the PIDs of its redis-server processes. */
async function liveRedis(
  s: StdioSession,
): Promise<{ addresses: Array<{ host: string; port: number }>; pids: number[] }> {
  const result = sc(await s.call("list_instances", {}));
  expect(result.sandbox).toMatch(/real redis-server/);
  const addresses = (result.instances as Array<{ host?: string; port?: number }>)
    .filter((i) => i.host?.startsWith("127."))
    .map((i) => ({ host: i.host ?? "", port: i.port ?? 0 }));
  for (const a of addresses) expect(await refused(a.host, a.port)).toBe(false);
  return { addresses, pids: childRedisPids(s.transport.pid ?? 0) };
}

const allRefused = (addresses: Array<{ host: string; port: number }>) =>
  eventuallyAsync(async () => (await Promise.all(addresses.map((a) => refused(a.host, a.port)))).every(Boolean));

/** The sandbox's temporary root: the parent of the directory each redis-server runs in. */
const sandboxRoots = (pids: number[]) => [...new Set(pids.map((pid) => dirname(readlinkSync(`/proc/${pid}/cwd`))))];

describe("sandbox processes", () => {
  beforeAll(() => {
    requireRedisServer();
  });

  it("are stopped when the MCP client disconnects (stdin closes)", async () => {
    const s = await startStdio(["--sandbox"], { TENCENTCLOUD_REDIS_LOG_LEVEL: "debug" });
    const { addresses, pids } = await liveRedis(s);
    expect(addresses).toHaveLength(4); // the four running instances of ap-guangzhou
    expect(pids).toHaveLength(5); // and the one of ap-shanghai
    await s.close();
    expect(await eventually(() => !pids.some(alive))).toBe(true);
    expect(await allRefused(addresses)).toBe(true);
    expect(s.stderr()).toMatch(/shutting down reason="stdin closed"/);
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    it(`are stopped when the server gets ${signal}`, async () => {
      const s = await startStdio(["--sandbox"]);
      const { addresses, pids } = await liveRedis(s);
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
      expect(await allRefused(addresses)).toBe(true);
      await s.close();
    });
  }
});
