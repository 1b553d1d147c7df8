// The MCP Bundle as Claude Desktop installs it: `npm run pack:mcpb`'s .mcpb, checked by the official CLI,
// unpacked into an empty folder and started from there on its own (nothing of this repository next to it).

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { requireNode24 } from "../helpers/node24.js";
import { startStdio } from "../helpers/stdio.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const BUNDLE = join(ROOT, `${PKG.name}-${PKG.version}.mcpb`);
const MCPB = join(ROOT, "node_modules/@anthropic-ai/mcpb/dist/cli/cli.js");

interface Manifest {
  version: string;
  manifest_version: string;
  server: {
    type: string;
    entry_point: string;
    mcp_config: { command: string; args: string[]; env: Record<string, string> };
  };
  tools: Array<{ name: string; description: string }>;
  prompts: Array<{ name: string }>;
  compatibility: { platforms: string[]; runtimes: { node: string } };
  user_config: Record<string, { type: string; required?: boolean; sensitive?: boolean; default?: unknown }>;
}

function files(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe("the MCP Bundle (.mcpb)", () => {
  let dir: string;
  let manifest: Manifest;
  beforeAll(async () => {
    if (!existsSync(MCPB)) throw new Error(`@anthropic-ai/mcpb is missing (${MCPB}): run npm ci`);
    rmSync(BUNDLE, { force: true });
    const { stdout } = await run(process.execPath, [join(ROOT, "scripts/mcpb.mjs")], { cwd: ROOT, timeout: 120_000 });
    process.stderr.write(stdout);
    dir = mkdtempSync(join(tmpdir(), "mcpb-"));
    await run(process.execPath, [MCPB, "unpack", BUNDLE, dir], { timeout: 60_000 });
    manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  }, 180_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is small, and holds the bundled server only: no node_modules, tests, TypeScript or dev files", () => {
    const size = statSync(BUNDLE).size;
    process.stderr.write(`${PKG.name}-${PKG.version}.mcpb: ${size} bytes\n`);
    expect(size).toBeLessThan(1.5 * 1024 * 1024);
    const inside = files(dir);
    expect(inside).toContain("manifest.json");
    expect(inside).toContain(manifest.server.entry_point);
    expect(inside.filter((f) => !/^(server\/.*\.js|manifest\.json|package\.json|README\.md)$/.test(f))).toEqual([]);
  });

  it("has a manifest the official CLI accepts, of the newest manifest_version, in step with package.json", async () => {
    const { stdout } = await run(process.execPath, [MCPB, "validate", join(dir, "manifest.json")]);
    expect(stdout).toContain("Manifest schema validation passes");
    const { LATEST_MANIFEST_VERSION } = (await import(
      join(ROOT, "node_modules/@anthropic-ai/mcpb/dist/shared/constants.js")
    )) as { LATEST_MANIFEST_VERSION: string };
    expect(manifest.manifest_version).toBe(LATEST_MANIFEST_VERSION);
    expect(manifest.version).toBe(PKG.version);
    expect(manifest.server).toMatchObject({ type: "node", mcp_config: { command: "node" } });
    expect(manifest.server.mcp_config.args).toEqual([`\${__dirname}/${manifest.server.entry_point}`]);
    expect(manifest.compatibility).toEqual({ platforms: ["darwin", "win32", "linux"], runtimes: { node: ">=20" } });
  });

  it("asks for the credentials as secrets and maps every setting to its variable", () => {
    expect(manifest.user_config.secret_id).toMatchObject({ required: true, sensitive: true });
    expect(manifest.user_config.secret_key).toMatchObject({ required: true, sensitive: true });
    expect(manifest.server.mcp_config.env).toEqual({
      TENCENTCLOUD_SECRET_ID: "${user_config.secret_id}",
      TENCENTCLOUD_SECRET_KEY: "${user_config.secret_key}",
      TENCENTCLOUD_REGION: "${user_config.region}",
      TENCENTCLOUD_REDIS_CONFIRM: "${user_config.confirm}",
      TENCENTCLOUD_REDIS_READ_ONLY: "${user_config.read_only}",
      TENCENTCLOUD_REDIS_ALLOWED_INSTANCES: "${user_config.allowed_instances}",
      TENCENTCLOUD_REDIS_AUDIT_LOG: "${user_config.audit_log}",
      TENCENTCLOUD_LANGUAGE: "${user_config.language}",
    });
    for (const value of Object.values(manifest.server.mcp_config.env)) {
      expect(manifest.user_config[/\$\{user_config\.(\w+)\}/.exec(value)?.[1] ?? ""], value).toBeDefined();
    }
  });

  it.each([
    ["this Node", process.execPath],
    ["Node 24", "node24"],
  ])(
    "unpacked in an empty folder, starts on its own (--sandbox) on %s, lists its tools as the manifest does, and answers a call",
    async (_which, command) => {
      const node = command === "node24" ? requireNode24() : command;
      const session = await startStdio(
        ["--sandbox"],
        {},
        { command: node, entry: join(dir, manifest.server.entry_point), cwd: dir },
      );
      try {
        const { tools } = await session.client.listTools();
        expect(tools.map((t) => ({ name: t.name, description: t.description }))).toEqual(manifest.tools);
        const { prompts } = await session.client.listPrompts();
        expect(prompts.map((p) => p.name)).toEqual(manifest.prompts.map((p) => p.name));
        const r = await session.call("list_instances");
        expect(r.isError, JSON.stringify(r)).toBeFalsy();
        expect(sc(r).instances.length).toBe(5);
        const backups = await session.call("list_backups", { instanceId: sc(r).instances[0].instanceId });
        expect(backups.isError, JSON.stringify(backups)).toBeFalsy();
      } finally {
        await session.close();
      }
    },
    60_000,
  );

  it("optional settings left empty reach the server as unfilled ${user_config...} text, and mean unset", async () => {
    const fake = await FakeCloud.start();
    // The worst a host can do: fill in the required secrets and pass every other placeholder on as it is.
    const env = {
      ...manifest.server.mcp_config.env,
      TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
      TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
      TENCENTCLOUD_REDIS_ENDPOINT: fake.url,
    };
    const session = await startStdio([], env, { entry: join(dir, manifest.server.entry_point), cwd: dir });
    try {
      // Not read-only (the placeholder is not a boolean, yet it does not stop the server), every tool offered.
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(manifest.tools.map((t) => t.name));
      // No default region: a call without one says so, rather than sending "${user_config.region}".
      const noRegion = await session.call("list_instances");
      expect(sc(noRegion).error?.code).toBe("ClientError.RegionMissing");
      expect(fake.count()).toBe(0);
      const listed = await session.call("list_instances", { region: "ap-guangzhou" });
      expect(listed.isError, JSON.stringify(listed)).toBeFalsy();
      // Any instance allowed, token confirmation (the default): the first call is a plan.
      const instanceId = sc(listed).instances.find(
        (i: { noAuth: boolean; status: string }) => i.noAuth && i.status === "running",
      ).instanceId;
      const backups = await session.call("list_backups", { instanceId, region: "ap-guangzhou" });
      const backupId = sc(backups).backups.find((b: { restorable: boolean }) => b.restorable).backupId;
      const plan = await session.call("restore_instance", { instanceId, backupId, region: "ap-guangzhou" });
      expect(sc(plan).status, JSON.stringify(plan)).toBe("confirmation_required");
      // No audit log file named after the placeholder.
      expect(readdirSync(dir).filter((f) => f.includes("user_config"))).toEqual([]);
      expect(session.stderr()).not.toContain("${user_config");
    } finally {
      await session.close();
      await fake.close();
    }
  }, 60_000);
});
