import type { IncomingMessage, ServerResponse } from "node:http";
import { type HttpConfig, isLoopback } from "../config/index.js";

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The host names a request's Host (and Origin) may carry, ports aside (DNS-rebinding protection): the loopback
 * names for a loopback bind, the public URL's host, and TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS.
 */
export function allowedHostnames(http: HttpConfig, publicUrl?: string): Set<string> {
  const names = new Set<string>(http.allowedHosts);
  if (isLoopback(http.host)) for (const n of LOOPBACK_NAMES) names.add(n);
  if (publicUrl) names.add(new URL(publicUrl).hostname.toLowerCase());
  return names;
}

function hostnameOf(value: string, withScheme: boolean): string | undefined {
  try {
    return new URL(withScheme ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Checks Host, and Origin when present, the same way the SDK's hostHeaderValidation middleware does (the URL
 * parser's host name, port-agnostic), which is Express-only; an Origin is also fine when it is one of the
 * CORS origins. Returns why the request is refused, or undefined.
 */
export function checkHostAndOrigin(
  req: IncomingMessage,
  hosts: ReadonlySet<string>,
  origins: readonly string[],
): string | undefined {
  const host = req.headers.host;
  const hostname = host === undefined ? undefined : hostnameOf(host, false);
  if (!hostname || !hosts.has(hostname))
    return `Host not allowed: ${host === undefined ? "(none)" : JSON.stringify(host.slice(0, 100))}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (origins.includes(origin)) return undefined;
  const originHost = origin === "null" ? undefined : hostnameOf(origin, true);
  if (!originHost || !hosts.has(originHost)) return `Origin not allowed: ${JSON.stringify(origin.slice(0, 100))}`;
  return undefined;
}

/** CORS headers for an allowed browser origin (TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS); none otherwise. */
export function corsHeaders(req: IncomingMessage, origins: readonly string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined || !origins.includes(origin)) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "Mcp-Session-Id, WWW-Authenticate",
    Vary: "Origin",
  };
}

/** Answers a CORS preflight: 204 with the allowed methods and headers for a listed origin, else 403. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): void {
  const headers = corsHeaders(req, origins);
  if (!headers["Access-Control-Allow-Origin"]) {
    res.writeHead(403, { "Content-Length": 0 }).end();
    return;
  }
  res
    .writeHead(204, {
      ...headers,
      "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
      "Access-Control-Allow-Headers":
        "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID",
      "Access-Control-Max-Age": "600",
      "Content-Length": "0",
    })
    .end();
}
