// Shared by the sandbox tests: a real SDK client pointed at the fake, and a raw HTTP client for requests the
// SDK cannot make (unsigned, wrong method, custom bodies).

import * as http from "node:http";
import { redis } from "tencentcloud-sdk-nodejs/tencentcloud/services/redis/index.js";
import type { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_PASSWORDS, SANDBOX_REGION } from "../../src/sandbox/seed.js";
import { type SignRequestOptions, signedRequestHeaders } from "../../src/sandbox/signature.js";

export type RedisClient = InstanceType<typeof redis.v20180412.Client>;

export interface ClientOverrides {
  secretId?: string;
  secretKey?: string;
  token?: string;
  region?: string;
  endpoint?: string;
  /** Seconds (fractions allowed: the SDK multiplies by 1000). */
  reqTimeout?: number;
}

export function sdkClient(fake: FakeCloud, o: ClientOverrides = {}): RedisClient {
  const profile = fake.httpProfile();
  return new redis.v20180412.Client({
    credential: {
      secretId: o.secretId ?? SANDBOX_CREDENTIALS.secretId,
      secretKey: o.secretKey ?? SANDBOX_CREDENTIALS.secretKey,
      ...(o.token !== undefined ? { token: o.token } : {}),
    },
    region: o.region ?? SANDBOX_REGION,
    profile: {
      language: "en-US",
      httpProfile: { ...profile, endpoint: o.endpoint ?? profile.endpoint, reqTimeout: o.reqTimeout ?? 5 },
    },
  });
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; httpCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; httpCode?: number };
  }
  throw new Error("expected a rejection, got a result");
}

export async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  return (await rejection(promise)).code;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => { Response: Record<string, unknown> & { Error?: { Code: string; Message: string }; RequestId: string } };
}

export function rawRequest(
  fake: FakeCloud,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...init.headers };
    // Node frames no body on a GET unless told its length.
    if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
    const req = http.request(
      { host: "127.0.0.1", port: fake.port, method: init.method ?? "POST", path: "/", headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A POST signed with the sandbox credentials (override anything through `sign`). */
export function signedPost(
  fake: FakeCloud,
  action: string,
  params: unknown,
  sign: Partial<SignRequestOptions> = {},
  extraHeaders: Record<string, string> = {},
): Promise<RawResponse> {
  const body = typeof sign.body === "string" ? sign.body : JSON.stringify(params);
  const headers = signedRequestHeaders({
    secretId: SANDBOX_CREDENTIALS.secretId,
    secretKey: SANDBOX_CREDENTIALS.secretKey,
    action,
    region: SANDBOX_REGION,
    timestamp: Math.floor(fake.state.now() / 1000),
    host: fake.endpoint,
    ...sign,
    body,
  });
  return rawRequest(fake, { method: sign.method ?? "POST", headers: { ...headers, ...extraHeaders }, body });
}

/**
 * A CloneInstances request that the fake accepts for `instanceId`: its zone, VPC and subnet, the default security
 * group, its newest normal backup, its password (or NoAuth). `extra` overrides any field.
 */
export function cloneRequestFor(fake: FakeCloud, instanceId: string, extra: Record<string, unknown> = {}) {
  const source = fake.state.getInstance(instanceId);
  if (!source) throw new Error(`no instance ${instanceId}`);
  const subnet = fake.state.subnetOf(source);
  const backup = fake.state.listBackups(instanceId).find((b) => b.Status === 2);
  return {
    InstanceId: instanceId,
    GoodsNum: 1,
    ZoneId: source.ZoneId ?? 100003,
    BillingMode: 0,
    Period: 1,
    SecurityGroupIdList: ["sg-sbx00001"],
    BackupId: backup?.BackupId ?? "",
    VpcId: subnet.UniqVpcId,
    SubnetId: subnet.UniqSubnetId,
    ...(source.NoAuth ? { NoAuth: true } : { Password: SANDBOX_PASSWORDS[instanceId] ?? "" }),
    ...extra,
  };
}

/** Reads until `done` holds (every 20 ms, about 20 s at most); throws naming `what` when it never does. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
