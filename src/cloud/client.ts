import type http from "node:http";
import type { Config, Endpoint } from "../config/index.js";
import type { Logger } from "../base/log.js";
import {
  type ApiTaskInfo,
  type CallOptions,
  type CloneInstancesRequest,
  type CloneInstancesResponse,
  type CloudAction,
  type DescribeInstanceDealDetailRequest,
  type DestroyPostpaidInstanceRequest,
  type DestroyPostpaidInstanceResponse,
  type DescribeInstanceDealDetailResponse,
  type DescribeInstanceSecurityGroupResponse,
  type DescribeSecondLevelBackupInfoRequest,
  type DescribeSecondLevelBackupInfoResponse,
  type InquiryPriceCreateInstanceRequest,
  type InquiryPriceCreateInstanceResponse,
  type ModifyNetworkConfigRequest,
  type ModifyNetworkConfigResponse,
  type DescribeInstanceBackupsRequest,
  type DescribeInstanceBackupsResponse,
  type DescribeInstancesRequest,
  type DescribeInstancesResponse,
  type DescribeTaskListRequest,
  type DescribeTaskListResponse,
  type ManualBackupInstanceRequest,
  type ManualBackupInstanceResponse,
  READ_ONLY_ACTIONS,
  type RedisApi,
  type RestoreInstanceRequest,
  type RestoreInstanceResponse,
} from "./api.js";
import { type Metrics, NO_METRICS } from "../base/metrics.js";
import { authHint } from "./auth-hints.js";
import type { Budget } from "./budget.js";
import { type CredentialInfo, CredentialSource } from "./credentials.js";
import { apiCode } from "./catalog.js";
import { CloudError, fromSdkError, withOverride } from "./errors.js";
import { createAgent, serviceEndpoint } from "./endpoint.js";
import { RateLimiter, sleep } from "./limiter.js";
import { tracer } from "../telemetry/index.js";
import { repeatsAnswer } from "./repeats.js";

