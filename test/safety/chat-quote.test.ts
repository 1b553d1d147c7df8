// Every value from the cloud is quoted for where it goes: an instance named with chat markup (a link, a mention,
// bold, code, a heading) reaches the approvers' chat as inert text, through a real local HTTP receiver standing
// in for the WeCom robot and the Slack webhook; the json format carries it as it is; a log line shows hidden
// characters by their code; backup_instance refuses a remark with bidi controls or zero-width characters.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Logger } from "../../src/base/log.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { approvalTokens, type Receiver, startReceiver } from "../helpers/approval.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { restorableBackup } from "./helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const PUBLIC_URL = "https://mcp.example.com/mcp";
const HOSTILE =
  "promo [APPROVE HERE](http://evil.example/approve) <!here> <@U123> @all *bold* _it_ ~gone~ `code` \n# Heading \n> quote <http://evil.example|ok> www.evil.example";

/** What a chat would make of the text: links, mentions, formatting and headings it holds. */
function markup(text: string, ourLink: string): string[] {
  const found: string[] = [];
  const rest = text.split(ourLink).join(" ");
  for (const pattern of [
    /\[[^\]\n]*\]\([^)\n]*\)/g, // markdown link
    /<[^>\n]*>/g, // Slack link or mention, WeCom tag
    /[a-z][a-z0-9+.-]*:\/\//gi, // a URL a chat links by itself
    /\b[\w-]+\.(example|com|net|org)\b/gi, // a bare domain
    /@all\b|@here\b|@channel\b/g, // mentions
    /\*[^*\n]+\*/g, // bold
    /(^|\s)_[^_\n]+_/g, // italic
    /~[^~\n]+~/g, // strike
    /`[^`\n]*`/g, // code
    /^\s*#{1,6}\s/gm, // heading
  ]) {
    for (const m of rest.matchAll(pattern)) found.push(m[0]);
  }
  return found;
}

describe("values from the cloud in the approvers' chat", () => {
  let fake: FakeCloud;
  const harnesses: HttpHarness[] = [];
  const receivers: Receiver[] = [];
  const tokens = approvalTokens();

  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
    fake.state.updateInstance(SESSIONS, { InstanceName: HOSTILE });
  });
  afterAll(async () => {
    await Promise.allSettled(harnesses.map((h) => h.close()));
    await Promise.allSettled(receivers.map((r) => r.close()));
    await fake?.close();
  });

  const ask = async (format: string) => {
    const receiver = await startReceiver(() => JSON.stringify({ errcode: 0, errmsg: "ok" }));
    receivers.push(receiver);
    const h = await startHttpHarness({
      sharedFake: fake,
      tokens,
      env: {
        TENCENTCLOUD_REDIS_CONFIRM: "approval",
        TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL,
        TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: receiver.url,
        TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT: format,
      },
    });
    harnesses.push(h);
    const alice = await h.connect(tokens.alice?.token);
    const backupId = await restorableBackup(alice, SESSIONS);
    const r = sc(await alice.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(r.status).toBe("approval_required");
    expect(r.notification).toBe("sent");
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse((receiver.received[0] as Receiver["received"][number]).body);
    return { body, link: `https://mcp.example.com/approvals/${r.approvalId}` };
  };

  it("the markup finder itself finds every kind in the raw name (so its silence below means something)", () => {
    const kinds = markup(HOSTILE, "https://mcp.example.com/approvals/x");
    for (const part of [
      "[APPROVE HERE](http://evil.example/approve)",
      "<!here>",
      "<@U123>",
      "@all",
      "*bold*",
      "`code`",
      "~gone~",
    ]) {
      expect(kinds).toContain(part);
    }
    expect(kinds.some((k) => /#/.test(k))).toBe(true);
  });

  it("wecom: the name arrives as inert text; the only link is the approval page's", async () => {
    const { body, link } = await ask("wecom");
    const content: string = body.markdown.content;
    const [title, ...lines] = content.split("\n");
    expect(title).toMatch(/^### /); // the server's own heading, the only one
    expect(markup([title?.slice(4), ...lines].join("\n"), link)).toEqual([]);
    expect(content).toContain(link);
    expect(content).toContain("promo ［APPROVE HERE］(http：//evil․example/approve)"); // readable, not a link
    expect(content).not.toContain("evil.example");
    for (const line of lines) expect(line).toMatch(/^> /); // no line break of the name's own: every line is ours
  });

  it("slack: the name arrives as inert text in the mrkdwn section and the fallback text", async () => {
    const { body, link } = await ask("slack");
    const section: string = body.blocks[0].text.text;
    const [title, ...lines] = section.split("\n");
    expect(title).toMatch(/^\*Approval requested: .*\*$/); // the server's own bold title
    expect(markup([title?.slice(1, -1), ...lines].join("\n"), link)).toEqual([]);
    expect(markup(body.text, link)).toEqual([]);
    expect(section).toContain(link);
    expect(section).not.toContain("<!here>");
    expect(lines).toHaveLength(7);
  });

  it("json: the name is carried as it is, a JSON string", async () => {
    const { body } = await ask("json");
    expect(body.instanceName).toBe(HOSTILE);
  });
});

describe("hidden characters", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const [name, c] of [
    ["a right-to-left override (U+202E)", "\u202e"],
    ["a first-strong isolate (U+2068)", "\u2068"],
    ["a zero-width space (U+200B)", "\u200b"],
    ["a right-to-left mark (U+200F)", "\u200f"],
    ["a word joiner (U+2060)", "\u2060"],
    ["a byte order mark (U+FEFF)", "\ufeff"],
  ] as const) {
    it(`backup_instance refuses a remark with ${name}, naming the field; nothing is sent`, async () => {
      const before = h.fake.count("ManualBackupInstance");
      const r = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: `undo point ${c}gpj.exe` }));
      const error = r.error as Record<string, unknown>;
      expect(error.code).toBe("ClientError.InvalidArgument");
      expect(String(error.message)).toMatch(/remark/);
      expect(String(error.message)).toMatch(/bidi controls .* zero-width characters/);
      expect(h.fake.count("ManualBackupInstance")).toBe(before);
    });
  }

  it("a remark in plain text (other scripts included) is still taken", async () => {
    const r = sc(await h.call("backup_instance", { instanceId: SESSIONS, remark: "回滚点 before cleanup" }));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("submitted");
  });

  for (const json of [false, true]) {
    it(`a log line (${json ? "json" : "text"}) shows hidden characters by their code`, () => {
      const lines: string[] = [];
      const log = new Logger("info", (line) => lines.push(line), { json });
      log.warning("cloud said", { message: "ok\u202eexe.txt", other: "a\u001b[31mred\u0085x" });
      const line = lines.join("");
      for (const c of ["\u202e", "\u001b", "\u0085"]) expect(line).not.toContain(c);
      expect(line).toContain("\\u202e");
      expect(line).toContain("\\u001b");
      if (json) expect(JSON.parse(line).message).toBe("ok\u202eexe.txt"); // still the same value for a reader of JSON
    });
  }
});
