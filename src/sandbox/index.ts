import type { Config } from "../config.js";
import { Secret } from "../secret.js";
import { parseEndpoint } from "../config.js";
import { FakeCloud, type FakeCloudOptions } from "./fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_PASSWORDS, SANDBOX_REGION } from "./seed.js";

export interface Sandbox {
  fake: FakeCloud;
  /** Applies the sandbox to a configuration: its endpoint, credentials, default region and instance passwords. */
  configure(config: Config): Config;
  close(): Promise<void>;
}

/**
 * The built-in sandbox: the local Tencent Cloud fake on a loopback port, with its seed instances and backups.
 * Only ever chosen explicitly (--sandbox); a server without credentials never falls back to it.
 */
export async function startSandbox(options: FakeCloudOptions = {}): Promise<Sandbox> {
  const fake = await FakeCloud.start(options);
  return {
    fake,
    configure(config) {
      const byInstance = new Map(config.passwords.byInstance);
      // The operator's way to keep passwords out of the conversation, set up for the sandbox's instances.
      for (const [id, password] of Object.entries(SANDBOX_PASSWORDS)) {
        if (!byInstance.has(id)) byInstance.set(id, new Secret(password));
      }
      return {
        ...config,
        credentials: { secretId: SANDBOX_CREDENTIALS.secretId, secretKey: new Secret(SANDBOX_CREDENTIALS.secretKey) },
        endpoint: parseEndpoint(fake.url),
        region: config.region ?? SANDBOX_REGION,
        passwords: { byInstance, all: config.passwords.all },
      };
    },
    close: () => fake.close(),
  };
}
