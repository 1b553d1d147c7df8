import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { DIST_ENTRY } from "./stdio.js";

export interface HttpChild {
  child: ChildProcess;
  /** The MCP endpoint URL the server logged. */
  url: string;
  stderr(): string;
  stdout(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built server (dist/index.js) with --http in a child process; resolves once it logs its URL. */
export async function startHttpChild(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<HttpChild> {
  if (!existsSync(DIST_ENTRY)) throw new Error("dist/index.js is missing: run npm run build first (npm test does)");
  const child = spawn(process.execPath, [DIST_ENTRY, "--http", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not log its URL in time:\n${stderr}`)), timeoutMs);
    const look = () => {
      // HTTP mode logs JSON lines: {"time":...,"msg":"tencentcloud-redis-mcp listening (Streamable HTTP)","url":...}
      const m = /listening \(Streamable HTTP\)","url":"([^"]+)"/.exec(stderr);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stderr?.on("data", look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    child,
    url,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the built server with these arguments and environment until it exits; its exit code, stderr and stdout. */
export async function runToExit(args: string[], env: Record<string, string>, timeoutMs = 15_000) {
  if (!existsSync(DIST_ENTRY)) throw new Error("dist/index.js is missing: run npm run build first (npm test does)");
  const child = spawn(process.execPath, [DIST_ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr, stdout };
}
