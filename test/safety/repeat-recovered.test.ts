// A confirmed restore repeated by its requester (its answer lost on the way) is answered with what it started and
// sends nothing, the same way in every confirmation mode: a spent confirmToken and a used approval, over stdio and
// HTTP (the built server), with the state in memory and in a shared Redis. The approval answer's hints name only
// what works in each configuration (the page on the listener, the command line with a shared state), and each is
// used here as the answer says.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { connectHttp, writeTokensFile } from "../helpers/http.js";
import { runToExit, startHttpChild } from "../helpers/http-child.js";
import { type StateRedis, startStateRedis } from "../helpers/state-redis.js";
import { startStdio } from "../helpers/stdio.js";
import { waitIdle } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions; // restored in place
const CLI = "tencentcloud-redis-mcp approvals approve";

type Mode = "token" | "approval";
type Transport = "stdio" | "http";
type State = "memory" | "redis";

interface Server {
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** The HTTP listener's base (http://host:port), over HTTP. */
  base?: string;
  close(): Promise<void>;
}

const CASES: Array<[Mode, Transport, State]> = [
  ["token", "stdio", "memory"],
  ["token", "stdio", "redis"],
  ["token", "http", "memory"],
  ["token", "http", "redis"],
  ["approval", "http", "memory"],
  ["approval", "http", "redis"],
  // approval over stdio needs a shared state (the command line is the approvers' way in)
  ["approval", "stdio", "redis"],
];

describe("a confirmed restore repeated is answered with what it started, in every mode", () => {
  let fake: FakeCloud;
  let redis: StateRedis;
  let dir: string;
  let backupId: string;
  const tokens = approvalTokens();

  beforeAll(async () => {
    [fake, redis] = await Promise.all([FakeCloud.start({ preparingMs: 20, runningMs: 40 }), startStateRedis()]);
    dir = mkdtempSync(join(tmpdir(), "repeat-recovered-"));
    backupId = (fake.state.listBackups(SESSIONS).find((b) => b.Status === 2)?.BackupId as string | undefined) ?? "";
    expect(backupId).not.toBe("");
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await redis?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(mode: Mode, transport: Transport, state: State, n: number): Promise<Server> {
    const env = fakeEnv(fake, {
      TENCENTCLOUD_REDIS_CONFIRM: mode,
      TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30", // the product's default
      TENCENTCLOUD_REDIS_AUDIT_LOG: join(dir, `audit-${n}.jsonl`),
      TENCENTCLOUD_REDIS_LOG_LEVEL: "info",
      ...(state === "redis" ? { TENCENTCLOUD_REDIS_STATE_URL: redis.url } : {}),
    });
    if (transport === "stdio") {
      const s = await startStdio([], env);
      return { call: s.call, close: s.close };
    }
    const child = await startHttpChild([], {
      ...env,
      TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile(tokens, 0o600, join(dir, `tokens-${n}.json`)),
      TENCENTCLOUD_REDIS_HTTP_PORT: "0",
    });
    const alice = await connectHttp(child.url, tokens.alice?.token);
    return {
      call: alice.call,
      base: baseOf(child.url),
      async close() {
        await alice.close();
        await child.stop();
      },
    };
  }

  /** Approves as the approval answer says: the page's API at approvalUrl, else the command line it names. */
  async function approveAsTold(server: Server, state: State, asked: Record<string, unknown>, text: string) {
    const id = String(asked.approvalId);
    if (server.base) {
      // over HTTP the answer links to the listener's own page, without TENCENTCLOUD_REDIS_PUBLIC_URL
      expect(asked.approvalUrl).toBe(`${server.base}/approvals/${id}`);
      expect(text).toContain(`at ${server.base}/approvals/${id}`);
      const page = await fetch(String(asked.approvalUrl), { headers: { Accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
    } else {
      expect(asked.approvalUrl).toBeUndefined();
    }
    // the command line is named only where it reaches the request: with the shared state
    if (state === "redis") expect(text).toContain(`${CLI} ${id}`);
    else expect(text).not.toContain("tencentcloud-redis-mcp approvals");
    if (server.base && state === "memory") {
      const decided = await approvalsApi(server.base, "POST", `/approvals/${id}`, tokens.carol?.token, { decision: "approve" });
      expect(decided.status).toBe(200);
      return;
    }
    const cli = await runToExit(["approvals", "approve", id], { TENCENTCLOUD_REDIS_STATE_URL: redis.url });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`Approved ${id}.`);
  }

  it.each(CASES.map((c, i) => [...c, i] as const))(
    "%s mode over %s, %s state: the repeat answers with the task, nothing sent",
    async (mode, transport, state, n) => {
      await waitIdle({ fake }, SESSIONS);
      const server = await start(mode, transport, state, n);
      try {
        const args = { instanceId: SESSIONS, backupId };
        const plan = await server.call("restore_instance", args);
        const planned = sc(plan);
        let confirmed: Record<string, unknown>;
        if (mode === "token") {
          expect(planned.status, JSON.stringify(planned)).toBe("confirmation_required");
          confirmed = { ...args, confirmToken: planned.confirmToken };
        } else {
          expect(planned.status, JSON.stringify(planned)).toBe("approval_required");
          await approveAsTold(server, state, planned, (plan.content as Array<{ text: string }>)[0]?.text ?? "");
          confirmed = { ...args, approvalId: planned.approvalId };
        }
        const sent = sc(await server.call("restore_instance", confirmed));
        expect(sent.status, JSON.stringify(sent)).toBe("submitted");
        expect(sent.recovered).toBeUndefined();
        await waitIdle({ fake }, SESSIONS);
        const before = fake.count("RestoreInstance");

        const repeat = sc(await server.call("restore_instance", confirmed));
        expect(repeat, JSON.stringify(repeat)).toMatchObject({
          status: "submitted",
          recovered: true,
          taskId: sent.taskId,
          operationId: sent.operationId,
        });
        expect(repeat.note).toMatch(/it was NOT sent again/);
        if (mode === "approval") expect(repeat.note).toContain(`Approval ${planned.approvalId} was already used`);
        expect(fake.count("RestoreInstance")).toBe(before);
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});
