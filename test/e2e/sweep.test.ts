// The sweep: every tool through every status it can answer, and one error of each category, on the sandbox with
// real redis-servers, against the built server, over stdio and over HTTP, with one script for both. Every client
// is made by test/helpers/client.ts (it lists the tools first), so the SDK validates each answer against the
// listed output schema: an answer that does not conform throws -32602 and fails the sweep. The last case compares
// what was answered with what the listed schemas say can be answered, so a status never reached fails too.

import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CATEGORIES } from "../../src/cloud/catalog.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { connectHttp, newToken, READ_WRITE, writeTokensFile } from "../helpers/http.js";
import { type HttpChild, runToExit, startHttpChild } from "../helpers/http-child.js";
import { redisAt, requireRedisServer } from "../helpers/redis.js";
import { type StateRedis, startStateRedis } from "../helpers/state-redis.js";
import { startStdio } from "../helpers/stdio.js";

const { orders: ORDERS, sessions: SESSIONS, catalog: CATALOG } = SANDBOX_INSTANCE_IDS;
const PASSWORDS = {
  TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: SANDBOX_PASSWORDS[ORDERS] ?? "",
  TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
};
/** A key the fake knows whose ManualBackupInstance CAM denies (the permission case). */
const DENIED = { secretId: "AKIDSWEEPDENIED00000000000000000000", secretKey: "sweep-denied-key-not-a-real-key" };

/** One connected client: its calls, and what it listed. */
interface Caller {
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  tools(): Promise<Tool[]>;
}

/** What the last case reads of a listed output schema's properties. */
interface ListedProperty {
  enum?: string[];
  const?: string;
  properties?: { category?: { enum?: string[] } };
}

/** The servers a transport starts against one sandbox. */
interface Servers {
  /** TENCENTCLOUD_REDIS_CONFIRM=token, the dedup window on (10 min). */
  main: Caller;
  /** The sandbox's SecretId with a wrong SecretKey. */
  badCredentials: Caller;
  /** A key whose ManualBackupInstance CAM denies. */
  camDenied: Caller;
  /** TENCENTCLOUD_REDIS_CONFIRM=approval: the requester, and a second person's approval of an ID. */
  approval: { requester: Caller; approve(approvalId: string): Promise<void> };
  /** HTTP only: a caller whose token has redis:read alone. */
  readerOnly?: Caller;
  close(): Promise<void>;
}

// ---- the transports: the same servers, over stdio and over HTTP ----

