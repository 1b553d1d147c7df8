// Approvals across replicas and from the command line (docs/approval.md): two HTTP server processes (the built dist/) on
// one Redis state and one fake cloud; a request made on one replica is decided on the other, or with
// `tencentcloud-redis-mcp approvals` against the same Redis, and used once, whichever replica runs it.

import { hostname, userInfo } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { connectHttp, type HttpClient, writeTokensFile } from "../helpers/http.js";
import { type HttpChild, runToExit, startHttpChild } from "../helpers/http-child.js";
import { replicaEnv, startStdioReplica } from "../helpers/replicas.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const CATALOG = SANDBOX_INSTANCE_IDS.catalog; // Redis 6.2: restored by clone, then switched

describe("approvals on two replicas sharing one Redis, and the approvals command line", () => {
  let redis: StateRedis;
  let fake: FakeCloud;
  let servers: HttpChild[];
  let env: Record<string, string>;
  let backupId: string;
  const tokens = approvalTokens();
  const clients: HttpClient[] = [];
  const as = async (who: string, replica: number) => {
    const c = await connectHttp((servers[replica] as HttpChild).url, tokens[who]?.token);
    clients.push(c);
    return c;
  };
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runToExit(["approvals", ...args], { TENCENTCLOUD_REDIS_STATE_URL: redis.url, ...extra });
  const idle = () => until("no restore in flight", () => !fake.state.hasRestoreInFlight(SESSIONS));

  beforeAll(async () => {
    [redis, fake] = await Promise.all([startStateRedis(), FakeCloud.start({ preparingMs: 50, runningMs: 150, cloneMs: 100 })]);
    env = replicaEnv(fake, redis.url, {
      TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile(tokens),
      TENCENTCLOUD_REDIS_HTTP_PORT: "0",
      TENCENTCLOUD_REDIS_CONFIRM: "approval",
      TENCENTCLOUD_REDIS_LOG_LEVEL: "info",
      TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
    });
    servers = await Promise.all([0, 1].map(() => startHttpChild([], env)));
    const a = await as("alice", 0);
    const backups = sc(await a.call("list_backups", { instanceId: SESSIONS })).backups as Array<{
      restorable: boolean;
      backupId: string;
    }>;
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

  it("asked on A, approved through B's API, run on B once; repeated on A it is answered with B's restore", async () => {
    const [a, b] = [await as("alice", 0), await as("alice", 1)];
    const r = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    const base = baseOf((servers[1] as HttpChild).url);
    const listed = await approvalsApi(base, "GET", "/approvals", tokens.carol?.token);
    expect(listed.body.approvals.map((x: { approvalId: string }) => x.approvalId)).toContain(r.approvalId);
    const decided = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokens.carol?.token, { decision: "approve" });
    expect(decided.status).toBe(200);
    const sent = sc(await b.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(sent.status).toBe("submitted");
    await idle();
    // the same requester repeating it (an answer lost on the way): answered with B's restore, nothing sent
    const again = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(again).toMatchObject({ status: "submitted", recovered: true, taskId: sent.taskId, operationId: sent.operationId });
    // another requester presenting it is refused: an approval is bound to the caller who asked
    const boss = await as("boss", 0);
    const other = sc(await boss.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(other.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("a switch approved and made on A, its approval repeated on B: answered with A's switch, nothing sent", async () => {
    const [a, b] = [await as("alice", 0), await as("alice", 1)];
    const base = baseOf((servers[0] as HttpChild).url);
    const approve = async (id: unknown) =>
      expect((await approvalsApi(base, "POST", `/approvals/${id}`, tokens.carol?.token, { decision: "approve" })).status).toBe(200);
    const backups = sc(await a.call("list_backups", { instanceId: CATALOG })).backups as Array<{ restorable: boolean; backupId: string }>;
    const cloneOf = backups.find((x) => x.restorable)?.backupId;
    const asked = sc(await a.call("restore_instance", { instanceId: CATALOG, backupId: cloneOf }));
    await approve(asked.approvalId);
    const cloning = sc(await a.call("restore_instance", { instanceId: CATALOG, backupId: cloneOf, approvalId: asked.approvalId }));
    expect(cloning.status, JSON.stringify(cloning)).toBe("cloning");
    const cloneId = String(cloning.cloneInstanceId);
    expect(sc(await a.call("check_task", { instanceId: cloneId, waitSeconds: 60 })).status).toBe("running");

    const pair = { instanceId: CATALOG, toInstanceId: cloneId };
    const sw = sc(await a.call("switch_address", pair));
    expect(sw.status, JSON.stringify(sw)).toBe("approval_required");
    await approve(sw.approvalId);
    const done = sc(await a.call("switch_address", { ...pair, approvalId: sw.approvalId }));
    expect(done.status, JSON.stringify(done)).toBe("switched");
    expect(fake.count("ModifyNetworkConfig")).toBe(2);
    // the same requester repeating it on the other replica (an answer lost on the way): A's switch, nothing sent
    const again = sc(await b.call("switch_address", { ...pair, approvalId: sw.approvalId }));
    expect(again, JSON.stringify(again)).toMatchObject({
      status: "switched",
      recovered: true,
      original: CATALOG,
      clone: cloneId,
      direction: "restore",
      address: done.address,
    });
    expect(again.note).toContain(`Approval ${sw.approvalId} was already used`);
    // another requester presenting it is refused: an approval is bound to the caller who asked
    const other = sc(await (await as("boss", 1)).call("switch_address", { ...pair, approvalId: sw.approvalId }));
    expect(other.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(fake.count("ModifyNetworkConfig")).toBe(2);
  }, 90_000);

  it("one approval presented on both replicas at once sends one RestoreInstance", async () => {
    const [a, b] = [await as("alice", 0), await as("alice", 1)];
    const r = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    await approvalsApi(baseOf((servers[0] as HttpChild).url), "POST", `/approvals/${r.approvalId}`, tokens.carol?.token, {
      decision: "approve",
    });
    const args = { instanceId: SESSIONS, backupId, approvalId: r.approvalId };
    const results = (await Promise.all([a.call("restore_instance", args), b.call("restore_instance", args)])).map(sc);
    expect(results.filter((x) => x.status === "submitted")).toHaveLength(1);
    const refused = results.find((x) => x.status !== "submitted");
    expect(["ClientError.ApprovalInvalid", "ResourceUnavailable.InstanceLockedError"]).toContain(refused?.error?.code);
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("the command line lists, shows and approves as cli:<user>@<host>; the replica then restores", async () => {
    const a = await as("alice", 0);
    const r = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const list = await cli(["list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(r.approvalId);
    expect(list.stdout).toMatch(new RegExp(`${r.approvalId} \\| pending \\| token:alice \\| restore_instance \\| ${SESSIONS}`));
    const shown = await cli(["show", r.approvalId, "--json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ approvalId: r.approvalId, status: "pending", backupId, requester: "token:alice" });
    const approved = await cli(["approve", r.approvalId, "--reason", "ok from the on-call"]);
    expect(approved.code, approved.stderr).toBe(0);
    const me = `cli:${userInfo().username}@${hostname()}`;
    expect(approved.stdout).toContain(`Approved ${r.approvalId}.`);
    expect(approved.stdout).toContain(me);
    const twice = await cli(["deny", r.approvalId, "--reason", "changed my mind"]);
    expect(twice.code).toBe(1);
    expect(twice.stdout).toMatch(/already approved/);
    const done = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("the command line shows a name from the cloud with its escape sequences and bidi controls as their codes", async () => {
    const name = fake.state.getInstance(SESSIONS)?.InstanceName ?? "";
    fake.state.updateInstance(SESSIONS, { InstanceName: "promo\u001b[2J\u202Etxt.exe" });
    try {
      const a = await as("alice", 0);
      const r = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
      const shown = await cli(["show", r.approvalId]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain("promo\\u001b[2J\\u202etxt.exe");
      expect(shown.stdout.includes("\u001b") || shown.stdout.includes("\u202E")).toBe(false);
      expect(fake.count("RestoreInstance")).toBe(0);
    } finally {
      fake.state.updateInstance(SESSIONS, { InstanceName: name });
    }
  });

  it("the command line denies with a reason (in Chinese too); unknown IDs, a missing reason or shared state are refused", async () => {
    const b = await as("alice", 1);
    const r = sc(await b.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const noReason = await cli(["deny", r.approvalId]);
    expect(noReason.code).toBe(2);
    const denied = await cli(["deny", r.approvalId, "--reason", "客户正在对账"], { TENCENTCLOUD_LANGUAGE: "zh-CN" });
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toContain(`已拒绝 ${r.approvalId}`);
    const out = sc(await b.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(out.error?.code).toBe("ClientError.ApprovalDenied");
    expect(out.error?.message).toContain("客户正在对账");
    expect(out.error?.message).toContain("cli:");
    const unknown = await cli(["approve", "ap_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/No approval ap_A+ is known/);
    const noState = await runToExit(["approvals", "list"], {});
    expect(noState.code).toBe(2);
    expect(noState.stdout).toMatch(/TENCENTCLOUD_REDIS_STATE_URL/);
    expect(fake.count("RestoreInstance")).toBe(0);
  });

  it("a stdio server asks (as local); a person approves on the command line; the stdio call then restores", async () => {
    const { TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: _f, TENCENTCLOUD_REDIS_HTTP_PORT: _p, ...stdioEnv } = env;
    const stdio = await startStdioReplica("stdio", stdioEnv);
    try {
      const r = sc(await stdio.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(r.status).toBe("approval_required");
      expect(r.approvalUrl).toBeUndefined();
      const text = JSON.stringify((await stdio.call("restore_instance", { instanceId: SESSIONS, backupId })).content);
      expect(text).toContain("tencentcloud-redis-mcp approvals approve ap_");
      expect(text).not.toContain("/approvals/ap_"); // no page over stdio
      const approved = await cli(["approve", r.approvalId]);
      expect(approved.code, approved.stderr).toBe(0);
      const done = sc(await stdio.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId, waitSeconds: 5 }));
      expect(done.status).toBe("submitted");
      expect(fake.count("RestoreInstance")).toBe(1);
    } finally {
      await stdio.close();
    }
  });

  it("approval mode refuses to start with no way for an approver to reach it", async () => {
    const { TENCENTCLOUD_REDIS_STATE_URL: _url, ...withoutState } = env;
    const stdio = await runToExit([], { ...withoutState, TENCENTCLOUD_REDIS_CONFIRM: "approval" });
    expect(stdio.code).toBe(2);
    expect(stdio.stderr).toMatch(/TENCENTCLOUD_REDIS_CONFIRM=approval needs a way for an approver/);
    const tags = await runToExit([], { ...withoutState, TENCENTCLOUD_REDIS_CONFIRM: "none", TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: "env=prod" });
    expect(tags.code).toBe(2);
    expect(tags.stderr).toMatch(/TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS needs/);
  });
});
