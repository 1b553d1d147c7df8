import type http from "node:http";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type net from "node:net";
import type { Config, Endpoint } from "../config.js";
import type { Logger } from "../log.js";
import {
  type ApiTaskInfo,
  type CallOptions,
  type DescribeInstanceBackupsRequest,
  type DescribeInstanceBackupsResponse,
  type DescribeInstancesRequest,
  type DescribeInstancesResponse,
  type DescribeTaskListRequest,
  type DescribeTaskListResponse,
  READ_ONLY_ACTIONS,
  type RedisApi,
  type RestoreInstanceRequest,
  type RestoreInstanceResponse,
} from "./api.js";
import { CredentialSource } from "./credentials.js";
import { CloudError, fromSdkError } from "./errors.js";
import { RateLimiter, sleep } from "./limiter.js";

export const API_VERSION = "2018-04-12";
const SERVICE_HOST = "redis.tencentcloudapi.com";
const THROTTLE_WAIT_MS = 1000;

type RedisModule = typeof import("tencentcloud-sdk-nodejs/tencentcloud/services/redis/index.js");
type SdkClient = InstanceType<RedisModule["redis"]["v20180412"]["Client"]>;

/**
 * The only code that talks to Tencent Cloud. Every call goes through `call()`: the per-action rate limiter,
 * the retry policy, a timeout, cancellation, logging, and the translation of every failure into a CloudError.
 * The SDK (its redis subpath only) is loaded on the first call, so the server starts fast.
 */
