import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { connectClient } from "./client.js";

export const DIST_ENTRY = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

export interface StdioSession {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface StdioOptions {
  /** The command to run: node (this one) unless given, e.g. an installed bin or another Node. */
  command?: string;
  /** The script node runs (default: the built dist/index.js); null: the command is the server itself. */
  entry?: string | null;
  cwd?: string;
}

/** Spawns the built server (dist/index.js) and connects a real MCP client over stdio. */
export async function startStdio(
  args: string[],
  env: Record<string, string> = {},
  options: StdioOptions = {},
): Promise<StdioSession> {
  const entry = options.entry === undefined ? DIST_ENTRY : options.entry;
  if (entry !== null && !existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first (npm test does)`);
  const transport = new StdioClientTransport({
    command: options.command ?? process.execPath,
    args: entry === null ? args : [entry, ...args],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stderr: "pipe",
    cwd: options.cwd,
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const { client } = await connectClient(transport, { name: "e2e-client" });
  return {
    client,
    transport,
    stderr: () => stderr,
    call: (name, a = {}) => client.callTool({ name, arguments: a }) as Promise<CallToolResult>,
    close: () => client.close(),
  };
}
