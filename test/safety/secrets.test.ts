import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient } from "../helpers/client.js";
import { sc } from "../helpers/harness.js";
import { RawStdioTransport } from "../helpers/raw-stdio.js";

const { orders: ORDERS, sessions: SESSIONS, archive: ARCHIVE, reports: REPORTS } = SANDBOX_INSTANCE_IDS;
const WRONG_PW_INSTANCE = "crs-secret01";

const unique = (label: string) => `${label}-${randomUUID()}`;
const SECRETS = {
  secretKey: unique("secret-key"),
  sessionToken: unique("session-token"),
  instancePassword: unique("pw-instance"),
  allPassword: unique("pw-all"),
  wrongEnvPassword: unique("pw-wrong-env"),
  argumentPassword: unique("pw-argument"),
  wrongArgumentPassword: unique("pw-wrong-argument"),
};
const SECRET_ID = "AKIDSECRETSTEST000000000000000000000";

interface Session {
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  transport: RawStdioTransport;
  client: Client;
}

describe("secrets never leave the server: a whole session over stdio, at log level debug", () => {
  let fake: FakeCloud;
  let dir: string;
  const transports: RawStdioTransport[] = [];
  const results: CallToolResult[] = [];

  beforeAll(async () => {
    fake = await FakeCloud.start({
      credentials: [{ secretId: SECRET_ID, secretKey: SECRETS.secretKey, token: SECRETS.sessionToken }],
      preparingMs: 10,
      runningMs: 20,
    });
    fake.state.updateInstance(ORDERS, { password: SECRETS.instancePassword });
    fake.state.updateInstance(REPORTS, { password: SECRETS.allPassword });
    fake.state.addInstance({ InstanceId: WRONG_PW_INSTANCE, InstanceName: "wrong-pw", Region: "ap-guangzhou", password: "right" });
    fake.state.addBackup({ InstanceId: WRONG_PW_INSTANCE, BackupType: "0" });
    dir = mkdtempSync(join(tmpdir(), "secrets-"));
    mkdirSync(join(dir, "home"));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<Session> {
    const transport = new RawStdioTransport([], {
      PATH: process.env.PATH ?? "",
      HOME: join(dir, "home"),
      TMPDIR: dir,
      TENCENTCLOUD_SECRET_ID: SECRET_ID,
      TENCENTCLOUD_SECRET_KEY: SECRETS.secretKey,
      TENCENTCLOUD_SESSION_TOKEN: SECRETS.sessionToken,
      TENCENTCLOUD_REGION: "ap-guangzhou",
      TENCENTCLOUD_REDIS_ENDPOINT: fake.url,
      TENCENTCLOUD_REDIS_LOG_LEVEL: "debug",
      TENCENTCLOUD_REDIS_AUDIT_LOG: join(dir, "audit.jsonl"),
      TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "0.5",
      TENCENTCLOUD_REDIS_MAX_RETRIES: "1",
      TENCENTCLOUD_REDIS_RETRY_BASE_MS: "5",
      TENCENTCLOUD_REDIS_POLL_INITIAL_MS: "20",
      TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "0", // the same restores again and again, every one sent (as fakeEnv)
      ...env,
    });
    transports.push(transport);
    const { client } = await connectClient(transport, { name: "secrets-test" });
    await client.setLoggingLevel("debug");
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
      results.push(r);
      return r;
    };
    return { call, transport, client };
  }

  const idle = async (instanceId: string) => {
    for (let i = 0; i < 500 && fake.state.hasRestoreInFlight(instanceId); i++) await new Promise((r) => setTimeout(r, 5));
  };
  const backupOf = async (s: Session, instanceId: string, region?: string) =>
    (sc(await s.call("list_backups", { instanceId, region })).backups as Array<{ restorable: boolean; backupId: string }>).find(
      (b) => b.restorable,
    )?.backupId ?? "none";
  const confirmed = async (s: Session, args: Record<string, unknown>) => {
    const plan = sc(await s.call("restore_instance", args));
    return s.call("restore_instance", { ...args, confirmToken: plan.confirmToken ?? `ct_${"A".repeat(32)}` });
  };

  it("session 1: server-side passwords (per instance and for all), token confirmation, every error and fault", async () => {
    const s = await start({
      TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: SECRETS.instancePassword,
      TENCENTCLOUD_REDIS_PASSWORD_CRS_SECRET01: SECRETS.wrongEnvPassword,
      TENCENTCLOUD_REDIS_PASSWORD: SECRETS.allPassword,
    });
    const codes: string[] = [];
    const note = (r: CallToolResult) => codes.push(r.isError ? sc(r).error.code : (sc(r).status ?? "ok"));

    note(await s.call("list_instances", {}));
    const orders = await backupOf(s, ORDERS);
    // successes, the argument password given too (the server's wins)
    note(await confirmed(s, { instanceId: ORDERS, backupId: orders, password: SECRETS.argumentPassword }));
    note(await confirmed(s, { instanceId: REPORTS, region: "ap-shanghai", backupId: await backupOf(s, REPORTS, "ap-shanghai") }));
    // preflight refusals
    const all = sc(await s.call("list_backups", { instanceId: ORDERS })).backups as Array<{ backupId: string; status: string; locked: boolean }>;
    note(await s.call("restore_instance", { instanceId: "crs-nothere1", backupId: orders }));
    note(await s.call("restore_instance", { instanceId: ARCHIVE, backupId: "x-1" }));
    note(await s.call("restore_instance", { instanceId: ORDERS, backupId: all.find((b) => b.locked)?.backupId }));
    note(await s.call("restore_instance", { instanceId: ORDERS, backupId: all.find((b) => b.status === "expired")?.backupId }));
    note(await s.call("restore_instance", { instanceId: ORDERS, backupId: await backupOf(s, SESSIONS) }));
    // wrong server-side password, token misuse
    note(await confirmed(s, { instanceId: WRONG_PW_INSTANCE, backupId: await backupOf(s, WRONG_PW_INSTANCE) }));
    note(await s.call("restore_instance", { instanceId: ORDERS, backupId: orders, confirmToken: `ct_${"B".repeat(32)}` }));
    // injected API errors
    await idle(ORDERS);
    fake.inject("RestoreInstance", { kind: "error", code: "InternalError.InternalError" }, 1);
    note(await confirmed(s, { instanceId: ORDERS, backupId: orders }));
    fake.inject("DescribeInstances", { kind: "error", code: "AuthFailure.UnauthorizedOperation" }, 1);
    note(await s.call("list_instances", {}));
    // faults on the restore itself and on read-only calls
    for (const fault of [
      { kind: "status", status: 502 },
      { kind: "body", body: "<html>gateway</html>", contentType: "text/html" },
      { kind: "drop", phase: "after" },
      { kind: "hang", phase: "after" },
      { kind: "drop", phase: "before" },
    ] as const) {
      await idle(ORDERS);
      fake.inject("RestoreInstance", fault, 1);
      note(await confirmed(s, { instanceId: ORDERS, backupId: orders }));
    }
    fake.inject("DescribeInstanceBackups", { kind: "hang", phase: "before" }, 2);
    note(await s.call("list_backups", { instanceId: ORDERS }));
    fake.inject("DescribeTaskInfo", { kind: "drop", phase: "before" }, 2);
    note(await s.call("check_task", { taskId: 1 }));
    await s.client.close();

    expect(codes).toEqual([
      "ok",
      "submitted",
      "submitted",
      "ResourceNotFound.InstanceNotExists",
      "ResourceUnavailable.InstanceStatusAbnormal",
      "ResourceUnavailable.BackupLockedError",
      "ResourceUnavailable.BackupStatusAbnormal",
      "InvalidParameterValue.BackupNotExists",
      "InvalidParameterValue.PasswordError",
      "ClientError.ConfirmationInvalid",
      "InternalError.InternalError",
      "AuthFailure.UnauthorizedOperation",
      "ClientError.HttpStatus",
      "ClientError.BadResponse",
      "submitted",
      "submitted",
      "ClientError.NetworkError",
      "ClientError.Timeout",
      "ClientError.NetworkError",
    ]);
    expect(fake.requests.every((r) => r.signatureVerified)).toBe(true);
    expect(fake.requests.every((r) => r.headers["x-tc-token"] === SECRETS.sessionToken)).toBe(true);
  });

  it("session 2: the password as an argument, right and wrong, without confirmation", async () => {
    fake.state.updateInstance(ORDERS, { password: SECRETS.argumentPassword });
    const s = await start({ TENCENTCLOUD_REDIS_CONFIRM: "none" });
    await idle(ORDERS);
    const backupId = await backupOf(s, ORDERS);
    expect(sc(await s.call("restore_instance", { instanceId: ORDERS, backupId, password: SECRETS.argumentPassword }))).toMatchObject({
      status: "submitted",
      passwordSource: "argument",
    });
    await idle(ORDERS);
    const wrong = await s.call("restore_instance", { instanceId: ORDERS, backupId, password: SECRETS.wrongArgumentPassword });
    expect(sc(wrong).error.code).toBe("InvalidParameterValue.PasswordError");
    expect(sc(wrong).error.hint).toMatch(/password argument/);
    await s.client.close();
  });

  it("no secret appears in any byte written to stdout, stderr, the audit log or any file", async () => {
    const sources: Array<[string, Buffer]> = [];
    for (const [i, t] of transports.entries()) {
      expect(await t.exitCode()).toBe(0);
      expect(t.badLines).toEqual([]);
      sources.push([`stdout ${i}`, Buffer.concat(t.stdout)], [`stderr ${i}`, Buffer.concat(t.stderr)]);
    }
    const walk = (path: string): string[] =>
      statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => walk(join(path, name))) : [path];
    for (const file of walk(dir)) sources.push([file, readFileSync(file)]);

    // the session really wrote what is being searched: debug logs, MCP log notifications, audit lines
    const all = (name: string) => sources.filter(([n]) => n.startsWith(name)).map(([, b]) => b.toString("utf8")).join("");
    expect(all("stderr")).toMatch(/DEBUG/);
    expect(all("stderr")).toMatch(/api call failed/);
    expect(all("stdout")).toContain("notifications/message");
    const audit = readFileSync(join(dir, "audit.jsonl"), "utf8").trim().split("\n");
    expect(audit.length).toBeGreaterThan(20);
    expect(results.length).toBeGreaterThan(25);

    for (const [label, secret] of Object.entries(SECRETS)) {
      for (const needle of [secret, Buffer.from(secret).toString("base64")]) {
        for (const [where, bytes] of sources) {
          expect(bytes.includes(needle), `${label} found in ${where}`).toBe(false);
        }
      }
    }
  });
});
