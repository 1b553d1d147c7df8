import { randomBytes } from "node:crypto";
import { CloudError } from "../../cloud/errors.js";
import { isoTime } from "../../cloud/views.js";

/** What a confirmation token is bound to: the caller that received the plan, and what it restores. */
export interface Binding {
  /** The caller's ID (token:<name>, oauth:<sub>, anonymous, local). */
  caller: string;
  region: string;
  instanceId: string;
  backupId: string;
  /** The earlier restore (operationId) the plan named: confirming it restores again. */
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
      throw invalid(`This confirmToken expired at ${isoTime(found.expiresAt)}.`);
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
