import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../base/log.js";
import type { Runtime } from "../runtime.js";
import { authInfoFor, type Caller } from "../gates/caller.js";
import { createServer } from "../server.js";
import { readJsonBody } from "./body.js";
import { RPC, sendRpcError } from "./respond.js";
import { CallerSessionCap } from "./session-caps.js";
import { type Session, Sessions } from "./sessions.js";

type AuthedRequest = IncomingMessage & { auth?: AuthInfo };

export interface McpEndpointDeps {
  config: Config;
  log: Logger;
  runtime: Runtime;
}

/**
 * The /mcp endpoint: MCP Streamable HTTP through the SDK's StreamableHTTPServerTransport, one McpServer per
 * session (session mode) or per request (stateless), each built with createServer for its caller. The caller
 * reaches the tools as the request's AuthInfo (never the credential itself).
 */
export class McpEndpoint {
  readonly sessions: Sessions;
  private readonly perCaller: CallerSessionCap;

  constructor(private readonly deps: McpEndpointDeps) {
    const { http } = deps.config;
    this.sessions = new Sessions(http.sessionIdleMs, http.maxSessions, (s) => {
      deps.log.info("http session expired (idle)", { session: s.id, caller: s.callerId });
      void s.close();
    });
    this.perCaller = new CallerSessionCap(http.maxSessionsPerCaller, () => this.sessions.all(), deps.log);
  }

  /** Handles an authenticated request to /mcp (the transport has set the CORS headers on `res` already). */
  async handle(req: IncomingMessage, res: ServerResponse, caller: Caller, expiresAt: number | undefined) {
    (req as AuthedRequest).auth = authInfoFor(caller, expiresAt);
    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req);
      if (!read.ok) {
        sendRpcError(res, read.status, read.code, read.message, read.status === 413 ? { Connection: "close" } : {});
        if (read.status === 413) req.resume();
        return;
      }
      body = read.body;
    } else if (req.method !== "GET" && req.method !== "DELETE") {
      sendRpcError(res, 405, RPC.serverError, "Method not allowed", { Allow: "GET, POST, DELETE" });
      return;
    }
    if (this.deps.config.http.stateless) return this.stateless(req, res, caller, body);
    return this.session(req, res, caller, body);
  }

  private async session(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown) {
    const header = req.headers["mcp-session-id"];
    const id = Array.isArray(header) ? header[0] : header;
    if (id !== undefined) {
      const session = this.sessions.get(id);
      if (!session)
        return sendRpcError(
          res,
          404,
          RPC.sessionNotFound,
          "Session not found (it ended or expired): initialize a new one",
        );
      if (session.callerId !== caller.id) {
        this.deps.log.warning("http session used by another caller: refused", {
          session: id,
          caller: caller.id,
          owner: session.callerId,
        });
        return sendRpcError(res, 403, RPC.serverError, "This session belongs to another caller");
      }
      session.lastSeen = Date.now();
      // a POST being answered keeps the session alive; an open GET stream alone does not
      const busy = req.method === "POST" ? 1 : 0;
      session.busy += busy;
      try {
        await session.transport.handleRequest(req, res, body);
      } finally {
        session.busy -= busy;
        session.lastSeen = Date.now();
      }
      return;
    }
    const initializing = Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
    if (req.method !== "POST" || !initializing) {
      return sendRpcError(
        res,
        400,
        RPC.serverError,
        "Bad Request: Mcp-Session-Id header is required (initialize first)",
      );
    }
    if (!this.perCaller.reserve(caller.id, res)) return; // 429 for this caller only
    if (!this.sessions.reserve()) {
      this.perCaller.settle(caller.id);
      this.deps.log.warning("http session refused: the session cap is reached", {
        max: this.sessions.max,
        caller: caller.id,
      });
      return sendRpcError(
        res,
        503,
        RPC.serverError,
        `Too many sessions on this server (TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS=${this.sessions.max}); try again later`,
        { "Retry-After": "5" },
      );
    }
    await this.open(req, res, caller, body);
  }

  private async open(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown) {
    const { config, log, runtime } = this.deps;
    const created = createServer({ config, log, runtime, caller, processLogs: false, callLogLevel: "info" });
    let session: Session | undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        session = { id, transport, callerId: caller.id, lastSeen: Date.now(), busy: 1, close: () => created.close() };
        this.sessions.add(session);
        this.perCaller.settle(caller.id); // counted as a live session from here on
        log.info("http session opened", { session: id, caller: caller.id });
      },
    });
    transport.onclose = () => {
      if (session) {
        this.sessions.remove(session.id);
        log.info("http session closed", { session: session.id, caller: caller.id });
      }
    };
    try {
      await created.server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      if (session) {
        session.busy--;
        session.lastSeen = Date.now();
      } else {
        this.sessions.unreserve();
        this.perCaller.settle(caller.id);
        await created.close();
      }
    }
  }

  private async stateless(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown) {
    if (req.method !== "POST") {
      return sendRpcError(
        res,
        405,
        RPC.serverError,
        "Method not allowed: this server runs without sessions (stateless)",
        { Allow: "POST" },
      );
    }
    const { config, log, runtime } = this.deps;
    const created = createServer({ config, log, runtime, caller, processLogs: false, callLogLevel: "info" });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void created.close());
    await created.server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Ends every session (their running handlers are aborted; a restore already sent still completes). */
  async closeAll(): Promise<void> {
    this.sessions.stop();
    await Promise.allSettled(this.sessions.all().map((s) => s.close()));
  }
}
