// `npm run demo` (without its build step, which npm test has done): the README's first command must show a
// restore bringing the data back (in place for Redis 2.8, by clone and address switch for Redis 6.2), and exit 0
// only then.

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
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO], { timeout: 120_000 });
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
    expect(stdout).toMatch(new RegExp(`\nTo undo this restore: restore_instance with instanceId crs-\\w+ and backupId ${undo}`));

    // part 2: a Redis 6.2 instance by clone, read at its unchanged address before, after the switch and after the undo
    const part2 = stdout.slice(stdout.indexOf("Part 2:"));
    expect(part2).toMatch(/^Part 2: catalog-v62 \(crs-sbx5cat6\) is Redis 6\.2/);
    const address = /at the instance's address (\S+) /.exec(part2)?.[1];
    expect(address).toMatch(/^127\.\d+\.\d+\.\d+:\d+$/);
    const reads = [...part2.matchAll(new RegExp(`${address?.replaceAll(".", "\\.")} demo:catalog = (".*")`, "g"))].map((m) => m[1]);
    expect(reads).toHaveLength(5);
    expect(reads[0]).toMatch(/^"catalog as of /);
    expect(reads.slice(1, 3)).toEqual(['"CORRUPTED"', '"CORRUPTED"']); // corrupted; unchanged while the clone is made
    expect(reads[3]).toBe(reads[0]); // the same address answers the restored data after the switch
    expect(reads[4]).toBe('"CORRUPTED"'); // the undo switched back
    expect(part2).toMatch(/Method: clone\. Redis 6\.2 standard is restored by cloning/);
    expect(part2).toMatch(/clone crs-\w+: running, at /);
    expect(part2).toContain("RESTORED BY CLONE: the same address answers the backup's data.");
    expect(part2).toContain("UNDONE: switched back");
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/still bills: this server never deletes an instance/);
  }, 150_000);

  it("tells the clone drill in Chinese with TENCENTCLOUD_LANGUAGE=zh-CN", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO], {
      timeout: 120_000,
      env: { ...process.env, TENCENTCLOUD_LANGUAGE: "zh-CN" },
    });
    expect(stdout).toContain("已通过克隆恢复：同一地址返回的是备份中的数据。");
    expect(stdout).toContain("已撤销：已切换回来");
    expect(stdout).toMatch(/恢复方式：克隆。/);
  }, 150_000);
});
