// The Tencent Cloud API: region, endpoint, timeouts, rate limit and retries, proxy (a composite of load.ts).

import { bool, endpoint, list, matching, number, proxyUrl } from "../kinds.js";
import { s, setting } from "../setting.js";

const REGION_RE = /^[a-z]{2,4}-[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const CLOUD = [
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
    description:
      "Proxy for an https:// endpoint (the default), reached with CONNECT: http://[user:password@]proxy:port",
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
] as const;
