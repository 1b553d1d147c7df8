// Approvers by OAuth scope (docs/approval.md): a JWT whose scope holds redis:approve decides over the same listener; the
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

  it("the approvals API refuses forged, stale and misdirected JWTs with approver scope; a decision counts once", async () => {
    const requesterJwt = await issuer.sign({ aud: PUBLIC_URL, sub: "ops-agent-2", scope: "redis:read redis:restore" });
    const agent = await h.connect(requesterJwt);
    expect((await agent.client.listTools()).tools.length).toBeGreaterThan(0);
    const backupId = await restorableBackup(agent, SESSIONS);
    const r = sc(await agent.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    const base = baseOf(h.url);
    const path = `/approvals/${r.approvalId}`;
    const now = Math.floor(Date.now() / 1000);
    const other = await TestIssuer.start(); // same claims, another issuer's keys
    try {
      const refused = {
        expired: await issuer.sign({
          aud: PUBLIC_URL,
          sub: "lead",
          scope: "redis:approve",
          iat: now - 7200,
          exp: now - 3600,
        }),
        "another audience": await issuer.sign({
          aud: "https://elsewhere.example/mcp",
          sub: "lead",
          scope: "redis:approve",
        }),
        "another issuer's key": await other.sign({
          iss: issuer.url,
          aud: PUBLIC_URL,
          sub: "lead",
          scope: "redis:approve",
        }),
        "no expiry": await issuer.sign({ aud: PUBLIC_URL, sub: "lead", scope: "redis:approve" }, { omit: ["exp"] }),
        unsigned: unsigned({ iss: issuer.url, aud: PUBLIC_URL, sub: "lead", scope: "redis:approve", exp: now + 3600 }),
        "a tampered scope": tamper(await issuer.sign({ aud: PUBLIC_URL, sub: "lead", scope: "redis:read" }), {
          scope: "redis:approve",
        }),
      };
      for (const [why, jwt] of Object.entries(refused)) {
        const listed = await approvalsApi(base, "GET", "/approvals", jwt);
        expect(listed.status, `${why}: list`).toBe(401);
        const decided = await approvalsApi(base, "POST", path, jwt, { decision: "approve" });
        expect(decided.status, `${why}: decide`).toBe(401);
      }
    } finally {
      await other.close();
    }
    const pending = await approvalsApi(
      base,
      "GET",
      path,
      await issuer.sign({ aud: PUBLIC_URL, sub: "lead", scope: "redis:approve" }),
    );
    expect(pending.body).toMatchObject({ status: "pending" }); // nothing above decided it
    const approver = await issuer.sign({ aud: PUBLIC_URL, sub: "lead", scope: "redis:approve" });
    expect((await approvalsApi(base, "POST", path, approver, { decision: "approve" })).status).toBe(200);
    // the same JWT again, and another approver: the decision is made once
    expect((await approvalsApi(base, "POST", path, approver, { decision: "deny", reason: "again" })).status).toBe(409);
    const second = await issuer.sign({ aud: PUBLIC_URL, sub: "lead-2", scope: "redis:approve" });
    expect((await approvalsApi(base, "POST", path, second, { decision: "deny", reason: "late" })).status).toBe(409);
    const done = sc(await agent.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");
  });

  it("a JWT with redis:approve alone is offered no tool", async () => {
    const approver = await issuer.sign({ aud: PUBLIC_URL, sub: "oncall-lead", scope: "redis:approve" });
    const client = await h.connect(approver);
    expect((await client.client.listTools()).tools).toEqual([]);
  });
});

/** A JWT with `alg: none` and no signature. */
function unsigned(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "at+jwt" })}.${part(claims)}.`;
}

/** A signed JWT whose payload was changed after signing (its signature kept). */
function tamper(jwt: string, change: Record<string, unknown>): string {
  const [head, body, sig] = jwt.split(".");
  const claims = { ...JSON.parse(Buffer.from(body ?? "", "base64url").toString("utf8")), ...change };
  return `${head}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`;
}
