// Every setting of the server, once: its variable, its flag, the kind of its value (type and range), its default,
// whether it is a secret, its group, what it means, and whether the install forms (the bundle's user_config,
// server.json) ask for it. loadConfig (load.ts) and --help (help.ts) read this list at run time; `npm run gen`
// writes the configuration table of docs/configuration.md, server.json's environmentVariables and the bundle's
// user_config from it. To add a setting, see docs/contributing-settings.md.
import { LANGUAGES } from "../i18n/index.js";
import { bindHost, hostName, origin, port } from "./http.js";
import {
  bool,
  either,
  endpoint,
  file,
  type Kind,
  list,
  matching,
  minutes,
  number,
  oneOf,
  proxyUrl,
  secret,
  text,
} from "./kinds.js";
import { TOOL_NAMES, type ToolName } from "./tool-names.js";
import { type CliFlags, CONFIRM_MODES, type Config, ConfigError, LOG_LEVELS } from "./types.js";

/** The sections of the configuration table, in order. */
export const GROUPS = {
  credentials: "Credentials",
  cloud: "The Tencent Cloud API",
  safety: "What the tools may do",
  output: "Logs, language and progress",
  state: "Safety state shared by replicas",
  http: "HTTP transport (--http)",
  auth: "HTTP authentication",
} as const;
export type Group = keyof typeof GROUPS;

type Full = Config & CliFlags;
type Nested = "http" | "poll" | "httpAuth";
/** Where a setting's value goes in the Config: a field, or `http.port`-like for the nested objects. */
export type ConfigPath = Exclude<keyof Full, Nested> | { [K in Nested]: `${K}.${keyof Full[K] & string}` }[Nested];
type FieldType<P> = P extends `${infer A extends Nested}.${infer B}`
  ? B extends keyof Full[A]
    ? Full[A][B]
    : never
  : P extends keyof Full
    ? Full[P]
    : never;

/** What the docs and the install forms say about a setting. */
interface About {
  /** The environment variable (none for a flag-only switch like --sandbox). */
  env?: string;
  /** Other variables read for it, in order after `env` (e.g. https_proxy). */
  aliases?: readonly string[];
  /** The command-line flag, without --, that wins over the variable. */
  flag?: string;
  /** The flag's value in --help, e.g. "<region>". */
  metavar?: string;
  group: Group;
  /** One line: --help, server.json and the bundle's form show it. */
  description: string;
  /** More, for the configuration table only. */
  details?: string;
  /** The default as the table shows it, when it is not the value itself (e.g. "by region"). */
  defaultText?: string;
  secret?: true;
  /** A valid value that differs from the default: the wiring test sets it and expects the Config to change. */
  example?: string;
  /** Other variables the example needs to take effect (e.g. TENCENTCLOUD_ROLE_ARN for the session name). */
  exampleWith?: Readonly<Record<string, string>>;
  /** The bundle's user_config asks for it under this key. */
  bundle?: { key: string; title: string; /** Typed masked, though not a secret. */ masked?: true };
  /** server.json's environmentVariables lists it. */
  registry?: true;
  /** The install forms require it (they are for people with an API key: the SDK's other sources need no form). */
  askRequired?: true;
  /** What the install forms pre-fill, when the server itself has no default. */
  suggested?: string;
}

export interface Setting<T = unknown> extends About {
  kind: Kind<T>;
  /** The value when neither flag nor variable is set; none: unset (undefined). */
  default?: T;
  /** Where the value goes; none: a composite in load.ts reads it (credentials, role, proxy, state, passwords). */
  field?: ConfigPath;
  /** From the parsed value to the field's (seconds to ms, ...). */
  to?: (value: T | undefined) => unknown;
}

type Value<T, D> = [undefined] extends [D] ? T | undefined : T;
type Wire<T, D, P extends ConfigPath> =
  | { field?: undefined; to?: undefined }
  | ({ field: P } & ([Value<T, D>] extends [FieldType<P>]
      ? { to?: (value: Value<T, D>) => FieldType<P> }
      : { to: (value: Value<T, D>) => FieldType<P> }));

