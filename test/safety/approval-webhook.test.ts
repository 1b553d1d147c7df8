// The approvers' webhook (docs/approval.md): one POST per new request, in each format (json, WeCom robot markdown, Slack
// incoming webhook), received by a local HTTP receiver; retried with backoff; never a token or password in it.

import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { pause, until } from "../helpers/follow.js";
import { restorableBackup } from "./helpers.js";
import { approvalTokens, type Receiver, startReceiver } from "../helpers/approval.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const PUBLIC_URL = "https://mcp.example.com/mcp";

describe("the approval webhook", () => {
  let fake: FakeCloud;
  const harnesses: HttpHarness[] = [];
  const receivers: Receiver[] = [];
  const tokens = approvalTokens();
  const secrets = [
    SANDBOX_CREDENTIALS.secretKey,
    ...Object.values(SANDBOX_PASSWORDS),
    ...Object.values(tokens).map((t) => t.token),
    "secret-robot-key",
  ];

  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
  });
  afterAll(async () => {
    await Promise.allSettled(harnesses.map((h) => h.close()));
    await Promise.allSettled(receivers.map((r) => r.close()));
    await fake?.close();
  });

  const setup = async (format: string, answer?: (body: string) => string) => {
    const receiver = await startReceiver(answer);
    receivers.push(receiver);
    const h = await startHttpHarness({
      sharedFake: fake,
      tokens,
      env: {
        TENCENTCLOUD_REDIS_CONFIRM: "approval",
        TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL,
        TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: receiver.url,
        TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT: format,
        [`TENCENTCLOUD_REDIS_PASSWORD_${ORDERS.toUpperCase().replaceAll("-", "_")}`]: SANDBOX_PASSWORDS[ORDERS] as string,
      },
    });
    harnesses.push(h);
    const alice = await h.connect(tokens.alice?.token);
    return { receiver, h, alice };
  };

  const noSecret = (text: string) => {
    for (const secret of secrets) expect(text).not.toContain(secret);
  };

  it("json: the request's fields and the page's link, one POST, no secret", async () => {
    const { receiver, alice, h } = await setup("json");
    const backupId = await restorableBackup(alice, ORDERS);
    const r = sc(await alice.call("restore_instance", { instanceId: ORDERS, backupId }));
    expect(r.status).toBe("approval_required");
    expect(r.notification).toBe("sent");
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0] as Receiver["received"][number];
    expect(got.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      event: "approval_requested",
      approvalId: r.approvalId,
      requester: "token:alice",
      tool: "restore_instance",
      instanceId: ORDERS,
      instanceName: "orders-cache",
      backupId,
      method: "in_place",
      expiresAt: r.expiresAt,
      link: `https://mcp.example.com/approvals/${r.approvalId}`,
    });
    expect(body.backupTime).toBe(r.backup.startTime);
    noSecret(got.body);
    noSecret(h.logLines.join("\n"));
  });

  it("wecom: a group robot's markdown message (msgtype, markdown.content), no secret", async () => {
    const { receiver, alice } = await setup("wecom", () => JSON.stringify({ errcode: 0, errmsg: "ok" }));
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.notification).toBe("sent");
    const body = JSON.parse((receiver.received[0] as Receiver["received"][number]).body);
    expect(Object.keys(body).sort()).toEqual(["markdown", "msgtype"]);
    expect(body.msgtype).toBe("markdown");
    expect(Object.keys(body.markdown)).toEqual(["content"]);
    const content: string = body.markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    for (const part of [r.approvalId, "token:alice", SESSIONS, "session-store", backupId, r.expiresAt]) {
      expect(content).toContain(part);
    }
    expect(content).toContain(`https://mcp.example.com/approvals/${r.approvalId}`);
    noSecret(content);
  });

  it("wecom: an answer with a non-zero errcode counts as a failure and is retried", async () => {
    let n = 0;
    const { receiver, alice } = await setup("wecom", () => JSON.stringify(n++ === 0 ? { errcode: 45009, errmsg: "api freq out of limit" } : { errcode: 0, errmsg: "ok" }));
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.notification).toBe("sent");
    expect(receiver.received).toHaveLength(2);
  });

  it("slack: an incoming webhook's message (text fallback + one mrkdwn section), no secret", async () => {
    const { receiver, alice } = await setup("slack");
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.notification).toBe("sent");
    const body = JSON.parse((receiver.received[0] as Receiver["received"][number]).body);
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toContain(SESSIONS);
    expect(body.blocks).toHaveLength(1);
    expect(body.blocks[0].type).toBe("section");
    expect(body.blocks[0].text.type).toBe("mrkdwn");
    const text: string = body.blocks[0].text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    for (const part of [r.approvalId, "token:alice", SESSIONS, backupId]) expect(text).toContain(part);
    noSecret(JSON.stringify(body));
  });

  it("a failing receiver is retried with backoff; once it gives up, the answer and the log say so", async () => {
    const { receiver, alice, h } = await setup("json");
    receiver.failNext(2, 503);
    const backupId = await restorableBackup(alice, SESSIONS);
    const first = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(first.notification).toBe("sent");
    expect(receiver.received).toHaveLength(3);

    receiver.failNext(100, 502);
    const second = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(second.status).toBe("approval_required");
    expect(second.notification).toBe("failed");
    expect(receiver.received).toHaveLength(3 + 4);
    const text = (await alice.call("restore_instance", { instanceId: SESSIONS, backupId })).content;
    expect(JSON.stringify(text)).toMatch(/webhook could NOT be reached/);
    expect(h.logLines.join("\n")).toMatch(/approval webhook failed/);
    noSecret(h.logLines.join("\n"));
  });

  it("the request's records carry the requester and reach the requesting session only", async () => {
    const { alice, h } = await setup("json");
    const boss = await h.connect(tokens.boss?.token);
    const seen: Record<string, LoggingMessageNotification["params"][]> = { alice: [], boss: [] };
    alice.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.alice?.push(n.params));
    boss.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.boss?.push(n.params));
    await alice.client.setLoggingLevel("debug");
    await boss.client.setLoggingLevel("debug");
    const backupId = await restorableBackup(alice, ORDERS);
    const r = sc(await alice.call("restore_instance", { instanceId: ORDERS, backupId }));
    expect(r.status).toBe("approval_required");
    const msgOf = (m: LoggingMessageNotification["params"]) => (m.data as { msg?: string }).msg;
    expect(await until(() => (seen.alice ?? []).some((m) => msgOf(m) === "approval requested"))).toBe(true);
    for (const msg of ["approval requested", "approval webhook delivered"]) {
      expect(seen.alice?.find((m) => msgOf(m) === msg)?.data).toMatchObject({
        approvalId: r.approvalId,
        caller: "token:alice",
        tool: "restore_instance",
      });
      expect(
        h.logLines.some(
          (l) => l.includes(msg) && l.includes(`approvalId=${r.approvalId}`) && l.includes("caller=token:alice"),
        ),
      ).toBe(true);
    }
    await pause(100);
    expect(seen.boss).toEqual([]);
  });
});
