// TEMPORARY placeholder with the API of issue 9b's authentication module, so that this branch builds until that
// module is merged (it replaces this file entirely). It refuses every request.
import type { Config } from "../config.js";
import type { Logger } from "../log.js";

export type Scope = "redis:read" | "redis:restore";
export interface Caller {
  id: string;
  kind: "token" | "oauth" | "anonymous";
  name: string;
  scopes: readonly Scope[];
}
export type AuthResult =
  | { ok: true; caller: Caller; expiresAt?: number }
  | { ok: false; status: 401 | 403; wwwAuthenticate: string; error: string; description: string };
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<AuthResult>;
  resourceMetadata(): Record<string, unknown> | undefined;
  resourceMetadataUrl(): string | undefined;
  reload(): Promise<void>;
}

export async function createAuthenticator(_config: Config, _log: Logger, _options?: { fetch?: typeof fetch }): Promise<Authenticator> {
  return {
    authenticate: async () => ({
      ok: false,
      status: 401,
      wwwAuthenticate: 'Bearer error="invalid_token"',
      error: "invalid_token",
      description: "authentication is not available yet",
    }),
    resourceMetadata: () => undefined,
    resourceMetadataUrl: () => undefined,
    reload: async () => {},
  };
}

export function checkAuthConfig(_config: Config, _opts?: { host: string }): void {}
