import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { CloudError } from "../cloud/errors.js";
import type { Extra } from "../base/request.js";

/** The confirmation form itself (a restore's, or switch_address's): one boolean a human must tick. */
export async function askToConfirm(
  server: McpServer,
  extra: Extra,
  form: { message: string; title: string; description: string },
  timeoutMs: number,
): Promise<void> {
  if (!server.server.getClientCapabilities()?.elicitation?.form) {
    throw new CloudError(
      "ClientError.ConfirmationUnavailable",
      "This server asks a human to confirm each change (TENCENTCLOUD_REDIS_CONFIRM=elicit), but this MCP client " +
        "does not support form elicitation, so it is refused. Nothing was sent.",
      { notSent: true },
    );
  }
  let answer: Awaited<ReturnType<McpServer["server"]["elicitInput"]>>;
  try {
    answer = await server.server.elicitInput(
      {
        mode: "form",
        message: form.message,
        requestedSchema: {
          type: "object",
          properties: {
            confirm: {
              type: "boolean",
              title: form.title,
              description: form.description,
              default: false,
            },
          },
          required: ["confirm"],
        },
      },
      { relatedRequestId: extra.requestId, signal: extra.signal, timeout: timeoutMs },
    );
  } catch (caught) {
    if (extra.signal.aborted) throw new CloudError("ClientError.Cancelled", "The call was cancelled", { notSent: true });
    if (caught instanceof McpError && caught.code === ErrorCode.RequestTimeout) {
      throw declined(`no answer to the confirmation within ${Math.round(timeoutMs / 1000)} s`);
    }
    throw new CloudError(
      "ClientError.ConfirmationUnavailable",
      "The client could not show the confirmation form, so the change is refused. Nothing was sent.",
      { notSent: true },
    );
  }
  if (answer.action === "accept" && answer.content?.confirm === true) return;
  throw declined(
    answer.action === "accept"
      ? "the user did not tick the confirmation"
      : answer.action === "decline"
        ? "the user declined"
        : "the user dismissed the confirmation",
  );
}

function declined(why: string): CloudError {
  return new CloudError("ClientError.ConfirmationDeclined", `Not confirmed: ${why}. Nothing was sent.`, {
    notSent: true,
  });
}
