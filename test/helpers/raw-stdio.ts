import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { DIST_ENTRY } from "./stdio.js";

/**
 * A client transport that spawns the built server and keeps every raw byte it writes to stdout and stderr,
 * for assertions on exactly what left the process (StdioClientTransport does not expose stdout).
 */
export class RawStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  /** Lines of stdout that were not JSON-RPC. */
  readonly badLines: string[] = [];
  private child?: ChildProcessWithoutNullStreams;
  private exited?: Promise<number | null>;
  private readonly buffer = new ReadBuffer();

  constructor(
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    if (!existsSync(DIST_ENTRY)) throw new Error("dist/index.js is missing: run npm run build first (npm test does)");
    const child = spawn(process.execPath, [DIST_ENTRY, ...this.args], { env: this.env, stdio: "pipe" });
    this.child = child;
    this.exited = new Promise((resolve) => child.on("close", (code) => resolve(code)));
    child.stdout.on("data", (chunk: Buffer) => {
      this.stdout.push(chunk);
      this.buffer.append(chunk);
      for (;;) {
        try {
          const message = this.buffer.readMessage();
          if (message === null) break;
          this.onmessage?.(message);
        } catch (error) {
          this.badLines.push(String(error));
        }
      }
    });
    child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk));
    child.on("error", (error) => this.onerror?.(error));
    child.on("close", () => this.onclose?.());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child?.stdin.write(serializeMessage(message));
  }

  /** Closes stdin (the server shuts down on it) and waits for the process to exit. */
  async close(): Promise<void> {
    this.child?.stdin.end();
    await this.exited;
  }

  exitCode(): Promise<number | null | undefined> {
    return this.exited ?? Promise.resolve(undefined);
  }
}
