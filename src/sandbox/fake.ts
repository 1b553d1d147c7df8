// FakeCloud: a local HTTP server that speaks the Tencent Cloud Redis API 3.0 protocol (TC3-signed JSON POSTs),
// backed by the in-memory model. Used by --sandbox, the demo and the tests, which can also inject faults and
// read every request it received.

import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { LookupFunction, Socket } from "node:net";
import { isIPv6 } from "node:net";
import { type Fault, FaultQueue } from "./faults.js";
import { ApiError, type ActionResult, KNOWN_REGIONS, type Params, runAction } from "./actions.js";
import { SANDBOX_CREDENTIALS, type SandboxCredential, seedDefault } from "./seed.js";
import type { BackupBackend, RestoreBackend } from "./model.js";
import { CloudState } from "./state.js";
import { verifyTc3 } from "./signature.js";

export type { Fault } from "./faults.js";

export const API_VERSION = "2018-04-12";
/** Requests bigger than this are refused (RequestSizeLimitExceeded). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RecordedRequest {
  action: string;
  region: string | undefined;
  /** The parsed JSON body, or undefined when it was not JSON. */
  params: unknown;
  /** Header values by lower-case name. */
  headers: Record<string, string>;
  signatureVerified: boolean;
  /** The error code answered (API error or injected "error" fault). */
  errorCode?: string;
  /** The kind of fault applied to this request, if any. */
  fault?: Fault["kind"];
  /** The fake's clock when the request arrived. */
  at: number;
}

export interface FakeCloudOptions {
  credentials?: SandboxCredential[];
  seed?: "default" | "empty";
  preparingMs?: number;
  runningMs?: number;
  /** How long a clone (CloneInstances) stays in status 0 at least; default 5 s. */
  cloneMs?: number;
  /** Requests per action per sliding 1 s window; above it RequestLimitExceeded. Default: no limit. */
  rateLimit?: number;
  now?: () => number;
  restoreBackend?: RestoreBackend;
  backupBackend?: BackupBackend;
  /** Accepted X-TC-Version; default "2018-04-12". */
  version?: string;
  /** Answer RestoreInstance's TaskId as a string of digits. */
  taskIdAsString?: boolean;
  /** Follow every restore with an automatic backup task of the same instance. */
  autoBackupOnRestore?: boolean;
  /** The API's clock runs this far ahead of the fake's own (negative: behind): signatures and the Date header. */
  clockSkewMs?: number;
  port?: number;
  host?: string;
}

/** The host name the SDK must be given so that it signs the service `redis` (it uses the first label). */
export const SANDBOX_API_HOST = "redis.tencentcloudapi.com";

/**
 * An http.Agent that connects every host name to `address`. The Node SDK takes the signing service from the
 * endpoint's first dot-label, so a client must keep endpoint "redis.tencentcloudapi.com:PORT" and be routed to
 * the fake by this agent's DNS lookup. With autoSelectFamily (the default on Node 20) net calls lookup with
 * `all: true` and expects an array of addresses; without it, (address, family).
 */
