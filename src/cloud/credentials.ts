import type http from "node:http";
import { homedir } from "node:os";
import path from "node:path";
import { existsSync } from "node:fs";
import type { Config, Credentials } from "../config/index.js";
import type { Logger } from "../base/log.js";
import { Secret } from "../config/secret.js";
import { CloudError } from "./errors.js";
import { createAgent } from "./endpoint.js";
import { AssumedRole, type StsRoute } from "./sts.js";

/** What the SDK's client asks for on every request. */
export interface SdkCredential {
  secretId: string;
  secretKey: string;
  token?: string;
}

export type SourceKind = "environment" | "profile" | "tke-oidc" | "cvm-role";

/** Where the credentials in use come from: never a secret. */
export interface CredentialInfo {
  kind: SourceKind | "assumed-role";
  /** For people: "profile file /home/me/.tencentcloud/credentials", "CVM role redis-ops (metadata service)". */
  source: string;
  /** What `source` names besides its kind, for texts in other languages: the profile file, the role and session. */
  detail?: SourceDetail;
  /** The base source, when a role is assumed with it. */
  base?: { kind: SourceKind; source: string; detail?: SourceDetail };
  /** The SecretId shortened (AKID...2f9a): enough to tell keys apart, not to use one. */
  secretId: string;
  temporary: boolean;
  /** Unix ms, when known. */
  expiresAt?: number;
}

interface SdkProvider {
  getCredential(): Promise<{ secretId?: string; secretKey?: string; token?: string }>;
}

export interface SourceDetail {
  path?: string;
  roleArn?: string;
  sessionName?: string;
}

/** A credential source that answered: asked again on every request (it caches and renews by itself). */
interface Active {
  kind: SourceKind;
  source: string;
  detail?: SourceDetail;
  get(): Promise<{ creds: Credentials; expiresAt?: number }>;
  /** Keys given in the configuration: they answer at once and never change (no timer, no re-reading). */
  fixed?: Credentials;
}

const CHAIN_TIMEOUT_MS = 3000;
const RENEW_TIMEOUT_MS = 15_000;

/**
 * Credentials for the SDK, asked for on every request: the configured ones, else the first source of the chain
 * that answers (profile file, TKE OIDC, CVM role), kept and asked again each time (the SDK's providers cache and
 * renew; the profile file is re-read, so a rotated file is picked up). A source that fails later is dropped, and
 * the next call walks the chain again. With TENCENTCLOUD_ROLE_ARN the role is assumed (STS) with those base
 * credentials and renewed before it expires. The chain is bounded in time (the SDK fetches the CVM metadata
 * without a timeout) and quiet. Secrets stay wrapped until the SDK asks for them to sign a request.
 */
export class CredentialSource {
  private active?: Active;
  private walking?: Promise<Active>;
  private role?: AssumedRole;
  private info?: CredentialInfo;
  private stsAgent?: Promise<http.Agent>;
  /** The credentials resolved for the request being signed, handed to the SDK synchronously (see signWith). */
  private signing?: Credentials;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** The `credential` object handed to the SDK client: the credentials resolved for this request. */
  forSdk(): { getCredential(): Promise<SdkCredential> } {
    return {
      getCredential: async () => {
        const c = this.signing;
        this.signing = undefined;
        // only signWith's request may ask (a test signing with rotated credentials fails if the SDK changes this)
        if (!c) throw new Error("the SDK asked for credentials outside signWith: its request path changed");
        const out: SdkCredential = { secretId: c.secretId, secretKey: c.secretKey.reveal() };
        if (c.token) out.token = c.token.reveal();
        return out;
      },
    };
  }

  /**
   * Runs `fn` (one SDK request) signing with `creds`. The SDK asks for the credentials synchronously when the
   * request starts (request -> doRequestWithSign3 -> getCredential, before its first await), so they are handed
   * over in a field set only for that synchronous stretch: concurrent requests cannot take each other's, and no
   * AsyncLocalStorage (promise hooks for the whole process on Node 20) is needed.
   */
  signWith<T>(creds: Credentials, fn: () => Promise<T>): Promise<T> {
    this.signing = creds;
    try {
      return fn();
    } finally {
      this.signing = undefined;
    }
  }

  /** The source in use, once credentials were found (never a secret). */
  describe(): CredentialInfo | undefined {
    return this.info;
  }

