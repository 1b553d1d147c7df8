// A real redis-server for the shared-state tests: started on a free loopback port, stopped, killed and
// restarted on the same port. redis-server must be installed (CI installs it); the tests fail without it.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/sandbox/redis-fleet.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { requireRedisServer } from "./redis.js";

export interface StateRedis {
  port: number;
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  /** A RESP client for assertions (flush, keys). */
  command(...args: string[]): Promise<unknown>;
  /** SIGSTOP / SIGCONT: connections stay open but nothing answers (a Redis that hangs). */
  pause(): void;
  resume(): void;
  /** SIGKILL: gone at once, connections reset. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startStateRedis(options: { password?: string } = {}): Promise<StateRedis> {
  const binary = requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), "tcrmcp-state-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const password = options.password;

  const launch = async () => {
    const args = ["-", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"];
    const proc = spawn(binary, args, { stdio: ["pipe", "ignore", "ignore"] });
    proc.on("error", () => {});
    proc.stdin?.end(password === undefined ? "" : `requirepass "${password}"\n`);
    child = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const c = await RespClient.connect(port, "127.0.0.1", password);
        try {
          if ((await c.command("PING")) === "PONG") return;
        } finally {
          c.close();
        }
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || (proc.signalCode !== null && proc.signalCode !== "SIGSTOP")) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGCONT");
    proc.kill("SIGKILL");
    await exited;
  };
  const onExit = () => {
    child?.kill("SIGCONT");
    child?.kill("SIGKILL");
  };
  process.on("exit", onExit);
  await launch();
  return {
    port,
    url: `redis://${password === undefined ? "" : `:${encodeURIComponent(password)}@`}127.0.0.1:${port}`,
    async command(...args) {
      const c = await RespClient.connect(port, "127.0.0.1", password);
      try {
        return await c.command(...args);
      } finally {
        c.close();
      }
    },
    kill,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    restart: launch,
    async close() {
      await kill();
      process.off("exit", onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `condition` holds, polling; throws with `what` when it still does not after `ms`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
