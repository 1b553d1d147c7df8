import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type JWSAlgorithm,
  type JWTPayload,
  jwtVerify,
  type RemoteJWKSet,
} from "jose";
import { z } from "zod";
import { urlProblem } from "../config/index.js";
import type { Logger } from "../base/log.js";
import { isScope, SCOPES, type Scope } from "../gates/caller.js";

/** Asymmetric signatures only: never HS* (a shared secret would let anyone holding it mint tokens), never none. */
export const JWT_ALGORITHMS: readonly JWSAlgorithm[] = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** Leeway for the clocks of the authorization server and this one, on exp and nbf. */
const CLOCK_TOLERANCE_S = 30;
const FETCH_TIMEOUT_MS = 5000;
/** After a failed discovery, JWT callers get 401 for this long before the next attempt. */
const DISCOVERY_RETRY_MS = 10_000;

export interface OAuthSettings {
  issuer: string;
  jwksUrl?: string;
  publicUrl: URL;
}

export type JwtOutcome =
  | { ok: true; sub: string; scopes: Scope[]; expiresAt: number }
  /** `reason` is the class of failure for the log; `sub` only once the signature held. */
  | { ok: false; reason: string; sub?: string };

const serverMetadataSchema = z.looseObject({ issuer: z.string(), jwks_uri: z.string() });

/**
 * The OAuth 2.1 resource server side (MCP authorization, RFC 9068 JWT access tokens): verifies a token's
 * signature against the issuer's JWKS (found through RFC 8414 metadata unless given), its issuer, audience
 * (the public URL, RFC 8707), exp (required), nbf, and sub (required).
 */
export class OAuthVerifier {
  readonly audience: string[];
  private jwks?: RemoteJWKSet;
  private discovering?: Promise<RemoteJWKSet>;
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: OAuthSettings,
    private readonly log: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    const href = settings.publicUrl.href;
    this.audience = href.endsWith("/") && settings.publicUrl.pathname === "/" ? [href, href.slice(0, -1)] : [href];
  }

  /** Finds the JWKS now, so that a wrong issuer shows in the log at start; a failure is retried on later calls. */
  async start(): Promise<void> {
    let jwks: RemoteJWKSet;
    try {
      jwks = await this.keySet();
    } catch {
      return; // already logged by keySet
    }
    try {
      await jwks.reload();
    } catch (error) {
      this.log.warning("OAuth: cannot fetch the issuer's JWKS yet; it is fetched again on the next JWT", {
        reason: error instanceof Error ? error.name : "unknown",
      });
    }
  }

  /** RFC 9728 protected resource metadata. */
  metadata(): Record<string, unknown> {
    return {
      resource: this.settings.publicUrl.href,
      authorization_servers: [this.settings.issuer],
      scopes_supported: [...SCOPES],
      bearer_methods_supported: ["header"],
    };
  }

  /** RFC 9728's path form: /.well-known/oauth-protected-resource + the endpoint's path, on its origin. */
  metadataUrl(): string {
    const path = this.settings.publicUrl.pathname.replace(/\/+$/, "");
    return `${this.settings.publicUrl.origin}/.well-known/oauth-protected-resource${path}`;
  }

  async verify(token: string): Promise<JwtOutcome> {
    let jwks: RemoteJWKSet;
    try {
      jwks = await this.keySet();
    } catch {
      return { ok: false, reason: "authorization server's keys unavailable" };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: [...JWT_ALGORITHMS],
        issuer: this.settings.issuer,
        audience: this.audience,
        requiredClaims: ["exp", "sub"],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (error) {
      return rejection(error);
    }
    const sub = payload.sub;
    if (typeof sub !== "string" || sub === "" || sub.length > 255 || /\p{Cc}/u.test(sub)) {
      return { ok: false, reason: "JWT sub unusable" };
    }
    return { ok: true, sub, scopes: scopesOf(payload), expiresAt: payload.exp as number };
  }

  private keySet(): Promise<RemoteJWKSet> {
    if (this.jwks) return Promise.resolve(this.jwks);
    if (this.discovering) return this.discovering;
    if (Date.now() - this.failedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(new Error("discovery failed recently"));
    }
    this.discovering = this.discover()
      .then((url) => {
        this.jwks = createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS, [customFetch]: this.fetchImpl });
        this.log.info("OAuth: verifying JWT access tokens", { issuer: this.settings.issuer, jwks: url.href });
        return this.jwks;
      })
      .catch((error: unknown) => {
        this.failedAt = Date.now();
        this.log.warning("OAuth: cannot find the issuer's keys; JWT callers are refused until it works", {
          issuer: this.settings.issuer,
          reason: (error as Error).message,
        });
        throw error;
      })
      .finally(() => {
        this.discovering = undefined;
      });
    return this.discovering;
  }

  /** The JWKS URL: given, or the `jwks_uri` of the issuer's RFC 8414 (then OpenID Connect) metadata. */
  private async discover(): Promise<URL> {
    if (this.settings.jwksUrl) return new URL(this.settings.jwksUrl);
    const failures: string[] = [];
    for (const url of discoveryUrls(new URL(this.settings.issuer))) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          headers: { accept: "application/json" },
          redirect: "error",
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        });
      } catch (error) {
        failures.push(`${url}: ${(error as Error).name === "TimeoutError" ? "timed out" : "unreachable"}`);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        failures.push(`${url}: HTTP ${response.status}`);
        continue;
      }
      const parsed = serverMetadataSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new Error(`${url} is not authorization server metadata with issuer and jwks_uri`);
      if (parsed.data.issuer !== this.settings.issuer) {
        throw new Error(`${url} names issuer ${parsed.data.issuer}, not ${this.settings.issuer} (RFC 8414 3.3)`);
      }
      const problem = urlProblem(parsed.data.jwks_uri);
      if (problem) throw new Error(`${url} has a jwks_uri that ${problem}`);
      return new URL(parsed.data.jwks_uri);
    }
    throw new Error(`no authorization server metadata (${failures.join("; ")})`);
  }
}

