// Approval by a second person (docs/approval.md) through real clients: an MCP client over Streamable HTTP with bearer
// tokens asks, approvers decide over plain HTTP on the same listener, and the restore runs exactly once.

import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS, SANDBOX_REGION } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type HttpClient, type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { readAudit, restorableBackup, waitIdle } from "../safety/helpers.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const ORDERS = SANDBOX_INSTANCE_IDS.orders;

describe("TENCENTCLOUD_REDIS_CONFIRM=approval over HTTP", () => {
  let fake: FakeCloud;
  let h: HttpHarness;
  let base: string;
  let alice: HttpClient;
  let boss: HttpClient;
  let backupId: string;
  let otherBackup: string;
  const audit = join(mkdtempSync(join(tmpdir(), "approval-audit-")), "audit.jsonl");
  const tokens = approvalTokens();
  const tokenOf = (name: string) => tokens[name]?.token as string;

  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
    h = await startHttpHarness({
      sharedFake: fake,
      tokens,
      env: {
        TENCENTCLOUD_REDIS_CONFIRM: "approval",
        TENCENTCLOUD_REDIS_AUDIT_LOG: audit,
        TENCENTCLOUD_REDIS_PUBLIC_URL: "http://127.0.0.1/mcp",
      },
    });
    base = baseOf(h.url);
    alice = await h.connect(tokenOf("alice"));
    boss = await h.connect(tokenOf("boss"));
    const backups = sc(await alice.call("list_backups", { instanceId: SESSIONS })).backups as Array<{
      restorable: boolean;
      backupId: string;
    }>;
    const restorable = backups.filter((b) => b.restorable);
    backupId = restorable[0]?.backupId ?? "";
    otherBackup = restorable[1]?.backupId ?? "";
    expect(otherBackup).not.toBe("");
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(async () => {
    await waitIdle({ fake }, SESSIONS);
    fake.reset();
  });

  const request = async (client: HttpClient, args: Record<string, unknown> = { instanceId: SESSIONS, backupId }) => {
    const r = sc(await client.call("restore_instance", args));
    expect(r.status, JSON.stringify(r)).toBe("approval_required");
    return r;
  };

  it("the first call asks for an approval with the whole plan and sends nothing", async () => {
    const before = Date.now();
    const r = await request(alice);
    expect(r.approvalId).toMatch(/^ap_[A-Za-z0-9_-]{32}$/);
    const ttl = Date.parse(r.expiresAt) - before;
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 5000);
    expect(r).toMatchObject({
      instanceId: SESSIONS,
      backupId,
      method: "in_place",
      notification: "none",
      instance: { instanceId: SESSIONS, name: "session-store" },
      backup: { backupId },
    });
    expect(r.approvalUrl).toBe(`http://127.0.0.1/approvals/${r.approvalId}`);
    expect(r.warning).toMatch(/replaces ALL of its data/);
    expect(fake.count("RestoreInstance")).toBe(0);
    // and it is listed as pending for an approver
    const list = await approvalsApi(base, "GET", "/approvals", tokenOf("carol"));
    expect(list.status).toBe(200);
    const listed = list.body.approvals.find((a: { approvalId: string }) => a.approvalId === r.approvalId);
    expect(listed).toMatchObject({ status: "pending", requester: "token:alice", tool: "restore_instance", backupId });
  });

  it("pending: ApprovalPending (retryable), also after waiting waitSeconds; nothing sent", async () => {
    const r = await request(alice);
    const again = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(again.error).toMatchObject({ code: "ClientError.ApprovalPending", retryable: true });
    const started = Date.now();
    const waited = sc(
      await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId, waitSeconds: 1 }),
    );
    expect(waited.error?.code).toBe("ClientError.ApprovalPending");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.count("RestoreInstance")).toBe(0);
  });

  it("approved by another person: restored exactly once; repeated, answered with that restore; the audit names both", async () => {
    const r = await request(alice);
    const decided = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), {
      decision: "approve",
      reason: "checked with the team",
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: "approved", decidedBy: "token:carol", reason: "checked with the team" });
    const twice = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), { decision: "deny" });
    expect(twice.status).toBe(409);

    const done = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status, JSON.stringify(done)).toBe("submitted");
    expect(fake.count("RestoreInstance")).toBe(1);
    await waitIdle({ fake }, SESSIONS);
    const used = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(used).toMatchObject({ status: "submitted", recovered: true, taskId: done.taskId, operationId: done.operationId });
    expect(used.note).toContain(`Approval ${r.approvalId} was already used`);
    expect(fake.count("RestoreInstance")).toBe(1);
    const shown = await approvalsApi(base, "GET", `/approvals/${r.approvalId}`, tokenOf("carol"));
    expect(shown.body.status).toBe("used");

    const records = readAudit(audit).filter((l) => l.approvalId === r.approvalId);
    expect(records.map((l) => [l.event, l.outcome])).toEqual([
      ["approval_requested", "planned"],
      ["approval_decided", "decided"],
      ["restore_instance", "intent"], // written ahead of the send (docs/crash-safety.md)
      ["restore_instance", "submitted"],
      ["restore_instance", "recovered"],
    ]);
    expect(records[1]).toMatchObject({ approver: "token:carol", requester: "token:alice", decision: "approved" });
    for (const sent of records.slice(2, 4)) {
      expect(sent).toMatchObject({ caller: "token:alice", requester: "token:alice", approver: "token:carol", confirm: "approval" });
    }
    expect(records[3]?.operationId).toBe(records[2]?.operationId);
  });

  it("used for a restore the cloud refused: repeated, ApprovalInvalid (already used), nothing sent again", async () => {
    await waitIdle({ fake }, SESSIONS);
    const r = await request(alice);
    await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), { decision: "approve" });
    const before = fake.count("RestoreInstance");
    fake.inject("RestoreInstance", { kind: "error", code: "FailedOperation.SystemError", message: "injected" }, 1);
    const refused = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(refused.error?.code).toBe("FailedOperation.SystemError");
    expect(fake.count("RestoreInstance")).toBe(before + 1);
    const again = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(again.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(again.error?.message).toMatch(/already used/);
    expect(fake.count("RestoreInstance")).toBe(before + 1);
  });

  it("denied: ApprovalDenied with the approver's reason, not retryable; nothing sent", async () => {
    const r = await request(alice);
    const denied = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), {
      decision: "deny",
      reason: "not during the sale",
    });
    expect(denied.status).toBe(200);
    expect(denied.body.status).toBe("denied");
    const out = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(out.error).toMatchObject({ code: "ClientError.ApprovalDenied", retryable: false });
    expect(out.error.message).toContain("not during the sale");
    expect(out.error.message).toContain("token:carol");
    expect(fake.count("RestoreInstance")).toBe(0);
  });

  it("bound: another backup, another instance or another caller is ApprovalInvalid, and the approval stays good", async () => {
    const r = await request(alice);
    await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), { decision: "approve" });
    const other = sc(
      await alice.call("restore_instance", { instanceId: SESSIONS, backupId: otherBackup, approvalId: r.approvalId }),
    );
    expect(other.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(other.error?.message).toMatch(/backupId differ/);
    const stolen = sc(await boss.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(stolen.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(stolen.error?.message).toMatch(/another caller/);
    const elsewhere = sc(
      await alice.call("restore_instance", { instanceId: ORDERS, backupId, approvalId: r.approvalId, region: SANDBOX_REGION }),
    );
    expect(elsewhere.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(fake.count("RestoreInstance")).toBe(0);
    const done = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("the requester is never its own approver, even with redis:approve; a caller without the scope is refused", async () => {
    const r = await request(boss);
    const self = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("boss"), { decision: "approve" });
    expect(self.status).toBe(403);
    expect(self.body.error_description).toMatch(/requester/);
    for (const who of ["alice", "viewer"]) {
      const refused = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf(who), { decision: "approve" });
      expect(refused.status, who).toBe(403);
      expect((await approvalsApi(base, "GET", "/approvals", tokenOf(who))).status, who).toBe(403);
    }
    const anonymous = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, undefined, { decision: "approve" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const bad = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, "not-a-token", { decision: "approve" });
    expect(bad.status).toBe(401);
    const unknown = `ap_${randomBytes(24).toString("base64url")}`;
    expect((await approvalsApi(base, "POST", `/approvals/${unknown}`, tokenOf("carol"), { decision: "approve" })).status).toBe(404);
    expect((await approvalsApi(base, "GET", `/approvals/${unknown}`, tokenOf("carol"))).status).toBe(404);
    const malformed = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), { decision: "yes" });
    expect(malformed.status).toBe(400);
    // still pending after all of that: nothing was decided
    expect((await approvalsApi(base, "GET", `/approvals/${r.approvalId}`, tokenOf("carol"))).body.status).toBe("pending");
    const out = sc(await boss.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(out.error?.code).toBe("ClientError.ApprovalPending");
  });

  it("a call waiting with waitSeconds gets the decision as it is made, with progress notifications", async () => {
    const r = await request(alice);
    const progress: number[] = [];
    const waiting = alice.client.callTool(
      { name: "restore_instance", arguments: { instanceId: SESSIONS, backupId, approvalId: r.approvalId, waitSeconds: 30 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress), timeout: 60_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(fake.count("RestoreInstance")).toBe(0);
    await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokenOf("carol"), { decision: "approve" });
    const done = sc((await waiting) as CallToolResult);
    expect(done.status).toBe("submitted");
    expect(progress.length).toBeGreaterThan(0);
    expect(fake.count("RestoreInstance")).toBe(1);
  });

  it("the HTML page is served without a token and holds no plan data, under a strict CSP", async () => {
    const r = await request(alice);
    const res = await fetch(`${base}/approvals/${r.approvalId}`, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(html).not.toContain(SESSIONS);
    expect(html).not.toContain(backupId);
    expect(html).not.toContain("session-store");
    expect(html).not.toMatch(/<script(?![^>]*(type="application\/json"|src="\/approvals\/assets\/))/);
    const zh = await fetch(`${base}/approvals/${r.approvalId}`, { headers: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    expect(await zh.text()).toContain("审批变更");
  });
});

/** A fake whose session-store carries `tags`, and an HTTP server in `confirm` mode with the tag policy. */
function taggedServer(confirm: string, tags: Array<{ TagKey: string; TagValue: string }>) {
  const env = { TENCENTCLOUD_REDIS_CONFIRM: confirm, TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: "env=prod,tier=critical" };
  const ctx = { tokens: approvalTokens() } as { fake: FakeCloud; h: HttpHarness; tokens: ReturnType<typeof approvalTokens> };
  beforeAll(async () => {
    ctx.fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
    const tagged = ctx.fake.state.getInstance(SESSIONS);
    if (!tagged) throw new Error("no sandbox instance");
    tagged.Tags = tags;
    ctx.h = await startHttpHarness({ sharedFake: ctx.fake, tokens: ctx.tokens, env });
  }, 30_000);
  afterAll(async () => {
    await ctx.h?.close();
    await ctx.fake?.close();
  });
  return ctx;
}

describe("the tag policy (TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS) applies whatever the mode", () => {
  const ctx = taggedServer("none", [
    { TagKey: "team", TagValue: "payments" },
    { TagKey: "env", TagValue: "prod" },
  ]);

  it("overrides none for an instance with a listed tag; an untagged instance restores at once", async () => {
    const { fake, h, tokens } = ctx;
    const alice = await h.connect(tokens.alice?.token);
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    expect(fake.count("RestoreInstance")).toBe(0);
    const approved = await approvalsApi(baseOf(h.url), "POST", `/approvals/${r.approvalId}`, tokens.carol?.token, {
      decision: "approve",
    });
    expect(approved.status).toBe(200);
    const done = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");

    const ordersBackup = await restorableBackup(alice, ORDERS);
    const password = SANDBOX_PASSWORDS[ORDERS];
    const untagged = sc(await alice.call("restore_instance", { instanceId: ORDERS, backupId: ordersBackup, password }));
    expect(untagged.status, JSON.stringify(untagged)).toBe("submitted");
    expect(fake.requests.filter((q) => q.action === "RestoreInstance").map((q) => (q.params as { InstanceId?: string }).InstanceId)).toEqual([
      SESSIONS,
      ORDERS,
    ]);
  });
});

describe("the tag policy with token confirmation", () => {
  const ctx = taggedServer("token", [{ TagKey: "tier", TagValue: "critical" }]);

  it("a tagged instance needs an approval (no confirmToken then); an untagged one keeps its token plan, planned once", async () => {
    const { fake, h, tokens } = ctx;
    const alice = await h.connect(tokens.alice?.token);
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    expect(r.confirmToken).toBeUndefined();
    await approvalsApi(baseOf(h.url), "POST", `/approvals/${r.approvalId}`, tokens.carol?.token, { decision: "approve" });
    const done = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");

    const ordersBackup = await restorableBackup(alice, ORDERS);
    fake.reset();
    const password = SANDBOX_PASSWORDS[ORDERS];
    const plan = sc(await alice.call("restore_instance", { instanceId: ORDERS, backupId: ordersBackup, password }));
    expect(plan.status).toBe("confirmation_required");
    expect(fake.count("DescribeInstances")).toBe(1); // the policy's preflight is the plan's
    const confirmed = sc(
      await alice.call("restore_instance", { instanceId: ORDERS, backupId: ordersBackup, password, confirmToken: plan.confirmToken }),
    );
    expect(confirmed.status).toBe("submitted");
  });
});

describe("approvals that expire", () => {
  let h: HttpHarness;
  const tokens = approvalTokens();
  beforeAll(async () => {
    h = await startHttpHarness({ tokens, env: { TENCENTCLOUD_REDIS_CONFIRM: "approval", TENCENTCLOUD_REDIS_APPROVAL_TTL_MINUTES: "0.02" } });
  }, 30_000);
  afterAll(async () => h?.close());

  it("expired: the call is ApprovalInvalid, the decision 409, and nothing is sent", async () => {
    const alice = await h.connect(tokens.alice?.token);
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const base = baseOf(h.url);
    const shown = await approvalsApi(base, "GET", `/approvals/${r.approvalId}`, tokens.carol?.token);
    expect(shown.body.status).toBe("expired");
    const late = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, tokens.carol?.token, { decision: "approve" });
    expect(late.status).toBe(409);
    const out = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(out.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(out.error?.message).toMatch(/expired/);
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });
});
