// What the tools may do: read-only, which tools and instances, undo point, confirmation, passwords, audit log.
import { bool, either, file, type Kind, list, minutes, number, oneOf, secret } from "../kinds.js";
import { RESTORE_METHOD_SETTINGS } from "../../cloud/editions.js";
import { Secret } from "../../secret.js";
import { s, setting } from "../setting.js";
import { TOOL_NAMES, type ToolName } from "../tool-names.js";
import { APPROVAL_WEBHOOK_FORMATS, CONFIRM_MODES, CRASH_POINTS, ConfigError } from "../types.js";

const TAG_RE = /^[^=,\s][^=,]{0,126}=[^,]{0,255}$/;
const tagList: Kind<ReadonlyArray<{ key: string; value: string }>> = {
  type: "comma-separated key=value",
  flag: "string",
  parse(value, label) {
    return list().parse(value, label).map((pair) => {
      if (!TAG_RE.test(pair)) {
        throw new ConfigError(
          `${label} must list tags as key=value, comma-separated (e.g. env=prod,tier=critical), not "${pair}"`,
        );
      }
      const at = pair.indexOf("=");
      return { key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
    });
  },
};
const webhookUrl: Kind<Secret> = {
  type: "http(s) URL",
  flag: "string",
  parse(value, label) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hostname === "") {
      throw new ConfigError(`${label} must be an http(s) URL`); // never echo the URL: a robot's key is in it
    }
    return new Secret(parsed.href);
  },
};

const INSTANCE_PATTERN_RE = /^[A-Za-z0-9*_-]{1,64}$/;
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

export const SAFETY = [
  setting({
    env: "TENCENTCLOUD_REDIS_READ_ONLY",
    flag: "read-only",
    group: "safety",
    kind: bool,
    default: false,
    field: "readOnly",
    description: "List and check only: offer no tool that changes anything",
    details:
      "`restore_instance` and `backup_instance` are not offered at all (a call gets `Tool restore_instance not found`).",
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
      "[How a restore works](safety.md)).",
    example: "60",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_CONFIRM",
    flag: "confirm",
    metavar: "<mode>",
    group: "safety",
    kind: oneOf(
      CONFIRM_MODES,
      (label, value) => `${label} must be ${either(CONFIRM_MODES)}, not "${value.toLowerCase()}"`,
    ),
    default: "token",
    field: "confirmMode",
    description:
      "How a restore is confirmed: token (the agent shows the plan and asks), elicit (a form), none, or approval (a second person)",
    details: "See [How a restore works](safety.md); approval: [approval.md](approval.md).",
    example: "elicit",
    bundle: { key: "confirm", title: "Confirmation mode" },
    registry: true,
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_RESTORE_METHOD",
    group: "safety",
    kind: oneOf(
      RESTORE_METHOD_SETTINGS,
      (label, value) => `${label} must be ${either(RESTORE_METHOD_SETTINGS)}, not "${value.toLowerCase()}"`,
    ),
    default: "auto",
    field: "restoreMethod",
    description: "How a restore is made: auto (by edition), in_place (RestoreInstance) or clone (a new instance, then switch_address)",
    details:
      "`auto` follows the edition table (Redis 2.8 and CKV in place, Redis 4.0+ and Valkey by clone; Memcached refused): " +
      "see [restore-methods.md](restore-methods.md). Force one only for an account where Tencent behaves otherwise.",
    example: "clone",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES",
    group: "safety",
    kind: number(0, 1440, { whole: true, unit: "minutes" }),
    default: 30,
    field: "restoreDedupMinutes",
    description: "A restore of the same instance from the same backup within this many minutes of one sent is not sent again (0: off)",
    details:
      "Across restarts and replicas (the audit log's intents, the shared ledger); the answer reports the earlier " +
      "restore. See [crash-safety.md](crash-safety.md).",
    example: "5",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT",
    group: "safety",
    kind: oneOf(CRASH_POINTS, (label, value) => `${label} must be ${either(CRASH_POINTS)}, not "${value}"`),
    description: "Tests only: the server kills itself right after an intent (after-intent) or an answer (after-answer)",
    details:
      "Refused at start unless the server runs against the sandbox (`--sandbox`, or a loopback http endpoint with the " +
      "sandbox's credentials). See [crash-safety.md](crash-safety.md).",
    example: "after-intent",
    exampleWith: { TENCENTCLOUD_REDIS_ENDPOINT: "http://127.0.0.1:9", TENCENTCLOUD_SECRET_ID: "AKIDSANDBOX0000000000000000000000000", TENCENTCLOUD_SECRET_KEY: "x" },
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_APPROVAL_FOR_TAGS",
    group: "safety",
    kind: tagList,
    defaultText: "— (none)",
    description: "An instance with any of these tags (key=value, comma-separated) needs an approval, whatever the mode",
    details: "Tags from `DescribeInstances` `InstanceTags`; e.g. `env=prod,tier=critical`. See [approval.md](approval.md).",
    example: "env=prod",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_APPROVAL_TTL_MINUTES",
    group: "safety",
    kind: number(0.01, 10_080, { unit: "minutes" }),
    default: 30,
    description: "An approval request expires this many minutes after it is made, decided or not",
    example: "10",
    exampleWith: { TENCENTCLOUD_REDIS_CONFIRM: "approval" },
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL",
    group: "safety",
    kind: webhookUrl,
    secret: true,
    description: "One POST per new approval request to this URL (never a token or a password in it)",
    details: "Retried with backoff; a request whose notification failed says so in its answer and in the log.",
    example: "https://hooks.example.com/approvals",
  }),
  setting({
    env: "TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_FORMAT",
    group: "safety",
    kind: oneOf(
      APPROVAL_WEBHOOK_FORMATS,
      (label, value) => `${label} must be ${either(APPROVAL_WEBHOOK_FORMATS)}, not "${value.toLowerCase()}"`,
    ),
    default: "json",
    description: "The webhook's body: json, wecom (WeCom group robot) or slack (Slack incoming webhook)",
    example: "slack",
    exampleWith: { TENCENTCLOUD_REDIS_APPROVAL_WEBHOOK_URL: "https://hooks.example.com/approvals" },
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
] as const;
