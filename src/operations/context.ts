import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { RedisApi } from "../cloud/api.js";
import type { Config, LogLevel } from "../config/index.js";
import type { Logger, LogSink } from "../base/log.js";
import type { Metrics } from "../base/metrics.js";
import type { Extra } from "../base/request.js";
import type { AuditRecord } from "../records/audit.js";
import { type Caller, callerFromAuthInfo } from "../gates/caller.js";
import type { Operation } from "../records/journal.js";
import type { ApprovalParts } from "../approval/step.js";
import type { Safety } from "./services.js";
import type { Answer } from "../gates/gate.js";

// What one call of a change has in hand: the server's context, its answer's shape, its write-ahead progress.

/** What every tool handler receives besides its arguments. Tools never read process.env. */
export interface ToolContext {
  config: Config;
  api: RedisApi;
  log: Logger;
  server: McpServer;
  /** Where calls, restores and locks are counted (HTTP mode's /metrics). */
  metrics: Metrics;
  /** Extra collaborators a tool needs (safety state, clocks); shared by every server of the process. */
  services: ToolServices;
  /** Whom the server (session) serves; a call's own caller is `callerOf(extra, ctx)`. */
  caller: Caller;
  /** Where the records logged during a call of this server go (its MCP session), and only there. */
  logSink?: LogSink;
  /** The level of the one line logged per call. */
  callLogLevel?: LogLevel;
}

/** The caller of a call: from its AuthInfo (HTTP), else the server's own (stdio: the local caller). */
export function callerOf(extra: Extra, ctx: ToolContext): Caller {
  return callerFromAuthInfo(extra.authInfo) ?? ctx.caller;
}

export interface ToolServices {
  safety: Safety;
}

export interface ToolOutput {
  structured: Record<string, unknown>;
  text: string;
}

/** What a change's answer says of the operations on its instance that were in flight when a server stopped. */
export const inFlightSchema = z
  .array(
    z.object({
      operationId: z.string(),
      action: z.string().describe("The API action"),
      sentAt: z.string(),
      outcome: z.string().describe("recovered (taskId), not_sent or unknown"),
      taskId: z.number().int().optional(),
    }),
  )
  .optional()
  .describe("Changes of this instance in flight when a server stopped, settled since");
type InFlight = NonNullable<z.infer<typeof inFlightSchema>>;

export function inFlightView(op: Operation): InFlight[number] {
  return {
    operationId: op.intent.operationId,
    action: op.intent.action ?? "unknown",
    sentAt: op.intent.time,
    outcome: op.outcome?.outcome ?? "unknown",
    ...(op.outcome?.taskId === undefined ? {} : { taskId: op.outcome.taskId }),
  };
}

/** Adds the operations in flight (if any) to a change's answer, in its fields and its text. */
export function withInFlight<S extends { inFlight?: InFlight }>(out: Answer<S>, inFlight: InFlight): Answer<S> {
  if (inFlight.length === 0) return out;
  const list = inFlight
    .map((op) => `${op.action} ${op.operationId} (${op.sentAt}): ${op.outcome}${op.taskId ? `, task ${op.taskId}` : ""}`)
    .join("; ");
  return {
    structured: { ...out.structured, inFlight },
    text: `${out.text}\nIn flight on this instance when a server stopped, settled since: ${list}.`,
  };
}


/** What the approval step of a change works with, from the call's context. */
export function approvalParts(ctx: ToolContext, record: AuditRecord): ApprovalParts {
  const { approvals: gate, audit } = ctx.services.safety;
  return { gate, audit, log: ctx.log, language: ctx.config.language, requester: record.caller };
}
