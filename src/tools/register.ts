// The wiring of our tool definitions into the MCP SDK's McpServer, kept in this one file.
//
// McpServer (SDK 1.x) validates a call's arguments against the registered input schema before the handler
// runs, and answers a mismatch with a text-only error an agent cannot act on. So each tool is registered with
// an open schema (anything passes, uncopied), runTool checks the arguments against the real schema and answers a
// mismatch as a structured ClientError.InvalidArgument, and tools/list is answered here with the real
// schemas, converted exactly as the SDK converts them (a test compares the two), without the tools the session's
// caller has no scope for: those stay registered, so that a call to one reaches runTool and is refused there with
// a structured ClientError.ScopeMissing.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { type CallToolResult, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { z } from "zod";
import type { Config } from "../config/index.js";
import { requiredScope } from "../gates/caller.js";
import { tracer } from "../telemetry/index.js";
import { TOOLS } from "./index.js";
import { inputSchemaOf, runTool, type ToolDefinition } from "./shared.js";
import type { ToolContext } from "../operations/context.js";

/**
 * What McpServer validates against: anything, passed through as it is (the request schema already made it an
 * object or nothing); the real check is runTool's, the only parse of the arguments.
 */
const OPEN_INPUT = z.unknown();

/** The tools this configuration offers, in list order. */
export function offeredTools(config: Config): ToolDefinition[] {
  return TOOLS.filter((tool) => config.tools.includes(tool.name) && (!config.readOnly || tool.annotations.readOnlyHint));
}

/** The tools/list entry of a tool: the same JSON Schema conversion as the SDK's own tools/list. */
export function listedTool(tool: ToolDefinition, config: Config): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: z.toJSONSchema(inputSchemaOf(tool, config), { target: "draft-7", io: "input" }) as Tool["inputSchema"],
    outputSchema: z.toJSONSchema(tool.outputSchema, { target: "draft-7", io: "output" }) as Tool["outputSchema"],
    annotations: { title: tool.title, ...tool.annotations },
    execution: { taskSupport: "forbidden" },
  };
}

/** One validator for the process (the SDK client's own kind), made on the first call that needs it. */
let ajv: AjvJsonSchemaValidator | undefined;

/**
 * Checks a result's structured content against the tool's listed output schema exactly as an SDK client does
 * after tools/list (JSON Schema, AJV: no additional properties where the schema closes an object). Compiled on
 * the first call of the tool, so a start pays nothing. Answers the mismatch, or undefined when it conforms.
 */
export function outputChecker(listed: Tool): (structured: unknown) => string | undefined {
  let validate: ((value: unknown) => { valid: boolean; errorMessage?: string }) | undefined;
  return (structured) => {
    ajv ??= new AjvJsonSchemaValidator();
    validate ??= ajv.getValidator(listed.outputSchema as Parameters<AjvJsonSchemaValidator["getValidator"]>[0]);
    const result = validate(structured);
    return result.valid ? undefined : (result.errorMessage ?? "does not match");
  };
}

/**
 * Registers the offered tools on the server and answers tools/list with their real schemas. `track` wraps each
 * call (the runtime counts running calls, for a graceful shutdown).
 */
export function registerTools(
  server: McpServer,
  ctx: ToolContext,
  track: (call: Promise<CallToolResult>) => Promise<CallToolResult> = (call) => call,
): void {
  const tools = offeredTools(ctx.config);
  for (const tool of tools) {
    const inputSchema = inputSchemaOf(tool, ctx.config);
    const checkOutput = outputChecker(listedTool(tool, ctx.config));
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: OPEN_INPUT,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args: unknown, extra) =>
        track(
          tracer
            ? tracer.toolCall(tool.name, extra, () => runTool(tool, inputSchema, args, ctx, extra, checkOutput))
            : runTool(tool, inputSchema, args, ctx, extra, checkOutput),
        ),
    );
  }
  if (tools.length === 0) return;
  const listed = tools
    .filter((tool) => ctx.caller.scopes.includes(requiredScope(tool.annotations)))
    .map((tool) => listedTool(tool, ctx.config));
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
}
