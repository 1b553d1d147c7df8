import type { Credentials } from "../config.js";
import { Secret } from "../secret.js";
import { CloudError } from "./errors.js";

/** What the SDK's client asks for on every request. */
export interface SdkCredential {
  secretId: string;
  secretKey: string;
  token?: string;
}

interface Provider {
  getCredential(): Promise<{ secretId?: string; secretKey?: string; token?: string }>;
}

const CHAIN_TIMEOUT_MS = 3000;

/**
 * Credentials for the SDK: the configured ones, else the SDK's own chain after the environment (profile file
 * ~/.tencentcloud/credentials, the CVM role, TKE OIDC). The chain is bounded in time (the SDK fetches the CVM
 * metadata without a timeout) and quiet (the SDK's default provider prints its errors to the console).
 * Secrets stay wrapped until the SDK asks for them to sign a request.
 */
export class CredentialSource {
  private cached?: Promise<Credentials>;

  constructor(private readonly configured: Credentials | undefined) {}

  /** The `credential` object handed to the SDK client: resolved lazily, on each request. */
  forSdk(): { getCredential(): Promise<SdkCredential> } {
    return {
      getCredential: async () => {
        const c = await this.get();
        const out: SdkCredential = { secretId: c.secretId, secretKey: c.secretKey.reveal() };
        if (c.token) out.token = c.token.reveal();
        return out;
      },
    };
  }

  get(): Promise<Credentials> {
    if (this.configured) return Promise.resolve(this.configured);
    if (!this.cached) {
      this.cached = this.fromChain();
      // a failed lookup is tried again on the next call (the user may have fixed the profile file)
      this.cached.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached;
  }

  private async fromChain(): Promise<Credentials> {
    const mod = await import("tencentcloud-sdk-nodejs/tencentcloud/common/credential.js");
    const sdk = (mod as unknown as { default?: typeof mod }).default ?? mod;
    const providers: Provider[] = [new sdk.ProfileCredential()];
    if (process.env.TKE_ROLE_ARN && process.env.TKE_WEB_IDENTITY_TOKEN_FILE) {
      providers.push(new sdk.OIDCRoleArnCredential());
    }
    providers.push(new sdk.CvmRoleCredential());
    for (const provider of providers) {
      const found = await withTimeout(provider.getCredential(), CHAIN_TIMEOUT_MS).catch(() => undefined);
      if (found?.secretId && found.secretKey) {
        const creds: Credentials = { secretId: found.secretId, secretKey: new Secret(found.secretKey) };
        if (found.token) creds.token = new Secret(found.token);
        return creds;
      }
    }
    throw new CloudError(
      "ClientError.CredentialsMissing",
      "No Tencent Cloud credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set, and no profile file or instance role was found",
      { notSent: true },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
