// The drill's verification against a real redis-server with a password: data level when the address answers
// (PING after AUTH, keys, keyspace, memory, the operator's probes), a refused password is a data-level failure,
// and the cloud level when the address does not answer (refused, or silent past the timeout). The password is
// in no result.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloudFacts, parseInfoNumber, parseKeyspace, verifyClone } from "../../src/drill/verify.js";
import { freePort } from "../../src/sandbox/redis-fleet.js";
import { RespClient } from "../../src/sandbox/resp.js";
import { Secret } from "../../src/secret.js";
import { requireRedisServer } from "../helpers/redis.js";

const PASSWORD = "Drill-pass-7f3a9c";
const RUNNING: CloudFacts = { status: 2, sizeUsedMb: 120, backupSizeBytes: 52_428_800 };
const noCloud = async (): Promise<CloudFacts> => {
  throw new Error("the cloud must not be asked when the address answers");
};

describe("verifyClone against a real redis-server", () => {
  let child: ChildProcess;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    const binary = requireRedisServer();
    dir = mkdtempSync(join(tmpdir(), "drill-verify-"));
    port = await freePort();
    child = spawn(binary, ["-", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    child.stdin?.end(`requirepass "${PASSWORD}"\n`);
    for (let i = 0; ; i++) {
      try {
        const c = await RespClient.connect(port, "127.0.0.1", PASSWORD);
        try {
          await c.command("FLUSHALL");
          for (let k = 0; k < 25; k++) await c.command("SET", `product:${k}`, `item ${k}`);
          await c.command("SET", "product:count", "25");
          await c.command("SELECT", "2");
          await c.command("SET", "session:1", "alice", "EX", "3600");
        } finally {
          c.close();
        }
        break;
      } catch (error) {
        if (i > 200) throw error;
        await sleep(20);
      }
    }
  });
  afterAll(() => {
    child?.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const target = (password: string | undefined) => ({
    host: "127.0.0.1",
    port,
    password: password === undefined ? undefined : new Secret(password),
  });

  it("data level: PING after AUTH, every database's keys, the keyspace, memory used, the probes pass", async () => {
    const v = await verifyClone(target(PASSWORD), {
      probes: { requiredKeys: ["product:count", "product:7"], minKeys: 27 },
      cloud: noCloud,
    });
    expect(v).toMatchObject({
      level: "data",
      verdict: "verified",
      why: "answered",
      reason: "the clone's address answered PING",
      keys: 27,
    });
    expect(v.keyspace).toEqual({ db0: { keys: 26, expires: 0 }, db2: { keys: 1, expires: 1 } });
    expect(v.memoryUsedBytes).toBeGreaterThan(100_000);
    expect(v.checks).toEqual([
      { name: "ping", status: "pass", detail: "PONG, after AUTH", auth: true },
      { name: "min_keys", status: "pass", detail: "27 keys, at least 27 required", observed: 27, expected: 27 },
      { name: "required_key", key: "product:count", status: "pass", detail: "exists" },
      { name: "required_key", key: "product:7", status: "pass", detail: "exists" },
    ]);
    expect(JSON.stringify(v)).not.toContain(PASSWORD);
  });

  it("data level, failed: a missing key and too few keys are named", async () => {
    const v = await verifyClone(target(PASSWORD), {
      probes: { requiredKeys: ["product:count", "orders:index"], minKeys: 1000 },
      cloud: noCloud,
    });
    expect(v).toMatchObject({ level: "data", verdict: "failed", keys: 27 });
    expect(v.checks.filter((c) => c.status === "fail")).toEqual([
      { name: "min_keys", status: "fail", detail: "27 keys, at least 1000 required", observed: 27, expected: 1000 },
      { name: "required_key", key: "orders:index", status: "fail", detail: "missing" },
    ]);
  });

  it("a password the clone refuses is a data-level failure (the address answered), the password in no field", async () => {
    const wrong = "Not-the-password-1";
    const v = await verifyClone(target(wrong), { probes: { requiredKeys: [], minKeys: 0 }, cloud: noCloud });
    expect(v).toMatchObject({ level: "data", verdict: "failed", why: "refused" });
    expect(v.reason).toMatch(/^the clone's address answered but refused the connection: WRONGPASS/);
    expect(v.checks).toEqual([
      { name: "ping", status: "fail", detail: expect.stringMatching(/^WRONGPASS/), auth: true },
    ]);
    expect(JSON.stringify(v)).not.toContain(wrong);
    const none = await verifyClone(target(undefined), { probes: { requiredKeys: [], minKeys: 0 }, cloud: noCloud });
    expect(none).toMatchObject({ level: "data", verdict: "failed" });
    expect(none.reason).toContain("NOAUTH");
  });

  it("the address refuses the connection: cloud level, running and memory consistent with the backup", async () => {
    const closed = await freePort();
    let asked = 0;
    const v = await verifyClone(
      { host: "127.0.0.1", port: closed, password: new Secret(PASSWORD) },
      {
        probes: { requiredKeys: ["product:count"], minKeys: 1 },
        cloud: async () => {
          asked++;
          return RUNNING;
        },
      },
    );
    expect(asked).toBe(1);
    expect(v).toMatchObject({ level: "cloud", verdict: "verified", why: "unreachable", memoryUsedBytes: 125_829_120 });
    expect(v.reason).toContain(`the clone's address 127.0.0.1:${closed} did not answer (`);
    expect(v.reason).toContain("ECONNREFUSED");
    expect(v.checks).toEqual([
      { name: "running", status: "pass", detail: "running (status 2)" },
      {
        name: "memory",
        status: "pass",
        detail: "120.0 MB used, backup 50.0 MB",
        observed: 125_829_120,
        expected: 52_428_800,
      },
    ]);
  });

  it("cloud level verdicts: not running fails, memory far below the backup fails, unknown memory is inconclusive", async () => {
    const closed = await freePort();
    const at = { host: "127.0.0.1", port: closed, password: undefined };
    const probes = { requiredKeys: [], minKeys: 0 };
    const run = (facts: CloudFacts) => verifyClone(at, { probes, cloud: async () => facts });
    expect((await run({ ...RUNNING, status: 0 })).verdict).toBe("failed");
    const low = await run({ ...RUNNING, sizeUsedMb: 2 });
    expect(low.verdict).toBe("failed");
    expect(low.checks[1]).toEqual({
      name: "memory",
      status: "fail",
      detail: "2.0 MB used, backup 50.0 MB",
      observed: 2_097_152,
      expected: 52_428_800,
    });
    const unknown = await run({ status: 2, backupSizeBytes: 52_428_800 });
    expect(unknown.verdict).toBe("inconclusive");
    expect(unknown.checks[1]).toEqual({
      name: "memory",
      status: "unknown",
      detail: "the cloud reports no memory used",
    });
    const asking = await verifyClone(at, {
      probes,
      cloud: async () => {
        throw new Error("RequestLimitExceeded");
      },
    });
    expect(asking).toMatchObject({ level: "cloud", verdict: "inconclusive" });
    expect(asking.reason).toContain("the cloud could not be asked either: RequestLimitExceeded");
  });

  it("an address that accepts and stays silent: no hang, the timeout is the reason, then the cloud level", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const silentPort = typeof address === "object" && address ? address.port : 0;
    try {
      const started = Date.now();
      const v = await verifyClone(
        { host: "127.0.0.1", port: silentPort, password: new Secret(PASSWORD) },
        { probes: { requiredKeys: [], minKeys: 0 }, cloud: async () => RUNNING, connectTimeoutMs: 300 },
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(v).toMatchObject({ level: "cloud", why: "unreachable" });
      expect(v.reason).toContain("did not answer within 300 ms");
      expect(JSON.stringify(v)).not.toContain(PASSWORD);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("parsing INFO", () => {
  it("reads the keyspace by database and a numeric field", () => {
    const info = "# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=1200\r\ndb15:keys=2,expires=0,avg_ttl=0\r\n";
    expect(parseKeyspace(info)).toEqual({ db0: { keys: 3, expires: 1 }, db15: { keys: 2, expires: 0 } });
    expect(parseKeyspace("# Keyspace\r\n")).toEqual({});
    expect(parseInfoNumber("# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n", "used_memory")).toBe(
      1048576,
    );
    expect(parseInfoNumber("# Memory\r\n", "used_memory")).toBeUndefined();
  });
});
