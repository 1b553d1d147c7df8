import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CloudAction, RedisApi } from "../cloud/api.js";
import { ERROR_CATEGORIES } from "../cloud/catalog.js";
import { CloudError } from "../cloud/errors.js";
import type { Config, LogLevel, ToolName } from "../config.js";
import type { Logger, LogSink } from "../log.js";
import type { Metrics, RestoreOutcome } from "../metrics.js";
import type { Extra } from "../request.js";
import type { AuditRecord } from "../safety/audit.js";
import { assertScope, type Caller, callerFromAuthInfo, requiredScope } from "../safety/caller.js";
import type { Safety } from "../safety/index.js";
import type { Operation, OperationKind } from "../safety/journal.js";
import { validateArguments } from "./arguments.js";

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

export type { Extra } from "../request.js";

export interface ToolOutput {
  structured: Record<string, unknown>;
  text: string;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  name: ToolName;
  title: string;
  description: string;
  inputSchema: Input | ((config: Config) => Input);
  /** The success fields; `withError` makes them admit the error shape too. */
  outputSchema: z.ZodObject;
  annotations: { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
  /**
   * Every cloud action the tool may call, its reads included (preflight, lookups after a lost answer): doctor's
   * CAM report and the docs' CAM policies are derived from these, so a tool that forgets one under-reports.
   */
  actions: readonly [CloudAction, ...CloudAction[]];
  handler(args: z.output<Input>, ctx: ToolContext, extra: Extra): Promise<ToolOutput>;
}

/** Identity, for type inference of the handler's arguments. */
export function defineTool<Input extends z.ZodObject>(definition: ToolDefinition<Input>): ToolDefinition<Input> {
  return definition;
}

export const errorSchema = z
  .object({
    code: z.string().describe("Tencent Cloud error code (e.g. ResourceNotFound.InstanceNotExists) or ClientError.*"),
    message: z.string(),
    requestId: z.string().optional().describe("Tencent Cloud RequestId, for a support ticket"),
    retryable: z.boolean().describe("Whether the same call can succeed later without changing anything"),
    category: z.enum(ERROR_CATEGORIES),
    hint: z.string().describe("What to do next"),
    attempts: z.number().int().optional().describe("Requests sent for this call, when more than one"),
    fields: z
      .array(
        z.object({
          path: z.string().describe("The argument at fault, like instanceId"),
          problem: z.string().describe("What is wrong with it"),
          expected: z.string().describe("What it should be, and where the value comes from"),
        }),
      )
      .optional()
      .describe("For ClientError.InvalidArgument: every argument at fault"),
  })
  .describe("Present only when the call failed (isError: true)");

/**
 * The output schema a client sees: every success field optional plus `error`, because MCP clients validate
 * `structuredContent` against the output schema even on error results. The success shape is documented in
 * each field's description; the handlers' own types keep the success fields complete.
 */
export function withError(success: z.ZodObject): z.ZodObject {
  return success.partial().extend({ error: errorSchema.optional() });
}

/** A tool's input schema for this server's configuration. */
export function inputSchemaOf(definition: ToolDefinition, config: Config): z.ZodObject {
  return typeof definition.inputSchema === "function" ? definition.inputSchema(config) : definition.inputSchema;
}

/**
 * Runs a handler and turns any failure into an `isError` result with `structuredContent.error`. Before it:
 * the caller's scope for the tool (one rule: requiredScope), the arguments against the tool's input schema
 * (a bad one is ClientError.InvalidArgument, naming the fields), then the caller's turn (per-caller fairness).
 * Every record logged during the call carries the caller and goes to the calling session only.
 */
export async function runTool(
  definition: ToolDefinition,
  inputSchema: z.ZodObject,
  args: unknown,
  ctx: ToolContext,
  extra: Extra,
  checkOutput?: (structured: unknown) => string | undefined,
): Promise<CallToolResult> {
  const caller = callerOf(extra, ctx);
  const fields = { caller: caller.id, tool: definition.name, mcpRequestId: String(extra.requestId) };
  // The call's own logger and API view: what they log carries the caller and goes to the calling session only.
  const log = ctx.log.forCall({ fields, sink: ctx.logSink });
  const call: ToolContext = { ...ctx, log, api: ctx.api.forCall(log) };
  const started = performance.now();
  let release: (() => void) | undefined;
  let result: CallToolResult;
  try {
    assertScope(caller, definition.name, requiredScope(definition.annotations));
    const parsed = validateArguments(definition.name, inputSchema, args);
    release = await ctx.services.safety.gate?.acquire(caller.id, extra.signal);
    const out = await definition.handler(parsed as never, call, extra);
    const mismatch = checkOutput?.(out.structured);
    if (mismatch) throw outputMismatch(definition.name, mismatch, out.text, log);
    ctx.metrics.toolCall(definition.name, "ok");
    result = { content: [{ type: "text", text: out.text }], structuredContent: out.structured };
  } catch (caught) {
    const error = asCloudError(caught);
    if (!(caught instanceof CloudError)) {
      log.error("tool failed unexpectedly", { error: describeUnexpected(caught) });
    }
    const body = error.toBody();
    ctx.metrics.toolCall(definition.name, body.category);
    const text = `Error ${body.code}: ${body.message}${body.requestId ? ` (RequestId ${body.requestId})` : ""}\nHint: ${body.hint}`;
    result = { isError: true, content: [{ type: "text", text }], structuredContent: { error: body } };
  } finally {
    release?.();
  }
  const error = result.isError ? (result.structuredContent?.error as { code?: string } | undefined) : undefined;
  log.log(ctx.callLogLevel ?? "debug", "tool call", {
    outcome: error ? "error" : "ok",
    code: error?.code,
    ms: Math.round(performance.now() - started),
  });
  return result;
}

/**
 * An answer that does not match the tool's published output schema: a client would reject it (-32602) and the
 * agent would not learn what the call did. So it is answered as a structured error that still says it, and
 * logged with the mismatch (a bug in the server; the tests drive every status to keep it from landing).
 */
function outputMismatch(tool: string, mismatch: string, text: string, log: Logger): CloudError {
  log.error("answer does not match the tool's output schema", { tool, mismatch: mismatch.slice(0, 500) });
  return new CloudError(
    "ClientError.AnswerMismatch",
    `The server's answer did not match its published output schema (the details are in its log). What the call did: ${text}`,
  );
}

function asCloudError(caught: unknown): CloudError {
  if (caught instanceof CloudError) return caught;
  return new CloudError("ClientError.Internal", "The server failed unexpectedly; the details are in its log");
}

function describeUnexpected(caught: unknown): string {
  if (caught instanceof Error) return `${caught.name}: ${caught.message}`.slice(0, 300);
  return typeof caught;
}

/** Where a call that changes an instance stands: `intent` writes the operation's intent right before sending. */
export interface Progress {
  /** The request may have reached the API. */
  sent: boolean;
  /** Journals the intent (audit log fsynced, shared ledger), then counts the request as sent. */
  intent(kind: OperationKind, only?: Partial<AuditRecord>): Promise<void>;
}

/**
 * Runs a call that changes an instance so that its audit record is written, and its outcome counted, whatever
 * happens. `run` calls `progress.intent(kind)` right before its request: from then on the call is one
 * write-ahead operation (issue 18) and its record is the operation's outcome (same operationId). A failure
 * after it is `failed` (the API answered an error) or `outcome_unknown`, before it the record stays `refused`.
 */
export async function audited<T>(
  ctx: ToolContext,
  record: AuditRecord,
  count: (outcome: RestoreOutcome) => void,
  run: (progress: Progress) => Promise<T>,
): Promise<T> {
  const { journal, audit } = ctx.services.safety;
  const progress: Progress = {
    sent: false,
    async intent(kind, only) {
      await journal.begin(record, kind, only);
      progress.sent = true;
    },
  };
  const end = () => {
    if (record.operationId) journal.finish(record);
    else audit.write(record);
    count(record.outcome as RestoreOutcome);
  };
  try {
    const out = await run(progress);
    if (record.operationId) journal.crash("after-answer");
    end();
    return out;
  } catch (caught) {
    const error = caught instanceof CloudError ? caught : undefined;
    if (progress.sent) record.outcome = error?.entry.category === "outcome_unknown" ? "outcome_unknown" : "failed";
    record.errorCode = error?.code ?? "ClientError.Internal";
    record.message = error?.message;
    record.requestId = error?.requestId;
    end();
    throw caught;
  }
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
export function withInFlight(out: ToolOutput, inFlight: InFlight): ToolOutput {
  if (inFlight.length === 0) return out;
  const list = inFlight
    .map((op) => `${op.action} ${op.operationId} (${op.sentAt}): ${op.outcome}${op.taskId ? `, task ${op.taskId}` : ""}`)
    .join("; ");
  return {
    structured: { ...out.structured, inFlight },
    text: `${out.text}\nIn flight on this instance when a server stopped, settled since: ${list}.`,
  };
}

// ---- Schemas shared by the tools -------------------------------------------------------------------------

export const instanceIdSchema = z
  .string()
  .regex(/^crs-[a-z0-9]{6,16}$/, "must be a Tencent Cloud Redis instance ID like crs-5a4py64p")
  .describe("Instance ID, like crs-5a4py64p: take it from list_instances");

export const backupIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a backup ID as list_backups returns it")
  .describe("Backup ID: take it from list_backups for the same instance");

export const regionSchema = z
  .string()
  .max(32)
  .regex(/^[a-z]{2,4}-[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a region name like ap-guangzhou")
  .optional()
  .describe("Region, like ap-guangzhou; defaults to the server's TENCENTCLOUD_REGION");

/** The region a call goes to: the argument, else the server's default. */
export function resolveRegion(region: string | undefined, config: Config): string {
  const chosen = region ?? config.region;
  if (!chosen) {
    throw new CloudError(
      "ClientError.RegionMissing",
      "No region: pass region, or set TENCENTCLOUD_REGION on the server",
      {
        notSent: true,
      },
    );
  }
  return chosen;
}
