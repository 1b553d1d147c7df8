// loadConfig: the settings of schema.ts read from flags and environment, each into its Config field, plus the
// composites that need several settings at once (a key pair, a role, the proxy for the endpoint's protocol, the
// shared state, the per-instance passwords).
import { parseArgs } from "node:util";
import { SANDBOX_CREDENTIALS } from "./sandbox.js";
import { Secret } from "./secret.js";
import { checkHttpTransport } from "./http.js";
import type { Kind } from "./kinds.js";
import { type COMPOSED, type ConfigPath, SETTINGS, type Setting, type SettingName } from "./schema.js";
import { type CliFlags, type Config, ConfigError, type Credentials, type Endpoint, type StateConfig } from "./types.js";

type Env = Readonly<Record<string, string | undefined>>;
type ValueOf<N extends SettingName> =
  Extract<(typeof SETTINGS)[number], { env: N }> extends {
    kind: Kind<infer T>;
    default?: infer D;
  }
    ? [undefined] extends [D]
      ? T | undefined
      : T
    : never;

const PASSWORD_PREFIX = "TENCENTCLOUD_REDIS_PASSWORD_";
/** An MCP Bundle's unfilled placeholder, like `${user_config.region}`: it means "not set". */
const PLACEHOLDER_RE = /^\$\{user_config\.[A-Za-z0-9_.-]*\}$/;

/** The checks that need several settings at once, run on the Config at the end of loadConfig. */
const CHECKS: ReadonlyArray<(config: Config) => void> = [checkHttpTransport];

const FLAG_OPTIONS = {
  ...Object.fromEntries(
    (SETTINGS as readonly Setting[]).filter((s) => s.flag).map((s) => [s.flag, { type: s.kind.flag }]),
  ),
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as Record<string, { type: "string" | "boolean"; short?: string }>;

/**
 * Reads the configuration once, from flags and environment (a flag wins over its variable). Pure: it never
 * touches process.env or the file system. Throws ConfigError naming the variable or flag at fault.
 */
export function loadConfig(argv: readonly string[], rawEnv: Env): Config & CliFlags {
  const env = withoutPlaceholders(rawEnv);
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: FLAG_OPTIONS })
      .values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }

  const byName = new Map((SETTINGS as readonly Setting[]).filter((s) => s.env).map((s) => [s.env as string, s]));
  /** A setting's value: its flag's, else its variable's (or an alias's), else its default. */
  const valueFor = (setting: Setting): unknown => {
    const flag = setting.flag === undefined ? undefined : flags[setting.flag];
    const label =
      setting.flag && setting.kind.flag === "string" ? `${setting.env} (or --${setting.flag})` : `${setting.env}`;
    if (typeof flag === "boolean") return flag;
    if (flag !== undefined) return setting.kind.parse(flag, label);
    for (const name of [setting.env, ...(setting.aliases ?? [])]) {
      if (name === undefined) continue;
      const value = env[name];
      const text = setting.kind.raw ? value : value?.trim(); // a secret is taken as written
      if (text === undefined || text === "") continue;
      return setting.kind.parse(text, name === setting.env ? label : name);
    }
    return setting.default;
  };
  const read = <N extends SettingName>(name: N): ValueOf<N> => valueFor(byName.get(name) as Setting) as ValueOf<N>;
  /** Whether a variable (not a flag) is set. */
  const isSet = (name: SettingName): boolean => (env[name]?.trim() ?? "") !== "";

  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS as readonly Setting[]) {
    if (setting.field === undefined) continue;
    const value = valueFor(setting);
    put(config, setting.field, setting.to ? setting.to(value) : value);
  }
  const endpoint = config.endpoint as Endpoint | undefined;
  const composed: Pick<Config & CliFlags, Exclude<(typeof COMPOSED)[number], "sandboxNote">> = {
    help: flags.help === true,
    version: flags.version === true,
    credentials: credentials(read),
    role: role(read, isSet),
    tkeOidc: read("TKE_ROLE_ARN") !== undefined && read("TKE_WEB_IDENTITY_TOKEN_FILE") !== undefined,
    passwords: passwords(env, read("TENCENTCLOUD_REDIS_PASSWORD")),
    ...proxy(read, endpoint?.protocol ?? "https:"),
    state: state(read),
    approval: approval(read),
    crashPoint: crashPoint(read, flags.sandbox === true, endpoint, read("TENCENTCLOUD_SECRET_ID")),
  };
  const loaded = { ...config, ...composed } as Config & CliFlags;
  for (const check of CHECKS) check(loaded);
  return loaded;
}

type Read = <N extends SettingName>(name: N) => ValueOf<N>;

function put(target: Record<string, unknown>, path: ConfigPath, value: unknown): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const nested = (target[head] ?? {}) as Record<string, unknown>;
  nested[tail] = value;
  target[head] = nested;
}

/**
 * The environment without values that are an unfilled placeholder of an MCP Bundle's manifest: a host that
 * leaves an optional setting empty may pass the text on as it is.
 */
function withoutPlaceholders(env: Env): Env {
  const clean: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && PLACEHOLDER_RE.test(value.trim())) continue;
    clean[name] = value;
  }
  return clean;
}

