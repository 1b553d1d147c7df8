import type http from "node:http";
import type { Endpoint, RoleConfig } from "../config/index.js";
import { Secret } from "../config/secret.js";
import { CloudError, networkReason } from "./errors.js";
import { serviceEndpoint } from "./endpoint.js";

export const STS_VERSION = "2018-08-13";
/** STS is global; the SDK's own providers send this region. */
export const STS_REGION = "ap-guangzhou";

/** The HTTP route to STS: the canonical host (or the override's), and the agent that connects it. */
export interface StsRoute {
  override?: Endpoint;
  agent: () => Promise<http.Agent>;
  timeoutMs: number;
}

export interface TemporaryCredentials {
  secretId: string;
  secretKey: Secret;
  token: Secret;
  /** Unix ms. */
  expiresAt: number;
}

type CommonClientModule = typeof import("tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js");

/** The SDK's generic client for STS: TC3-signed for service `sts` and the canonical host, whatever is connected. */
export async function stsClient(route: StsRoute, credential: { secretId: string; secretKey: string; token?: string }) {
  const mod = (await import("tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js")) as CommonClientModule & {
    default?: CommonClientModule;
  };
  const { CommonClient } = mod.default ?? mod;
  const { endpoint, protocol } = serviceEndpoint("sts", route.override, STS_REGION);
  return new CommonClient(endpoint, STS_VERSION, {
    credential,
    region: STS_REGION,
    profile: {
      language: "en-US",
      httpProfile: { endpoint, protocol, agent: await route.agent(), reqTimeout: Math.ceil(route.timeoutMs / 1000) },
    },
  });
}

/**
 * STS AssumeRole with the base credentials: the role's temporary credentials, renewed shortly before they
 * expire (a quarter of their lifetime, at most a minute, ahead). A failure keeps STS's code and message and is
 * tried again on the next call; concurrent calls share one request.
 */
export class AssumedRole {
  private current?: TemporaryCredentials & { renewAt: number };
  private pending?: Promise<TemporaryCredentials>;

  constructor(
    readonly role: RoleConfig,
    private readonly base: () => Promise<{ secretId: string; secretKey: Secret; token?: Secret }>,
    private readonly route: StsRoute,
  ) {}

  async get(): Promise<TemporaryCredentials> {
    const current = this.current;
    if (current && Date.now() < current.renewAt) return current;
    this.pending ??= this.assume().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async assume(): Promise<TemporaryCredentials> {
    const base = await this.base();
    const credential = { secretId: base.secretId, secretKey: base.secretKey.reveal(), token: base.token?.reveal() };
    const client = await stsClient(this.route, credential);
    const params: Record<string, unknown> = { RoleArn: this.role.arn, RoleSessionName: this.role.sessionName };
    if (this.role.durationSeconds !== undefined) params.DurationSeconds = this.role.durationSeconds;
    const issuedAt = Date.now();
    let answer: {
      Credentials?: { TmpSecretId?: string; TmpSecretKey?: string; Token?: string };
      ExpiredTime?: number;
    };
    try {
      answer = (await client.request("AssumeRole", params)) as typeof answer;
    } catch (caught) {
      throw assumeRoleError(this.role.arn, caught);
    }
    const c = answer.Credentials;
    if (!c?.TmpSecretId || !c.TmpSecretKey || !c.Token || typeof answer.ExpiredTime !== "number") {
      throw new CloudError(
        "ClientError.AssumeRoleFailed",
        `STS AssumeRole of ${this.role.arn} answered without temporary credentials`,
        { notSent: true },
      );
    }
    const expiresAt = answer.ExpiredTime * 1000;
    const ahead = Math.min(60_000, Math.max(0, expiresAt - issuedAt) / 4);
    this.current = {
      secretId: c.TmpSecretId,
      secretKey: new Secret(c.TmpSecretKey),
      token: new Secret(c.Token),
      expiresAt,
      renewAt: expiresAt - ahead,
    };
    return this.current;
  }
}

/** STS's own code and message, kept (the SDK's STSCredential flattens them into one string). */
function assumeRoleError(arn: string, caught: unknown): CloudError {
  if (caught instanceof CloudError) return caught;
  const err = (typeof caught === "object" && caught !== null ? caught : {}) as {
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    httpCode?: unknown;
  };
  const code = typeof err.code === "string" && err.code !== "" ? err.code : undefined;
  const message = typeof err.message === "string" ? err.message : String(caught);
  const what = code
    ? `${code}: ${message}`
    : typeof err.httpCode === "number"
      ? `HTTP ${err.httpCode}`
      : `STS could not be reached: ${networkReason(message)}`;
  return new CloudError("ClientError.AssumeRoleFailed", `STS AssumeRole of ${arn} failed: ${what}`, {
    requestId: typeof err.requestId === "string" ? err.requestId : undefined,
    notSent: true,
  });
}
