import { parseArgs } from "node:util";
import { LANGUAGES, type Language } from "./i18n/index.js";
import { RESTORE_METHOD_SETTINGS, type RestoreMethodSetting } from "./cloud/editions.js";
import { Secret } from "./secret.js";

/** Tool names are a public interface: keep them exactly. */
export const TOOL_NAMES = [
  "list_instances",
  "list_backups",
  "backup_instance",
  "restore_instance",
  "check_task",
  "switch_address",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const CONFIRM_MODES = ["token", "elicit", "none"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

export const LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Credentials {
  secretId: string;
  secretKey: Secret;
  token?: Secret;
}

export interface Endpoint {
  protocol: "http:" | "https:";
  host: string;
  port?: number;
}

/** The HTTP transport (`--http`): Streamable HTTP at /mcp. */
export interface HttpConfig {
  /** --http: serve Streamable HTTP instead of stdio. */
  enabled: boolean;
  port: number;
  host: string;
  /** No sessions (for load-balanced fleets): no elicitation, no GET stream. */
  stateless: boolean;
  sessionIdleMs: number;
  maxSessions: number;
  maxInflightPerCaller: number;
  /** Host names (no port) allowed in Host and Origin besides loopback names (loopback bind) and the public URL's. */
  allowedHosts: readonly string[];
  /** Browser origins (scheme://host[:port]) allowed CORS; none by default. */
  allowedOrigins: readonly string[];
  /** GET /metrics without authentication (TENCENTCLOUD_REDIS_METRICS_PUBLIC=true; loopback bind only). */
  metricsPublic: boolean;
}

/** STS AssumeRole on top of the base credentials (TENCENTCLOUD_ROLE_*). */
export interface RoleConfig {
  arn: string;
  sessionName: string;
  /** Lifetime asked of STS; undefined: STS's default (7200 s). */
  durationSeconds?: number;
}

export interface Config {
  /** From TENCENTCLOUD_SECRET_ID/KEY/SESSION_TOKEN; undefined means "use the SDK's default chain". */
  credentials?: Credentials;
  /** Assume this role with the base credentials (TENCENTCLOUD_ROLE_ARN). */
  role?: RoleConfig;
  /** STS endpoint override (TENCENTCLOUD_STS_ENDPOINT), for AssumeRole and TKE OIDC. */
  stsEndpoint?: Endpoint;
  /** TKE OIDC is set up (TKE_ROLE_ARN and TKE_WEB_IDENTITY_TOKEN_FILE): the SDK's provider reads the rest. */
  tkeOidc: boolean;
  region?: string;
  endpoint?: Endpoint;
  timeoutMs: number;
  sandbox: boolean;
  /** Set by the sandbox (never parsed): what its instances are, shown by list_instances. */
  sandboxNote?: string;
  readOnly: boolean;
  /** The tools that exist; all of them unless limited. */
  tools: readonly ToolName[];
  /** Instance ID patterns (`*` wildcards) a restore may target; undefined: any. */
  allowedInstances?: readonly string[];
  /**
   * TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES: a restore needs an undo backup (a restorable backup newer than the
   * one restored) at most this many minutes old; undefined: no requirement.
   */
  undoMaxAgeMinutes?: number;
  confirmMode: ConfirmMode;
  // Issue 16: how restores are made.
  /** TENCENTCLOUD_REDIS_RESTORE_METHOD: auto (the edition table, src/cloud/editions.ts), in_place or clone for every edition. */
  restoreMethod: RestoreMethodSetting;
  confirmTtlMs: number;
  /** Whether `restore_instance` offers a `password` argument at all. */
  passwordArgument: boolean;
  /** Server-side instance passwords: by instance ID (lower-case) and one for all instances. */
  passwords: { byInstance: ReadonlyMap<string, Secret>; all?: Secret };
  auditLogPath?: string;
  /** Requests per second per action, client side. */
  rateLimit: number;
  maxRetries: number;
  /** Base of the exponential backoff between retries. */
  retryBaseMs: number;
  keepAlive: boolean;
  /** HTTP(S) proxy for the API, from HTTPS_PROXY / HTTP_PROXY (by the endpoint's protocol); may hold credentials. */
  proxy?: Secret;
  /** NO_PROXY entries: host names or domain suffixes that are reached directly ("*": all). */
  noProxy: readonly string[];
  logLevel: LogLevel;
  /**
   * Safety state shared by replicas (TENCENTCLOUD_REDIS_STATE_URL): confirmation tokens, restore locks and the
   * API budget live in Redis. Undefined: this process's memory. The URL may hold a password: a Secret.
   */
  state?: StateConfig;
  /** How many replicas share the account (TENCENTCLOUD_REDIS_REPLICAS): without Redis each uses rateLimit / replicas. */
  replicas: number;
  /** TENCENTCLOUD_LANGUAGE: the API's X-TC-Language and the language of the texts a person reads. */
  language: Language;
  /** Polling of check_task's wait: first interval, cap, and the longest silence between progress notifications. */
  poll: { initialMs: number; maxMs: number; progressEveryMs: number };
  http: HttpConfig;
  // HTTP authentication (issue 9): read here, checked by checkAuthConfig (src/http/auth.ts) in HTTP mode only.
  /** TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE, TENCENTCLOUD_REDIS_OAUTH_ISSUER, TENCENTCLOUD_REDIS_OAUTH_JWKS_URL; `none`: TENCENTCLOUD_REDIS_HTTP_AUTH=none. */
  httpAuth: { tokensFile?: string; oauthIssuer?: string; oauthJwksUrl?: string; none: boolean };
  /** TENCENTCLOUD_REDIS_PUBLIC_URL: the MCP endpoint's full URL as clients reach it (the tokens' audience). */
  publicUrl?: string;
}

export interface StateConfig {
  url: Secret;
  /** Where it points, without user or password: for logs. */
  where: string;
  prefix: string;
  /** Expiry of a restore lock; renewed while held, so only a dead holder lets it lapse. */
  lockMs: number;
  /** Longest wait for one Redis command before the store counts as unavailable. */
  commandTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const HELP = `tencentcloud-redis-mcp: an MCP server (stdio, or Streamable HTTP with --http) that restores Tencent Cloud Redis instances from backups.

Usage: tencentcloud-redis-mcp [options]
       tencentcloud-redis-mcp doctor [--region r] [--json] [options]
                            check credentials, endpoint, clock, CAM permissions and settings (exit 0 when all works)

  --sandbox                 run against the built-in local Tencent Cloud fake (no account needed)
  --region <region>         default region (TENCENTCLOUD_REGION)
  --endpoint <host|url>     API endpoint override (TENCENTCLOUD_REDIS_ENDPOINT)
  --read-only               offer no restore tool (TENCENTCLOUD_REDIS_READ_ONLY=true)
  --tools <a,b>             only these tools (TENCENTCLOUD_REDIS_TOOLS)
  --allowed-instances <ids> restores only on these instance IDs, * wildcards (TENCENTCLOUD_REDIS_ALLOWED_INSTANCES)
  --confirm <mode>          token | elicit | none (TENCENTCLOUD_REDIS_CONFIRM, default token)
  --audit-log <file>        append one JSON line per restore attempt (TENCENTCLOUD_REDIS_AUDIT_LOG)
  --log-level <level>       debug | info | notice | warning | error (TENCENTCLOUD_REDIS_LOG_LEVEL, default info)
  --http                    serve MCP Streamable HTTP at /mcp instead of stdio (needs authentication: see README)
  --port <n>                HTTP port (TENCENTCLOUD_REDIS_HTTP_PORT, default 8787)
  --host <addr>             HTTP bind address (TENCENTCLOUD_REDIS_HTTP_HOST, default 127.0.0.1)
  -h, --help                this text
  -v, --version             the version

Every option and variable is described in the README.`;

export interface CliFlags {
  help: boolean;
  version: boolean;
}

const REGION_RE = /^[a-z]{2,4}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INSTANCE_PATTERN_RE = /^[A-Za-z0-9*_-]{1,64}$/;
const PASSWORD_PREFIX = "TENCENTCLOUD_REDIS_PASSWORD_";
const ROLE_ARN_RE = /^qcs::cam::uin\/\d+:role(?:Name\/[\w+=,.@-]{1,128}|\/\d+)$/;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,128}$/;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration once, from flags and environment (a flag wins over its variable). Pure: it never
 * touches process.env or the file system. Throws ConfigError naming the variable or flag at fault.
 */
export function loadConfig(argv: readonly string[], rawEnv: Env): Config & CliFlags {
  const env = withoutPlaceholders(rawEnv);
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const flags = parsed.values;
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const secretId = get("TENCENTCLOUD_SECRET_ID");
  const secretKey = env.TENCENTCLOUD_SECRET_KEY;
  const sessionToken = env.TENCENTCLOUD_SESSION_TOKEN;
  let credentials: Credentials | undefined;
  if (secretId && secretKey) {
    credentials = { secretId, secretKey: new Secret(secretKey) };
    if (sessionToken) credentials.token = new Secret(sessionToken);
  } else if (secretId || secretKey) {
    throw new ConfigError(
      `${secretId ? "TENCENTCLOUD_SECRET_KEY" : "TENCENTCLOUD_SECRET_ID"} is not set, but ${
        secretId ? "TENCENTCLOUD_SECRET_ID" : "TENCENTCLOUD_SECRET_KEY"
      } is: set both, or neither to use the profile file or the instance role`,
    );
  }

  const roleArn = get("TENCENTCLOUD_ROLE_ARN");
  let role: RoleConfig | undefined;
  if (roleArn !== undefined) {
    if (!ROLE_ARN_RE.test(roleArn)) {
      throw new ConfigError(
        `TENCENTCLOUD_ROLE_ARN must be a role ARN like qcs::cam::uin/100000000001:roleName/redis-restore, not "${roleArn}"`,
      );
    }
    const sessionName = get("TENCENTCLOUD_ROLE_SESSION_NAME") ?? "tencentcloud-redis-mcp";
    if (!SESSION_NAME_RE.test(sessionName)) {
      throw new ConfigError(
        "TENCENTCLOUD_ROLE_SESSION_NAME must be 2 to 128 letters, digits or the characters +=,.@_-",
      );
    }
    const duration = get("TENCENTCLOUD_ROLE_DURATION_SECONDS");
    role = { arn: roleArn, sessionName };
    if (duration !== undefined) role.durationSeconds = Math.trunc(number(get, "TENCENTCLOUD_ROLE_DURATION_SECONDS", 0, 1, 43200));
  } else if (get("TENCENTCLOUD_ROLE_SESSION_NAME") ?? get("TENCENTCLOUD_ROLE_DURATION_SECONDS")) {
    throw new ConfigError(
      "TENCENTCLOUD_ROLE_SESSION_NAME / TENCENTCLOUD_ROLE_DURATION_SECONDS are set but TENCENTCLOUD_ROLE_ARN is not",
    );
  }
  const stsText = get("TENCENTCLOUD_STS_ENDPOINT");
  const stsEndpoint = stsText === undefined ? undefined : parseEndpoint(stsText, "TENCENTCLOUD_STS_ENDPOINT");

  const region = flags.region ?? get("TENCENTCLOUD_REGION");
  if (region !== undefined && !REGION_RE.test(region)) {
    throw new ConfigError(`TENCENTCLOUD_REGION (or --region) is not a region name like ap-guangzhou: "${region}"`);
  }

  const endpointText = flags.endpoint ?? get("TENCENTCLOUD_REDIS_ENDPOINT");
  const endpoint = endpointText === undefined ? undefined : parseEndpoint(endpointText);

  const tools = parseTools(flags.tools ?? get("TENCENTCLOUD_REDIS_TOOLS"));
  const allowedText = flags["allowed-instances"] ?? get("TENCENTCLOUD_REDIS_ALLOWED_INSTANCES");
  let allowedInstances: string[] | undefined;
  if (allowedText !== undefined) {
    allowedInstances = splitList(allowedText);
    const bad = allowedInstances.find((p) => !INSTANCE_PATTERN_RE.test(p));
    if (bad !== undefined || allowedInstances.length === 0) {
      throw new ConfigError(
        `TENCENTCLOUD_REDIS_ALLOWED_INSTANCES (or --allowed-instances) must list instance IDs such as crs-5a4py64p, ` +
          `* allowed as a wildcard; not understood: "${bad ?? allowedText}"`,
      );
    }
  }

  const confirmMode = (flags.confirm ?? get("TENCENTCLOUD_REDIS_CONFIRM") ?? "token").toLowerCase();
  if (!isOneOf(CONFIRM_MODES, confirmMode)) {
    throw new ConfigError(`TENCENTCLOUD_REDIS_CONFIRM (or --confirm) must be token, elicit or none, not "${confirmMode}"`);
  }
  // Issue 16: TENCENTCLOUD_REDIS_RESTORE_METHOD, for an account where Tencent restores otherwise than the table says.
  const restoreMethod = (get("TENCENTCLOUD_REDIS_RESTORE_METHOD") ?? "auto").toLowerCase();
  if (!isOneOf(RESTORE_METHOD_SETTINGS, restoreMethod)) {
    throw new ConfigError(`TENCENTCLOUD_REDIS_RESTORE_METHOD must be auto, in_place or clone, not "${restoreMethod}"`);
  }
  const logLevel = (flags["log-level"] ?? get("TENCENTCLOUD_REDIS_LOG_LEVEL") ?? "info").toLowerCase();
  if (!isOneOf(LOG_LEVELS, logLevel)) {
    throw new ConfigError(`TENCENTCLOUD_REDIS_LOG_LEVEL (or --log-level) must be one of ${LOG_LEVELS.join(", ")}`);
  }

  const languageText = get("TENCENTCLOUD_LANGUAGE") ?? "en-US";
  const language = LANGUAGES.find((l) => l.toLowerCase() === languageText.toLowerCase().replace("_", "-"));
  if (language === undefined) {
    throw new ConfigError(`TENCENTCLOUD_LANGUAGE must be ${LANGUAGES.join(" or ")}, not "${languageText}"`);
  }

  const byInstance = new Map<string, Secret>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(PASSWORD_PREFIX) || value === undefined || value === "") continue;
    const id = name.slice(PASSWORD_PREFIX.length).toLowerCase().replaceAll("_", "-");
    if (id === "argument") continue; // TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT is a switch, not a password
    byInstance.set(id, new Secret(value));
  }
  const allPassword = env.TENCENTCLOUD_REDIS_PASSWORD;

  return {
    help: flags.help ?? false,
    version: flags.version ?? false,
    credentials,
    role,
    stsEndpoint,
    tkeOidc: get("TKE_ROLE_ARN") !== undefined && get("TKE_WEB_IDENTITY_TOKEN_FILE") !== undefined,
    region,
    endpoint,
    timeoutMs: number(get, "TENCENTCLOUD_REDIS_TIMEOUT_SECONDS", 30, 0.05, 600) * 1000,
    sandbox: flags.sandbox ?? false,
    readOnly: (flags["read-only"] ?? false) || bool(get, "TENCENTCLOUD_REDIS_READ_ONLY", false),
    tools,
    allowedInstances,
    undoMaxAgeMinutes: optionalNumber(get, "TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES", 1, 525_600),
    confirmMode,
    restoreMethod,
    confirmTtlMs: number(get, "TENCENTCLOUD_REDIS_CONFIRM_TTL_SECONDS", 300, 10, 3600) * 1000,
    passwordArgument: bool(get, "TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT", true),
    passwords: { byInstance, all: allPassword ? new Secret(allPassword) : undefined },
    auditLogPath: flags["audit-log"] ?? get("TENCENTCLOUD_REDIS_AUDIT_LOG"),
    rateLimit: number(get, "TENCENTCLOUD_REDIS_RATE_LIMIT", 20, 1, 1000),
    maxRetries: Math.trunc(number(get, "TENCENTCLOUD_REDIS_MAX_RETRIES", 3, 0, 10)),
    retryBaseMs: number(get, "TENCENTCLOUD_REDIS_RETRY_BASE_MS", 500, 1, 60_000),
    keepAlive: bool(get, "TENCENTCLOUD_REDIS_KEEP_ALIVE", true),
    ...proxyConfig(get, endpoint?.protocol ?? "https:"),
    logLevel,
    state: stateConfig(get),
    replicas: Math.trunc(number(get, "TENCENTCLOUD_REDIS_REPLICAS", 3, 1, 1000)),
    language,
    poll: {
      initialMs: number(get, "TENCENTCLOUD_REDIS_POLL_INITIAL_MS", 1000, 10, 60_000),
      maxMs: number(get, "TENCENTCLOUD_REDIS_POLL_MAX_MS", 5000, 10, 60_000),
      progressEveryMs: number(get, "TENCENTCLOUD_REDIS_PROGRESS_EVERY_MS", 10_000, 10, 60_000),
    },
    http: httpConfig(get, flags, confirmMode),
    // HTTP authentication (issue 9)
    httpAuth: {
      tokensFile: get("TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE"),
      oauthIssuer: get("TENCENTCLOUD_REDIS_OAUTH_ISSUER"),
      oauthJwksUrl: get("TENCENTCLOUD_REDIS_OAUTH_JWKS_URL"),
      none: httpAuthNone(get("TENCENTCLOUD_REDIS_HTTP_AUTH")),
    },
    publicUrl: get("TENCENTCLOUD_REDIS_PUBLIC_URL"),
  };
}