export const API_VERSION = "2018-04-12";
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
  private readonly budget: Budget;
  private readonly metrics: Metrics;
  /** One keep-alive pool for every call, created with the first client (node:https loads TLS: not at start). */
  private agent?: Promise<http.Agent>;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    /**
     * budget: the requests-per-second budget, this process's own RateLimiter unless one shared by replicas is
     * given; metrics: where requests, latencies, throttling and retries are counted.
     */
    options: { budget?: Budget; metrics?: Metrics } = {},
  ) {
    this.credentials = new CredentialSource(config, log);
    this.budget = options.budget ?? new RateLimiter(config.rateLimit);
    this.metrics = options.metrics ?? NO_METRICS;
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
  manualBackupInstance(req: ManualBackupInstanceRequest, opts: CallOptions): Promise<ManualBackupInstanceResponse> {
    return this.call("ManualBackupInstance", req, opts);
  }
  describeTaskInfo(req: { TaskId: number }, opts: CallOptions): Promise<ApiTaskInfo> {
    return this.call("DescribeTaskInfo", req, opts);
  }
  describeTaskList(req: DescribeTaskListRequest, opts: CallOptions): Promise<DescribeTaskListResponse> {
    return this.call("DescribeTaskList", req, opts);
  }
  cloneInstances(req: CloneInstancesRequest, opts: CallOptions): Promise<CloneInstancesResponse> {
    return this.call("CloneInstances", req, opts);
  }
  modifyNetworkConfig(req: ModifyNetworkConfigRequest, opts: CallOptions): Promise<ModifyNetworkConfigResponse> {
    return this.call("ModifyNetworkConfig", req, opts);
  }
  describeInstanceSecurityGroup(
    req: { InstanceIds: string[] },
    opts: CallOptions,
  ): Promise<DescribeInstanceSecurityGroupResponse> {
    return this.call("DescribeInstanceSecurityGroup", req, opts);
  }
  inquiryPriceCreateInstance(
    req: InquiryPriceCreateInstanceRequest,
    opts: CallOptions,
  ): Promise<InquiryPriceCreateInstanceResponse> {
    return this.call("InquiryPriceCreateInstance", req, opts);
  }
  describeInstanceDealDetail(
    req: DescribeInstanceDealDetailRequest,
    opts: CallOptions,
  ): Promise<DescribeInstanceDealDetailResponse> {
    return this.call("DescribeInstanceDealDetail", req, opts);
  }
  describeSecondLevelBackupInfo(
    req: DescribeSecondLevelBackupInfoRequest,
    opts: CallOptions,
  ): Promise<DescribeSecondLevelBackupInfoResponse> {
    return this.call("DescribeSecondLevelBackupInfo", req, opts);
  }
  destroyPostpaidInstance(
    req: DestroyPostpaidInstanceRequest,
    opts: CallOptions,
  ): Promise<DestroyPostpaidInstanceResponse> {
    return this.call("DestroyPostpaidInstance", req, opts);
  }

  forCall(log: Logger): RedisApi {
    // a view whose requests carry the call's logger; everything else (limiter, clients, credentials) is this one's
    const view = Object.create(this) as TencentRedisClient;
    view.call = <T>(action: CloudAction, params: object, opts: CallOptions) => this.call<T>(action, params, { ...opts, log });
    return view;
  }

  close(): void {
    void this.agent?.then((agent) => agent.destroy());
    this.credentials.close();
  }

  /** Credentials valid now (walks the chain, assumes the role): throws the CloudError that stops a call. */
  async resolveCredentials(): Promise<CredentialInfo | undefined> {
    await this.credentials.get();
    return this.credentials.describe();
  }

  /**
   * One API call with its retries. Throttling (the request was not executed) is retried for any action;
   * network errors, timeouts, 5xx and internal errors only for read-only actions. RestoreInstance and
   * ManualBackupInstance are never resent after anything that may have reached the API.
   */
  call<T>(action: CloudAction, params: object, opts: CallOptions): Promise<T> {
    // traced (an OTLP endpoint is set): one span per call, its retries included
    if (tracer) return tracer.cloudCall(action, opts.region, () => this.send<T>(action, params, opts));
    return this.send<T>(action, params, opts);
  }

  private async send<T>(action: CloudAction, params: object, opts: CallOptions): Promise<T> {
    const log = opts.log ?? this.log;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      try {
        return await this.once<T>(action, params, opts, attempt);
      } catch (caught) {
        const error = caught instanceof CloudError ? caught : fromSdkError(caught, noContext(this.config));
        error.attempts = attempt;
        if (error.code.startsWith("RequestLimitExceeded")) this.metrics.throttled(action);
        if (attempt > this.config.maxRetries || !isRetryable(action, error) || opts.signal?.aborted) throw error;
        // The API counts requests per second: a throttled request waits at least a whole window.
        const floor = error.code.startsWith("RequestLimitExceeded") ? THROTTLE_WAIT_MS : 0;
        const delay = Math.max(floor, backoff(attempt, this.retryBaseMs, this.retryMaxMs));
        this.metrics.retried(action);
        tracer?.retry(attempt, error, delay);
        log.warning("retrying API call", {
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
    const log = opts.log ?? this.log;
    // Resolved before the permit is taken (the first call loads the SDK), and here, not inside the SDK, which
    // would turn our CloudError into a codeless exception; the request is signed with exactly these.
    const creds = await this.credentials.get(log);
    const client = await this.client(opts.region);
    const queuedAt = performance.now();
    const release = await this.budget.acquire(action, opts.signal);
    const started = performance.now();
    const waitMs = Math.round(started - queuedAt);
    this.metrics.budgetWait(this.budget.mode?.() ?? "local", (started - queuedAt) / 1000);
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
      const response = (await this.credentials.signWith(creds, () => client.request(action, params, { signal }))) as T & {
        RequestId?: string;
      };
      // a poll that repeats its request and its answer within the call: debug (src/cloud/repeats.ts)
      log[repeatsAnswer(opts.log, action, opts.region, params, response) ? "debug" : "info"]("api call", fields(response.RequestId));
      this.metrics.cloudRequest(action, "ok", (performance.now() - started) / 1000);
      return response;
    } catch (caught) {
      let error = fromSdkError(caught, {
        timedOut: timeout.signal.aborted && !opts.signal?.aborted,
        cancelled: opts.signal?.aborted ?? false,
        timeoutMs: this.config.timeoutMs,
      });
      if (error.code.startsWith("AuthFailure.")) {
        const info = this.credentials.describe();
        // refused temporary credentials: the next call asks their source (or the chain) afresh
        if (info?.temporary && error.code !== "AuthFailure.UnauthorizedOperation") this.credentials.invalidate();
        const hint = authHint(error.code, info, this.clockSkewMs);
        if (hint) error = withOverride(error, { hint });
      }
      log.info("api call failed", { ...fields(error.requestId), code: error.code, httpStatus: error.httpStatus });
      this.metrics.cloudRequest(action, error.entry.category, (performance.now() - started) / 1000);
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

  private makeAgent(): Promise<http.Agent> {
    this.agent ??= createAgent(this.config, this.log, "redis", this.config.endpoint);
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
    (client as unknown as { parseResponse: typeof parseResponse }).parseResponse = (res) => {
      this.observeClock(res.headers.get("date"));
      return parseResponse(res);
    };
    return client;
  }

  /** The API's clock against ours, from the Date header of its last answer (1 s resolution). */
  clockSkewMs?: number;

  private observeClock(date: string | null): void {
    // the header has whole seconds: its midpoint is the best estimate of the API's time
    const theirs = date ? Date.parse(date) + 500 : Number.NaN;
    if (Number.isFinite(theirs)) this.clockSkewMs = Date.now() - theirs;
  }
}

/** The host:port and protocol handed to the SDK for a region (see endpoint.ts for overrides). */
export function sdkEndpoint(override: Endpoint | undefined, region: string): { endpoint: string; protocol: string } {
  return serviceEndpoint("redis", override, region);
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
    throw new CloudError(apiCode(Code), typeof Message === "string" ? Message : Code, { requestId });
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