  /** Credentials valid now: from the source in use, or a new walk of the chain. */
  async get(log: Logger = this.log): Promise<Credentials> {
    const fixed = this.active?.fixed;
    if (fixed && !this.config.role) return fixed;
    if (!this.config.role) {
      const base = await this.base(log);
      this.info = info(base.active.kind, base.active.source, base.creds, base.expiresAt, base.active.detail);
      return base.creds;
    }
    // the base credentials are asked for only when the role is assumed again, not on every request
    this.role ??= new AssumedRole(this.config.role, async () => (await this.base(log)).creds, this.stsRoute());
    const assumed = await this.role.get();
    const base = { active: this.active ?? (await this.base(log)).active };
    this.info = info(
      "assumed-role",
      `role ${this.config.role.arn} (STS AssumeRole, session ${this.config.role.sessionName})`,
      assumed,
      assumed.expiresAt,
      { roleArn: this.config.role.arn, sessionName: this.config.role.sessionName },
    );
    this.info.base = { kind: base.active.kind, source: base.active.source };
    if (base.active.detail) this.info.base.detail = base.active.detail;
    return assumed;
  }

  /** Forgets the source in use (its credentials were refused): the next call walks the chain again. */
  invalidate(): void {
    if (this.config.credentials) return;
    this.active = undefined;
    this.role = undefined;
  }

  private async base(log: Logger): Promise<{ active: Active; creds: Credentials; expiresAt?: number }> {
    const active = this.active ?? (await this.walk(log));
    if (active.fixed) return { active, creds: active.fixed };
    try {
      const { creds, expiresAt } = await withTimeout(active.get(), RENEW_TIMEOUT_MS);
      return { active, creds, expiresAt };
    } catch (caught) {
      if (this.active === active) this.active = undefined;
      log.warning("credential source failed: the next call looks for credentials again", {
        source: active.source,
        reason: caught instanceof Error ? caught.message.slice(0, 200) : "unknown",
      });
      throw new CloudError(
        "ClientError.CredentialsMissing",
        `The credentials of ${active.source} could not be renewed: ${caught instanceof Error ? caught.message : String(caught)}`,
        { notSent: true },
      );
    }
  }

  private walk(log: Logger): Promise<Active> {
    this.walking ??= this.findSource(log).finally(() => {
      this.walking = undefined;
    });
    return this.walking;
  }

  private async findSource(log: Logger): Promise<Active> {
    const configured = this.config.credentials;
    if (configured) {
      this.active = {
        kind: "environment",
        source: "the environment (TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY)",
        get: async () => ({ creds: configured }),
        fixed: configured,
      };
      this.info = info(this.active.kind, this.active.source, configured);
      return this.active;
    }
    const mod = await import("tencentcloud-sdk-nodejs/tencentcloud/common/credential.js");
    const sdk = (mod as unknown as { default?: typeof mod }).default ?? mod;
    const candidates: Array<() => Active> = [
      () => ({
        ...fromSdk("profile", `the profile file ${profilePath()}`, new sdk.ProfileCredential()),
        detail: { path: profilePath() },
      }),
    ];
    if (this.config.tkeOidc) {
      candidates.push(() => {
        const route = this.stsRoute();
        // TKE mode (it re-reads the token file on each renewal); the endpoint and agent are ours
        const provider = new (sdk.OIDCRoleArnCredential as unknown as new (c: object) => SdkProvider)({
          profile: { httpProfile: { protocol: sdkProtocol(route), agent: undefined } },
        }) as SdkProvider & { endpoint: string; clientConfig: { profile: { httpProfile: { agent?: unknown } } } };
        return fromSdk("tke-oidc", "TKE OIDC (TKE_ROLE_ARN, TKE_WEB_IDENTITY_TOKEN_FILE)", provider, async () => {
          provider.endpoint = stsEndpointFor(route);
          provider.clientConfig.profile.httpProfile.agent = await route.agent();
        });
      });
    }
    candidates.push(() => fromSdk("cvm-role", "the CVM instance role (metadata service)", new sdk.CvmRoleCredential()));
    for (const make of candidates) {
      const candidate = make();
      const found = await withTimeout(candidate.get(), CHAIN_TIMEOUT_MS).catch(() => undefined);
      if (found) {
        this.active = candidate;
        log.info("credentials found", { source: candidate.source });
        return candidate;
      }
    }
    throw new CloudError(
      "ClientError.CredentialsMissing",
      "No Tencent Cloud credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set, and no profile file or instance role was found",
      { notSent: true },
    );
  }