/**
 * The environment without values that are an unfilled placeholder of an MCP Bundle's manifest, like
 * `${user_config.region}`: a host that leaves an optional setting empty may pass the text on as it is, and it
 * means "not set".
 */
function withoutPlaceholders(env: Env): Env {
  const clean: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && PLACEHOLDER_RE.test(value.trim())) continue;
    clean[name] = value;
  }
  return clean;
}

const PLACEHOLDER_RE = /^\$\{user_config\.[A-Za-z0-9_.-]*\}$/;

// ---- HTTP transport (--http) -----------------------------------------------------------------------------

const HOSTNAME_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

function httpConfig(
  get: (n: string) => string | undefined,
  flags: ReturnType<typeof parseFlags>["values"],
  confirmMode: ConfirmMode,
): HttpConfig {
  const enabled = flags.http ?? false;
  const portText = flags.port ?? get("TENCENTCLOUD_REDIS_HTTP_PORT");
  const port = portText === undefined ? 8787 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_PORT (or --port) must be a port number from 0 to 65535, not "${portText}"`);
  }
  const host = flags.host ?? get("TENCENTCLOUD_REDIS_HTTP_HOST") ?? "127.0.0.1";
  if (!HOSTNAME_RE.test(host) && !/^[0-9A-Fa-f:.]+$/.test(host)) {
    throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_HOST (or --host) must be an address or host name to bind, not "${host}"`);
  }
  const stateless = bool(get, "TENCENTCLOUD_REDIS_HTTP_STATELESS", false);
  if (enabled && stateless && confirmMode === "elicit") {
    throw new ConfigError(
      "TENCENTCLOUD_REDIS_HTTP_STATELESS=true cannot be combined with TENCENTCLOUD_REDIS_CONFIRM=elicit: without " +
        "sessions the human's answer may reach another replica. Use TENCENTCLOUD_REDIS_CONFIRM=token, or run with sessions.",
    );
  }
  const allowedHosts = splitList(get("TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS") ?? "").map((h) => h.toLowerCase());
  const badHost = allowedHosts.find((h) => !HOSTNAME_RE.test(h));
  if (badHost !== undefined) {
    throw new ConfigError(
      `TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS must list host names without scheme or port (e.g. mcp.example.com), not "${badHost}"`,
    );
  }
  const allowedOrigins = splitList(get("TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS") ?? "").map((o) => {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== o.replace(/\/$/, "")) {
      throw new ConfigError(
        `TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS must list origins like https://app.example.com (scheme, host, optional port), not "${o}"`,
      );
    }
    return url.origin;
  });
  return {
    enabled,
    port,
    host,
    stateless,
    sessionIdleMs: number(get, "TENCENTCLOUD_REDIS_HTTP_SESSION_IDLE_SECONDS", 1800, 1, 7 * 86_400) * 1000,
    maxSessions: Math.trunc(number(get, "TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS", 1000, 1, 100_000)),
    maxInflightPerCaller: Math.trunc(number(get, "TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER", 8, 1, 1000)),
    allowedHosts,
    allowedOrigins,
    metricsPublic: bool(get, "TENCENTCLOUD_REDIS_METRICS_PUBLIC", false),
  };
}

