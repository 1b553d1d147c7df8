import { CloudError } from "../../cloud/errors.js";
import type { Binding } from "./memory-tokens.js";

const invalid = (message: string) =>
  new CloudError("ClientError.ConfirmationInvalid", `${message} Nothing was sent.`, { notSent: true });

/** The token was unknown, already spent, or expired (Redis forgets a token at its expiry). */
export const tokenUnknown = () =>
  invalid("This confirmToken is unknown, expired or was already used (each token works once).");

/**
 * Throws ClientError.ConfirmationInvalid unless `found` (what the token was issued for) is exactly `binding`:
 * every field, the caller included when there is one.
 */
export function checkBinding(found: Partial<Binding> & Record<string, unknown>, binding: Binding): void {
  const given = binding as unknown as Record<string, unknown>;
  if ((found.caller ?? undefined) !== (given.caller ?? undefined)) {
    throw invalid("This confirmToken was issued to another caller; it is now void.");
  }
  const keys = new Set(
    [...Object.keys(found), ...Object.keys(given)].filter((k) => k !== "expiresAt" && k !== "caller"),
  );
  for (const key of keys) {
    if (found[key] !== given[key]) {
      throw invalid(
        `This confirmToken was issued for instance ${String(found.instanceId)}, backup ${String(found.backupId)} in ` +
          `${String(found.region)}, not for these arguments; it is now void.`,
      );
    }
  }
}
