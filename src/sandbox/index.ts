import type { Config } from "../config.js";
import { Secret } from "../secret.js";
import { parseEndpoint } from "../config.js";
import { FakeCloud, type FakeCloudOptions } from "./fake.js";
import { findRedisServer, RedisFleet } from "./redis-fleet.js";
import { SANDBOX_CREDENTIALS, SANDBOX_PASSWORDS, SANDBOX_REGION } from "./seed.js";

export interface SandboxOptions extends FakeCloudOptions {
  /** Path of redis-server; default: looked up on PATH. false: state only, no processes. */
  redisServer?: string | false;
}

export interface Sandbox {
  fake: FakeCloud;
  /** The redis-server processes behind the running instances; undefined when the sandbox is state-only. */
  redis: RedisFleet | undefined;
  /** One sentence for people: what the instances are and how to reach them. */
  note: string;
  /** Applies the sandbox to a configuration: its endpoint, credentials, default region and instance passwords. */
  configure(config: Config): Config;
  close(): Promise<void>;
}

export const STATE_ONLY_NOTE =
  "sandbox is state-only: no redis-server was found on PATH, so instances hold no data and a restore changes " +
  "nothing (install redis-server, e.g. apt-get install redis-server, for real data)";
export const REAL_REDIS_NOTE =
  "sandbox instances are real redis-server processes, each behind its own address (host and port in each " +
  "instance, a loopback 127.x.y.z VIP that moves with ModifyNetworkConfig); a restore really loads the backup's " +
  "RDB and a clone starts a new server from it; connect with redis-cli -h HOST -p PORT (passwords: see docs/sandbox.md)";

/**
 * The built-in sandbox: the local Tencent Cloud fake on a loopback port, with its seed instances and backups,
 * each running instance backed by a real redis-server when one is installed.
 * Only ever chosen explicitly (--sandbox); a server without credentials never falls back to it.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const binary = options.redisServer === undefined ? findRedisServer() : options.redisServer || undefined;
  const fake = await FakeCloud.start(options);
  let redis: RedisFleet | undefined;
  if (binary) {
    try {
      redis = await RedisFleet.start(fake.state, binary);
    } catch (error) {
      await fake.close();
      throw error;
    }
    fake.state.restoreBackend = redis;
    fake.state.backupBackend = redis;
    fake.state.cloneBackend = redis;
    fake.state.networkBackend = redis;
    fake.state.destroyBackend = redis;
  }
  // An instance without a process shows no address rather than a made-up one.
  const live = redis?.ports() ?? new Map<string, number>();
  for (const i of fake.state.listInstances()) {
    if (!live.has(i.InstanceId)) fake.state.updateInstance(i.InstanceId, { WanIp: "" });
  }
  const note = redis ? REAL_REDIS_NOTE : STATE_ONLY_NOTE;
  return {
    fake,
    redis,
    note,
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
        proxy: undefined, // the sandbox is on loopback: never through a proxy
        sandboxNote: note,
      };
    },
    async close() {
      await redis?.close();
      await fake.close();
    },
  };
}
