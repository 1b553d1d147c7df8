// The shape of the configuration: what loadConfig (load.ts) returns and every module reads. The settings that
// fill it, with their variables, flags, defaults and docs, are in schema.ts (settings/).
import type { Language } from "../i18n/index.js";
import type { RestoreMethodSetting } from "./restore-method.js";
import type { Secret } from "./secret.js";
import type { ToolName } from "./tool-names.js";

export type { ToolName } from "./tool-names.js";

export const CRASH_POINTS = ["after-intent", "after-answer"] as const;

export const CONFIRM_MODES = ["token", "elicit", "none", "approval"] as const;
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
  /** TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS_PER_CALLER: live sessions one caller may hold at once. */
  maxSessionsPerCaller: number;
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
  // HTTP authentication (docs/deploy.md): checked by checkAuthConfig (config/http.ts) in HTTP mode only.
  /** TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE, TENCENTCLOUD_REDIS_OAUTH_ISSUER, TENCENTCLOUD_REDIS_OAUTH_JWKS_URL; `none`: TENCENTCLOUD_REDIS_HTTP_AUTH=none. */
  httpAuth: { tokensFile?: string; oauthIssuer?: string; oauthJwksUrl?: string; none: boolean };
  /** TENCENTCLOUD_REDIS_PUBLIC_URL: the MCP endpoint's full URL as clients reach it (the tokens' audience). */
  publicUrl?: string;
  /** TENCENTCLOUD_REDIS_RESTORE_METHOD: auto (the edition table, src/cloud/editions.ts), in_place or clone for every edition. */
  restoreMethod: RestoreMethodSetting;
  /**
   * TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: a restore of the same instance from the same backup within this
   * many minutes of one that was sent is not sent again (the answer reports the earlier one); 0: off.
   */
  restoreDedupMinutes: number;
  /** Keys a restore drill's clone must hold (TENCENTCLOUD_REDIS_DRILL_REQUIRED_KEYS). */
  drillRequiredKeys: readonly string[];
  /** The fewest keys a restore drill's clone may hold (TENCENTCLOUD_REDIS_DRILL_MIN_KEYS). */
  drillMinKeys: number;
  /** TENCENTCLOUD_REDIS_DRILL_MAX_LIFETIME_MINUTES: past it, an unended drill's clone is destroyed by the sweep. */
  drillMaxLifetimeMinutes: number;
  /**
   * TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT: for the crash tests only, the process SIGKILLs itself right after an
   * intent is written (after-intent) or right after a change's answer (after-answer). Refused at start unless
   * the server runs against the sandbox (--sandbox, or a loopback http endpoint with the sandbox's credentials).
   */
  crashPoint?: (typeof CRASH_POINTS)[number];
  /** Approval by a second person (TENCENTCLOUD_REDIS_CONFIRM=approval, TENCENTCLOUD_REDIS_APPROVAL_*). */
  approval: ApprovalConfig;
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

export interface CliFlags {
  help: boolean;
  version: boolean;
}

/** Approval by a second person: when a change needs one, how long it waits, whom to tell (docs/approval.md). */
export interface ApprovalConfig {
  /** TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS: an instance with any of these tags needs an approval, whatever the mode. */
  forTags: ReadonlyArray<{ key: string; value: string }>;
  /** TENCENTCLOUD_REDIS_APPROVAL_TTL_MINUTES (default 30), in ms: a request not decided and used by then expires. */
  ttlMs: number;
  /** TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: one POST per new request (the URL may hold a key: a Secret). */
  webhook?: { url: Secret; format: ApprovalWebhookFormat };
}

export const APPROVAL_WEBHOOK_FORMATS = ["json", "wecom", "slack"] as const;
export type ApprovalWebhookFormat = (typeof APPROVAL_WEBHOOK_FORMATS)[number];
