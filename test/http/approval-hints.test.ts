// The approval answer's hints over HTTP name only what works where the server runs (the command line needs a
// shared state). A listener on a wildcard address has no address a browser can open: the answer gives no
// approvalUrl, and the page's path it (and the approvers' webhook message) names is served on the listener.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { approvalTokens, type Receiver, startReceiver } from "../helpers/approval.js";
import { sc } from "../helpers/harness.js";
import { connectHttp, type HttpClient, type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { restorableBackup } from "../safety/helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

describe("approval hints on a listener bound to 0.0.0.0, without a public URL or a shared state", () => {
  let h: HttpHarness;
  let alice: HttpClient;
  let base: string;
  let receiver: Receiver;
  const tokens = approvalTokens();

  beforeAll(async () => {
    receiver = await startReceiver(() => JSON.stringify({ errcode: 0, errmsg: "ok" }));
    h = await startHttpHarness({
      tokens,
      env: {
        TENCENTCLOUD_REDIS_CONFIRM: "approval",
        TENCENTCLOUD_REDIS_HTTP_HOST: "0.0.0.0",
        TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS: "127.0.0.1",
        TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: receiver.url,
        TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT: "wecom",
      },
    });
    base = `http://127.0.0.1:${h.http.port}`;
    alice = await connectHttp(`${base}/mcp`, tokens.alice?.token);
  }, 30_000);
  afterAll(async () => {
    await alice?.close();
    await h?.close();
    await receiver?.close();
  });

  it("names the page's path (served on the listener), no approvalUrl, no command line", async () => {
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = await alice.call("restore_instance", { instanceId: SESSIONS, backupId });
    const s = sc(r);
    expect(s.status).toBe("approval_required");
    expect(s.approvalUrl).toBeUndefined();
    const text = (r.content as Array<{ text: string }>)[0]?.text ?? "";
    expect(text).toContain(`on this server's approval page (/approvals/${s.approvalId} on its HTTP listener)`);
    expect(text).not.toContain("tencentcloud-redis-mcp approvals");
    const page = await fetch(`${base}/approvals/${s.approvalId}`, { headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    // the approvers' message names the page's path too, never the command line (no shared state here)
    const told = JSON.parse(receiver.received[0]?.body ?? "{}").markdown.content as string;
    expect(told).toContain(`/approvals/${s.approvalId}`);
    expect(told).not.toContain("tencentcloud-redis-mcp approvals");
    expect(h.fake.count("RestoreInstance")).toBe(0);
  });
});
