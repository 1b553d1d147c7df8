import type { Client, ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Config, loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import type { Metrics } from "../../src/base/metrics.js";
import type { SafetyState } from "../../src/records/store/index.js";
import { FakeCloud, type FakeCloudOptions } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "../../src/sandbox/seed.js";
import { createServer, type CreatedServer } from "../../src/server.js";
import { connectClient } from "./client.js";

export interface Harness {
  fake: FakeCloud;
  client: Client;
  config: Config;
  created: CreatedServer;
  /** Every line the server logged to its stderr stand-in. */
  logLines: string[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  fake?: FakeCloudOptions;
  /** An already running fake to share. */
  sharedFake?: FakeCloud;
  client?: ClientOptions;
  /** The process's safety state (default: memory) and metrics (default: none), as index.ts would give them. */
  state?: SafetyState;
  metrics?: Metrics;
}

/** The environment that points a server at a fake with the sandbox credentials. */
export function fakeEnv(fake: FakeCloud, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
    TENCENTCLOUD_REGION: SANDBOX_REGION,
    TENCENTCLOUD_REDIS_ENDPOINT: fake.url,
    TENCENTCLOUD_REDIS_CONFIRM: "none",
    TENCENTCLOUD_REDIS_LOG_LEVEL: "debug",
    TENCENTCLOUD_REDIS_POLL_INITIAL_MS: "20",
    TENCENTCLOUD_REDIS_POLL_MAX_MS: "50",
    TENCENTCLOUD_REDIS_PROGRESS_EVERY_MS: "100",
    TENCENTCLOUD_REDIS_RETRY_BASE_MS: "5",
    // Most tests restore one backup of an instance again and again: the dedup window (docs/crash-safety.md) would answer
    // every repeat with the first restore. Its own tests, and the crash matrix, set it back on.
    TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "0",
    ...extra,
  };
}

/** A real MCP client, in process, against the real server, against the fake over real HTTP on loopback. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.sharedFake ?? (await FakeCloud.start({ preparingMs: 50, runningMs: 150, ...options.fake }));
  const config = loadConfig([], fakeEnv(fake, options.env));
  const logLines: string[] = [];
  const log = new Logger(config.logLevel, (line) => logLines.push(line));
  const created = createServer({ config, log, state: options.state, metrics: options.metrics });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const { client } = await connectClient(clientTransport, {
    client: options.client,
    beforeList: () => created.server.connect(serverTransport),
  });
  return {
    fake,
    client,
    config,
    created,
    logLines,
    call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    async close() {
      await client.close();
      await created.close();
      if (!options.sharedFake) await fake.close();
    },
  };
}

/** The structured content of a result, typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read deep fields loosely
export function sc(result: CallToolResult): Record<string, any> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return (result.structuredContent ?? {}) as Record<string, any>;
}
