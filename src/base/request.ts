import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";

/** What the MCP SDK passes a request handler besides its arguments (signal, ids, auth, notifications). */
export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
