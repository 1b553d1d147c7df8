// The built server's --help and --version: asked-for output on stdout (exit 0), naming every command it has.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../src/base/version.js";

const ENTRY = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const run = (args: string[]) => promisify(execFile)(process.execPath, [ENTRY, ...args], { timeout: 30_000, env: { PATH: process.env.PATH ?? "" } });

describe("dist/index.js --help and --version", () => {
  it.each(["--help", "-h"])("%s: the usage on stdout, nothing on stderr, exit 0, with the doctor, approvals and sandbox-cloud commands", async (flag) => {
    const { stdout, stderr } = await run([flag]); // a non-zero exit would reject
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^tencentcloud-redis-mcp: an MCP server/);
    expect(stdout).toMatch(/^ {7}tencentcloud-redis-mcp doctor /m);
    expect(stdout).toMatch(/^ {7}tencentcloud-redis-mcp approvals list\|show ID\|approve ID\|deny ID /m);
    expect(stdout).toMatch(/^ {7}tencentcloud-redis-mcp sandbox-cloud \[--host/m);
    expect(stdout).toContain("--sandbox");
  });

  it("--version: the version on stdout", async () => {
    const { stdout, stderr } = await run(["--version"]);
    expect(stderr).toBe("");
    expect(stdout.trim()).toBe(VERSION);
  });
});
