// Approval tests (docs/approval.md): the callers, a plain-HTTP client of the approval API, and a local webhook receiver.

import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { newToken, READ_WRITE, type TestToken } from "./http.js";

/** The requester (read + restore), a requester that also holds redis:approve, an approver, a reader. */
export function approvalTokens(): Record<string, TestToken> {
  return {
    alice: { token: newToken(), scopes: READ_WRITE },
    boss: { token: newToken(), scopes: ["redis:read", "redis:restore", "redis:approve"] },
    carol: { token: newToken(), scopes: ["redis:approve"] },
    viewer: { token: newToken(), scopes: ["redis:read"] },
  };
}

/** The MCP endpoint's base (http://host:port) from its URL. */
export const baseOf = (mcpUrl: string) => mcpUrl.replace(/\/mcp$/, "");

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: assertions read fields loosely
  body: any;
  headers: Headers;
}

/** A plain HTTP call of the approval API, as JSON, with a bearer token when given. */
export async function approvalsApi(
  base: string,
  method: "GET" | "POST",
  path: string,
  token?: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface Receiver {
  url: string;
  /** Every request received: its headers and raw body. */
  received: Array<{ headers: IncomingMessage["headers"]; body: string }>;
  /** The next `n` requests are answered with this status (then 200 again). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

/** A webhook receiver on loopback (like a WeCom robot or Slack): records each POST, answers as told. */
export async function startReceiver(answer: (body: string) => string = () => "ok"): Promise<Receiver> {
  const received: Receiver["received"] = [];
  let failing = 0;
  let failStatus = 500;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body });
      if (failing > 0) {
        failing--;
        res.writeHead(failStatus).end("failing");
        return;
      }
      res.writeHead(200, { "Content-Type": "text/plain" }).end(answer(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook/secret-robot-key`,
    received,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
