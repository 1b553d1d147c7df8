import type { ApprovalWebhookFormat } from "../config/index.js";
import type { ApprovalTexts } from "../i18n/approval.js";
import type { Logger } from "../base/log.js";
import type { Secret } from "../config/secret.js";
import type { Approval } from "../records/store/approvals.js";
import { quoteNotice } from "./chat-quote.js";
import { isoTime } from "../cloud/views.js";

/** Attempts per notification, the first backoff (doubled each time) and each attempt's timeout. */
export const WEBHOOK_ATTEMPTS = 4;
const BACKOFF_MS = 250;
const ATTEMPT_TIMEOUT_MS = 5000;

/** What the approvers are told of a new request: IDs, names, times, the page's link. Never a token or password. */
export interface ApprovalNotice {
  approvalId: string;
  requester: string;
  tool: string;
  instanceId: string;
  instanceName: string;
  region: string;
  backupId?: string;
  backupTime?: string;
  pointInTime?: string;
  method: string;
  expiresAt: string;
  /** The approval page (TENCENTCLOUD_REDIS_PUBLIC_URL's origin + /approvals/<id>), when the server has a public URL. */
  link?: string;
}

export function noticeOf(a: Approval, link: string | undefined): ApprovalNotice {
  const backup = a.plan.backup as { startTime?: string } | undefined;
  return {
    approvalId: a.id,
    requester: a.requester,
    tool: a.tool,
    instanceId: a.instanceId,
    instanceName: a.instanceName,
    region: a.region,
    ...(a.backupId !== undefined ? { backupId: a.backupId } : {}),
    ...(backup?.startTime !== undefined ? { backupTime: backup.startTime } : {}),
    ...(a.pointInTime !== undefined ? { pointInTime: a.pointInTime } : {}),
    method: a.method,
    expiresAt: isoTime(a.expiresAt),
    ...(link ? { link } : {}),
  };
}

/**
 * The body for the format: `json` (the notice itself, `event: approval_requested`); `wecom` (a WeCom group robot's
 * markdown message: msgtype + markdown.content, at most 4096 bytes); `slack` (an incoming webhook's message: `text`
 * as the notification's fallback and one mrkdwn section block; &, < and > escaped as Slack asks).
 */
export function webhookBody(format: ApprovalWebhookFormat, n: ApprovalNotice, t: ApprovalTexts): unknown {
  if (format === "json") return { event: "approval_requested", ...n };
  const q = quoteNotice(n); // what came from the cloud or a caller cannot make markup in the chat
  const backup = q.backupId ? `${q.backupId}${q.backupTime ? ` (${q.backupTime})` : ""}` : (q.pointInTime ?? "-");
  const instance = q.instanceName ? `${q.instanceName} (${q.instanceId}, ${q.region})` : `${q.instanceId} (${q.region})`;
  const { title, lines } = t.notice({
    id: n.approvalId,
    requester: q.requester,
    tool: n.tool,
    instance,
    backup,
    method: n.method,
    expiresAt: n.expiresAt,
    ...(n.link ? { link: n.link } : {}),
  });
  if (format === "wecom") {
    const content = [`### ${title}`, ...lines.map((l) => `> ${l}`)].join("\n");
    return { msgtype: "markdown", markdown: { content: clipBytes(content, 4096) } };
  }
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const text = [`*${esc(title)}*`, ...lines.map(esc)].join("\n");
  return {
    text: esc(title),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } }],
  };
}

function clipBytes(text: string, max: number): string {
  let out = text;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}

/**
 * Posts the notice to TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: up to WEBHOOK_ATTEMPTS attempts with exponential
 * backoff (250 ms, 500 ms, 1 s) on a network error, a timeout, a 429/5xx answer, or a WeCom answer with a non-zero
 * errcode. Resolves to whether it was delivered; the URL (it holds the robot's key) is never logged.
 */
export async function sendWebhook(
  url: Secret,
  format: ApprovalWebhookFormat,
  notice: ApprovalNotice,
  t: ApprovalTexts,
  log: Logger,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  const body = JSON.stringify(webhookBody(format, notice, t));
  let why = "";
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * 2 ** (attempt - 2)));
    try {
      const res = await fetchImpl(url.reveal(), {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        redirect: "error",
      });
      const answer = await res.text();
      if (res.ok && !(format === "wecom" && wecomError(answer))) {
        log.info("approval webhook delivered", { approvalId: notice.approvalId, format, attempt });
        return true;
      }
      why = res.ok ? `errcode ${wecomError(answer)}` : `HTTP ${res.status}`;
      // a client error other than 408/429 will not get better by itself
      if (!res.ok && res.status < 500 && res.status !== 408 && res.status !== 429) break;
    } catch (caught) {
      why = caught instanceof Error ? caught.name : "unknown error";
    }
  }
  log.error("approval webhook failed: the approvers were not told of this request", {
    approvalId: notice.approvalId,
    format,
    reason: why,
  });
  return false;
}

/** A WeCom robot answers HTTP 200 with {"errcode": n}: n, when not 0. */
function wecomError(answer: string): number | undefined {
  try {
    const code = (JSON.parse(answer) as { errcode?: unknown }).errcode;
    return typeof code === "number" && code !== 0 ? code : undefined;
  } catch {
    return undefined;
  }
}