/** TENCENTCLOUD_REDIS_HTTP_AUTH: unset, or `none` (no authentication; HTTP mode allows it on a loopback host only). */
function httpAuthNone(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value.toLowerCase() === "none") return true;
  throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_AUTH can only be "none" (or unset), not "${value}"`);
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      sandbox: { type: "boolean" },
      region: { type: "string" },
      endpoint: { type: "string" },
      "read-only": { type: "boolean" },
      tools: { type: "string" },
      "allowed-instances": { type: "string" },
      confirm: { type: "string" },
      "audit-log": { type: "string" },
      "log-level": { type: "string" },
      http: { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

/**
 * The proxy the API's protocol calls for (HTTPS_PROXY for https, HTTP_PROXY for http, either case, as curl reads
 * them) and NO_PROXY. The URL may carry user:password, so it is kept as a Secret and never echoed in errors.
 */
function proxyConfig(get: (n: string) => string | undefined, protocol: Endpoint["protocol"]) {
  const names = protocol === "https:" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"];
  const name = names.find((n) => get(n) !== undefined);
  const noProxy = splitList(get("NO_PROXY") ?? get("no_proxy") ?? "").map((h) => h.toLowerCase());
  if (name === undefined) return { noProxy };
  const text = get(name) as string;
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new ConfigError(`${name} must be a proxy URL like http://proxy.example.com:3128`);
  }
  return { proxy: new Secret(url.href), noProxy };
}