export class TencentRedisClient implements RedisApi {
  private sdk?: Promise<RedisModule>;
  private readonly clients = new Map<string, Promise<SdkClient>>();
  private readonly credentials: CredentialSource;
  private readonly limiter: RateLimiter;
  /** One keep-alive pool for every call, created with the first client (node:https loads TLS: not at start). */
  private agent?: http.Agent;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.credentials = new CredentialSource(config.credentials);
    this.limiter = new RateLimiter(config.rateLimit);
    this.retryBaseMs = config.retryBaseMs;
    this.retryMaxMs = Math.max(config.retryBaseMs, 8000);
  }

  describeInstances(req: DescribeInstancesRequest, opts: CallOptions): Promise<DescribeInstancesResponse> {
    return this.call("DescribeInstances", req, opts);
  }
  describeInstanceBackups(
    req: DescribeInstanceBackupsRequest,
    opts: CallOptions,
  ): Promise<DescribeInstanceBackupsResponse> {
    return this.call("DescribeInstanceBackups", req, opts);
  }
  restoreInstance(req: RestoreInstanceRequest, opts: CallOptions): Promise<RestoreInstanceResponse> {
    return this.call("RestoreInstance", req, opts);
  }
  describeTaskInfo(req: { TaskId: number }, opts: CallOptions): Promise<ApiTaskInfo> {
    return this.call("DescribeTaskInfo", req, opts);
  }
  describeTaskList(req: DescribeTaskListRequest, opts: CallOptions): Promise<DescribeTaskListResponse> {
    return this.call("DescribeTaskList", req, opts);
  }

  close(): void {
    this.agent?.destroy();
  }

  /**
   * One API call with its retries. Throttling (the request was not executed) is retried for any action;
   * network errors, timeouts, 5xx and internal errors only for read-only actions. RestoreInstance is never
   * resent after anything that may have reached the API.
   */
  async call<T>(action: string, params: object, opts: CallOptions): Promise<T> {
    let attempt = 0;
    for (;;) {
      attempt += 1;
      try {
        return await this.once<T>(action, params, opts, attempt);
      } catch (caught) {
        const error = caught instanceof CloudError ? caught : fromSdkError(caught, noContext(this.config));
        error.attempts = attempt;
        if (attempt > this.config.maxRetries || !isRetryable(action, error) || opts.signal?.aborted) throw error;
        // The API counts requests per second: a throttled request waits at least a whole window.
        const floor = error.code.startsWith("RequestLimitExceeded") ? THROTTLE_WAIT_MS : 0;
        const delay = Math.max(floor, backoff(attempt, this.retryBaseMs, this.retryMaxMs));
        this.log.warning("retrying API call", {
          action,
          region: opts.region,
          attempt,
          code: error.code,
          requestId: error.requestId,
          retryInMs: Math.round(delay),
        });
        try {
          await sleep(delay, opts.signal);
        } catch (cancelled) {
          (cancelled as CloudError).attempts = attempt;
          throw cancelled;
        }
      }
    }
  }

  /** One request: sent once a rate-limit permit is free, timed out by our own timer, logged. */
  private async once<T>(action: string, params: object, opts: CallOptions, attempt: number): Promise<T> {
    // Resolved before the permit is taken (the first call loads the SDK), and here, not inside the SDK, which
    // would turn our CloudError into a codeless exception.
    await this.credentials.get();
    const client = await this.client(opts.region);
    const queuedAt = performance.now();
    const release = await this.limiter.acquire(action, opts.signal);
    const started = performance.now();
    const waitMs = Math.round(started - queuedAt);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("timeout")), this.config.timeoutMs);
    // One controller for both the timeout and the caller's cancel (AbortSignal.any keeps composed signals alive
    // until a GC on Node 20: it showed as memory growth under load).
    const onCancel = () => timeout.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", onCancel, { once: true });
    const signal = timeout.signal;
    const fields = (requestId: string | undefined) => ({
      action,
      region: opts.region,
      requestId,
      attempt,
      ms: Math.round(performance.now() - started),
      waitMs: waitMs > 0 ? waitMs : undefined,
    });
    try {
      const response = (await client.request(action, params, { signal })) as T & { RequestId?: string };
      this.log.info("api call", fields(response.RequestId));
      return response;
    } catch (caught) {
      const error = fromSdkError(caught, {
        timedOut: timeout.signal.aborted && !opts.signal?.aborted,
        cancelled: opts.signal?.aborted ?? false,
        timeoutMs: this.config.timeoutMs,
      });
      this.log.info("api call failed", { ...fields(error.requestId), code: error.code, httpStatus: error.httpStatus });
      throw error;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCancel);
      release();
    }
  }

  /** The SDK client of a region, made once (concurrent first calls share it). */
  private client(region: string): Promise<SdkClient> {
    let client = this.clients.get(region);
    if (!client) {
      client = this.makeClient(region);
      this.clients.set(region, client);
      client.catch(() => this.clients.delete(region));
    }
    return client;
  }

  private async makeAgent(): Promise<http.Agent> {
    const override = this.config.endpoint;
    const agentOptions: http.AgentOptions & { lookup?: net.LookupFunction } = {
      keepAlive: this.config.keepAlive,
      maxSockets: 64,
    };
    // The SDK signs with the service named by the endpoint's first label, so an override such as
    // 127.0.0.1:9000 is addressed as redis.tencentcloudapi.com:9000 and this lookup connects it to the
    // override's host: the signature's service stays "redis" whatever the host is.
    const connectTo = override && !isRedisHost(override.host) ? override.host : undefined;
    if (connectTo) agentOptions.lookup = lookupAs(connectTo);
    const proxy = useProxy(this.config, override?.host ?? SERVICE_HOST);
    if (proxy && connectTo) {
      // Through a proxy the SDK's host name is what gets connected: the override's own host cannot be reached.
      this.log.warning("the proxy is not used for an endpoint whose host name is not redis.*: connecting directly", {
        endpoint: connectTo,
      });
    } else if (proxy) {
      const { HttpsProxyAgent } = await import("https-proxy-agent");
      this.agent ??= new HttpsProxyAgent(proxy, agentOptions);
      return this.agent;
    }
    const { Agent } = override?.protocol === "http:" ? await import("node:http") : await import("node:https");
    this.agent ??= new Agent(agentOptions);
    return this.agent;
  }

  private async makeClient(region: string): Promise<SdkClient> {
    this.sdk ??= import("tencentcloud-sdk-nodejs/tencentcloud/services/redis/index.js");
    const [mod, agent] = await Promise.all([this.sdk, this.makeAgent()]);
    // Node names a CommonJS module's exports; a bundler (the MCP Bundle's esbuild) may offer only `default`.
    const { redis } = (mod as unknown as { default?: RedisModule }).default ?? mod;
    const { endpoint, protocol } = sdkEndpoint(this.config.endpoint, region);
    const client = new redis.v20180412.Client({
      credential: this.credentials.forSdk(),
      region,
      profile: {
        language: this.config.language,
        httpProfile: {
          endpoint,
          protocol,
          // our own timer (above) aborts first; this is the SDK's backstop
          reqTimeout: Math.ceil(this.config.timeoutMs / 1000) + 5,
          agent,
        },
      },
    });
    (client as unknown as { parseResponse: typeof parseResponse }).parseResponse = parseResponse;
    return client;
  }
}

