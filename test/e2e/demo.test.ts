// `npm run demo` (without its build step, which npm test has done): the README's first command must show a
// restore bringing the data back, and exit 0 only then.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { requireRedisServer } from "../helpers/redis.js";

const DEMO = fileURLToPath(new URL("../../scripts/demo.mjs", import.meta.url));

describe("npm run demo", () => {
  beforeAll(() => {
    requireRedisServer();
  });

  it("walks through the drill and shows the data restored", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO], { timeout: 60_000 });
    const steps = [...stdout.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]?.split(" (")[0]);
    expect(steps).toEqual(
      expect.arrayContaining([
        "Find the instance",
        "Write a key",
        "Take a backup",
        "List backups",
        "Corrupt the data",
        "Take an undo point",
        "Plan the restore",
      ]),
    );
    const undo = /Take an undo point[\s\S]*?new backup (\S+),/.exec(stdout)?.[1];
    expect(undo).toBeDefined();
    expect(stdout).toContain(`Undo: restore backup ${undo}, taken 0 min ago; writes after it are lost.`);
    expect(stdout).toMatch(/task \d+: succeed/);
    expect(stdout).toMatch(/demo:greeting = "CORRUPTED"[\s\S]*demo:greeting = "hello from the demo/);
    expect(stdout).toContain("RESTORED: the data written before the backup is back");
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(
      new RegExp(`^To undo this restore: restore_instance with instanceId crs-\\w+ and backupId ${undo}`),
    );
  });
});
