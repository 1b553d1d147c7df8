// Credentials: a key pair, a role on top, TKE OIDC (composites of load.ts: credentials, role, tkeOidc).

import { endpoint, file, matching, number, secret, text } from "../kinds.js";
import { setting } from "../setting.js";

const ROLE_ARN_RE = /^qcs::cam::uin\/\d+:role(?:Name\/[\w+=,.@-]{1,128}|\/\d+)$/;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,128}$/;
const ARN = "qcs::cam::uin/100000000001:roleName/redis-restore";

export const CREDENTIALS = [
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
      (label, value) =>
        `${label} must be a role ARN like qcs::cam::uin/100000000001:roleName/redis-restore, not "${value}"`,
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
] as const;
