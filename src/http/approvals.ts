import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Language } from "../i18n/index.js";
import type { Logger } from "../base/log.js";
import type { ApprovalGate } from "../approval/gate.js";
import { APPROVAL_ASSETS, approvalPageHtml, PAGE_CSP } from "../approval/page.js";
import { type Authenticator, REALM } from "./auth.js";
import { readJsonBody } from "./body.js";
import { sendAuthRefusal, sendJson } from "./respond.js";
import { approvalView } from "../approval/view.js";

export interface ApprovalRoutesDeps {
  gate: ApprovalGate;
  authenticator: Authenticator;
  language: Language;
  log: Logger;
}

const ID_PATH = /^\/approvals\/([^/]{1,100})$/;
const decisionSchema = z.strictObject({
  decision: z.enum(["approve", "deny"]),
  reason: z.string().max(500).optional(),
});

/** Whether the path is one of the approval routes: /approvals, /approvals/<id>, /approvals/assets/<file>. */
export function isApprovalPath(path: string): boolean {
  return path === "/approvals" || path.startsWith("/approvals/");
}

/**
 * The approval routes (docs/approval.md), on the same listener and authentication as /mcp:
 * - GET /approvals: the pending approvals (JSON for `Accept: application/json`, else the page's HTML);
 * - GET /approvals/<id>: the approval (JSON), else the page that shows it;
 * - POST /approvals/<id> {"decision": "approve"|"deny", "reason"?}: 200 with the decided approval; 401 without a
 *   valid token; 403 without redis:approve or for the requester; 404 unknown; 409 already decided or expired.
 * The HTML page is served without a token and holds no plan data: its script fetches the approval with the token
 * the approver signs in with.
 */
export async function serveApprovals(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: ApprovalRoutesDeps,
): Promise<void> {
  const asset = APPROVAL_ASSETS[path];
  if (asset && (req.method === "GET" || req.method === "HEAD")) {
    res.writeHead(200, {
      "Content-Type": asset.type,
      "Content-Length": Buffer.byteLength(asset.body),
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    });
    return void res.end(req.method === "HEAD" ? undefined : asset.body);
  }
  const id = path === "/approvals" ? undefined : ID_PATH.exec(path)?.[1];
  if (path !== "/approvals" && id === undefined) {
    return sendJson(res, 404, { error: "not_found", error_description: "No such approval route" });
  }
  const wantsJson = (req.headers.accept ?? "").includes("application/json");
  if (req.method === "GET" && !wantsJson) return sendPage(req, res, deps.language);
  if (req.method !== "GET" && !(req.method === "POST" && id !== undefined)) {
    const allow = id === undefined ? "GET" : "GET, POST";
    return sendJson(res, 405, { error: "method_not_allowed", error_description: `Allowed: ${allow}` }, { Allow: allow });
  }

  const auth = await deps.authenticator.authenticate(req.headers.authorization);
  if (!auth.ok) return sendAuthRefusal(res, auth, { "Cache-Control": "no-store" });
  const caller = auth.caller;
  if (!caller.scopes.includes("redis:approve")) {
    deps.log.info("approval route refused: the caller lacks redis:approve", { caller: caller.id });
    return forbidden(res, "approving needs the scope redis:approve");
  }
  if (id === undefined) {
    const pending = await deps.gate.pending();
    return sendJson(res, 200, { approvals: pending.map((a) => approvalView(a, caller)) }, { "Cache-Control": "no-store" });
  }
  if (req.method === "GET") {
    const found = await deps.gate.get(id);
    if (!found) return notFound(res);
    return sendJson(res, 200, approvalView(found, caller), { "Cache-Control": "no-store" });
  }

  const read = await readJsonBody(req, 16 * 1024);
  if (!read.ok) return sendJson(res, read.status, { error: "invalid_request", error_description: read.message });
  const parsed = decisionSchema.safeParse(read.body);
  if (!parsed.success) {
    return sendJson(res, 400, {
      error: "invalid_request",
      error_description: 'the body must be {"decision": "approve" | "deny", "reason"?: string (at most 500 characters)}',
    });
  }
  const { decision, reason } = parsed.data;
  const result = await deps.gate.decide(id, { id: caller.id, mayApprove: true }, decision, reason?.trim() || undefined);
  if (result.ok) return sendJson(res, 200, approvalView(result.approval, caller), { "Cache-Control": "no-store" });
  switch (result.why) {
    case "unknown":
      return notFound(res);
    case "self":
      return forbidden(res, "the requester of a change never approves it: another person must decide");
    case "scope":
      return forbidden(res, "approving needs the scope redis:approve");
    default: {
      const approval = "approval" in result && result.approval ? approvalView(result.approval, caller) : undefined;
      const description = result.why === "expired" ? "this approval expired" : "this approval was already decided";
      return sendJson(res, 409, { error: "conflict", error_description: description, approval });
    }
  }
}

function sendPage(req: IncomingMessage, res: ServerResponse, fallback: Language): void {
  const html = approvalPageHtml(pageLanguage(req, fallback));
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : html);
}

/** ?lang=zh-CN|en-US, else the browser's first language we have, else the server's. */
function pageLanguage(req: IncomingMessage, fallback: Language): Language {
  const query = new URL(req.url ?? "/", "http://x").searchParams.get("lang")?.toLowerCase();
  const wanted = query ?? (req.headers["accept-language"] ?? "").split(",")[0]?.trim().toLowerCase() ?? "";
  if (wanted.startsWith("zh")) return "zh-CN";
  if (wanted.startsWith("en")) return "en-US";
  return fallback;
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { error: "not_found", error_description: "no such approval" }, { "Cache-Control": "no-store" });
}

function forbidden(res: ServerResponse, description: string): void {
  sendJson(
    res,
    403,
    { error: "insufficient_scope", error_description: description },
    {
      "WWW-Authenticate": `Bearer realm="${REALM}", error="insufficient_scope", scope="redis:approve"`,
      "Cache-Control": "no-store",
    },
  );
}
