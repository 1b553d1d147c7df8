// The HTTP transport's settings (--http): the kinds of its values, and the checks that need several settings at
// once (authentication, /metrics), run at start in HTTP mode only: stdio and the doctor need none of them.
import { isIP } from "node:net";
import type { Kind } from "./kinds.js";
import { type Config, ConfigError } from "./types.js";

const HOSTNAME_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

export const port: Kind<number> = {
  type: "port 0–65535",
  flag: "string",
  format: "number",
  parse(value, label) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      throw new ConfigError(`${label} must be a port number from 0 to 65535, not "${value}"`);
    }
    return n;
  },
};

/** The address to bind: an IP address or a host name. */
export const bindHost: Kind<string> = {
  type: "address",
  flag: "string",
  parse(value, label) {
    if (!HOSTNAME_RE.test(value) && !/^[0-9A-Fa-f:.]+$/.test(value)) {
      throw new ConfigError(`${label} must be an address or host name to bind, not "${value}"`);
    }
    return value;
  },
};

/** A host name without scheme or port, lower-cased. */
export function hostName(value: string, label: string): string {
  const host = value.toLowerCase();
  if (!HOSTNAME_RE.test(host)) {
    throw new ConfigError(`${label} must list host names without scheme or port (e.g. mcp.example.com), not "${host}"`);
  }
  return host;
}

/** A browser origin: scheme://host[:port], nothing more. */
export function origin(value: string, label: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== value.replace(/\/$/, "")) {
    throw new ConfigError(
      `${label} must list origins like https://app.example.com (scheme, host, optional port), not "${value}"`,
    );
  }
  return url.origin;
}

/** Whether a bind address only listens on this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || (isIP(h) === 4 && h.startsWith("127."));
}

/** A URL's host name that is this machine: 127.0.0.0/8, ::1 (also IPv4-mapped or in brackets) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) && v4.split(".").every((p) => Number(p) <= 255);
}

/** What is wrong with an issuer or JWKS URL, if anything: https, or http for a loopback host. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not an absolute URL";
  }
  if (url.username || url.password || url.hash) return "must not carry credentials or a fragment";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return "must be https (http only for a loopback host)";
}

/** Checks of loadConfig that need several settings: sessions are needed for elicitation. */
export function checkHttpTransport(config: Pick<Config, "http" | "confirmMode">): void {
  if (config.http.enabled && config.http.stateless && config.confirmMode === "elicit") {
    throw new ConfigError(
      "TENCENTCLOUD_REDIS_HTTP_STATELESS=true cannot be combined with TENCENTCLOUD_REDIS_CONFIRM=elicit: without " +
        "sessions the human's answer may reach another replica. Use TENCENTCLOUD_REDIS_CONFIRM=token, or run with sessions.",
    );
  }
}

/** Everything serving HTTP needs beyond loadConfig (called at start, HTTP mode only, not by the doctor). */
export function checkHttpServing(config: Config): void {
  checkAuthConfig(config, { host: config.http.host });
  checkMetricsConfig(config);
}

const NEEDS_AUTH =
  "HTTP mode needs authentication: set TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE, TENCENTCLOUD_REDIS_OAUTH_ISSUER " +
  "(+ TENCENTCLOUD_REDIS_PUBLIC_URL), or TENCENTCLOUD_REDIS_HTTP_AUTH=none on a loopback host";

/**
 * Throws ConfigError with a clear message when the HTTP auth settings are unusable (pure). With `host` (the bind
 * address), refuses TENCENTCLOUD_REDIS_HTTP_AUTH=none unless it is loopback.
 */
export function checkAuthConfig(config: Config, options: { host?: string } = {}): void {
  const { tokensFile, oauthIssuer, oauthJwksUrl, none } = config.httpAuth;
  if (config.publicUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(config.publicUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
      throw new ConfigError(
        `TENCENTCLOUD_REDIS_PUBLIC_URL must be the absolute http(s) URL of the MCP endpoint, like https://mcp.example.com/mcp, not "${config.publicUrl}"`,
      );
    }
    if (url.username || url.password || url.search || url.hash) {
      throw new ConfigError("TENCENTCLOUD_REDIS_PUBLIC_URL must not carry credentials, a query or a fragment");
    }
  }
  if (none) {
    if (tokensFile || oauthIssuer) {
      throw new ConfigError(
        "TENCENTCLOUD_REDIS_HTTP_AUTH=none turns authentication off, yet TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE or " +
          "TENCENTCLOUD_REDIS_OAUTH_ISSUER is set: choose one",
      );
    }
    if (options.host !== undefined && !isLoopbackHost(options.host)) {
      throw new ConfigError(
        `TENCENTCLOUD_REDIS_HTTP_AUTH=none is only allowed on a loopback host (127.0.0.1, ::1, localhost), not ${options.host}: ` +
          "configure TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE or TENCENTCLOUD_REDIS_OAUTH_ISSUER",
      );
    }
    return;
  }
  if (!tokensFile && !oauthIssuer) {
    throw new ConfigError(
      oauthJwksUrl ? `${NEEDS_AUTH} (TENCENTCLOUD_REDIS_OAUTH_JWKS_URL needs the issuer too)` : NEEDS_AUTH,
    );
  }
  if (oauthIssuer) {
    const issuerProblem = urlProblem(oauthIssuer);
    if (issuerProblem) throw new ConfigError(`TENCENTCLOUD_REDIS_OAUTH_ISSUER ${issuerProblem}`);
    if (config.publicUrl === undefined) {
      throw new ConfigError(
        "TENCENTCLOUD_REDIS_OAUTH_ISSUER needs TENCENTCLOUD_REDIS_PUBLIC_URL: the full URL of the MCP endpoint as " +
          "clients reach it (e.g. https://mcp.example.com/mcp), the audience its tokens must carry",
      );
    }
  } else if (oauthJwksUrl) {
    throw new ConfigError("TENCENTCLOUD_REDIS_OAUTH_JWKS_URL is set without TENCENTCLOUD_REDIS_OAUTH_ISSUER");
  }
  if (oauthJwksUrl) {
    const jwksProblem = urlProblem(oauthJwksUrl);
    if (jwksProblem) throw new ConfigError(`TENCENTCLOUD_REDIS_OAUTH_JWKS_URL ${jwksProblem}`);
  }
}

/** TENCENTCLOUD_REDIS_METRICS_PUBLIC=true (no authentication on /metrics) only on a loopback bind. */
export function checkMetricsConfig(config: Config): void {
  if (config.http.metricsPublic && !isLoopback(config.http.host)) {
    throw new ConfigError(
      `TENCENTCLOUD_REDIS_METRICS_PUBLIC=true is only allowed on a loopback host (127.0.0.1, ::1, localhost), not ` +
        `${config.http.host}: beyond loopback, /metrics needs a caller with redis:read, like /mcp`,
    );
  }
}
