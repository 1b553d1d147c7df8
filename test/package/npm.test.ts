// The npm package as a user gets it: `npm pack`, installed into an empty prefix with production dependencies
// only, and its bin driven over stdio on this Node (20) and on Node 24.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/config/index.js";
import { sc } from "../helpers/harness.js";
import { requireNode24 } from "../helpers/node24.js";
import { startStdio } from "../helpers/stdio.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string }>;
}

describe("the npm package, installed as a user installs it", () => {
  let work: string;
  let packed: PackResult;
  let bin: string;
  let node24: string;
  beforeAll(async () => {
    node24 = requireNode24();
    work = mkdtempSync(join(tmpdir(), "npm-pack-"));
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT, timeout: 120_000 });
    packed = (JSON.parse(stdout) as PackResult[])[0] as PackResult;
    const prefix = join(work, "prefix");
    mkdirSync(prefix);
    await run(
      "npm",
      ["install", "--prefix", prefix, "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)],
      { cwd: prefix, timeout: 300_000 },
    );
    bin = join(prefix, "node_modules/.bin", PKG.name);
  }, 420_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("holds the built server only: no tests, benchmarks, TypeScript sources or scripts", () => {
    process.stderr.write(
      `${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files\n`,
    );
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain("dist/index.js");
    expect(paths).toContain("package.json");
    expect(paths.filter((p) => !/^(dist\/.*\.js|package\.json|README\.md|LICENSE)$/.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|bench|scripts|src)\//.test(p) || p.endsWith(".ts"))).toEqual([]);
    expect(packed.size).toBeLessThan(1024 * 1024);
  });

  it("installs with production dependencies only", () => {
    const modules = join(dirname(dirname(bin)));
    expect(existsSync(join(modules, PKG.name, "dist/index.js"))).toBe(true);
    expect(existsSync(join(modules, "tencentcloud-sdk-nodejs"))).toBe(true);
    for (const dev of ["vitest", "esbuild", "typescript", "@biomejs/biome", "@anthropic-ai/mcpb"]) {
      expect(existsSync(join(modules, dev)), dev).toBe(false);
    }
  });

  for (const which of ["this Node", "Node 24"] as const) {
    it(`on ${which}: the bin says its version, lists its tools and answers calls against the sandbox`, async () => {
      const node = which === "this Node" ? process.execPath : node24;
      const path = `${dirname(node)}:${process.env.PATH ?? ""}`;
      const { stdout, stderr } = await run(bin, ["--version"], { env: { PATH: path }, timeout: 30_000 });
      expect(`${stdout}${stderr}`.trim()).toBe(PKG.version);
      const session = await startStdio(["--sandbox"], { PATH: path }, { command: bin, entry: null, cwd: tmpdir() });
      try {
        expect(session.client.getServerVersion()?.version).toBe(PKG.version);
        const { tools } = await session.client.listTools();
        expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
        // The server runs on the Node it was meant to.
        expect(realpathSync(`/proc/${session.transport.pid}/exe`)).toBe(realpathSync(node));
        const listed = await session.call("list_instances");
        expect(listed.isError, JSON.stringify(listed)).toBeFalsy();
        expect(sc(listed).instances.length).toBe(5);
        const bad = await session.call("list_backups", { instanceId: "nope" });
        expect(sc(bad).error.code).toBe("ClientError.InvalidArgument");
      } finally {
        await session.close();
      }
      const { stdout: version } = await run(node, ["--version"]);
      expect(version.trim()).toMatch(which === "Node 24" ? /^v24\./ : /^v2\d\./);
    }, 60_000);
  }
});