function credentials(read: Read): Credentials | undefined {
  const secretId = read("TENCENTCLOUD_SECRET_ID");
  const secretKey = read("TENCENTCLOUD_SECRET_KEY");
  if (secretId && secretKey) {
    const token = read("TENCENTCLOUD_SESSION_TOKEN");
    return token ? { secretId, secretKey, token } : { secretId, secretKey };
  }
  if (secretId || secretKey) {
    throw new ConfigError(
      `${secretId ? "TENCENTCLOUD_SECRET_KEY" : "TENCENTCLOUD_SECRET_ID"} is not set, but ${
        secretId ? "TENCENTCLOUD_SECRET_ID" : "TENCENTCLOUD_SECRET_KEY"
      } is: set both, or neither to use the profile file or the instance role`,
    );
  }
  return undefined;
}

function role(read: Read, isSet: (name: SettingName) => boolean): Config["role"] {
  const arn = read("TENCENTCLOUD_ROLE_ARN");
  if (arn === undefined) {
    if (isSet("TENCENTCLOUD_ROLE_SESSION_NAME") || isSet("TENCENTCLOUD_ROLE_DURATION_SECONDS")) {
      throw new ConfigError(
        "TENCENTCLOUD_ROLE_SESSION_NAME / TENCENTCLOUD_ROLE_DURATION_SECONDS are set but TENCENTCLOUD_ROLE_ARN is not",
      );
    }
    return undefined;
  }
  const sessionName = read("TENCENTCLOUD_ROLE_SESSION_NAME");
  const durationSeconds = read("TENCENTCLOUD_ROLE_DURATION_SECONDS");
  return durationSeconds === undefined ? { arn, sessionName } : { arn, sessionName, durationSeconds };
}

/** Server-side instance passwords: TENCENTCLOUD_REDIS_PASSWORD_<ID> by instance ID (lower-case), and one for all. */
function passwords(env: Env, all: Secret | undefined): Config["passwords"] {
  const byInstance = new Map<string, Secret>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(PASSWORD_PREFIX) || value === undefined || value === "") continue;
    const id = name.slice(PASSWORD_PREFIX.length).toLowerCase().replaceAll("_", "-");
    if (id === "argument") continue; // TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT is a switch, not a password
    byInstance.set(id, new Secret(value));
  }
  return { byInstance, all };
}

/** The proxy the API's protocol calls for (HTTPS_PROXY for https, HTTP_PROXY for http, either case, as curl reads them). */
function proxy(read: Read, protocol: Endpoint["protocol"]): Pick<Config, "proxy" | "noProxy"> {
  const url = protocol === "https:" ? read("HTTPS_PROXY") : read("HTTP_PROXY");
  const noProxy = read("NO_PROXY") ?? [];
  return url === undefined ? { noProxy } : { proxy: url, noProxy };
}

/**
 * TENCENTCLOUD_REDIS_STATE_URL: redis://[user:password@]host[:port][/db] or rediss:// for TLS; its other settings
 * are read only with it. The URL is kept as a Secret; errors name the variable, never the value.
 */
function state(read: Read): StateConfig | undefined {
  const text = read("TENCENTCLOUD_REDIS_STATE_URL");
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const db = url?.pathname.replace(/^\//, "") ?? "";
  if (
    !url ||
    (url.protocol !== "redis:" && url.protocol !== "rediss:") ||
    url.hostname === "" ||
    !/^\d{0,2}$/.test(db)
  ) {
    throw new ConfigError(
      "TENCENTCLOUD_REDIS_STATE_URL must be a Redis URL like redis://[user:password@]host:6379/0 (rediss:// for TLS)",
    );
  }
  return {
    url: new Secret(url.href),
    where: `${url.protocol}//${url.host}${db ? `/${db}` : ""}`,
    prefix: read("TENCENTCLOUD_REDIS_STATE_PREFIX"),
    lockMs: read("TENCENTCLOUD_REDIS_STATE_LOCK_SECONDS") * 1000,
    commandTimeoutMs: read("TENCENTCLOUD_REDIS_STATE_TIMEOUT_MS"),
  };
}

/** The crash tests' crash point (docs/crash-safety.md): refused against anything but the sandbox. */
function crashPoint(
  read: Read,
  sandbox: boolean,
  endpoint: Endpoint | undefined,
  secretId: string | undefined,
): Config["crashPoint"] {
  const value = read("TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT");
  if (value === undefined) return undefined;
  const loopback = endpoint?.protocol === "http:" && ["127.0.0.1", "localhost", "::1"].includes(endpoint.host);
  if (!sandbox && !(loopback && secretId === SANDBOX_CREDENTIALS.secretId)) {
    throw new ConfigError(
      "TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT makes the server kill itself on purpose: it only works against the " +
        "sandbox (--sandbox, or a loopback http endpoint with the sandbox's credentials), never against Tencent Cloud",
    );
  }
  return value;
}

/** Approval by a second person: the tag policy, the requests' life and the webhook (read only with its URL). */
function approval(read: Read): Config["approval"] {
  const url = read("TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL");
  const format = read("TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT");
  return {
    forTags: read("TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS") ?? [],
    ttlMs: read("TENCENTCLOUD_REDIS_APPROVAL_TTL_MINUTES") * 60_000,
    ...(url ? { webhook: { url, format } } : {}),
  };
}

/** The server-side password for an instance, and where it came from. */
export function serverPassword(config: Config, instanceId: string): Secret | undefined {
  return config.passwords.byInstance.get(instanceId.toLowerCase()) ?? config.passwords.all;
}
