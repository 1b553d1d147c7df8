import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Config, isLoopback } from "../config/index.js";
import type { Authenticator } from "../http/auth.js";
import { isApprovalPath, serveApprovals } from "../http/approvals.js";
import { McpEndpoint } from "../http/mcp.js";
import { serveMetrics } from "../http/metrics.js";
import { RPC, sendJson, sendRpcError } from "../http/respond.js";
import { allowedHostnames, answerPreflight, checkHostAndOrigin, corsHeaders } from "../http/web-safety.js";
import type { Logger } from "../base/log.js";
import type { Runtime } from "../runtime.js";

export interface HttpDeps {
  config: Config;
  log: Logger;
  runtime: Runtime;
  authenticator: Authenticator;
  /** The public URL of the MCP endpoint (TENCENTCLOUD_REDIS_PUBLIC_URL): its host is allowed. */
  publicUrl?: string;
}

export interface HttpHandle {
  /** The URL of the MCP endpoint, e.g. http://127.0.0.1:8787/mcp. */
  url: string;
  port: number;
  endpoint: McpEndpoint;
  /**
   * Graceful shutdown: /healthz answers 503 and /mcp refuses new work (503), running calls get `graceMs` to end;
   * then the sessions close (aborting what still waits) and every call still running (a RestoreInstance
   * already sent) is awaited, so that its outcome is recorded.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/** RFC 9728 metadata paths: the plain one, the path form of /mcp, and that of the public URL behind a proxy. */
function wellKnownPaths(metadataUrl: string | undefined): string[] {
  const paths = ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"];
  if (metadataUrl) paths.push(new URL(metadataUrl).pathname);
  return paths;
}

/**
 * Whether this replica should get new work: not while it shuts down, nor while its shared state (the state Redis)
 * does not answer, since every change would then be refused (reads would still work: /healthz stays 200).
 */
function readiness(closing: boolean, runtime: Runtime): { status: string; code: number } {
  if (closing) return { status: "shutting_down", code: 503 };
  try {
    runtime.safety.state.assertAvailable();
    return { status: "ready", code: 200 };
  } catch {
    return { status: "state_unavailable", code: 503 };
  }
}

/** Serves MCP Streamable HTTP at /mcp (plus /healthz, /readyz and the OAuth protected resource metadata). */
export async function startHttp(deps: HttpDeps): Promise<HttpHandle> {
  const { config, log, runtime, authenticator } = deps;
  const { http } = config;
  const hosts = allowedHostnames(http, deps.publicUrl);
  const endpoint = new McpEndpoint({ config, log, runtime });
  const wellKnown = wellKnownPaths(authenticator.resourceMetadataUrl());
  let closing = false;
  /** POSTs to /mcp whose response has not ended: a shutdown lets them finish (within the grace). */
  const posts = new Set<Promise<void>>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      return sendJson(res, closing ? 503 : 200, { status: closing ? "shutting_down" : "ok" });
    }
    if (path === "/readyz" && (req.method === "GET" || req.method === "HEAD")) {
      const { status, code } = readiness(closing, runtime);
      return sendJson(res, code, { status });
    }
    const refused = checkHostAndOrigin(req, hosts, http.allowedOrigins);
    if (refused) {
      log.warning("http request refused (DNS-rebinding protection)", { reason: refused });
      return sendRpcError(res, 403, RPC.serverError, `Forbidden: ${refused}`);
    }
    if (req.method === "OPTIONS") return answerPreflight(req, res, http.allowedOrigins);
    for (const [name, value] of Object.entries(corsHeaders(req, http.allowedOrigins))) res.setHeader(name, value);

    if (wellKnown.includes(path) && req.method === "GET") {
      const metadata = authenticator.resourceMetadata();
      if (!metadata)
        return sendJson(res, 404, { error: "not_found", error_description: "This server does not use OAuth" });
      return sendJson(res, 200, metadata, { "Cache-Control": "max-age=300" });
    }
    if (path === "/metrics") {
      return serveMetrics(req, res, {
        metrics: runtime.metrics,
        authenticator,
        public: http.metricsPublic,
        sessions: () => endpoint.sessions.size,
        log,
      });
    }
    if (isApprovalPath(path)) {
      const { language } = config;
      return serveApprovals(req, res, path, { gate: runtime.safety.approvals, authenticator, language, log });
    }
    if (path !== "/mcp")
      return sendJson(res, 404, { error: "not_found", error_description: "The MCP endpoint is /mcp" });
    if (closing)
      return sendRpcError(res, 503, RPC.serverError, "The server is shutting down", {
        "Retry-After": "5",
        Connection: "close",
      });

    const auth = await authenticator.authenticate(req.headers.authorization);
    if (!auth.ok) {
      log.info("http request refused (authentication)", { status: auth.status, error: auth.error });
      return sendJson(
        res,
        auth.status,
        { error: auth.error, error_description: auth.description },
        { "WWW-Authenticate": auth.wwwAuthenticate },
      );
    }
    if (req.method === "POST") {
      // answered when the response ends (an SSE answer ends after the call's result is written)
      const answered = new Promise<void>((resolve) => res.once("close", resolve));
      posts.add(answered);
      void answered.then(() => posts.delete(answered));
    }
    await endpoint.handle(req, res, auth.caller, auth.expiresAt);
  };

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error("http request failed unexpectedly", {
        error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
      });
      sendRpcError(res, 500, -32603, "Internal server error");
    });
  });
  server.requestTimeout = 0; // SSE streams and check_task waits are long; idle sessions expire on their own
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(http.port, http.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = http.host.includes(":") ? `[${http.host}]` : http.host;
  const url = `http://${hostInUrl}:${port}/mcp`;
  // the approval page is served here: without a public URL, an approval answer links to this address (a wildcard
  // address is no place a browser can open: then the answer names the page's path)
  if (!["0.0.0.0", "::", "[::]"].includes(http.host)) runtime.safety.approvals.servedAt(url);
  log.notice("tencentcloud-redis-mcp listening (Streamable HTTP)", {
    url,
    mode: http.stateless ? "stateless" : "sessions",
  });
  if (!isLoopback(http.host)) {
    log.warning(
      "listening beyond loopback over plain HTTP: put a TLS-terminating reverse proxy in front (see docs/deploy.md)",
      { host: http.host },
    );
  }
  if (hosts.size === 0) {
    log.warning(
      "no Host name is allowed, so every request to /mcp gets 403: set TENCENTCLOUD_REDIS_PUBLIC_URL or TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS",
    );
  }

  return {
    url,
    port,
    endpoint,
    async shutdown(graceMs = 25_000) {
      if (closing) return;
      closing = true; // from now: /healthz 503, /mcp 503 (the listener stays up so probes see the 503)
      log.notice("shutting down: no new work; waiting for running calls", {
        calls: runtime.calls.size,
        sessions: endpoint.sessions.size,
      });
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      const answered = async () => {
        await runtime.calls.settled();
        while (posts.size > 0) await Promise.all([...posts]);
      };
      await Promise.race([answered(), grace]);
      await endpoint.closeAll(); // aborts what still waits (check_task waits, confirmations)
      await runtime.calls.settled(); // a RestoreInstance already sent is awaited and recorded
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      log.notice("shut down", { sessions: endpoint.sessions.size });
    },
  };
}