export function loopbackAgent(address = "127.0.0.1"): http.Agent {
  const family = isIPv6(address) ? 6 : 4;
  const lookup = ((_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
  return new http.Agent({ lookup });
}

export class FakeCloud {
  readonly state: CloudState;
  readonly requests: RecordedRequest[] = [];
  readonly credentials = new Map<string, SandboxCredential>();
  readonly version: string;
  rateLimit: number | undefined;
  taskIdAsString: boolean;
  /** See FakeCloudOptions.clockSkewMs (scenario: a machine whose clock is off). */
  clockSkewMs: number;
  readonly host: string;
  port = 0;

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly faults = new FaultQueue();
  private readonly windows = new Map<string, number[]>();
  private closed = false;
  private connectionCount = 0;

  private constructor(options: FakeCloudOptions) {
    this.state = new CloudState(options);
    if (options.seed !== "empty") seedDefault(this.state);
    for (const c of options.credentials ?? [SANDBOX_CREDENTIALS]) this.addCredential(c);
    this.version = options.version ?? API_VERSION;
    this.rateLimit = options.rateLimit;
    this.taskIdAsString = options.taskIdAsString ?? false;
    this.clockSkewMs = options.clockSkewMs ?? 0;
    this.host = options.host ?? "127.0.0.1";
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error("fake cloud: unexpected error", error);
        if (!res.headersSent && !res.destroyed) this.sendApi(res, undefined, internalError());
      });
    });
    this.server.on("connection", (socket) => {
      this.connectionCount += 1;
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeCloudOptions = {}): Promise<FakeCloud> {
    const fake = new FakeCloud(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once("error", reject);
      fake.server.listen(options.port ?? 0, fake.host, () => {
        fake.server.off("error", reject);
        resolve();
      });
    });
    const address = fake.server.address();
    if (address === null || typeof address === "string") throw new Error("fake cloud: no TCP address");
    fake.port = address.port;
    return fake;
  }

  /** e.g. "http://127.0.0.1:40123". */
  get url(): string {
    return `http://${isIPv6(this.host) ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** The endpoint to give the SDK (with loopbackAgent()): "redis.tencentcloudapi.com:PORT". */
  get endpoint(): string {
    return `${SANDBOX_API_HOST}:${this.port}`;
  }

  /** A ready httpProfile for tencentcloud-sdk-nodejs pointing at this fake. */
  httpProfile(): { endpoint: string; protocol: string; agent: http.Agent } {
    return { endpoint: this.endpoint, protocol: "http://", agent: loopbackAgent(this.host) };
  }

  addCredential(credential: SandboxCredential): void {
    this.credentials.set(credential.secretId, credential);
  }

  /** Scenario: CAM denies these actions to this SecretId (answered with `code`). */
  deny(secretId: string, actions: readonly string[], code = "AuthFailure.UnauthorizedOperation"): void {
    const credential = this.credentials.get(secretId);
    if (!credential) throw new Error(`fake cloud: no credential ${secretId}`);
    this.credentials.set(secretId, { ...credential, denied: actions, deniedCode: code });
  }

  /** The API's clock (the fake's clock plus the scenario's skew). */
  apiNow(): number {
    return this.state.now() + this.clockSkewMs;
  }

  /** TCP connections accepted since start (to observe keep-alive). */
  get connections(): number {
    return this.connectionCount;
  }

  /** Number of recorded requests, optionally of one action. */
  count(action?: string): number {
    return action === undefined ? this.requests.length : this.requests.filter((r) => r.action === action).length;
  }

  /** Clears the recorded requests, the queued faults and the rate-limit windows (not the model). */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.windows.clear();
  }

  /** Queues a fault for an action ("*": any action). Faults are used in order, each `times` times. */
  inject(action: string, fault: Fault, times = Number.POSITIVE_INFINITY): void {
    this.faults.add(action, fault, times);
  }

  /** Stops listening and destroys every connection, hanging ones included. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: Buffer | undefined;
    try {
      body = await readBody(req);
    } catch {
      return; // the client went away mid-request
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
    }
    let params: unknown;
    try {
      params = body === undefined ? undefined : JSON.parse(body.toString("utf8"));
    } catch {
      params = undefined;
    }
    const verification = verifyTc3(
      { method: req.method ?? "", url: req.url ?? "/", headers: req.headers, body: body ?? Buffer.alloc(0) },
      {
        lookupSecret: (id) => this.credentials.get(id),
        nowSeconds: Math.floor(this.apiNow() / 1000),
      },
    );
    const record: RecordedRequest = {
      action: headers["x-tc-action"] ?? "",
      region: headers["x-tc-region"],
      params,
      headers,
      signatureVerified: verification.ok,
      at: this.state.now(),
    };
    this.requests.push(record);

    const fault = this.faults.take(record.action);
    if (fault) record.fault = fault.kind;
    switch (fault?.kind) {
      case "error":
        record.errorCode = fault.code;
        this.sendApi(res, headers, {
          Error: { Code: fault.code, Message: fault.message ?? `Injected ${fault.code}.` },
        });
        return;
      case "status":
        res.writeHead(fault.status, { "content-type": fault.contentType ?? "text/html; charset=utf-8" });
        res.end(
          fault.body ?? `<html><body><h1>${fault.status} ${http.STATUS_CODES[fault.status] ?? ""}</h1></body></html>`,
        );
        return;
      case "body":
        res.writeHead(200, { "content-type": fault.contentType ?? "application/json" });
        res.end(fault.body);
        return;
      case "drop":
      case "hang":
        if (fault.phase === "before") {
          if (fault.kind === "drop") req.socket.destroy();
          return;
        }
        break;
      case "delay":
        await this.sleep(fault.ms);
        if (this.closed) return;
        break;
      case undefined:
        break;
    }

    let result: ActionResult;
    if (body === undefined) {
      result = {
        Error: { Code: "RequestSizeLimitExceeded", Message: `The request body exceeds ${MAX_BODY_BYTES} bytes.` },
      };
    } else if (!verification.ok) {
      result = { Error: { Code: verification.code, Message: verification.message } };
    } else {
      result =
        this.refusedByAccount(verification.secretId, record) ?? (await this.process(req.method ?? "", record, params));
    }
    const error = result.Error as { Code?: string } | undefined;
    if (error?.Code) record.errorCode = error.Code;
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") return;
    this.sendApi(res, headers, result);
  }

  /** An expired temporary credential, or an action CAM denies to the key (scenarios). */
  private refusedByAccount(secretId: string, record: RecordedRequest): ActionResult | undefined {
    const credential = this.credentials.get(secretId);
    if (credential?.expiresAt !== undefined && this.apiNow() >= credential.expiresAt) {
      return { Error: { Code: "AuthFailure.TokenFailure", Message: "The temporary credential has expired." } };
    }
    if (credential?.denied?.includes(record.action)) {
      const resource = `qcs::redis:${record.region ?? ""}:uin/100000000001:instance/*`;
      return {
        Error: {
          Code: credential.deniedCode ?? "AuthFailure.UnauthorizedOperation",
          Message: `you are not authorized to perform operation (redis:${record.action})\nresource (${resource}) has no permission`,
        },
      };
    }
    return undefined;
  }

  /** Checks the protocol (after the signature) and runs the action. Returns the Response object. */
  private async process(method: string, record: RecordedRequest, params: unknown): Promise<ActionResult> {
    const { action, region, headers } = record;
    try {
      if (method !== "POST")
        throw new ApiError("InvalidRequest", `The HTTP method ${method} is not supported: use POST.`);
      if (typeof params !== "object" || params === null || Array.isArray(params)) {
        throw new ApiError("InvalidRequest", "The request body must be a JSON object.");
      }
      if (!action) throw new ApiError("MissingParameter", "The request is missing a required parameter `Action`.");
      const version = headers["x-tc-version"];
      if (!version) throw new ApiError("MissingParameter", "The request is missing a required parameter `Version`.");
      if (version !== this.version) {
        throw new ApiError("NoSuchVersion", `The API version \`${version}\` does not exist; use ${this.version}.`);
      }
      if (!region) throw new ApiError("MissingParameter", "The request is missing a required parameter `Region`.");
      if (!KNOWN_REGIONS.includes(region)) {
        throw new ApiError("UnsupportedRegion", `The region \`${region}\` is not supported.`);
      }
      if (this.rateLimited(action)) {
        throw new ApiError("RequestLimitExceeded", `Your request frequency for ${action} exceeds the limit.`);
      }
      return await runAction(action, params as Params, {
        state: this.state,
        region,
        taskIdAsString: this.taskIdAsString,
      });
    } catch (error) {
      if (error instanceof ApiError) return { Error: { Code: error.code, Message: error.message } };
      console.error("fake cloud: action failed", error);
      return internalError();
    }
  }

  /** Sliding 1 s window per action; a refused request does not count. */
  private rateLimited(action: string): boolean {
    if (this.rateLimit === undefined) return false;
    const now = this.state.now();
    const window = (this.windows.get(action) ?? []).filter((t) => t > now - 1000);
    const limited = window.length >= this.rateLimit;
    if (!limited) window.push(now);
    this.windows.set(action, window);
    return limited;
  }

  private sendApi(res: http.ServerResponse, headers: Record<string, string> | undefined, response: ActionResult) {
    if (res.destroyed || res.writableEnded) return;
    const traceId = headers?.["x-tc-traceid"];
    res.writeHead(200, {
      "content-type": "application/json",
      date: new Date(this.apiNow()).toUTCString(),
      ...(traceId ? { "x-tc-traceid": traceId } : {}),
    });
    res.end(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }));
  }
}

function internalError(): ActionResult {
  return { Error: { Code: "InternalError", Message: "An internal error occurred in the fake." } };
}

/** The whole body, or undefined when it is larger than MAX_BODY_BYTES. */
async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}