async function stdioServers(sandbox: Sandbox): Promise<Servers> {
  const closers: Array<() => Promise<unknown>> = [];
  const start = async (env: Record<string, string>): Promise<Caller> => {
    const s = await startStdio([], fakeEnv(sandbox.fake, { ...PASSWORDS, ...env }));
    closers.push(() => s.close());
    return { call: s.call, tools: async () => (await s.client.listTools()).tools };
  };
  // approval over stdio: the requests live in a shared Redis, decided with `tencentcloud-redis-mcp approvals`
  const state: StateRedis = await startStateRedis();
  closers.push(() => state.close());
  const approvalEnv = fakeEnv(sandbox.fake, {
    ...PASSWORDS,
    TENCENTCLOUD_REDIS_CONFIRM: "approval",
    TENCENTCLOUD_REDIS_STATE_URL: state.url,
  });
  const requester = await start(approvalEnv);
  return {
    main: await start({ TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "10" }),
    badCredentials: await start({ TENCENTCLOUD_SECRET_KEY: "sweep-wrong-secret-key" }),
    camDenied: await start({ TENCENTCLOUD_SECRET_ID: DENIED.secretId, TENCENTCLOUD_SECRET_KEY: DENIED.secretKey }),
    approval: {
      requester,
      async approve(approvalId) {
        const { code, stderr, stdout } = await runToExit(["approvals", "approve", approvalId], approvalEnv);
        expect(code, `${stdout}\n${stderr}`).toBe(0);
      },
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}

async function httpServers(sandbox: Sandbox): Promise<Servers> {
  const children: HttpChild[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  const serve = async (env: Record<string, string>, tokens: Parameters<typeof writeTokensFile>[0]) => {
    const child = await startHttpChild(
      ["--port", "0"],
      fakeEnv(sandbox.fake, { ...PASSWORDS, TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile(tokens), ...env }),
    );
    children.push(child);
    return child;
  };
  const connect = async (child: HttpChild, token: string): Promise<Caller> => {
    const c = await connectHttp(child.url, token);
    closers.push(() => c.close());
    return { call: c.call, tools: async () => (await c.client.listTools()).tools };
  };
  const ops = { token: newToken(), scopes: READ_WRITE };
  const reader = { token: newToken(), scopes: ["redis:read" as const] };
  const main = await serve(
    { TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "10" },
    { ops, reader },
  );
  const bad = await serve({ TENCENTCLOUD_SECRET_KEY: "sweep-wrong-secret-key" }, { ops });
  const denied = await serve(
    { TENCENTCLOUD_SECRET_ID: DENIED.secretId, TENCENTCLOUD_SECRET_KEY: DENIED.secretKey },
    { ops },
  );
  const people = approvalTokens();
  const approvalChild = await serve({ TENCENTCLOUD_REDIS_CONFIRM: "approval" }, people);
  return {
    main: await connect(main, ops.token),
    readerOnly: await connect(main, reader.token),
    badCredentials: await connect(bad, ops.token),
    camDenied: await connect(denied, ops.token),
    approval: {
      requester: await connect(approvalChild, people.alice?.token ?? ""),
      async approve(approvalId) {
        const decided = await approvalsApi(
          baseOf(approvalChild.url),
          "POST",
          `/approvals/${approvalId}`,
          people.carol?.token,
          {
            decision: "approve",
            reason: "the sweep",
          },
        );
        expect(decided.status, JSON.stringify(decided.body)).toBe(200);
        expect(decided.body).toMatchObject({ status: "approved", decidedBy: "token:carol" });
      },
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      await Promise.all(children.map((c) => c.stop("SIGTERM")));
    },
  };
}

// ---- the script ----

/** What each tool answered (its status, or "ok" for a tool without one) and the categories of the errors. */
class Seen {
  readonly statuses = new Map<string, Set<string>>();
  readonly categories = new Set<string>();

  /** Wraps a caller so that every answer is recorded. */
  watch(caller: Caller): Caller {
    return {
      tools: () => caller.tools(),
      call: async (name, args) => {
        const r = await caller.call(name, args); // the SDK client has validated it against the listed schema
        const s = sc(r);
        if (s.error) {
          expect(r.isError, JSON.stringify(s)).toBe(true);
          this.categories.add(s.error.category);
        } else {
          expect(r.isError, JSON.stringify(s)).toBeFalsy();
          const set = this.statuses.get(name) ?? new Set<string>();
          set.add(typeof s.status === "string" ? s.status : "ok");
          this.statuses.set(name, set);
        }
        return r;
      },
    };
  }
}

/** The structured answer, asserted to have this status (an error answer fails, showing itself). */
async function expectStatus(answer: Promise<CallToolResult>, status: string) {
  const s = sc(await answer);
  expect(s.status, JSON.stringify(s)).toBe(status);
  return s;
}

/** The structured error, asserted to be of this category (and code, when given). */
async function expectError(answer: Promise<CallToolResult>, category: string, code?: string) {
  const r = await answer;
  const error = sc(r).error;
  expect(r.isError, JSON.stringify(sc(r))).toBe(true);
  expect(error?.category, JSON.stringify(sc(r))).toBe(category);
  if (code) expect(error?.code).toBe(code);
  return error as { code: string; category: string; message: string };
}

async function restorableBackups(c: Caller, instanceId: string): Promise<string[]> {
  const listed = sc(await c.call("list_backups", { instanceId }));
  return (listed.backups as Array<{ backupId: string; restorable: boolean }>)
    .filter((b) => b.restorable)
    .map((b) => b.backupId);
}

/** Follows a task to its end; its final status. */
async function finalStatus(c: Caller, taskId: number): Promise<Record<string, unknown>> {
  const s = sc(await c.call("check_task", { taskId, waitSeconds: 60 }));
  expect(s.done, JSON.stringify(s)).toBe(true);
  return s;
}

/** Plan, then confirm with its token: the second answer. */
async function planAndConfirm(c: Caller, tool: string, args: Record<string, unknown>) {
  const plan = await expectStatus(c.call(tool, args), "confirmation_required");
  expect(plan.confirmToken).toMatch(/^ct_/);
  return { plan, done: sc(await c.call(tool, { ...args, confirmToken: plan.confirmToken })) };
}

function sweep(transport: string, startServers: (sandbox: Sandbox) => Promise<Servers>) {
  describe(`the sweep over ${transport} (built server, sandbox with real redis-servers)`, () => {
    let sandbox: Sandbox;
    let servers: Servers;
    const seen = new Seen();
    let main: Caller;

    beforeAll(async () => {
      requireRedisServer();
      sandbox = await startSandbox({ preparingMs: 600, runningMs: 100, cloneMs: 1500 });
      sandbox.fake.addCredential(DENIED);
      sandbox.fake.deny(DENIED.secretId, ["ManualBackupInstance"]);
      servers = await startServers(sandbox);
      main = seen.watch(servers.main);
    }, 120_000);
    afterAll(async () => {
      await servers?.close();
      await sandbox?.close();
    }, 30_000);

    it("list_instances and list_backups", async () => {
      const listed = sc(await main.call("list_instances", {}));
      const method = Object.fromEntries(
        listed.instances.map((i: { instanceId: string; restoreMethod: string }) => [i.instanceId, i.restoreMethod]),
      );
      expect(method).toMatchObject({ [SESSIONS]: "in_place", [ORDERS]: "in_place", [CATALOG]: "clone" });
      expect(listed.sandbox).toBeUndefined(); // pointed at the fake by its endpoint, not --sandbox
      const backups = sc(await main.call("list_backups", { instanceId: SESSIONS }));
      expect(backups.backups.length).toBeGreaterThanOrEqual(2);
    });

    it("backup_instance: submitted, followed to succeed naming the new backup; a repeat of its remark is recovered", async () => {
      const b = await expectStatus(
        main.call("backup_instance", { instanceId: SESSIONS, remark: "sweep undo point" }),
        "submitted",
      );
      const followed = await finalStatus(main, b.taskId);
      expect(followed).toMatchObject({ kind: "backup", status: "succeed", backup: { remark: "sweep undo point" } });
      const again = await expectStatus(
        main.call("backup_instance", { instanceId: SESSIONS, remark: "sweep undo point" }),
        "submitted",
      );
      expect(again).toMatchObject({ recovered: true, taskId: b.taskId });
      expect(sandbox.fake.count("ManualBackupInstance")).toBe(1);
    });

    it("restore in place: plan, confirm, submitted, check_task preparing then succeed; a repeat is answered recovered", async () => {
      const [backupId] = await restorableBackups(main, SESSIONS);
      const args = { instanceId: SESSIONS, backupId };
      const { plan, done } = await planAndConfirm(main, "restore_instance", args);
      expect(plan).toMatchObject({ method: "in_place", instance: { instanceId: SESSIONS } });
      expect(done, JSON.stringify(done)).toMatchObject({ status: "submitted", method: "in_place" });
      expect(await expectStatus(main.call("check_task", { taskId: done.taskId }), "preparing")).toMatchObject({
        done: false,
      });
      expect(await finalStatus(main, done.taskId)).toMatchObject({
        kind: "restore",
        status: "succeed",
        succeeded: true,
      });
      // the same confirmation again: the restore already sent is reported, not sent twice
      const repeat = await expectStatus(
        main.call("restore_instance", { ...args, confirmToken: plan.confirmToken }),
        "submitted",
      );
      expect(repeat).toMatchObject({ recovered: true, taskId: done.taskId });
      expect(sandbox.fake.count("RestoreInstance")).toBe(1);
    }, 60_000);

    it("check_task: a restore task that failed, and one that ended in error", async () => {
      const [first, second] = await restorableBackups(main, ORDERS);
      for (const [backupId, outcome] of [
        [first, "failed"],
        [second, "error"],
      ] as const) {
        sandbox.fake.state.failNextRestore(outcome, `the sweep's ${outcome}`);
        const { done } = await planAndConfirm(main, "restore_instance", { instanceId: ORDERS, backupId });
        expect(done.status, JSON.stringify(done)).toBe("submitted");
        expect(await finalStatus(main, done.taskId)).toMatchObject({ status: outcome, succeeded: false });
      }
    }, 60_000);

    it("approval: approval_required, pending until a second person approves, then submitted once", async () => {
      const requester = seen.watch(servers.approval.requester);
      const [backupId] = await restorableBackups(requester, SESSIONS);
      const args = { instanceId: SESSIONS, backupId };
      const asked = await expectStatus(requester.call("restore_instance", args), "approval_required");
      expect(asked).toMatchObject({ method: "in_place", approvalId: expect.stringMatching(/^ap_/) });
      await expectError(
        requester.call("restore_instance", { ...args, approvalId: asked.approvalId }),
        "conflict",
        "ClientError.ApprovalPending",
      );
      const before = sandbox.fake.count("RestoreInstance");
      await servers.approval.approve(asked.approvalId);
      const done = await expectStatus(
        requester.call("restore_instance", { ...args, approvalId: asked.approvalId, waitSeconds: 5 }),
        "submitted",
      );
      expect(sandbox.fake.count("RestoreInstance")).toBe(before + 1);
      expect(await finalStatus(requester, done.taskId)).toMatchObject({ status: "succeed" });
    }, 60_000);

    it("the clone route: plan, confirm, check_task { instanceId }, switch plan, confirm, undo plan, confirm; a switch asks approval", async () => {
      const [backupId] = await restorableBackups(main, CATALOG);
      const { plan, done: cloning } = await planAndConfirm(main, "restore_instance", { instanceId: CATALOG, backupId });
      expect(plan.method).toBe("clone");
      expect(cloning, JSON.stringify(cloning)).toMatchObject({ status: "cloning", method: "clone" });
      const clone = cloning.cloneInstanceId as string;
      expect(await expectStatus(main.call("check_task", { instanceId: clone }), "creating")).toMatchObject({
        kind: "clone",
        done: false,
      });
      expect(
        await expectStatus(main.call("check_task", { instanceId: clone, waitSeconds: 60 }), "running"),
      ).toMatchObject({ done: true });
      expect(await expectStatus(main.call("check_task", { instanceId: clone }), "running")).toMatchObject({
        done: true,
      });

      // an instance that is not a clone: said plainly, not followed as one
      const notClone = await expectError(main.call("check_task", { instanceId: ORDERS }), "invalid_input", "ClientError.InvalidArgument");
      expect(notClone.message).toContain(`${ORDERS} is not a clone made by restore_instance`);
      // the two reversed before any switch: refused, nothing sent, the hint names the right call
      const swapped = await expectError(
        main.call("switch_address", { instanceId: clone, toInstanceId: CATALOG }),
        "invalid_input",
        "ClientError.SwitchReversed",
      );
      expect(swapped.message).toMatch(/Nothing was sent/);
      expect(sandbox.fake.count("ModifyNetworkConfig")).toBe(0);

      const original = sandbox.fake.state.getInstance(CATALOG);
      const address = { host: original?.WanIp, port: original?.Port };
      const sw = await planAndConfirm(main, "switch_address", { instanceId: CATALOG, toInstanceId: clone });
      expect(sw.plan).toMatchObject({ original: CATALOG, clone, direction: "restore" });
      expect(sw.plan.addresses).toEqual([
        { instanceId: CATALOG, ...address },
        { instanceId: clone, host: expect.any(String), port: expect.any(Number) },
      ]);
      expect(sw.done, JSON.stringify(sw.done)).toMatchObject({ status: "switched", address, resumed: false });
      expect(sandbox.fake.state.getInstance(clone)).toMatchObject({ WanIp: address.host, Port: address.port });
      const undo = await planAndConfirm(main, "switch_address", { instanceId: clone, toInstanceId: CATALOG });
      expect(undo.plan).toMatchObject({ original: CATALOG, clone, direction: "undo" });
      expect(undo.done, JSON.stringify(undo.done)).toMatchObject({ status: "switched", address, direction: "undo" });
      expect(sandbox.fake.state.getInstance(CATALOG)).toMatchObject({ WanIp: address.host, Port: address.port });
      expect(sandbox.fake.count("ModifyNetworkConfig")).toBe(4);

      // under approval the same switch waits for a second person, sending nothing
      const requester = seen.watch(servers.approval.requester);
      const asked = await expectStatus(
        requester.call("switch_address", { instanceId: CATALOG, toInstanceId: clone }),
        "approval_required",
      );
      expect(asked.approvalId).toMatch(/^ap_/);
      expect(sandbox.fake.count("ModifyNetworkConfig")).toBe(4);

      // interrupted at its second step, the switch resumes from there when called again
      sandbox.fake.inject("ModifyNetworkConfig", { kind: "delay", ms: 1 }, 1);
      sandbox.fake.inject(
        "ModifyNetworkConfig",
        { kind: "error", code: "FailedOperation.SystemError", message: "the sweep" },
        1,
      );
      const cut = await planAndConfirm(main, "switch_address", { instanceId: CATALOG, toInstanceId: clone });
      expect(cut.done.error, JSON.stringify(cut.done)).toMatchObject({
        code: "ClientError.SwitchInterrupted",
        category: "conflict",
      });
      expect(cut.done.error.message).toMatch(/stopped at step 2/);
      const resumed = await planAndConfirm(main, "switch_address", { instanceId: CATALOG, toInstanceId: clone });
      expect(resumed.plan).toMatchObject({ resumed: true, resumeStep: "on" });
      expect(resumed.done, JSON.stringify(resumed.done)).toMatchObject({ status: "switched", resumed: true, address });
      expect(sandbox.fake.count("ModifyNetworkConfig")).toBe(7); // the resume sent step 2 only
    }, 120_000);

    it("one error answer of each category", async () => {
      const reset = () => sandbox.fake.reset();
      // invalid_input: an argument that is not an instance ID
      const invalid = await expectError(
        main.call("restore_instance", { instanceId: "orders", backupId: "1" }),
        "invalid_input",
        "ClientError.InvalidArgument",
      );
      expect(invalid.message).toMatch(/instanceId/);
      // auth: a server whose SecretKey is wrong
      await expectError(
        seen.watch(servers.badCredentials).call("list_instances", {}),
        "auth",
        "AuthFailure.SignatureFailure",
      );
      // permission: CAM denies the key ManualBackupInstance (and over HTTP, a token without redis:restore)
      await expectError(
        seen.watch(servers.camDenied).call("backup_instance", { instanceId: ORDERS }),
        "permission",
        "AuthFailure.UnauthorizedOperation",
      );
      if (servers.readerOnly) {
        const before = sandbox.fake.count();
        await expectError(
          seen.watch(servers.readerOnly).call("restore_instance", { instanceId: ORDERS, backupId: "1" }),
          "permission",
          "ClientError.ScopeMissing",
        );
        expect(sandbox.fake.count()).toBe(before);
      }
      // not_found: an instance that does not exist
      await expectError(
        main.call("list_backups", { instanceId: "crs-sweep404" }),
        "not_found",
        "ResourceNotFound.InstanceNotExists",
      );
      // conflict: a backup locked by another task
      const all = sc(await main.call("list_backups", { instanceId: ORDERS })).backups as Array<{
        backupId: string;
        locked: boolean;
      }>;
      const locked = all.find((b) => b.locked)?.backupId;
      expect(locked).toBeDefined();
      await expectError(
        main.call("restore_instance", { instanceId: ORDERS, backupId: locked }),
        "conflict",
        "ResourceUnavailable.BackupLockedError",
      );
      // throttled: the API's rate limit
      sandbox.fake.inject("DescribeInstances", { kind: "error", code: "RequestLimitExceeded" });
      await expectError(main.call("list_instances", {}), "throttled", "RequestLimitExceeded");
      reset();
      // unavailable: the endpoint answers 503
      sandbox.fake.inject("DescribeInstanceBackups", { kind: "status", status: 503 });
      await expectError(main.call("list_backups", { instanceId: ORDERS }), "unavailable", "ClientError.HttpStatus");
      reset();
      // outcome_unknown: the connection drops under a ManualBackupInstance: never resent, reported unknown
      sandbox.fake.inject("ManualBackupInstance", { kind: "drop", phase: "before" }, 1);
      await expectError(
        main.call("backup_instance", { instanceId: ORDERS }),
        "outcome_unknown",
        "ClientError.NetworkError",
      );
      expect(sandbox.fake.count("ManualBackupInstance")).toBe(1);
      reset();
      // internal: the instance's redis-server is gone, so the backup fails inside the cloud (FailedOperation.SystemError)
      const sessions = sandbox.fake.state.getInstance(SESSIONS);
      await redisAt(sessions?.WanIp ?? "", sessions?.Port ?? 0, undefined, "SHUTDOWN", "NOSAVE").catch(() => {});
      await expectError(
        main.call("backup_instance", { instanceId: SESSIONS }),
        "internal",
        "FailedOperation.SystemError",
      );
    }, 60_000);

    it("answered every status each listed tool can answer, and an error of every category", async () => {
      const tools = await main.tools();
      expect(tools.map((t) => t.name).sort()).toEqual([...seen.statuses.keys()].sort());
      for (const tool of tools) {
        const properties = (tool.outputSchema?.properties ?? {}) as Record<string, ListedProperty>;
        const listed = properties.status ? (properties.status.enum ?? [properties.status.const]) : ["ok"];
        expect([...(seen.statuses.get(tool.name) ?? [])].sort(), tool.name).toEqual([...listed].sort());
        expect(properties.error?.properties?.category?.enum, tool.name).toEqual([...ERROR_CATEGORIES]);
      }
      expect([...seen.categories].sort()).toEqual([...ERROR_CATEGORIES].sort());
    });
  });
}

sweep("stdio", stdioServers);
sweep("HTTP", httpServers);