/**
 * TENCENTCLOUD_REDIS_STATE_URL: redis://[user:password@]host[:port][/db] or rediss:// for TLS. The URL is kept
 * as a Secret; errors name the variable, never the value.
 */
function stateConfig(get: (n: string) => string | undefined): StateConfig | undefined {
  const text = get("TENCENTCLOUD_REDIS_STATE_URL");
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const db = url?.pathname.replace(/^\//, "") ?? "";
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || url.hostname === "" || !/^\d{0,2}$/.test(db)) {
    throw new ConfigError(
      "TENCENTCLOUD_REDIS_STATE_URL must be a Redis URL like redis://[user:password@]host:6379/0 (rediss:// for TLS)",
    );
  }
  const prefix = get("TENCENTCLOUD_REDIS_STATE_PREFIX") ?? "tcrmcp:";
  if (!/^[A-Za-z0-9:_.{}-]{1,64}$/.test(prefix)) {
    throw new ConfigError("TENCENTCLOUD_REDIS_STATE_PREFIX must be 1-64 letters, digits or :_.{}- (default tcrmcp:)");
  }
  return {
    url: new Secret(url.href),
    where: `${url.protocol}//${url.host}${db ? `/${db}` : ""}`,
    prefix,
    lockMs: number(get, "TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS", 15, 1, 600) * 1000,
    commandTimeoutMs: number(get, "TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS", 1000, 50, 30_000),
  };
}

