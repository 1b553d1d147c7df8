// The built server driven by the MCP Inspector's CLI mode (the pinned devDependency), in sandbox mode: the
// user's client, exactly as they would run it (`mcp-inspector --cli node dist/index.js --sandbox ...`).

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { eventuallyAsync, refused, requireRedisServer } from "../helpers/redis.js";
import { DIST_ENTRY } from "../helpers/stdio.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

const INSPECTOR = fileURLToPath(new URL("../../node_modules/.bin/mcp-inspector", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: the Inspector prints the JSON-RPC result as it is
async function inspect(args: string[], env: string[] = []): Promise<Record<string, any>> {
  const { stdout } = await promisify(execFile)(
    INSPECTOR,
    ["--cli", ...env.flatMap((e) => ["-e", e]), process.execPath, DIST_ENTRY, "--sandbox", ...args],
    { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" }, timeout: 20_000 },
  );
  return JSON.parse(stdout);
}

describe("MCP Inspector CLI against the sandbox", () => {
  beforeAll(() => {
    if (!existsSync(INSPECTOR)) throw new Error(`the MCP Inspector is missing (${INSPECTOR}): run npm ci`);
    requireRedisServer();
  });

  it("tools/list shows the six tools with their annotations", async () => {
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
    // Without the confirmation step, so that the call reaches the (fake) cloud, which refuses it.
    const missing = await inspect(
      [
        ...["--method", "tools/call", "--tool-name", "restore_instance"],
        ...["--tool-arg", `instanceId=${instanceId}`, "--tool-arg", "backupId=no-such-backup"],
      ],
      ["TENCENTCLOUD_REDIS_CONFIRM=none"],
    );
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent.error.code).toBe("InvalidParameterValue.BackupNotExists");
  });
});
