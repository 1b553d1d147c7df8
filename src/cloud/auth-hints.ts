import type { CredentialInfo } from "./credentials.js";

/** The API refuses a timestamp this far from its clock (AuthFailure.SignatureExpire). */
const SIGNATURE_WINDOW_MS = 300_000;

/** "ahead of" / "behind" the API, and by how many whole seconds. */
export function describeSkew(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  return `the machine's clock is off by ${seconds} seconds (${skewMs >= 0 ? "ahead of" : "behind"} the API's clock, from its Date header)`;
}

/** What to do about refused credentials, by where they come from. Human texts in one place. */
const RENEWING: Record<string, string> = {
  "cvm-role": "the CVM role's credentials renew by themselves",
  "tke-oidc": "the TKE OIDC credentials renew by themselves (STS AssumeRoleWithWebIdentity)",
  "assumed-role": "the assumed role's credentials renew by themselves (STS AssumeRole)",
};

function expiredHint(info: CredentialInfo): string {
  const renewing = RENEWING[info.kind];
  if (renewing) {
    return `The temporary credentials from ${info.source} were refused as invalid or expired; ${renewing}, and the next call fetches fresh ones: retry once. If it persists, check the machine's clock and the role's binding.`;
  }
  if (info.kind === "profile") {
    return `The session token in ${info.source} is invalid or expired: write fresh credentials into that file; the next call reads it (no restart needed).`;
  }
  return "The session token (TENCENTCLOUD_SESSION_TOKEN) is invalid or expired, and temporary credentials from the environment are never renewed: set fresh TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY / TENCENTCLOUD_SESSION_TOKEN and restart the server, or give it a renewing source (an instance role, TENCENTCLOUD_ROLE_ARN, or the profile file).";
}

/**
 * The hint for an authentication failure, naming the credential source in use and what to do; undefined keeps
 * the catalog's hint. SignatureExpire is clock skew when the API's clock says so, else (with temporary
 * credentials) treated like an expired token.
 */
export function authHint(
  code: string,
  info: CredentialInfo | undefined,
  skewMs: number | undefined,
): string | undefined {
  if (code === "AuthFailure.SignatureExpire") {
    if (skewMs !== undefined && Math.abs(skewMs) >= SIGNATURE_WINDOW_MS - 5000) {
      return `The request's timestamp is outside the API's 5-minute window: ${describeSkew(skewMs)}. Fix the clock (NTP, e.g. timedatectl set-ntp true), then retry.`;
    }
    if (info?.temporary) return expiredHint(info);
    return `The request's timestamp was refused as too far from the API's clock${
      skewMs === undefined ? "" : ` (${describeSkew(skewMs)})`
    }. Check the machine's clock (NTP), then retry.`;
  }
  if (code === "AuthFailure.TokenFailure") {
    return info ? expiredHint(info) : undefined;
  }
  if ((code === "AuthFailure.SecretIdNotFound" || code === "AuthFailure.SignatureFailure") && info) {
    return `The credentials from ${info.source} (SecretId ${info.secretId}) were refused (${code}): check that the key pair is current and complete in that source.`;
  }
  return undefined;
}