/**
 * Where RFC 8414 and OpenID Connect Discovery put an issuer's metadata, in the order the MCP authorization spec
 * tries them: for an issuer with a path, the well-known segment goes before the path, then OIDC's after it.
 */
export function discoveryUrls(issuer: URL): string[] {
  const path = issuer.pathname.replace(/\/+$/, "");
  const origin = issuer.origin;
  if (path === "")
    return [`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`];
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}/.well-known/openid-configuration${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
  ];
}

/** Known scopes from `scope` (space-separated) and `scp` (a string or an array); others are ignored. */
export function scopesOf(payload: JWTPayload): Scope[] {
  const words: unknown[] = [];
  if (typeof payload.scope === "string") words.push(...payload.scope.split(/\s+/));
  const scp = payload.scp;
  if (typeof scp === "string") words.push(...scp.split(/\s+/));
  else if (Array.isArray(scp)) words.push(...scp);
  return SCOPES.filter((s) => words.some((w) => w === s && isScope(w)));
}

/** A jose error as a class of failure, never with the token or jose's message (which may quote claims). */
function rejection(error: unknown): JwtOutcome {
  if (error instanceof errors.JWTExpired) return { ok: false, reason: "JWT expired", sub: subOf(error.payload) };
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reason =
      {
        iss: "JWT issuer mismatch",
        aud: "JWT audience mismatch",
        nbf: "JWT not yet valid",
        exp: "JWT without exp",
        sub: "JWT without sub",
        iat: "JWT iat invalid",
      }[error.claim] ?? `JWT claim ${error.claim} invalid`;
    return { ok: false, reason, sub: subOf(error.payload) };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: "JWT algorithm not allowed" };
  if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "JWT signature invalid" };
  if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: "JWT signed by an unknown key" };
  if (error instanceof errors.JWKSTimeout) return { ok: false, reason: "authorization server's keys unavailable" };
  if (error instanceof errors.JOSEError) return { ok: false, reason: `JWT rejected (${error.code})` };
  // jose lets the fetch of the JWKS throw through (connection refused, HTTP error).
  return { ok: false, reason: "authorization server's keys unavailable" };
}

function subOf(payload: JWTPayload): string | undefined {
  return typeof payload.sub === "string" && payload.sub.length <= 255 && !/\p{Cc}/u.test(payload.sub)
    ? payload.sub
    : undefined;
}
