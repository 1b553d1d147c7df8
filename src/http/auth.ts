import { type Config, checkAuthConfig, isLoopbackHost } from "../config/index.js";
import type { Logger } from "../base/log.js";
import { type Caller, makeCaller, SCOPES } from "../gates/caller.js";
import { OAuthVerifier } from "./oauth.js";
import { matchToken, readTokensFile, type TokenEntry } from "./tokens-file.js";

export const REALM = "tencentcloud-redis-mcp";
/** Longer than any token we would accept (JWTs with many claims stay well under it). */
const MAX_TOKEN_CHARS = 8192;
/** RFC 6750 2.1: `Bearer` (any case), one or more spaces, a b64token. */
const BEARER_RE = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const JWT_SHAPE_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The outcome of one request's Authorization header. A refusal carries what the HTTP answer needs: its status,
 * the `WWW-Authenticate` header (RFC 6750 / RFC 9728), and `error` + `description` for the JSON body (for a
 * missing header the challenge has no error parameter, as RFC 6750 3.1 asks; `error` is then invalid_request).
 * A malformed header is answered 401 invalid_request (rather than 400) so that clients start their auth flow.
 * `expiresAt` (seconds since the epoch, like the SDK's AuthInfo) is the JWT's exp.
 */
export type AuthResult =
  | { ok: true; caller: Caller; expiresAt?: number }
  | {
      ok: false;
      status: 401 | 403;
      wwwAuthenticate: string;
      error: "invalid_token" | "invalid_request" | "insufficient_scope";
      description: string;
    };

export interface Authenticator {
  /** The value of the Authorization header (or undefined). Never logs or returns the token. */
  authenticate(authorization: string | undefined): Promise<AuthResult>;
  /** RFC 9728 protected resource metadata document when OAuth is configured, else undefined. */
  resourceMetadata(): Record<string, unknown> | undefined;
  /** URL of that document (for WWW-Authenticate resource_metadata=...), when OAuth is configured. */
  resourceMetadataUrl(): string | undefined;
  /** Re-reads the tokens file (the transport calls it on SIGHUP); on error keeps the old set and logs why. */
  reload(): Promise<void>;
}

/**
 * Builds the authenticator for HTTP mode: reads the tokens file (a bad file throws ConfigError), and with an
 * issuer, looks up its keys (a failure is logged and retried on later requests; JWT callers get 401 until then).
 * `options.fetch` is used for the issuer's metadata and JWKS.
 */
export async function createAuthenticator(
  config: Config,
  log: Logger,
  options: { fetch?: typeof fetch } = {},
): Promise<Authenticator> {
  checkAuthConfig(config);
  const { tokensFile, oauthIssuer, oauthJwksUrl, none } = config.httpAuth;
  if (none) {
    log.warning("HTTP authentication is off (TENCENTCLOUD_REDIS_HTTP_AUTH=none): every caller has every scope");
    return anonymousAuthenticator();
  }

  let entries: readonly TokenEntry[] = [];
  if (tokensFile) {
    entries = await readTokensFile(tokensFile);
    log.info("bearer tokens loaded", { file: tokensFile, tokens: entries.length });
  }
  let oauth: OAuthVerifier | undefined;
  if (oauthIssuer && config.publicUrl) {
    const publicUrl = new URL(config.publicUrl);
    if (publicUrl.protocol === "http:" && !isLoopbackHost(publicUrl.hostname)) {
      log.warning("TENCENTCLOUD_REDIS_PUBLIC_URL is http: clients will send their tokens unencrypted", {
        publicUrl: publicUrl.href,
      });
    }
    oauth = new OAuthVerifier({ issuer: oauthIssuer, jwksUrl: oauthJwksUrl, publicUrl }, log, options.fetch);
    await oauth.start();
  }

  const metadataUrl = oauth?.metadataUrl();
  const challenge = (params: Record<string, string>): string =>
    [
      `Bearer realm="${REALM}"`,
      ...(metadataUrl ? [`resource_metadata="${metadataUrl}"`] : []),
      ...Object.entries(params).map(([k, v]) => `${k}="${quotable(v)}"`),
    ].join(", ");
  const refuse = (
    status: 401 | 403,
    error: "invalid_token" | "invalid_request" | "insufficient_scope",
    description: string,
    extra: Record<string, string> = {},
  ): AuthResult => ({
    ok: false,
    status,
    error,
    description,
    wwwAuthenticate: challenge({ error, error_description: description, ...extra }),
  });
  const refused = (reason: string, sub?: string): AuthResult => {
    log.info("HTTP caller refused", { reason, sub });
    return refuse(401, "invalid_token", reason);
  };

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === "") {
        return {
          ok: false,
          status: 401,
          error: "invalid_request",
          description: "no bearer token: send Authorization: Bearer <token>",
          wwwAuthenticate: challenge({}),
        };
      }
      const match = authorization.length <= MAX_TOKEN_CHARS + 16 ? BEARER_RE.exec(authorization) : null;
      const token = match?.[1];
      if (token === undefined) {
        log.info("HTTP caller refused", { reason: "malformed Authorization header" });
        return refuse(401, "invalid_request", "the Authorization header must be Bearer followed by a token");
      }
      const entry = matchToken(entries, token);
      if (entry) return { ok: true, caller: entry.caller };
      if (!oauth || !JWT_SHAPE_RE.test(token)) return refused("bearer token not recognised");
      const outcome = await oauth.verify(token);
      if (!outcome.ok) return refused(outcome.reason, outcome.sub);
      if (outcome.scopes.length === 0) {
        log.info("HTTP caller refused", { reason: "JWT grants no known scope", sub: outcome.sub });
        return refuse(403, "insufficient_scope", `the token grants none of the scopes ${SCOPES.join(", ")}`, {
          scope: SCOPES.join(" "),
        });
      }
      return { ok: true, caller: makeCaller("oauth", outcome.sub, outcome.scopes), expiresAt: outcome.expiresAt };
    },
    resourceMetadata: () => oauth?.metadata(),
    resourceMetadataUrl: () => metadataUrl,
    async reload() {
      if (!tokensFile) return;
      try {
        entries = await readTokensFile(tokensFile);
        log.info("bearer tokens reloaded", { file: tokensFile, tokens: entries.length });
      } catch (error) {
        log.error("bearer tokens NOT reloaded: the tokens already loaded stay in force", {
          tokens: entries.length,
          reason: (error as Error).message,
        });
      }
    },
  };
}

function anonymousAuthenticator(): Authenticator {
  const caller = makeCaller("anonymous", "anonymous", SCOPES);
  return {
    authenticate: async () => ({ ok: true, caller }),
    resourceMetadata: () => undefined,
    resourceMetadataUrl: () => undefined,
    reload: async () => {},
  };
}

/** RFC 6750 3: error_description may hold %x20-21 / %x23-5B / %x5D-7E only. */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'");
}
