import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.js";
import type { Metrics, PromMetrics } from "../metrics.js";
import type { Authenticator } from "./auth.js";
import { REALM } from "./auth.js";
import { sendAuthRefusal, sendJson } from "./respond.js";

export interface MetricsEndpointDeps {
  metrics: Metrics;
  authenticator: Authenticator;
  /** No authentication (TENCENTCLOUD_REDIS_METRICS_PUBLIC=true, loopback only). */
  public: boolean;
  /** The number of live MCP sessions now. */
  sessions: () => number;
  log: Logger;
}

/**
 * GET /metrics: the Prometheus text format of the process's metrics. Needs a caller with redis:read (the same
 * bearer tokens or JWTs as /mcp) unless public.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, deps: MetricsEndpointDeps): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return sendJson(res, 405, { error: "method_not_allowed", error_description: "GET /metrics" }, { Allow: "GET, HEAD" });
  }
  if (!deps.public) {
    const auth = await deps.authenticator.authenticate(req.headers.authorization);
    if (!auth.ok) return sendAuthRefusal(res, auth);
    if (!auth.caller.scopes.includes("redis:read")) {
      deps.log.info("metrics refused: the caller lacks redis:read", { caller: auth.caller.id });
      const description = "reading /metrics needs the scope redis:read";
      return sendJson(
        res,
        403,
        { error: "insufficient_scope", error_description: description },
        {
          "WWW-Authenticate": `Bearer realm="${REALM}", error="insufficient_scope", scope="redis:read", error_description="${description}"`,
        },
      );
    }
  }
  const prom = deps.metrics as Partial<PromMetrics>;
  if (!prom.render || !prom.contentType) {
    return sendJson(res, 404, { error: "not_found", error_description: "metrics are not collected by this server" });
  }
  deps.metrics.sessions(deps.sessions());
  const text = await prom.render();
  res.writeHead(200, { "Content-Type": prom.contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(req.method === "HEAD" ? undefined : text);
}
