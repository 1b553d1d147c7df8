import type { ServerResponse } from "node:http";
import type { AuthResult } from "./auth.js";

/** Sends a JSON body with a status (and extra headers); nothing when the response has already started. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** A JSON-RPC error answer (id null: it answers no particular request), as MCP clients expect on /mcp. */
export function sendRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);
}

/** JSON-RPC error codes used on the HTTP layer. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  serverError: -32000,
  sessionNotFound: -32001,
} as const;

/** The answer to a request whose Authorization was refused: its status, the challenge, and the error as JSON. */
export function sendAuthRefusal(
  res: ServerResponse,
  auth: Extract<AuthResult, { ok: false }>,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    auth.status,
    { error: auth.error, error_description: auth.description },
    { ...headers, "WWW-Authenticate": auth.wwwAuthenticate },
  );
}