  private stsRoute(): StsRoute {
    return {
      override: this.config.stsEndpoint,
      agent: () => {
        this.stsAgent ??= createAgent(this.config, this.log, "sts", this.config.stsEndpoint);
        return this.stsAgent;
      },
      timeoutMs: this.config.timeoutMs,
    };
  }

  close(): void {
    void this.stsAgent?.then((agent) => agent.destroy());
  }
}

/** An SDK provider as a source: its answer, and the expiry it cached (read from its task, when it has one). */
function fromSdk(kind: SourceKind, source: string, provider: SdkProvider, prepare?: () => Promise<void>): Active {
  let prepared: Promise<void> | undefined;
  /** When each credential (by its expiry) was first seen: its lifetime, as far as we can tell. */
  let seen: { expiresAt: number; at: number } | undefined;
  const read = async () => {
    const c = await provider.getCredential();
    if (!c.secretId || !c.secretKey) throw new Error(`${source} gave no credentials`);
    const creds: Credentials = { secretId: c.secretId, secretKey: new Secret(c.secretKey) };
    if (c.token) creds.token = new Secret(c.token);
    const expiresAt = await cachedExpiry(provider);
    if (expiresAt !== undefined && seen?.expiresAt !== expiresAt) seen = { expiresAt, at: Date.now() };
    return { creds, expiresAt };
  };
  return {
    kind,
    source,
    async get() {
      prepared ??= prepare?.() ?? Promise.resolve();
      await prepared;
      const found = await read();
      // The SDK's OIDC provider renews only 0.6 s before expiry (it compares ms with a reserve meant in s): renew
      // a quarter of the lifetime (at most a minute) ahead, as for an assumed role.
      if (kind === "tke-oidc" && found.expiresAt !== undefined && seen) {
        const ahead = Math.min(60_000, (found.expiresAt - seen.at) / 4);
        if (found.expiresAt - Date.now() < ahead) {
          (provider as { credentialTask?: unknown }).credentialTask = null;
          return read();
        }
      }
      return found;
    },
  };
}

/** The SDK's CVM and OIDC providers keep their last answer (with ExpiredTime, unix s) in `credentialTask`. */
async function cachedExpiry(provider: SdkProvider): Promise<number | undefined> {
  const task = (provider as { credentialTask?: Promise<{ ExpiredTime?: unknown }> | null }).credentialTask;
  if (!task) return undefined;
  const answer = await task.catch(() => undefined);
  return typeof answer?.ExpiredTime === "number" ? answer.ExpiredTime * 1000 : undefined;
}

/** The file the SDK's ProfileCredential reads. */
function profilePath(): string {
  const home = path.join(homedir(), ".tencentcloud", "credentials");
  return existsSync(home) ? home : "/etc/tencentcloud/credentials";
}

function stsEndpointFor(route: StsRoute): string {
  const o = route.override;
  if (!o) return "sts.tencentcloudapi.com";
  const host = o.host.split(".")[0] === "sts" && o.host.includes(".") ? o.host : "sts.tencentcloudapi.com";
  return o.port === undefined ? host : `${host}:${o.port}`;
}

function sdkProtocol(route: StsRoute): string {
  return route.override?.protocol === "http:" ? "http://" : "https://";
}

function info(
  kind: CredentialInfo["kind"],
  source: string,
  creds: Credentials,
  expiresAt?: number,
  detail?: SourceDetail,
): CredentialInfo {
  const out: CredentialInfo = { kind, source, secretId: shortId(creds.secretId), temporary: creds.token !== undefined };
  if (expiresAt !== undefined) out.expiresAt = expiresAt;
  if (detail) out.detail = detail;
  return out;
}

/** AKIDz8krbsJ5...MPLE -> "AKID...MPLE". */
export function shortId(secretId: string): string {
  return secretId.length <= 12 ? `${secretId.slice(0, 2)}...` : `${secretId.slice(0, 4)}...${secretId.slice(-4)}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
