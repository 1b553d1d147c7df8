import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client, ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Config, loadConfig } from "../../src/config.js";
import { type Authenticator, createAuthenticator } from "../../src/http/auth.js";
import { Logger } from "../../src/log.js";
import type { Metrics } from "../../src/metrics.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";
import { connectClient } from "./client.js";
import type { Scope } from "../../src/safety/caller.js";
import { FakeCloud, type FakeCloudOptions } from "../../src/sandbox/fake.js";
import { type HttpHandle, startHttp } from "../../src/transports/streamable-http.js";
import { fakeEnv } from "./harness.js";

/** A bearer token the tests give a caller, and its scopes (written hashed into a tokens file). */
export interface TestToken {
  token: string;
  scopes: Scope[];
}

export const READ_WRITE: Scope[] = ["redis:read", "redis:restore"];

/** A fresh random bearer token. */
export const newToken = () => `tk_${randomBytes(24).toString("base64url")}`;

/** Writes a tokens file (hashes only, mode 0600) for these named tokens; returns its path. */
export function writeTokensFile(tokens: Record<string, TestToken>, mode = 0o600, at?: string): string {
  const path = at ?? join(mkdtempSync(join(tmpdir(), "mcp-tokens-")), "tokens.json");
  const entries = Object.entries(tokens).map(([name, t]) => ({
    name,
    sha256: createHash("sha256").update(t.token).digest("hex"),
    scopes: t.scopes,
  }));
  writeFileSync(path, JSON.stringify(entries, null, 2), { mode });
  return path;
}

export interface HttpHarness {
  fake: FakeCloud;
  config: Config;
  runtime: Runtime;
  http: HttpHandle;
  url: string;
  tokens: Record<string, TestToken>;
  logLines: string[];
  /** A real MCP client over Streamable HTTP with `Authorization: Bearer <token>`. */
  connect(token?: string, options?: ClientOptions): Promise<HttpClient>;
  close(): Promise<void>;
}

export interface HttpClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HttpHarnessOptions {
  env?: Record<string, string>;
  fake?: FakeCloudOptions;
  sharedFake?: FakeCloud;
  /** Named tokens; default: "ops" with both scopes, "viewer" with redis:read only. */
  tokens?: Record<string, TestToken>;
  /** The process's metrics (GET /metrics), as index.ts gives them in HTTP mode; none unless given. */
  metrics?: Metrics;
}

/** Connects a real MCP client over Streamable HTTP to `url`, with a bearer token when given. */
export async function connectHttp(
  url: string,
  token?: string,
  options?: ClientOptions,
  fetchImpl?: typeof fetch,
): Promise<HttpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const { client } = await connectClient(transport, { name: "http-test-client", client: options });
  return {
    client,
    transport,
    call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    async close() {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

/**
 * The HTTP transport in process on 127.0.0.1 (an ephemeral port), with the real authenticator reading a real
 * tokens file, against the fake cloud over real HTTP. Clients are real SDK clients over real HTTP.
 */
export async function startHttpHarness(options: HttpHarnessOptions = {}): Promise<HttpHarness> {
  const fake = options.sharedFake ?? (await FakeCloud.start({ preparingMs: 50, runningMs: 150, ...options.fake }));
  const tokens = options.tokens ?? {
    ops: { token: newToken(), scopes: READ_WRITE },
    viewer: { token: newToken(), scopes: ["redis:read"] },
  };
  const tokensFile = writeTokensFile(tokens);
  const env = fakeEnv(fake, {
    TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: tokensFile,
    TENCENTCLOUD_REDIS_HTTP_PORT: "0",
    ...options.env,
  });
  const config = loadConfig(["--http"], env);
  const logLines: string[] = [];
  const log = new Logger(config.logLevel, (line) => logLines.push(line));
  const runtime = createRuntime(config, log, {
    maxInflightPerCaller: config.http.maxInflightPerCaller,
    metrics: options.metrics,
  });
  const authenticator: Authenticator = await createAuthenticator(config, log);
  const http = await startHttp({ config, log, runtime, authenticator, publicUrl: config.publicUrl });
  const clients: HttpClient[] = [];
  return {
    fake,
    config,
    runtime,
    http,
    url: http.url,
    tokens,
    logLines,
    async connect(token = tokens.ops?.token, clientOptions) {
      const c = await connectHttp(http.url, token, clientOptions);
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await http.shutdown(1000);
      runtime.close();
      if (!options.sharedFake) await fake.close();
    },
  };
}