/** `host`, `host:port` or a URL `http(s)://host[:port]`; https unless the URL says http. */
export function parseEndpoint(text: string, variable = "TENCENTCLOUD_REDIS_ENDPOINT"): Endpoint {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    throw endpointError(text, variable);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") throw endpointError(text, variable);
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username || url.password) {
    throw endpointError(text, variable);
  }
  const endpoint: Endpoint = { protocol: url.protocol, host: url.hostname.replace(/^\[|\]$/g, "") };
  if (url.port !== "") endpoint.port = Number(url.port);
  return endpoint;
}

function endpointError(text: string, variable: string): ConfigError {
  const name = variable === "TENCENTCLOUD_REDIS_ENDPOINT" ? `${variable} (or --endpoint)` : variable;
  return new ConfigError(
    `${name} must be a host, host:port or http(s)://host[:port] URL, not "${text}"`,
  );
}

function parseTools(text: string | undefined): readonly ToolName[] {
  if (text === undefined) return TOOL_NAMES;
  const names = splitList(text);
  const unknown = names.filter((n) => !isOneOf(TOOL_NAMES, n));
  if (unknown.length > 0 || names.length === 0) {
    throw new ConfigError(
      `TENCENTCLOUD_REDIS_TOOLS (or --tools) names unknown tools: ${unknown.join(", ") || "(none given)"}; ` +
        `the tools are ${TOOL_NAMES.join(", ")}`,
    );
  }
  return TOOL_NAMES.filter((t) => names.includes(t));
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function bool(get: (n: string) => string | undefined, name: string, fallback: boolean): boolean {
  const value = get(name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}"`);
}

function number(get: (n: string) => string | undefined, name: string, fallback: number, min: number, max: number) {
  const value = get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, not "${value}"`);
  }
  return n;
}

function optionalNumber(get: (n: string) => string | undefined, name: string, min: number, max: number) {
  const value = get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number of minutes from ${min} to ${max}, not "${value}"`);
  }
  return n;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** The server-side password for an instance, and where it came from. */
export function serverPassword(config: Config, instanceId: string): Secret | undefined {
  return config.passwords.byInstance.get(instanceId.toLowerCase()) ?? config.passwords.all;
}
