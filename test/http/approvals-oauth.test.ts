// Approvers by OAuth scope (issue 17): a JWT whose scope holds redis:approve decides over the same listener; the
// requester's own JWT never does, whatever scopes it holds; a JWT without the scope is refused.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { TestIssuer } from "./issuer.js";
import { restorableBackup } from "../safety/helpers.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";

const PUBLIC_URL = "http://127.0.0.1/mcp";
const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("approvers by OAuth scope", () => {
  let issuer: TestIssuer;
  let h: HttpHarness;
  const tokens = approvalTokens();
  beforeAll(async () => {
    issuer = await TestIssuer.start();
    h = await startHttpHarness({
      tokens,
      env: {
        TENCENTCLOUD_REDIS_CONFIRM: "approval",
        TENCENTCLOUD_REDIS_OAUTH_ISSUER: issuer.url,
        TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL,
      },
    });
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await issuer?.close();
  });

  it("redis:approve in a JWT decides as oauth:<sub>; the requester's JWT with every scope does not", async () => {
    const requesterJwt = await issuer.sign({ aud: PUBLIC_URL, sub: "ops-agent", scope: "redis:read redis:restore redis:approve" });
    const agent = await h.connect(requesterJwt);
    const backupId = await restorableBackup(agent, SESSIONS);
    const r = sc(await agent.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    const base = baseOf(h.url);
    const self = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, requesterJwt, { decision: "approve" });
    expect(self.status).toBe(403);
    const reader = await issuer.sign({ aud: PUBLIC_URL, sub: "dashboard", scope: "redis:read" });
    expect((await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, reader, { decision: "approve" })).status).toBe(403);
    const approver = await issuer.sign({ aud: PUBLIC_URL, sub: "oncall-lead", scope: "redis:approve" });
    const decided = await approvalsApi(base, "POST", `/approvals/${r.approvalId}`, approver, { decision: "approve" });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: "approved", requester: "oauth:ops-agent", decidedBy: "oauth:oncall-lead" });
    const done = sc(await agent.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");
    expect(h.fake.count("RestoreInstance")).toBe(1);
  });

  it("a JWT with redis:approve alone is offered no tool", async () => {
    const approver = await issuer.sign({ aud: PUBLIC_URL, sub: "oncall-lead", scope: "redis:approve" });
    const client = await h.connect(approver);
    expect((await client.client.listTools()).tools).toEqual([]);
  });
});
