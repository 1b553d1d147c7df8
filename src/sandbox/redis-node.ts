// One real redis-server of the sandbox (an instance's data): started on a loopback port in its own directory,
// the password given through stdin, written, stopped. The fleet (redis-fleet.ts) keeps one per running instance.

import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { RespClient } from "./resp.js";

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;
/** The redis-server on PATH, or undefined. */
export function findRedisServer(path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RedisNode {
  instanceId: string;
  dir: string;
  port: number;
  password: string | undefined;
  child: ChildProcess | undefined;
  /** Keeps a timestamped AOF (second-level backup). */
  aof: boolean;
}

/** A free loopback TCP port (bound then released: redis-server cannot listen on port 0 and report it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Replaces the node's data by `data`. */
export async function writeData(node: RedisNode, data: Readonly<Record<string, string>>): Promise<void> {
  const client = await RespClient.connect(node.port, "127.0.0.1", node.password);
  try {
    await client.command("FLUSHALL");
    for (const [key, value] of Object.entries(data)) await client.command("SET", key, value);
  } finally {
    client.close();
  }
}

/** Starts the node's redis-server (loading dump.rdb if there is one) and waits until it serves. */
export async function launchRedis(binary: string, node: RedisNode): Promise<void> {
  const args = ["-", "--port", String(node.port), "--bind", "127.0.0.1", "--dir", node.dir];
  args.push("--dbfilename", "dump.rdb", "--save", "", "--daemonize", "no");
  args.push("--pidfile", join(node.dir, "redis.pid"), "--logfile", join(node.dir, "redis.log"));
  if (node.aof) {
    args.push("--appendonly", "yes", "--aof-timestamp-enabled", "yes", "--appendfsync", "always");
    args.push("--auto-aof-rewrite-percentage", "0");
  } else {
    args.push("--appendonly", "no");
  }
  // The password goes in through stdin (config file "-"), not on the command line where ps shows it.
  const child = spawn(binary, args, { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  node.child = child;
  let exited = false;
  child.once("exit", () => {
    exited = true;
    if (node.child === child) node.child = undefined;
  });
  child.on("error", () => {});
  child.stdin?.end(node.password === undefined ? "" : `requirepass "${node.password}"\n`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`redis-server exited at start: ${await logTail(node)}`);
    try {
      const client = await RespClient.connect(node.port, "127.0.0.1", node.password);
      try {
        if ((await client.command("PING")) === "PONG") return;
      } finally {
        client.close();
      }
    } catch {
      // not listening yet, or -LOADING while it reads the RDB
    }
    if (Date.now() > deadline) {
      await stopRedis(node);
      throw new Error(`redis-server did not answer on port ${node.port}: ${await logTail(node)}`);
    }
    await sleep(10);
  }
}

/** Stops the node's redis-server (SIGTERM, then SIGKILL after a while). */
export async function stopRedis(node: RedisNode): Promise<void> {
  const child = node.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM"); // with no save points, redis-server exits without writing an RDB
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function logTail(node: RedisNode): Promise<string> {
  const log = await readFile(join(node.dir, "redis.log"), "utf8").catch(() => "");
  return log.trim().split("\n").slice(-2).join(" | ") || "no log";
}
