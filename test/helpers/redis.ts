// Shared by the real-data sandbox tests: redis-server must be installed (CI installs it); they fail without it.

import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { findRedisServer } from "../../src/sandbox/redis.js";

/** The redis-server on PATH; throws (failing the test) when there is none. */
export function requireRedisServer(): string {
  const binary = findRedisServer();
  if (!binary) {
    throw new Error(
      "redis-server is not installed: the sandbox's real-data tests need it (Debian: apt-get install redis-server; .ci/run does it)",
    );
  }
  return binary;
}

/** PIDs of the redis-server processes listening on `port` (its process title is "redis-server HOST:PORT"). */
export function redisPidsOnPort(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    if (new RegExp(`^(\\S*/)?redis-server \\S*:${port}\\b`).test(cmdline)) pids.push(Number(entry));
  }
  return pids;
}

/** True when a process with this PID exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Waits until `condition` holds, polling; false when it still does not after `ms`. */
export async function eventually(condition: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** PIDs of the redis-server processes whose parent is `parentPid` (a sandbox's, while that process lives). */
export function childRedisPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parentPid && /^(\S*\/)?redis-server /.test(readFileSync(`/proc/${entry}/cmdline`, "utf8"))) {
        pids.push(Number(entry));
      }
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** True when nothing accepts a TCP connection at host:port (ECONNREFUSED). */
export function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/** Like eventually(), for an asynchronous condition. */
export async function eventuallyAsync(condition: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** One command to the redis-server behind an address (a sandbox instance's VIP), on a connection of its own. */
export async function redisAt(host: string, port: number, password: string | undefined, ...command: string[]): Promise<unknown> {
  const { RespClient } = await import("../../src/sandbox/resp.js");
  const client = await RespClient.connect(port, host, password);
  try {
    return await client.command(...command);
  } finally {
    client.close();
  }
}