/** The host:port and protocol handed to the SDK for a region (see the constructor for overrides). */
export function sdkEndpoint(override: Endpoint | undefined, region: string): { endpoint: string; protocol: string } {
  if (!override) {
    const host = region.endsWith("-fsi") ? `redis.${region}.tencentcloudapi.com` : SERVICE_HOST;
    return { endpoint: host, protocol: "https://" };
  }
  const host = isRedisHost(override.host) ? override.host : SERVICE_HOST;
  return {
    endpoint: override.port === undefined ? host : `${host}:${override.port}`,
    protocol: `${override.protocol}//`,
  };
}

/** The proxy URL to use for `host`, unless NO_PROXY names it or it is a loopback address. */
export function useProxy(config: Config, host: string): string | undefined {
  if (!config.proxy) return undefined;
  const name = host.toLowerCase();
  if (name === "localhost" || name === "::1" || /^127\./.test(name)) return undefined;
  const bypass = config.noProxy.some((entry) => {
    if (entry === "*") return true;
    const domain = entry.replace(/^\*?\./, "");
    return name === domain || name.endsWith(`.${domain}`);
  });
  return bypass ? undefined : config.proxy.reveal();
}

function isRedisHost(host: string): boolean {
  return host.split(".")[0] === "redis" && host.includes(".");
}

/** A dns.lookup that resolves any name to `host`'s address(es). */
function lookupAs(host: string): net.LookupFunction {
  return (_hostname, options, callback) => {
    dnsLookup(host, { ...options, all: true }, (err, addresses) => {
      if (err || options.all) {
        (callback as (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void)(err, addresses);
        return;
      }
      const first = addresses[0];
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}

/** Replaces the SDK's response parser: a 200 whose body is not the API's JSON shape is a BadResponse. */
async function parseResponse(res: {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}): Promise<unknown> {
  if (res.status !== 200) {
    const error = new Error(res.statusText) as Error & { httpCode: number };
    error.httpCode = res.status;
    throw error;
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const type = res.headers.get("content-type") ?? "no content type";
    throw new CloudError(
      "ClientError.BadResponse",
      text.length === 0
        ? "The API answered HTTP 200 with an empty body"
        : `The API answered HTTP 200 with a body that is not JSON (${type}, ${text.length} bytes)`,
    );
  }
  const response = (data as { Response?: unknown } | null)?.Response as
    | { Error?: { Code?: unknown; Message?: unknown }; RequestId?: unknown }
    | undefined;
  if (typeof response !== "object" || response === null) {
    throw new CloudError("ClientError.BadResponse", "The API's answer has no Response object");
  }
  const requestId = typeof response.RequestId === "string" ? response.RequestId : undefined;
  if (response.Error !== undefined) {
    const { Code, Message } = response.Error ?? {};
    if (typeof Code !== "string" || Code === "") {
      throw new CloudError("ClientError.BadResponse", "The API's error has no code", { requestId });
    }
    throw new CloudError(Code, typeof Message === "string" ? Message : Code, { requestId });
  }
  return response;
}

function isRetryable(action: string, error: CloudError): boolean {
  if (error.code === "ClientError.Cancelled" || error.code === "ClientError.CredentialsMissing") return false;
  if (error.code.startsWith("RequestLimitExceeded")) return true;
  if (!READ_ONLY_ACTIONS.has(action)) return false;
  if (error.code === "ClientError.HttpStatus") return (error.httpStatus ?? 0) >= 500 || error.httpStatus === 429;
  return (
    error.code === "ClientError.NetworkError" ||
    error.code === "ClientError.Timeout" ||
    error.code === "ClientError.BadResponse" ||
    error.code.startsWith("InternalError") ||
    error.code === "ServiceUnavailable" ||
    error.code === "FailedOperation.SystemError"
  );
}

/** Exponential backoff with "equal" jitter: uniform in [c/2, c] where c = base*2^(n-1), capped at maxMs. */
function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function noContext(config: Config) {
  return { timedOut: false, cancelled: false, timeoutMs: config.timeoutMs };
}
