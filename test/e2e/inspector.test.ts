// The built server driven by the MCP Inspector's CLI mode (2.x on Node 24, through `npm run inspect`'s script), in
// sandbox mode: the user's client, exactly as they would run it (`npm run inspect -- --cli node dist/index.js
// --sandbox ...`).

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { eventuallyAsync, refused, requireRedisServer } from "../helpers/redis.js";
import { requireNode24 } from "../helpers/node24.js";
import { DIST_ENTRY } from "../helpers/stdio.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

const SCRIPT = fileURLToPath(new URL("../../scripts/inspect.mjs", import.meta.url));
const INSPECTOR = fileURLToPath(
  new URL("../../.cache/node24/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js", import.meta.url),
);

// biome-ignore lint/suspicious/noExplicitAny: the Inspector prints the JSON-RPC result as it is
async function inspect(args: string[], env: string[] = []): Promise<Record<string, any>> {
  const home = mkdtempSync(join(tmpdir(), "inspector-home-"));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [SCRIPT, "--cli", ...env.flatMap((e) => ["-e", e]), process.execPath, DIST_ENTRY, "--sandbox", ...args],
    { env: { PATH: process.env.PATH ?? "", HOME: home }, timeout: 60_000 },
  );
  return JSON.parse(stdout.slice(stdout.indexOf("{")));
}

describe("MCP Inspector CLI against the sandbox", () => {
  beforeAll(() => {
    requireNode24();
    if (!existsSync(INSPECTOR)) {
      throw new Error(`the MCP Inspector 2.x is missing (${INSPECTOR}): npm run inspect installs it (.ci/run does)`);
    }
    requireRedisServer();
  });

  it("tools/list shows the public tools with their annotations", async () => {
    const { tools } = await inspect(["--method", "tools/list"]);
    expect(tools.map((t: { name: string }) => t.name)).toEqual(PUBLIC_TOOLS);
    expect(tools.find((t: { name: string }) => t.name === "restore_instance").annotations).toMatchObject({
      destructiveHint: true,
      readOnlyHint: false,
    });
    expect(tools.find((t: { name: string }) => t.name === "backup_instance").annotations).toMatchObject({
      destructiveHint: false,
      readOnlyHint: false,
      idempotentHint: false,
    });
  });

  it("tools/call list_instances shows where each live instance listens, and leaves no process behind", async () => {
    const r = await inspect([
      "--method",
      "tools/call",
      "--tool-name",
      "list_instances",
      "--tool-arg",
      "region=ap-guangzhou",
    ]);
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.sandbox).toMatch(/real redis-server processes, each behind its own address/);
    const orders = r.structuredContent.instances.find(
      (i: { instanceId: string }) => i.instanceId === SANDBOX_INSTANCE_IDS.orders,
    );
    expect(orders).toMatchObject({ host: expect.stringMatching(/^127\.\d+\.1\.11$/), status: "running" });
    expect(r.content[0].text).toContain(`orders-cache (running) at ${orders.host}:${orders.port}`);
    // The Inspector has exited: so has the server, and with it the instance's address (and the redis-server
    // behind it: test/e2e/sandbox-processes.test.ts).
    expect(await eventuallyAsync(() => refused(orders.host, orders.port))).toBe(true);
  });

  it("tools/call list_backups and an error result both come through", async () => {
    const instanceId = SANDBOX_INSTANCE_IDS.orders;
    const backups = await inspect([
      ...["--method", "tools/call", "--tool-name", "list_backups", "--tool-arg", `instanceId=${instanceId}`],
    ]);
    expect(backups.structuredContent.backups.filter((b: { restorable: boolean }) => b.restorable)).toHaveLength(2);
    // Without the confirmation step, so that the call reaches the (fake) cloud, which refuses it. The Inspector
    // exits 5 on a result with isError, and writes the whole result only to --output.
    const output = join(mkdtempSync(join(tmpdir(), "inspector-out-")), "result.json");
    const failed = await inspect(
      [
        ...["--method", "tools/call", "--tool-name", "restore_instance"],
        ...["--tool-arg", `instanceId=${instanceId}`, "--tool-arg", "backupId=no-such-backup", "--output", output],
      ],
      ["TENCENTCLOUD_REDIS_CONFIRM=none"],
    ).catch((caught: { code?: number }) => caught);
    expect(failed).toMatchObject({ code: 5 });
    const missing = JSON.parse(readFileSync(output, "utf8"));
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent.error.code).toBe("InvalidParameterValue.BackupNotExists");
  });
});
