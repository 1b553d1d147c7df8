// `tencentcloud-redis-mcp drill` (the built dist/) against the sandbox (the fake over loopback HTTP, real
// redis-servers): exit code 0 only for a drill that verified its clone and destroyed it; 1 for a drill that did
// not pass (its clone destroyed all the same) or could not start; 2 for bad arguments and for a plan without --yes.

import { execFile } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { fakeEnv } from "../helpers/harness.js";
import { requireRedisServer } from "../helpers/redis.js";
import { DIST_ENTRY } from "../helpers/stdio.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("the drill command", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    requireRedisServer();
    sandbox = await startSandbox({ preparingMs: 30, runningMs: 60, cloneMs: 150 });
  });
  afterAll(() => sandbox?.close());
  beforeEach(() => sandbox.fake.reset());

  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<Run>((resolve) => {
      const full = {
        PATH: process.env.PATH ?? "",
        ...fakeEnv(sandbox.fake, {
          TENCENTCLOUD_REDIS_CONFIRM: "token",
          TENCENTCLOUD_REDIS_LOG_LEVEL: "warning",
          TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: PASSWORD,
          ...env,
        }),
      };
      execFile(process.execPath, [DIST_ENTRY, ...args], { env: full, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  const writes = () =>
    sandbox.fake.requests.filter((q) => !q.action.startsWith("Describe") && !q.action.startsWith("Inquiry")).map((q) => q.action);

  it("exits 0 for a verified drill whose clone was destroyed, and prints the report as JSON", async () => {
    const r = await run(["drill", "--instance", CATALOG, "--yes", "--json"], { TENCENTCLOUD_REDIS_DRILL_MIN_KEYS: "1" });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ sourceInstanceId: CATALOG, status: "completed", passed: true, cleanedUp: true });
    expect(report.verification.level).toBe("data");
    expect(writes()).toEqual(["CloneInstances", "DestroyPostpaidInstance"]);
    expect(sandbox.fake.state.getInstance(report.cloneInstanceId)?.Status).toBe(-2);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it("exits 1 when the verification fails; the clone is destroyed all the same", async () => {
    const r = await run(["drill", "--instance", CATALOG, "--yes"], { TENCENTCLOUD_REDIS_DRILL_MIN_KEYS: "1000000" });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Result: not passed/);
    expect(r.stdout).toMatch(/Clone destroyed/);
    expect(writes()).toEqual(["CloneInstances", "DestroyPostpaidInstance"]);
  }, 60_000);

  it("exits 1 for an edition that cannot be cloned, nothing sent", async () => {
    const r = await run(["drill", "--instance", SANDBOX_INSTANCE_IDS.orders, "--yes", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe("ClientError.DrillUnsupported");
    expect(writes()).toEqual([]);
  }, 60_000);

  it("exits 2 without --yes (the plan, nothing created) and for bad arguments", async () => {
    const plan = await run(["drill", "--instance", CATALOG]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/not touched/);
    expect(plan.stdout).toMatch(/run again with --yes/);
    expect(writes()).toEqual([]);
    const missing = await run(["drill", "--yes"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--instance/);
  }, 60_000);
});
