// The approval page (docs/approval.md) in a real headless Chromium (Debian's chromium, driven by playwright-core): the
// approver signs in with their own token, sees the plan, approves (or denies with a reason) through the page, and
// the restore then runs once. Screenshots go to test-results/approval/ (and, with TCRMCP_UPDATE_SCREENSHOTS=1, to
// docs/images/approval-page.png).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type HttpClient, type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { waitIdle } from "../safety/helpers.js";
import { approvalTokens, baseOf } from "../helpers/approval.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const CHROMIUM = "/usr/bin/chromium";
const OUTPUT = join(process.cwd(), "test-results", "approval");
const DOCS_SCREENSHOT = join(process.cwd(), "docs", "images", "approval-page.png");

describe("the approval page in headless Chromium", () => {
  let h: HttpHarness;
  let base: string;
  let alice: HttpClient;
  let backupId: string;
  let context: BrowserContext;
  let profile: string;
  const tokens = approvalTokens();
  /** Every URL the browser asked for, and every console error (a CSP violation shows there). */
  const requested: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    h = await startHttpHarness({ tokens, env: { TENCENTCLOUD_REDIS_CONFIRM: "approval" } });
    base = baseOf(h.url);
    alice = await h.connect(tokens.alice?.token);
    // an older backup: its plan names an undo point
    const backups = sc(await alice.call("list_backups", { instanceId: SESSIONS })).backups as Array<{
      restorable: boolean;
      backupId: string;
    }>;
    backupId = backups.filter((b) => b.restorable)[1]?.backupId ?? "";
    profile = mkdtempSync(join(tmpdir(), "approval-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 900, height: 860 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    context.on("request", (req) => requested.push(req.url()));
    context.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    mkdirSync(OUTPUT, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await h?.close();
  });

  const signIn = async (page: Page, token: string | undefined) => {
    await page.locator("#token").fill(token ?? "");
    await page.locator("#signin").click();
  };

  it("shows the plan to a signed-in approver, who approves it: the restore then runs once", async () => {
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    // without TENCENTCLOUD_REDIS_PUBLIC_URL the answer links to the listener's own page: the browser opens that link
    expect(r.approvalUrl).toBe(`${base}/approvals/${r.approvalId}`);
    const page = await context.newPage();
    await page.goto(`${r.approvalUrl}?lang=en-US`);
    // the page itself holds no plan: it asks for a token first
    await expect.poll(() => page.locator("#signin-form").isVisible()).toBe(true);
    expect(await page.content()).not.toContain(backupId);
    await signIn(page, tokens.carol?.token);
    await page.locator("#approve").waitFor();
    const text = await page.locator("main").textContent();
    for (const part of [SESSIONS, "session-store", backupId, "token:alice", r.backup.startTime, r.backup.age]) {
      expect(text).toContain(part);
    }
    expect(text).toContain("replaces ALL of its data");
    expect(text).toContain("restore in place");
    expect(text).toContain(r.undoBackup.backupId);
    // the token lives in this tab's session storage only: no cookie, nothing in local storage
    expect(await page.evaluate('sessionStorage.getItem("tcrmcp.approver.token")')).toBe(tokens.carol?.token);
    expect(await page.evaluate("localStorage.length")).toBe(0);
    expect(await context.cookies()).toEqual([]);
    await page.locator("#reason").fill("checked the backup with the team");
    await page.screenshot({ path: join(OUTPUT, "approval-page.png"), fullPage: true });
    // the docs' copy only on request, so that a test run leaves the tree as it was
    if (process.env.TCRMCP_UPDATE_SCREENSHOTS === "1") await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });

    await page.locator("#approve").click();
    await expect.poll(() => page.locator("#status").textContent()).toBe("approved");
    expect(await page.locator("main").textContent()).toContain("Decision recorded.");
    expect(await page.locator("main").textContent()).toContain("token:carol");
    await page.screenshot({ path: join(OUTPUT, "approval-page-approved.png"), fullPage: true });

    const done = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(done.status).toBe("submitted");
    expect(h.fake.count("RestoreInstance")).toBe(1);
    await page.close();
  });

  it("in Chinese: denies with a reason through the page; the requester's call is ApprovalDenied with it", async () => {
    await waitIdle(h, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const page = await context.newPage();
    await page.goto(`${base}/approvals/${r.approvalId}?lang=zh-CN`);
    expect(await page.locator("h1").textContent()).toBe("审批变更");
    await signIn(page, tokens.carol?.token);
    await page.locator("#deny").waitFor();
    expect(await page.locator("main").textContent()).toContain("申请人");
    await page.locator("#reason").fill("促销期间不要恢复");
    await page.locator("#deny").click();
    await expect.poll(() => page.locator("#status").textContent()).toBe("已拒绝");
    await page.screenshot({ path: join(OUTPUT, "approval-page-zh-denied.png"), fullPage: true });
    const out = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId, approvalId: r.approvalId }));
    expect(out.error?.code).toBe("ClientError.ApprovalDenied");
    expect(out.error?.message).toContain("促销期间不要恢复");
    await page.close();
  });

  it("the requester, signed in with its own token, is offered no decision; a bad token is asked again; the list links", async () => {
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    const page = await context.newPage();
    await page.goto(`${base}/approvals?lang=en-US`);
    await signIn(page, "not-a-valid-token");
    await expect.poll(() => page.locator("#signin-form").textContent()).toContain("not accepted");
    await signIn(page, tokens.carol?.token);
    await page.locator(`a[href="/approvals/${r.approvalId}"]`).click();
    await page.locator("#approve").waitFor();
    // alice (the requester, without redis:approve) is refused the approval altogether
    await page.evaluate(`sessionStorage.setItem("tcrmcp.approver.token", ${JSON.stringify(tokens.alice?.token)})`);
    await page.reload();
    await expect.poll(() => page.locator("main").textContent()).toContain("redis:approve");
    expect(await page.locator("#approve").count()).toBe(0);
    await page.close();

    const own = sc(await (await h.connect(tokens.boss?.token)).call("restore_instance", { instanceId: SESSIONS, backupId }));
    const bossPage = await context.newPage();
    await bossPage.goto(`${base}/approvals/${own.approvalId}?lang=en-US`);
    await signIn(bossPage, tokens.boss?.token);
    await expect.poll(() => bossPage.locator("#status").textContent()).toBe("pending");
    expect(await bossPage.locator("#approve").count()).toBe(0);
    await bossPage.close();
  });

  it("shows a bidi override or a zero-width character in a name from the cloud as its code, never as itself", async () => {
    const name = h.fake.state.getInstance(SESSIONS)?.InstanceName ?? "";
    h.fake.state.updateInstance(SESSIONS, { InstanceName: "promo\u202Etxt.exe\u200B" });
    try {
      const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(r.status).toBe("approval_required");
      const page = await context.newPage();
      await page.goto(`${base}/approvals/${r.approvalId}?lang=en-US`);
      await signIn(page, tokens.carol?.token);
      await page.locator("#approve").waitFor();
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).toContain("promo\\u202etxt.exe\\u200b");
      expect(text).not.toMatch(/[\u202E\u200B]/);
      await page.close();
    } finally {
      h.fake.state.updateInstance(SESSIONS, { InstanceName: name });
    }
  });

  it("loaded nothing from another origin, and broke no Content-Security-Policy rule", () => {
    expect(requested.length).toBeGreaterThan(5);
    for (const url of requested) expect(url.startsWith(`${base}/approvals`), url).toBe(true);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
