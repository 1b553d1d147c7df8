// `npm run demo` (without its build step, which npm test has done): the README's first command must show a
// restore bringing the data back (in place for Redis 2.8, by clone and address switch for Redis 6.2), and exit 0
// only then; every address it prints must be true (a real PING answers there while the drill runs), in both
// languages; and docs/demo.md (and the demo part of docs/restore-methods.md) must show what it prints.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { blockOf, demoExamples } from "../../scripts/examples.js";
import { requireRedisServer } from "../helpers/redis.js";

const DEMO = fileURLToPath(new URL("../../scripts/demo.mjs", import.meta.url));
const ADDRESS = /\b(\d+\.\d+\.\d+\.\d+):(\d+)\b|-h (\S+) -p (\d+)/g;

/** The first line a server at `address` (HOST:PORT) answers to a RESP PING, or why there was none. */
function ping(address: string): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = "";
    const end = (answer: string) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(5000, () => end("no answer within 5 s"));
    socket.on("error", (error) => end(`error: ${error.message}`));
    socket.on("connect", () => socket.write("*1\r\n$4\r\nPING\r\n"));
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
      if (data.includes("\r\n")) end(data.slice(0, data.indexOf("\r\n")));
    });
  });
}

/**
 * Runs the demo with TENCENTCLOUD_REDIS_DEMO_PAUSE=1: at each of its pauses (before each step, and at the end)
 * every address it names is PINGed before it goes on. Returns its output and what each address answered.
 */
async function runDemo(env: Record<string, string> = {}) {
  const startMs = Date.now();
  const child = spawn(process.execPath, [DEMO], {
    env: { ...process.env, ...env, TENCENTCLOUD_REDIS_DEMO_PAUSE: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 140_000);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stdin.on("error", () => {}); // the demo may have exited after its last pause
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const answers = new Map<string, string>();
  let pauses = 0;
  for await (const line of createInterface({ input: child.stderr })) {
    let addresses: unknown;
    try {
      addresses = (JSON.parse(line) as { demoPause?: unknown }).demoPause;
    } catch {
      addresses = undefined;
    }
    if (!Array.isArray(addresses)) {
      stderr += `${line}\n`;
      continue;
    }
    pauses++;
    for (const address of addresses as string[]) answers.set(address, await ping(address));
    child.stdin.write("\n");
  }
  const code = await exited;
  clearTimeout(timer);
  return { stdout, stderr, code, answers, pauses, startMs };
}

/** Every address the output prints (HOST:PORT, or redis-cli's -h HOST -p PORT) answered a PING while shown. */
function expectTrueAddresses({ stdout, answers, pauses }: Awaited<ReturnType<typeof runDemo>>) {
  expect(stdout).not.toMatch(/\[object Object\]|undefined|NaN/);
  expect(pauses).toBeGreaterThan(10);
  const printed = [...new Set([...stdout.matchAll(ADDRESS)].map((m) => `${m[1] ?? m[3]}:${m[2] ?? m[4]}`))];
  expect(printed.length).toBeGreaterThanOrEqual(6); // five instances, the clone, the original's new address
  for (const address of printed) {
    expect(address).toMatch(/^127\.\d+\.\d+\.\d+:\d+$/);
    // a password-protected instance answers NOAUTH: still a Redis server answering at that address
    expect(answers.get(address), `${address} while the demo showed it`).toMatch(/^(\+PONG|-NOAUTH)/);
  }
}

describe("npm run demo", () => {
  beforeAll(() => {
    requireRedisServer();
  });

  it("walks through the drill and shows the data restored", async () => {
    const run = await runDemo();
    const { stdout } = run;
    expect(run.code, run.stderr).toBe(0);
    expectTrueAddresses(run);
    expect(stdout).toMatch(/^ {3}-> orders-cache \(crs-sbx1orde\), a real redis-server at 127\.\d+\.\d+\.11:6379$/m);
    expect(stdout).toMatch(/^2\. Write a key \(redis-cli -h 127\.\d+\.\d+\.11 -p 6379 -a <password> SET demo:greeting/m);
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
    // the clone's price in CNY per hour, in the plan's line and in its warning
    expect(part2).toMatch(/The clone: catalog-v62-restore-\d{14}-[0-9a-f]{4}, 0\.9334 CNY per hour\./);
    expect(part2).toContain("The clone is pay-as-you-go (0.9334 CNY per hour)");
    expect(part2).toMatch(/clone crs-\w+: running, at /);
    expect(part2).toContain("RESTORED BY CLONE: the same address answers the backup's data.");
    expect(part2).toContain("UNDONE: switched back");
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/still bills: this server never deletes it \(it deletes only its own restore drills' clones\)/);

    // the docs show this output (normalised): npm run gen:examples writes it
    for (const [page, blocks] of Object.entries(demoExamples(stdout, run.startMs))) {
      const text = readFileSync(new URL(`../../${page}`, import.meta.url), "utf8");
      for (const [name, content] of Object.entries(blocks)) {
        // how many progress notifications a wait sends depends on the machine's speed: each run of them is compared
        // by its first line (every wait shows at least one)
        expect(firstProgress(blockOf(text, name)), `${page} "${name}" differs from the demo's output: run npm run gen:examples`).toBe(
          firstProgress(content),
        );
      }
    }
  }, 150_000);

  it("tells the clone drill in Chinese with TENCENTCLOUD_LANGUAGE=zh-CN", async () => {
    const run = await runDemo({ TENCENTCLOUD_LANGUAGE: "zh-CN" });
    const { stdout } = run;
    expect(run.code, run.stderr).toBe(0);
    expectTrueAddresses(run);
    expect(stdout).toMatch(/^ {3}-> orders-cache（crs-sbx1orde），真实的 redis-server，地址 127\.\d+\.\d+\.11:6379$/m);
    expect(stdout).toContain("已通过克隆恢复：同一地址返回的是备份中的数据。");
    expect(stdout).toContain("已撤销：已切换回来");
    expect(stdout).toMatch(/恢复方式：克隆。/);
    expect(stdout).toContain("报价每小时 0.9334 元");
  }, 150_000);
});

/** The text with each run of consecutive progress lines cut to its first line. */
function firstProgress(text: string | undefined): string | undefined {
  const progress = (line: string | undefined) => line !== undefined && /^ {3}progress /.test(line);
  return text
    ?.split("\n")
    .filter((line, i, lines) => !(progress(line) && progress(lines[i - 1])))
    .join("\n");
}