/** One entry of SETTINGS, type-checked: the value (after `to`) must fit the field it goes to. */
function setting<T, const E extends string | undefined, const P extends ConfigPath = never, const D extends T | undefined = undefined>(
  spec: About & { env?: E; kind: Kind<T>; default?: D } & Wire<T, D, P>,
): Setting<T> & { env: E; field: P | undefined; default: D } {
  return spec as unknown as Setting<T> & { env: E; field: P | undefined; default: D };
}

const s = (seconds: number | undefined) => (seconds ?? 0) * 1000;

const REGION_RE = /^[a-z]{2,4}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INSTANCE_PATTERN_RE = /^[A-Za-z0-9*_-]{1,64}$/;
const ROLE_ARN_RE = /^qcs::cam::uin\/\d+:role(?:Name\/[\w+=,.@-]{1,128}|\/\d+)$/;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,128}$/;
const ARN = "qcs::cam::uin/100000000001:roleName/redis-restore";
const STATE_URL = { TENCENTCLOUD_REDIS_STATE_URL: "redis://127.0.0.1:6379/0" };

const toolList: Kind<readonly ToolName[]> = {
  type: "tool names",
  flag: "string",
  parse(value, label) {
    const names = value
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== "");
    const unknown = names.filter((n) => !(TOOL_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
      throw new ConfigError(
        `${label} names unknown tools: ${unknown.join(", ") || "(none given)"}; the tools are ${TOOL_NAMES.join(", ")}`,
      );
    }
    return TOOL_NAMES.filter((t) => names.includes(t));
  },
};

const instancePatterns: Kind<readonly string[]> = {
  type: "comma-separated IDs, `*` wildcards",
  flag: "string",
  parse(value, label) {
    const patterns = list().parse(value, label);
    const bad = patterns.find((p) => !INSTANCE_PATTERN_RE.test(p));
    if (bad !== undefined || patterns.length === 0) {
      throw new ConfigError(
        `${label} must list instance IDs such as crs-5a4py64p, * allowed as a wildcard; not understood: "${bad ?? value}"`,
      );
    }
    return patterns;
  },
};

