// The HTTP path of `npm run bench`: per-call latency over Streamable HTTP vs stdio against the same fake, and
// the RSS that idle sessions cost. The server is dist/index.js --http (AUTH=none on loopback), driven by a bare
// JSON-RPC-over-HTTP client (fetch with keep-alive), as the stdio figures use a bare JSON-RPC stdio client.

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "../src/sandbox/seed.js";
import { RpcProcess } from "../test/helpers/rpc.js";
import { sleep } from "./stats.js";

const SERVER_ENTRY = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const PROTOCOL = "2025-11-25";

function env(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
    TENCENTCLOUD_REGION: SANDBOX_REGION,
    TENCENTCLOUD_REDIS_ENDPOINT: url,
    TENCENTCLOUD_REDIS_RATE_LIMIT: "1000",
    TENCENTCLOUD_REDIS_HTTP_AUTH: "none",
    ...extra,
  };
}

/** dist/index.js --http on an ephemeral loopback port; resolves with its /mcp URL once it listens. */
export async function startHttpServer(
  fakeUrl: string,
  extra: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; rss(): number; close(): Promise<void> }> {
  const child = spawn(process.execPath, [SERVER_ENTRY, "--http", "--port", "0"], {
    env: env(fakeUrl, extra),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      const m = /listening \(Streamable HTTP\)","url":"([^"]+)"/.exec(stderr); // HTTP mode logs JSON lines
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`the HTTP server exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`the HTTP server did not log its URL within 20 s: ${stderr}`)), 20_000).unref();
  });
  return {
    url,
    child,
    rss() {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      if (kb === undefined) throw new Error("no VmRSS in /proc status");
      return Number(kb) * 1024;
    },
    async close() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A bare MCP session over HTTP: initialize, then JSON-RPC requests whose SSE or JSON answers are read whole. */
export class HttpRpc {
  private id = 0;
  private session = "";

  constructor(private readonly url: string) {}

  async initialize(): Promise<void> {
    const res = await this.post({
      jsonrpc: "2.0",
      id: ++this.id,
      method: "initialize",
      params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "bench", version: "1" } },
    });
    this.session = res.headers.get("mcp-session-id") ?? "";
    await res.text();
    const ack = await this.post({ jsonrpc: "2.0", method: "notifications/initialized" });
    await ack.text();
  }

  /** One request; the JSON-RPC answer (from a JSON body or the SSE stream's message event). */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON-RPC answer read loosely
  async request(method: string, params: unknown = {}): Promise<any> {
    const id = ++this.id;
    const res = await this.post({ jsonrpc: "2.0", id, method, params });
    const text = await res.text();
    const json = res.headers.get("content-type")?.includes("text/event-stream")
      ? text
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => JSON.parse(l.slice(6)))
          .find((m) => m.id === id)
      : JSON.parse(text);
    if (!json) throw new Error(`no answer to ${method}: ${text.slice(0, 200)}`);
    return json;
  }

  async callOk(name: string, args: Record<string, unknown>): Promise<void> {
    const answer = await this.request("tools/call", { name, arguments: args });
    if (answer.error || answer.result?.isError)
      throw new Error(`${name} failed: ${JSON.stringify(answer).slice(0, 300)}`);
  }

  private post(body: unknown): Promise<Response> {
    return fetch(this.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "Mcp-Protocol-Version": PROTOCOL,
        ...(this.session ? { "Mcp-Session-Id": this.session } : {}),
      },
      body: JSON.stringify(body),
    });
  }
}

export const HTTP_PER_CALL = {
  http: "mcp check_task over HTTP (session)",
  stdio: "mcp check_task over stdio",
} as const;

/** check_task over HTTP vs over stdio, same fake, `rounds` x `perRound` sequential calls each, interleaved. */
export async function httpPerCall(fakeUrl: string, taskId: number, rounds: number, perRound: number) {
  // at notice: the per-call info lines are off (as for the stdio subject), the "listening" line is not
  const server = await startHttpServer(fakeUrl, { TENCENTCLOUD_REDIS_LOG_LEVEL: "notice" });
  const stdio = RpcProcess.spawn([], { ...env(fakeUrl), TENCENTCLOUD_REDIS_LOG_LEVEL: "notice" }, { keep: false });
  await stdio.initialize();
  const rpc = new HttpRpc(server.url);
  await rpc.initialize();
  const check = { taskId };
  const subjects: Record<string, () => Promise<unknown>> = {
    [HTTP_PER_CALL.http]: () => rpc.callOk("check_task", check),
    [HTTP_PER_CALL.stdio]: async () => {
      const r = await stdio.callTool("check_task", check);
      if (r.error || r.result?.isError) throw new Error(`check_task failed over stdio: ${JSON.stringify(r)}`);
    },
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  try {
    for (const call of Object.values(subjects)) for (let i = 0; i < 100; i++) await call(); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const [name, call] of Object.entries(subjects)) {
        for (let i = 0; i < perRound; i++) {
          const t0 = performance.now();
          await call();
          ms[name]?.push(performance.now() - t0);
        }
        await sleep(20);
      }
    }
    return { calls: rounds * perRound, ms };
  } finally {
    await Promise.all([server.close(), stdio.close()]);
  }
}

/** RSS of the HTTP server with one session, then with `sessions` more idle ones (initialized, then left). */
export async function idleSessions(fakeUrl: string, sessions: number) {
  const server = await startHttpServer(fakeUrl);
  try {
    const first = new HttpRpc(server.url);
    await first.initialize();
    await first.request("tools/list");
    await sleep(500);
    const before = server.rss();
    for (let i = 0; i < sessions; i++) {
      const rpc = new HttpRpc(server.url);
      await rpc.initialize();
      await rpc.request("tools/list");
    }
    await sleep(500);
    const after = server.rss();
    return { sessions, before, after, perSession: (after - before) / sessions };
  } finally {
    await server.close();
  }
}
