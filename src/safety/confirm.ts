import { randomBytes } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { CloudError } from "../cloud/errors.js";
import { enUS } from "../i18n/en-US.js";
import type { Messages } from "../i18n/index.js";
import type { Extra } from "../request.js";
import type { PlanView } from "./preflight.js";

/** What a confirmation token is bound to: the caller that received the plan, and what it restores. */
export interface Binding {
  /** The caller's ID (token:<name>, oauth:<sub>, anonymous, local). */
  caller: string;
  region: string;
  instanceId: string;
  backupId: string;
  /** Issue 18: the earlier restore (operationId) the plan named: confirming it restores again. */
  acknowledges?: string;
}

interface Issued extends Binding {
  expiresAt: number;
}

/** Tokens alive at once; the oldest go first beyond this (a plan costs nothing, so bound the memory). */
const MAX_TOKENS = 1000;

const invalid = (message: string) =>
  new CloudError("ClientError.ConfirmationInvalid", `${message} Nothing was sent.`, { notSent: true });

/**
 * Confirmation tokens (TENCENTCLOUD_REDIS_CONFIRM=token): random, kept in this process's memory only,
 * single-use, expiring, and bound to the caller + region + instance + backup. Any presentation spends the token.
 * They belong to the process, not to an MCP session: the same caller may confirm from another session.
 */
export class ConfirmTokens {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(binding: Binding): { token: string; expiresAt: number } {
    const now = this.now();
    for (const [token, t] of this.issued) if (t.expiresAt <= now) this.issued.delete(token);
    while (this.issued.size >= MAX_TOKENS) this.issued.delete(this.issued.keys().next().value as string);
    const token = `ct_${randomBytes(24).toString("base64url")}`;
    const expiresAt = now + this.ttlMs;
    this.issued.set(token, { ...binding, expiresAt });
    return { token, expiresAt };
  }

  /** Spends the token; throws ClientError.ConfirmationInvalid unless it is alive and bound to exactly `binding`. */
  consume(token: string, binding: Binding): void {
    const found = this.issued.get(token);
    this.issued.delete(token);
    if (!found) throw invalid("This confirmToken is unknown or was already used (each token works once).");
    if (found.expiresAt <= this.now()) {
      throw invalid(`This confirmToken expired at ${new Date(found.expiresAt).toISOString()}.`);
    }
    if (found.caller !== binding.caller) {
      throw invalid("This confirmToken was issued to another caller; it is now void.");
    }
    if (
      found.region !== binding.region ||
      found.instanceId !== binding.instanceId ||
      found.backupId !== binding.backupId ||
      found.acknowledges !== binding.acknowledges
    ) {
      throw invalid(
        `This confirmToken was issued for instance ${found.instanceId}, backup ${found.backupId} in ${found.region}, ` +
          "not for these arguments; it is now void.",
      );
    }
  }
}

/**
 * Asks the human through MCP form elicitation (TENCENTCLOUD_REDIS_CONFIRM=elicit). Returns only when they
 * accepted and ticked the confirmation; every other answer, a timeout, or a client without the capability
 * refuses the restore (fail closed).
 */
export async function elicitConfirmation(
  server: McpServer,
  extra: Extra,
  plan: PlanView,
  timeoutMs: number,
  t: Messages = enUS,
) {
  const { instance, backup } = plan;
  const message = [
    t.form.question({
      label: instance.name || instance.instanceId,
      instanceId: instance.instanceId,
      region: instance.region,
    }),
    t.form.backup({
      backupId: backup.backupId,
      type: t.backupType(backup.type),
      startTime: backup.startTime,
      age: backup.age,
    }),
    plan.methodReason,
    plan.warning,
  ].join("\n");
  const title = plan.clone
    ? t.clone.confirmTitle({ name: plan.clone.name })
    : t.form.confirmTitle({ instanceId: instance.instanceId, backupId: backup.backupId });
  const description = plan.clone
    ? t.clone.confirmDescription
    : t.form.confirmDescription({ startTime: backup.startTime });
  return askToConfirm(server, extra, { message, title, description }, timeoutMs);
}

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