export const SETTINGS = [
  // ---- credentials: composites in load.ts (a key pair, a role on top, TKE OIDC) ----
  setting({
    env: "TENCENTCLOUD_SECRET_ID",
    group: "credentials",
    kind: text,
    description: "Tencent Cloud API SecretId (a CAM sub-user allowed only the Redis actions this server calls)",
    details:
      "With `TENCENTCLOUD_SECRET_KEY`. Without the pair: the SDK's chain — `~/.tencentcloud/credentials` (or " +
      "`/etc/tencentcloud/credentials`), TKE OIDC, the CVM role — looked up on the first call, bounded to 3 s each; " +
      'the source that answers is asked again on every request, so its credentials renew (see "Credentials").',
    example: "AKIDexample",
    exampleWith: { TENCENTCLOUD_SECRET_KEY: "example-key" },
    bundle: { key: "secret_id", title: "SecretId", masked: true },
    registry: true,
    askRequired: true,
  }),
  setting({
    env: "TENCENTCLOUD_SECRET_KEY",
    group: "credentials",
    kind: secret,
    secret: true,
    description: "Tencent Cloud API SecretKey of that SecretId",
    example: "other-key",
    exampleWith: { TENCENTCLOUD_SECRET_ID: "AKIDexample", TENCENTCLOUD_SECRET_KEY: "example-key" },
    bundle: { key: "secret_key", title: "SecretKey" },
    registry: true,
    askRequired: true,
  }),
  setting({
    env: "TENCENTCLOUD_SESSION_TOKEN",
    group: "credentials",
    kind: secret,
    secret: true,
    description: "Session token, only for temporary credentials",
    details: "Sent as `X-TC-Token`. Never renewed: prefer a renewing source.",
    example: "token",
    exampleWith: { TENCENTCLOUD_SECRET_ID: "AKIDexample", TENCENTCLOUD_SECRET_KEY: "example-key" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_ROLE_ARN",
    group: "credentials",
    kind: matching(
      ROLE_ARN_RE,
      (label, value) => `${label} must be a role ARN like qcs::cam::uin/100000000001:roleName/redis-restore, not "${value}"`,
    ),
    description: "Assume this CAM role (STS AssumeRole) with the credentials found above",
    details: `E.g. \`${ARN}\`; renewed before it expires.`,
    example: ARN,
  }),
  setting({
    env: "TENCENTCLOUD_ROLE_SESSION_NAME",
    group: "credentials",
    kind: matching(SESSION_NAME_RE, (label) => `${label} must be 2 to 128 letters, digits or the characters +=,.@_-`),
    default: "tencentcloud-redis-mcp",
    description: "Session name of the assumed role (shows in CloudAudit)",
    details: "Only with `TENCENTCLOUD_ROLE_ARN`.",
    example: "team-a",
    exampleWith: { TENCENTCLOUD_ROLE_ARN: ARN },
  }),
  setting({
    env: "TENCENTCLOUD_ROLE_DURATION_SECONDS",
    group: "credentials",
    kind: number(1, 43200, { whole: true }),
    defaultText: "STS's (7200)",
    description: "Lifetime asked for the role's credentials, in seconds",
    details: "Only with `TENCENTCLOUD_ROLE_ARN`.",
    example: "900",
    exampleWith: { TENCENTCLOUD_ROLE_ARN: ARN },
  }),
  setting({
    env: "TENCENTCLOUD_STS_ENDPOINT",
    group: "credentials",
    kind: endpoint("TENCENTCLOUD_STS_ENDPOINT"),
    field: "stsEndpoint",
    defaultText: "`sts.tencentcloudapi.com`",
    description: "STS host override (private endpoints, tests), for AssumeRole and TKE OIDC",
    details:
      "`host`, `host:port` or URL; signed for service `sts` and the canonical host whatever address is connected.",
    example: "http://127.0.0.1:9000",
  }),
  setting({
    env: "TKE_ROLE_ARN",
    group: "credentials",
    kind: text,
    description: "TKE OIDC: the role to assume with the pod's web identity token (set by TKE)",
    details:
      "With `TKE_WEB_IDENTITY_TOKEN_FILE` (and `TKE_PROVIDER_ID`, `TKE_REGION`, read by the SDK): STS " +
      "`AssumeRoleWithWebIdentity` when no key pair and no profile file is found.",
    example: ARN,
    exampleWith: { TKE_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" },
  }),
  setting({
    env: "TKE_WEB_IDENTITY_TOKEN_FILE",
    group: "credentials",
    kind: file,
    description: "TKE OIDC: the file of the pod's web identity token (set by TKE)",
    example: "/var/run/token",
    exampleWith: { TKE_ROLE_ARN: ARN },
  }),

  // ---- the API ----
  setting({
    env: "TENCENTCLOUD_REGION",
    flag: "region",
    metavar: "<region>",
    group: "cloud",
    kind: matching(REGION_RE, (label, value) => `${label} is not a region name like ap-guangzhou: "${value}"`),
    field: "region",
    description: "Default region, like ap-guangzhou; a tool's region argument overrides it",
    example: "ap-shanghai",
    bundle: { key: "region", title: "Default region" },
    registry: true,
    suggested: "ap-guangzhou",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_ENDPOINT",
    flag: "endpoint",
    metavar: "<host|url>",
    group: "cloud",
    kind: endpoint("TENCENTCLOUD_REDIS_ENDPOINT"),
    field: "endpoint",
    defaultText: "by region",
    description: "API endpoint override: host, host:port or http(s)://host[:port]",
    details:
      "The signature's service stays `redis` whatever the host. Without it, `-fsi` regions use " +
      "`redis.<region>.tencentcloudapi.com`, others `redis.tencentcloudapi.com`.",
    example: "http://127.0.0.1:9000",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_TIMEOUT_SECONDS",
    group: "cloud",
    kind: number(0.05, 600, { unit: "s" }),
    default: 30,
    field: "timeoutMs",
    to: s,
    description: "Per-request timeout, in seconds",
    details: "A timed-out `RestoreInstance` is outcome unknown and never resent.",
    example: "5",
  }),
  setting({
    flag: "sandbox",
    group: "cloud",
    kind: bool,
    default: false,
    field: "sandbox",
    defaultText: "off",
    description: "Run against the built-in local Tencent Cloud fake (no account needed)",
    details: "Never chosen automatically.",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_RATE_LIMIT",
    group: "cloud",
    kind: number(1, 1000),
    default: 20,
    field: "rateLimit",
    description: "Requests per second per action, client side, shared by all tools and calls",
    details:
      "Calls beyond it wait; they never fail for it. A request counts from when it is sent until 1 s after its " +
      "answer, so the API's limit cannot be exceeded whatever the latency.",
    example: "5",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_MAX_RETRIES",
    group: "cloud",
    kind: number(0, 10, { whole: true }),
    default: 3,
    field: "maxRetries",
    description: "Retries after the first attempt",
    details: "See the retry policy.",
    example: "0",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_RETRY_BASE_MS",
    group: "cloud",
    kind: number(1, 60_000, { unit: "ms" }),
    default: 500,
    field: "retryBaseMs",
    description: "Backoff before retry n: random between half and all of base×2^(n−1), capped at 8 s",
    example: "100",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_KEEP_ALIVE",
    group: "cloud",
    kind: bool,
    default: true,
    field: "keepAlive",
    description: "One HTTP(S) connection pool reused across calls",
    example: "false",
  }),
  setting({
    env: "HTTPS_PROXY",
    aliases: ["https_proxy"],
    group: "cloud",
    kind: proxyUrl,
    secret: true,
    description: "Proxy for an https:// endpoint (the default), reached with CONNECT: http://[user:password@]proxy:port",
    details:
      "The URL is treated as a secret. Loopback addresses never go through it; with an endpoint override, only a " +
      "`redis.*` host name can (another host is connected directly, with a warning). The sandbox never uses it.",
    example: "http://proxy.example.com:3128",
  }),
  setting({
    env: "HTTP_PROXY",
    aliases: ["http_proxy"],
    group: "cloud",
    kind: proxyUrl,
    secret: true,
    description: "Proxy for an http:// endpoint (TENCENTCLOUD_REDIS_ENDPOINT), as HTTPS_PROXY is for https",
    example: "http://proxy.example.com:3128",
    exampleWith: { TENCENTCLOUD_REDIS_ENDPOINT: "http://redis.local:80" },
  }),
  setting({
    env: "NO_PROXY",
    aliases: ["no_proxy"],
    group: "cloud",
    kind: list((host) => host.toLowerCase()),
    description: "Host names or domain suffixes (.corp.example) reached without the proxy; * for all",
    example: "internal.example",
  }),

  // ---- what the tools may do ----
  setting({
    env: "TENCENTCLOUD_REDIS_READ_ONLY",
    flag: "read-only",
    group: "safety",
    kind: bool,
    default: false,
    field: "readOnly",
    description: "List and check only: offer no tool that changes anything",
    details: "`restore_instance` and `backup_instance` are not offered at all (a call gets `Tool restore_instance not found`).",
    example: "true",
    bundle: { key: "read_only", title: "Read-only" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_TOOLS",
    flag: "tools",
    metavar: "<a,b>",
    group: "safety",
    kind: toolList,
    default: TOOL_NAMES,
    field: "tools",
    defaultText: "all",
    description: "Only these tools exist, e.g. list_backups,check_task",
    example: "list_backups,check_task",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_ALLOWED_INSTANCES",
    flag: "allowed-instances",
    metavar: "<ids>",
    group: "safety",
    kind: instancePatterns,
    field: "allowedInstances",
    defaultText: "any",
    description: "Instance IDs a restore or backup may target, comma-separated, * as a wildcard (unset: any)",
    details: "E.g. `crs-prod*`; others get `ClientError.InstanceNotAllowed` before any request.",
    example: "crs-prod*",
    bundle: { key: "allowed_instances", title: "Allowed instances" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_UNDO_MAX_AGE_MINUTES",
    group: "safety",
    kind: minutes(1, 525_600),
    field: "undoMaxAgeMinutes",
    defaultText: "— (no requirement)",
    description: "A restore needs an undo backup at most this many minutes old",
    details:
      "The undo backup is a restorable backup newer than the one restored; without one, `ClientError.NoUndoPoint` " +
      "before anything is sent, at the plan and again right before sending. Set it for autonomous agents (see " +
      '"How a restore works").',
    example: "60",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_CONFIRM",
    flag: "confirm",
    metavar: "<mode>",
    group: "safety",
    kind: oneOf(CONFIRM_MODES, (label, value) => `${label} must be ${either(CONFIRM_MODES)}, not "${value.toLowerCase()}"`),
    default: "token",
    field: "confirmMode",
    description: "How a restore is confirmed: token (the agent shows the plan and asks), elicit (a form) or none",
    details: 'See "How a restore works".',
    example: "elicit",
    bundle: { key: "confirm", title: "Confirmation mode" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_CONFIRM_TTL_SECONDS",
    group: "safety",
    kind: number(10, 3600, { unit: "s" }),
    default: 300,
    field: "confirmTtlMs",
    to: s,
    description: "Life of a confirm token, in seconds; also the longest wait for a form answer",
    example: "60",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_PASSWORD_<ID>",
    group: "safety",
    kind: secret,
    secret: true,
    description: "One instance's password, the ID upper-cased with - as _ (TENCENTCLOUD_REDIS_PASSWORD_CRS_5A4PY64P)",
    details: "Wins over the argument.",
    example: "pw-one",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_PASSWORD",
    group: "safety",
    kind: secret,
    secret: true,
    description: "Instance password for restores of instances that need one, kept out of the conversation",
    details: "For every instance without its own variable.",
    example: "pw-all",
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT",
    group: "safety",
    kind: bool,
    default: true,
    field: "passwordArgument",
    description: "false removes restore_instance's password argument: passwords can only come from the server",
    example: "false",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_AUDIT_LOG",
    flag: "audit-log",
    metavar: "<file>",
    group: "safety",
    kind: file,
    field: "auditLogPath",
    description: "File to append one JSON line per restore attempt to",
    details: "JSON Lines (mode 0600), one fsynced line per attempt.",
    example: "/var/log/tencentcloud-redis-mcp/audit.jsonl",
    bundle: { key: "audit_log", title: "Audit log file" },
    registry: true,
  }),

  // ---- logs, language, progress ----
  setting({
    env: "TENCENTCLOUD_REDIS_LOG_LEVEL",
    flag: "log-level",
    metavar: "<level>",
    group: "output",
    kind: oneOf(LOG_LEVELS, (label) => `${label} must be one of ${LOG_LEVELS.join(", ")}`),
    default: "info",
    field: "logLevel",
    description: "stderr level, and the MCP notification level until the client sends logging/setLevel",
    example: "debug",
  }),
  setting({
    env: "TENCENTCLOUD_LANGUAGE",
    group: "output",
    kind: oneOf(LANGUAGES),
    default: "en-US",
    field: "language",
    description: "en-US or zh-CN: language of the confirmation form, the plan's warning and the API's messages",
    details:
      "tccli's `--language` values: the API's `X-TC-Language` (the language of its error messages) and of the texts " +
      "a person reads without a model in between: the confirmation form, the plan's `warning` and backup age, " +
      "`check_task`'s progress messages, `doctor`'s report (its table; `--json` keeps English keys and words), the " +
      "demo. Tool names, arguments, codes and tool descriptions stay English.",
    example: "zh-CN",
    bundle: { key: "language", title: "Language" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_POLL_INITIAL_MS",
    group: "output",
    kind: number(10, 60_000, { unit: "ms" }),
    default: 1000,
    field: "poll.initialMs",
    description: "First poll interval of a check_task wait",
    details: "Also the pause between the lookups for a task whose answer was lost.",
    example: "100",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_POLL_MAX_MS",
    group: "output",
    kind: number(10, 60_000, { unit: "ms" }),
    default: 5000,
    field: "poll.maxMs",
    description: "Longest poll interval",
    example: "1000",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_PROGRESS_EVERY_MS",
    group: "output",
    kind: number(10, 60_000, { unit: "ms" }),
    default: 10_000,
    field: "poll.progressEveryMs",
    description: "Longest silence between progress notifications while waiting",
    example: "1000",
  }),

  // ---- safety state shared by replicas: a composite in load.ts, read only with the URL ----
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_URL",
    group: "state",
    kind: text,
    secret: true,
    description: "Redis where confirmation tokens, restore locks and the API budget live, shared by every replica",
    details:
      '`redis://[user:password@]host:port[/db]` (`rediss://` for TLS); see "Running several replicas". Treated as a ' +
      "secret: its password is never logged. Without it: this process's memory.",
    example: STATE_URL.TENCENTCLOUD_REDIS_STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_PREFIX",
    group: "state",
    kind: matching(
      /^[A-Za-z0-9:_.{}-]{1,64}$/,
      (label) => `${label} must be 1-64 letters, digits or :_.{}- (default tcrmcp:)`,
    ),
    default: "tcrmcp:",
    description: "Prefix of every key the server writes in that Redis",
    example: "team-a:",
    exampleWith: STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS",
    group: "state",
    kind: number(1, 600, { unit: "s" }),
    default: 15,
    description: "Expiry of a restore lock in Redis, in seconds",
    details: "Renewed every third of it while its call runs, so only a replica that died lets it lapse.",
    example: "30",
    exampleWith: STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS",
    group: "state",
    kind: number(50, 30_000, { unit: "ms" }),
    default: 1000,
    description: "Longest wait for one Redis command; beyond it the store counts as unavailable for that call",
    example: "200",
    exampleWith: STATE_URL,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_REPLICAS",
    group: "state",
    kind: number(1, 1000, { whole: true }),
    default: 3,
    field: "replicas",
    description: "How many replicas share the account",
    details: "While Redis is unreachable, each limits itself to `TENCENTCLOUD_REDIS_RATE_LIMIT` / this, per action.",
    example: "5",
  }),

  // ---- the HTTP transport ----
  setting({
    flag: "http",
    group: "http",
    kind: bool,
    default: false,
    field: "http.enabled",
    defaultText: "off",
    description: "Serve MCP Streamable HTTP at /mcp instead of stdio (needs authentication configured)",
    details: 'See "Deploy for a team".',
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_PORT",
    flag: "port",
    metavar: "<n>",
    group: "http",
    kind: port,
    default: 8787,
    field: "http.port",
    description: "HTTP port (0: any free port; the URL is logged)",
    example: "9000",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_HOST",
    flag: "host",
    metavar: "<addr>",
    group: "http",
    kind: bindHost,
    default: "127.0.0.1",
    field: "http.host",
    description: "HTTP bind address",
    details: "Beyond loopback the server warns that TLS belongs to a reverse proxy.",
    example: "0.0.0.0",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_STATELESS",
    group: "http",
    kind: bool,
    default: false,
    field: "http.stateless",
    description: "No sessions, for load-balanced fleets (no elicitation, no GET stream)",
    details: "Refused together with `TENCENTCLOUD_REDIS_CONFIRM=elicit`.",
    example: "true",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_SESSION_IDLE_SECONDS",
    group: "http",
    kind: number(1, 7 * 86_400, { unit: "s" }),
    default: 1800,
    field: "http.sessionIdleMs",
    to: s,
    description: "A session without a request for this long is ended",
    details: "An open GET stream alone does not keep it.",
    example: "60",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS",
    group: "http",
    kind: number(1, 100_000, { whole: true }),
    default: 1000,
    field: "http.maxSessions",
    description: "Live sessions at most; beyond, initialize gets 503 with a message",
    example: "10",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_MAX_INFLIGHT_PER_CALLER",
    group: "http",
    kind: number(1, 1000, { whole: true }),
    default: 8,
    field: "http.maxInflightPerCaller",
    description: "Calls one caller may run at once",
    details: "Up to 4× as many more wait their turn, beyond that `ClientError.TooManyCalls` (retryable, nothing sent).",
    example: "2",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS",
    group: "http",
    kind: list(hostName),
    default: [],
    field: "http.allowedHosts",
    defaultText: "—",
    description: "Host names (no port) accepted in Host and Origin besides loopback names and the public URL's",
    details:
      "The loopback names count for a loopback bind only; the public URL is `TENCENTCLOUD_REDIS_PUBLIC_URL`. " +
      "Others get 403.",
    example: "mcp.internal",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_ALLOWED_ORIGINS",
    group: "http",
    kind: list(origin),
    default: [],
    field: "http.allowedOrigins",
    defaultText: "—",
    description: "Browser origins (https://app.example.com) allowed CORS",
    details: "None by default: no CORS headers at all.",
    example: "https://app.example.com",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_METRICS_PUBLIC",
    group: "http",
    kind: bool,
    default: false,
    field: "http.metricsPublic",
    description: "GET /metrics without authentication; only with a loopback --host",
    details: "Otherwise `/metrics` needs a caller with `redis:read`.",
    example: "true",
  }),

  // ---- HTTP authentication: checked together by checkAuthConfig (http.ts) ----
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE",
    group: "auth",
    kind: file,
    field: "httpAuth.tokensFile",
    description: "JSON file of bearer-token hashes, names and scopes; mode 0600 or the server refuses it",
    details: 'Re-read on `SIGHUP`. See "Deploy for a team".',
    example: "/etc/tencentcloud-redis-mcp/tokens.json",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_OAUTH_ISSUER",
    group: "auth",
    kind: text,
    field: "httpAuth.oauthIssuer",
    description: "The OAuth 2.1 authorization server whose JWT access tokens are accepted",
    details: "`https://`, or `http://` on loopback only. Needs `TENCENTCLOUD_REDIS_PUBLIC_URL`.",
    example: "https://login.example.com",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_OAUTH_JWKS_URL",
    group: "auth",
    kind: text,
    field: "httpAuth.oauthJwksUrl",
    defaultText: "issuer's metadata",
    description: "The issuer's JWKS",
    details: "Without it, the `jwks_uri` of its RFC 8414 metadata (then OpenID Connect discovery).",
    example: "https://login.example.com/keys",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_PUBLIC_URL",
    group: "auth",
    kind: text,
    field: "publicUrl",
    description: "The full URL of the MCP endpoint as clients reach it (https://mcp.example.com/mcp)",
    details: "The audience a JWT must carry and the `resource` of the protected resource metadata.",
    example: "https://mcp.example.com/mcp",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_HTTP_AUTH",
    group: "auth",
    kind: oneOf(["none"] as const, (label, value) => `${label} can only be "none" (or unset), not "${value}"`),
    field: "httpAuth.none",
    to: (value) => value === "none",
    description: "none: HTTP mode without authentication (every caller has every scope); loopback host only",
    example: "none",
  }),
] as const;

export type AnySetting = (typeof SETTINGS)[number];
/** The variables of the settings (flag-only switches have none). */
export type SettingName = NonNullable<AnySetting["env"]>;

/** The Config fields that composites of load.ts fill from several settings, or that nothing parses. */
export const COMPOSED = [
  "credentials",
  "role",
  "tkeOidc",
  "passwords",
  "proxy",
  "noProxy",
  "state",
  "sandboxNote",
  "help",
  "version",
] as const satisfies readonly ConfigPath[];

// Every Config field is filled by a setting or a composite: naming here any field nothing fills.
type Unfilled = Exclude<ConfigPath, NonNullable<AnySetting["field"]> | (typeof COMPOSED)[number]>;
export const EVERY_FIELD_FILLED: [Unfilled] extends [never] ? true : { unfilled: Unfilled } = true;
