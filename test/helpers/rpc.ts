// A bare JSON-RPC 2.0 client over a child process's stdio, with no MCP SDK in between: it writes exactly the
// bytes it is given and keeps every stdout line, so tests can send garbage and check that stdout carries only
// JSON-RPC. Used by the hardening tests and by the benchmark (where an SDK client would add its own cost).

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built server: dist/index.js at the package root (this file runs from test/ or from dist-bench/test/). */
export const SERVER_ENTRY =
  ["../../dist/index.js", "../../../dist/index.js"]
    .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
    .find((path) => existsSync(path)) ?? "dist/index.js (missing: run npm run build)";

export interface RpcMessage {
  jsonrpc: "2.0";
  id?: number | string | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown> & { isError?: boolean; structuredContent?: Record<string, unknown> };
  error?: { code: number; message: string; data?: unknown };
}

/** USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;

/** CPU time a process used so far (user + system, ms; /proc's resolution: 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // the fields after the command name (which may hold spaces) in parentheses; utime and stime are 14th and 15th
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export const PROTOCOL_VERSION = "2025-06-18";

export class RpcProcess {
  /** Every stdout line, in order, exactly as received. */
  readonly lines: string[] = [];
  /** Every message received (responses and notifications). */
  readonly messages: RpcMessage[] = [];
  stderr = "";
  private readonly pending = new Map<
    number | string,
    { resolve: (m: RpcMessage) => void; reject: (e: Error) => void }
  >();
  private readonly exited: Promise<number | null>;
  private buffer = "";
  private nextId = 1;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    private readonly keep: boolean,
  ) {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderr = this.keep ? this.stderr + chunk : (this.stderr + chunk).slice(-4000);
    });
    child.stdin.on("error", () => {}); // writes after exit
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => {
        const error = new Error(
          `the server exited (code ${code}) before answering; stderr: ${this.stderr.slice(-2000)}`,
        );
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /**
   * Spawns a server (default: the built dist/index.js) with only the given environment (and PATH, HOME).
   * `keep: false` keeps no log of lines or messages (for long benchmark runs).
   */
  static spawn(
    args: string[],
    env: Record<string, string>,
    options: { entry?: string; keep?: boolean; nodeArgs?: string[] } = {},
  ): RpcProcess {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? SERVER_ENTRY, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new RpcProcess(child, options.keep ?? true);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Writes raw text to the server's stdin. */
  writeRaw(text: string): void {
    this.child.stdin.write(text);
  }

  /** Sends a request and resolves with its response (a result or an error). */
  request(method: string, params?: Record<string, unknown>, id: number | string = this.nextId++): Promise<RpcMessage> {
    const answered = this.waitFor(id);
    this.send({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) });
    return answered;
  }

  /** Resolves with the response to `id` (sent by other means, e.g. writeRaw). */
  waitFor(id: number | string): Promise<RpcMessage> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.send({ jsonrpc: "2.0", method, ...(params ? { params } : {}) });
  }

  /** initialize + notifications/initialized; resolves with the initialize result. */
  async initialize(): Promise<RpcMessage> {
    const response = await this.request("initialize", {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "raw-rpc", version: "1.0.0" },
    });
    this.notify("notifications/initialized");
    return response;
  }

  callTool(name: string, args: unknown, id?: number | string): Promise<RpcMessage> {
    return this.request("tools/call", { name, arguments: args }, id);
  }

  /** The process's resident set size in bytes (Linux: /proc/<pid>/status VmRSS). */
  rss(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb === undefined) throw new Error("no VmRSS in /proc status");
    return Number(kb) * 1024;
  }

  /** CPU time the process used so far (user + system, ms; /proc's resolution: 10 ms). */
  cpuMs(): number {
    return cpuMsOf(this.pid);
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Closes stdin (the server shuts down on it), then kills after a grace period; resolves with the exit code. */
  async close(graceMs = 2000): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private send(message: object): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      this.onLine(line);
      newline = this.buffer.indexOf("\n");
    }
  }

  private onLine(line: string): void {
    if (this.keep) this.lines.push(line);
    let message: RpcMessage;
    try {
      message = JSON.parse(line) as RpcMessage;
    } catch {
      return; // kept in `lines` for the tests to find
    }
    if (this.keep) this.messages.push(message);
    if (message.id === undefined || message.id === null || message.method !== undefined) return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    waiter.resolve(message);
  }
}
