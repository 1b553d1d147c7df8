import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { approvalArguments } from "../approval/step.js";
import type { CloudAction } from "../cloud/api.js";
import { ERROR_CATEGORIES } from "../cloud/catalog.js";
import { CloudError } from "../cloud/errors.js";
import { approvalInUse, type Config, type ToolName } from "../config/index.js";
import type { Logger } from "../base/log.js";
import type { RestoreOutcome } from "../base/metrics.js";
import type { Extra } from "../base/request.js";
import { assertScope, requiredScope } from "../gates/caller.js";
import type { Answer, Change, Earlier } from "../gates/gate.js";
import { callerOf, type ToolContext, type ToolOutput } from "../operations/context.js";
import { type CallRecord, type ChangeCall, runChangeCall } from "../operations/pipeline.js";
import { validateArguments } from "./arguments.js";

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
    const out = await definition.handler(parsed, call, extra);
    const mismatch = checkOutput?.(out.structured);
    if (mismatch) throw outputMismatch(definition.name, mismatch, out, log);
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
 * logged with the mismatch (a bug in the server; the tests drive every status to keep it from landing). A plan's
 * confirmation token is withheld: the plan did not reach the agent whole, so it is not confirmed from this error.
 */
function outputMismatch(tool: string, mismatch: string, out: ToolOutput, log: Logger): CloudError {
  log.error("answer does not match the tool's output schema", { tool, mismatch: mismatch.slice(0, 500) });
  const token = out.structured.confirmToken;
  const did =
    typeof token === "string" && token !== ""
      ? `${out.text.replaceAll(token, "[withheld]")} (A confirmation token was issued and is withheld here: call ` +
        `again without confirmToken for a fresh plan.)`
      : out.text;
  return new CloudError(
    "ClientError.AnswerMismatch",
    `The server's answer did not match its published output schema (the details are in its log). What the call did: ${did}`,
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

/** A confirmation token of a confirmation_required answer; each tool says when to pass it back. */
const confirmTokenSchema = z
  .string()
  .regex(/^ct_[A-Za-z0-9_-]{16,64}$/, "must be the confirmToken of a confirmation_required answer")
  .optional();

export const regionSchema = z
  .string()
  .max(32)
  .regex(/^[a-z]{2,4}-[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a region name like ap-guangzhou")
  .optional()
  .describe("Region, like ap-guangzhou; defaults to the server's TENCENTCLOUD_REGION");

/**
 * A change's arguments offered under some settings: confirmToken in token mode (`confirmToken` says when to pass
 * it back), approvalId and waitSeconds when approval is in use. Spread last into the tool's input schema.
 */
export function changeArguments(config: Config, confirmToken: string) {
  return {
    ...(config.confirmMode === "token" ? { confirmToken: confirmTokenSchema.describe(confirmToken) } : {}),
    ...(approvalInUse(config) ? approvalArguments : {}),
  };
}

/**
 * An argument offered only under some settings (a conditional spread in the input schema, which zod types as
 * unknown): the schema validated it already, this gives it its type back without a cast.
 */
export const offeredText = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const offeredNumber = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** A change tool's arguments with those of changeArguments typed back: what its change is asked. */
function changeRequest<Args extends Record<string, unknown>>(args: Args) {
  return {
    ...args,
    confirmToken: offeredText(args.confirmToken),
    approvalId: offeredText(args.approvalId),
    waitSeconds: offeredNumber(args.waitSeconds),
  };
}

/**
 * A change tool's call (runChangeCall): its audit record names `fields` and the confirmation mode, and its change
 * is asked the arguments with those of changeArguments typed back.
 */
export function changeCall<Args extends Record<string, unknown>, Pre, E extends Earlier>(
  call: { args: Args; ctx: ToolContext; extra: Extra },
  fields: CallRecord,
  count: (outcome: RestoreOutcome) => void,
  change: (request: ReturnType<typeof changeRequest<Args>>, call: ChangeCall) => Change<Pre, E>,
): Promise<Answer> {
  const { args, ctx, extra } = call;
  const request = changeRequest(args);
  const fieldsNamed = { ...fields, confirm: ctx.config.confirmMode };
  return runChangeCall(ctx, extra, fieldsNamed, count, (record, progress) =>
    change(request, { ctx, extra, record, progress }),
  );
}
