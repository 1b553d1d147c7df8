// The approval settings (docs/approval.md): parsed once, refused with a clear error, reported by doctor; and the
// approvals counted by outcome on GET /metrics.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalInUse, checkApprovalConfig, ConfigError, loadConfig } from "../../src/config/index.js";
import { runDoctor } from "../../src/doctor/index.js";
import { Logger } from "../../src/base/log.js";
import { createPromMetrics } from "../../src/base/metrics-open.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { restorableBackup } from "../safety/helpers.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";

describe("approval settings", () => {
  it("parses the tag policy, the expiry and the webhook", () => {
    const config = loadConfig(["--confirm", "approval"], {
      TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: "env=prod, tier=critical",
      TENCENTCLOUD_REDIS_APPROVAL_TTL_MINUTES: "45",
      TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-1",
      TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT: "WeCom",
    });
    expect(config.confirmMode).toBe("approval");
    expect(config.approval.forTags).toEqual([
      { key: "env", value: "prod" },
      { key: "tier", value: "critical" },
    ]);
    expect(config.approval.ttlMs).toBe(45 * 60_000);
    expect(config.approval.webhook?.format).toBe("wecom");
    expect(String(config.approval.webhook?.url)).not.toContain("robot-key-1");
    expect(loadConfig([], {}).approval).toEqual({ forTags: [], ttlMs: 30 * 60_000 });
    expect(approvalInUse(loadConfig([], {}))).toBe(false);
    expect(approvalInUse(loadConfig([], { TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: "env=prod" }))).toBe(true);
  });

  it.each([
    [{ TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: "prod" }, /key=value/],
    [{ TENCENTCLOUD_REDIS_APPROVAL_TTL_MINUTES: "0" }, /TTL_MINUTES must be a number from 0.01 to 10080/],
    [{ TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT: "teams" }, /json, wecom or slack/],
    [{ TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: "ftp://hooks.example.com/x?key=secret-k" }, /must be an http\(s\) URL$/],
    [{ TENCENTCLOUD_REDIS_CONFIRM: "approve" }, /token, elicit, none or approval/],
  ])("refuses %o with a clear error that never echoes a webhook URL", (env, message) => {
    let caught: unknown;
    try {
      loadConfig([], env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain("secret-k");
  });

  it("approval mode needs the HTTP listener or a shared state", () => {
    expect(() => checkApprovalConfig(loadConfig(["--confirm", "approval"], {}))).toThrow(ConfigError);
    expect(() => checkApprovalConfig(loadConfig(["--confirm", "approval", "--http"], {}))).not.toThrow();
    const shared = { TENCENTCLOUD_REDIS_STATE_URL: "redis://127.0.0.1:6379" };
    expect(() => checkApprovalConfig(loadConfig(["--confirm", "approval"], shared))).not.toThrow();
    expect(() => checkApprovalConfig(loadConfig([], {}))).not.toThrow();
    // without authentication every HTTP caller is one anonymous caller: nobody could approve over HTTP
    const open = { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" };
    expect(() => checkApprovalConfig(loadConfig(["--confirm", "approval", "--http"], open))).toThrow(/HTTP_AUTH=none/);
    expect(() => checkApprovalConfig(loadConfig(["--confirm", "approval", "--http"], { ...open, ...shared }))).not.toThrow();
  });
});

describe("doctor and metrics", () => {
  let fake: FakeCloud;
  let h: HttpHarness;
  const tokens = approvalTokens();
  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("doctor reports when an approval is needed, its expiry, the webhook and how approvers reach it", async () => {
    const env = fakeEnv(fake, {
      TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: "env=prod",
      TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: "http://127.0.0.1:9/hook",
      TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT: "slack",
    });
    const report = await runDoctor(loadConfig(["--http"], env), new Logger("error", () => {}));
    expect(report.settings.approval).toEqual({
      always: false,
      forTags: ["env=prod"],
      ttlMinutes: 30,
      webhook: "slack",
      approvers: ["http"],
    });
    const none = await runDoctor(loadConfig([], fakeEnv(fake)), new Logger("error", () => {}));
    expect(none.settings.approval).toBeNull();
  });

  it("GET /metrics counts approvals by outcome", async () => {
    h = await startHttpHarness({
      sharedFake: fake,
      tokens,
      metrics: await createPromMetrics(),
      env: { TENCENTCLOUD_REDIS_CONFIRM: "approval" },
    });
    const alice = await h.connect(tokens.alice?.token);
    const instanceId = SANDBOX_INSTANCE_IDS.sessions;
    const backupId = await restorableBackup(alice, instanceId);
    const r = sc(await alice.call("restore_instance", { instanceId, backupId }));
    await alice.call("restore_instance", { instanceId, backupId, approvalId: r.approvalId });
    await approvalsApi(baseOf(h.url), "POST", `/approvals/${r.approvalId}`, tokens.carol?.token, { decision: "approve" });
    expect(sc(await alice.call("restore_instance", { instanceId, backupId, approvalId: r.approvalId })).status).toBe("submitted");
    const res = await fetch(`${baseOf(h.url)}/metrics`, { headers: { Authorization: `Bearer ${tokens.alice?.token}` } });
    const text = await res.text();
    for (const outcome of ["requested", "pending", "approved", "used"]) {
      expect(text).toContain(`tcrmcp_approvals_total{outcome="${outcome}"} 1`);
    }
  });
});
