// Several server processes (the built dist/index.js) sharing one Redis state and one fake cloud, as a team
// runs replicas. Each replica is a real process reached through a real MCP client.

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { FakeCloud } from "../../src/sandbox/fake.js";
import { fakeEnv } from "./harness.js";
import { type StdioSession, startStdio } from "./stdio.js";

export interface Replica {
  name: string;
  pid: number;
  /** The real MCP client (to list the tools first). */
  client: StdioSession["client"];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  stderr(): string;
  /** SIGKILL: the process dies holding whatever it holds. */
  kill(): void;
  close(): Promise<void>;
}

/** The environment of a replica: the fake's credentials and endpoint, the shared Redis, fast polls. */
export function replicaEnv(
  fake: FakeCloud,
  stateUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return fakeEnv(fake, {
    TENCENTCLOUD_REDIS_STATE_URL: stateUrl,
    TENCENTCLOUD_REDIS_CONFIRM: "token",
    TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS: "2",
    ...extra,
  });
}

export async function startStdioReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const session = await startStdio([], env);
  const pid = session.transport.pid;
  if (pid === null) throw new Error(`replica ${name} has no pid`);
  return {
    name,
    pid,
    client: session.client,
    call: session.call,
    stderr: session.stderr,
    kill: () => process.kill(pid, "SIGKILL"),
    close: () => session.close(),
  };
}
