// The built server (dist/index.js) started with --http in a child process: start, calls, graceful SIGTERM
// (a RestoreInstance already sent is awaited and recorded, /healthz 503 meanwhile, exit 0), start refusals,
// and no secret in any byte it writes.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { until } from "../helpers/follow.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { connectHttp, newToken, READ_WRITE, writeTokensFile } from "../helpers/http.js";
import { runToExit, startHttpChild } from "../helpers/http-child.js";
import { readAudit, restorableBackup } from "../safety/helpers.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const ORDERS_PASSWORD = SANDBOX_PASSWORDS[ORDERS] ?? "";

describe("dist/index.js --http in a child process", () => {
  let fake: FakeCloud;
  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
  });
  afterAll(() => fake.close());

  it("serves, and on SIGTERM: healthz 503, the restore already sent is awaited and recorded, exit 0; no secret written", async () => {
    const token = newToken();
    const audit = join(mkdtempSync(join(tmpdir(), "http-e2e-")), "audit.jsonl");
    const child = await startHttpChild(
      ["--port", "0"],
      fakeEnv(fake, {
        TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile({ bot: { token, scopes: READ_WRITE } }),
        TENCENTCLOUD_REDIS_AUDIT_LOG: audit,
        TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: ORDERS_PASSWORD,
      }),
    );
    const responses: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const copy = res.clone();
      void copy.text().then(
        (t) => responses.push(t),
        () => {},
      );
      return res;
    };
    try {
      expect(child.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const health = await fetch(new URL("/healthz", child.url));
      expect(await health.json()).toEqual({ status: "ok" });
      const c = await connectHttp(child.url, token, undefined, recordingFetch);
      const backupId = await restorableBackup(c, ORDERS);
      // RestoreInstance answers after 1.5 s: SIGTERM lands while it is in flight
      fake.inject("RestoreInstance", { kind: "delay", ms: 1500 }, 1);
      const restore = c.call("restore_instance", { instanceId: ORDERS, backupId });
      expect(await until(() => fake.count("RestoreInstance") === 1, 5000)).toBe(true);
      child.child.kill("SIGTERM");
      expect(await until(() => child.stderr().includes("shutting down"), 3000)).toBe(true);
      const during = await fetch(new URL("/healthz", child.url));
      expect(during.status).toBe(503);
      const r = await restore;
      expect(sc(r)).toMatchObject({ status: "submitted", instanceId: ORDERS, backupId });
      expect(await child.exited).toBe(0);
      // the graceful stop awaited the sent restore: its intent and its outcome, one operation (docs/crash-safety.md)
      const [intent, outcome] = readAudit(audit);
      expect(readAudit(audit)).toEqual([
        expect.objectContaining({ caller: "token:bot", outcome: "intent", action: "RestoreInstance" }),
        expect.objectContaining({ caller: "token:bot", outcome: "submitted", taskId: sc(r).taskId }),
      ]);
      expect(outcome?.operationId).toBe(intent?.operationId);
      expect(fake.count("RestoreInstance")).toBe(1);

      const written = [child.stderr(), child.stdout(), readFileSync(audit, "utf8"), ...responses].join("\n");
      expect(child.stderr()).toContain('"caller":"token:bot"'); // JSON lines in HTTP mode
      for (const secret of [token, SANDBOX_CREDENTIALS.secretKey, ORDERS_PASSWORD]) {
        expect(secret.length).toBeGreaterThan(5);
        expect(written).not.toContain(secret);
      }
    } finally {
      await child.stop("SIGKILL");
    }
  });

  it("SIGHUP re-reads the tokens file: a token added since is accepted, one removed is refused", async () => {
    const first = newToken();
    const second = newToken();
    const path = writeTokensFile({ first: { token: first, scopes: ["redis:read"] } });
    const child = await startHttpChild(["--port", "0"], fakeEnv(fake, { TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: path }));
    try {
      const status = async (token: string) => {
        const res = await fetch(child.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json, text/event-stream",
            Authorization: `Bearer ${token}`,
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
          }),
        });
        await res.body?.cancel();
        return res.status;
      };
      expect(await status(first)).toBe(200);
      expect(await status(second)).toBe(401);
      writeTokensFile({ second: { token: second, scopes: ["redis:read"] } }, 0o600, path);
      child.child.kill("SIGHUP");
      expect(await until(() => child.stderr().includes("SIGHUP"), 3000)).toBe(true);
      let accepted = false;
      for (let i = 0; i < 50 && !accepted; i++) {
        accepted = (await status(second)) === 200;
        if (!accepted) await new Promise((r) => setTimeout(r, 50));
      }
      expect(accepted).toBe(true);
      expect(await status(first)).toBe(401);
      child.child.kill("SIGTERM");
      expect(await child.exited).toBe(0);
    } finally {
      await child.stop("SIGKILL");
    }
  });

  it("refuses to start with TENCENTCLOUD_REDIS_HTTP_AUTH=none on 0.0.0.0 (non-zero exit, naming the variable)", async () => {
    const { code, stderr } = await runToExit(
      ["--http", "--host", "0.0.0.0", "--port", "0"],
      fakeEnv(fake, { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }),
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain("TENCENTCLOUD_REDIS_HTTP_AUTH");
    expect(stderr).not.toMatch(/listening/);
  });

  it("refuses to start with a tokens file readable by others (non-zero exit, naming the file's variable)", async () => {
    const path = writeTokensFile({ bot: { token: newToken(), scopes: READ_WRITE } }, 0o644);
    const { code, stderr } = await runToExit(
      ["--http", "--port", "0"],
      fakeEnv(fake, { TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: path }),
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain("TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE");
    expect(stderr).not.toMatch(/listening/);
  });

  it("refuses to start in HTTP mode with no authentication configured", async () => {
    const { code, stderr } = await runToExit(["--http", "--port", "0"], fakeEnv(fake));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/TENCENTCLOUD_REDIS_HTTP_(TOKENS_FILE|AUTH)/);
  });

  it("AUTH=none on loopback serves an anonymous caller", async () => {
    const child = await startHttpChild(["--port", "0"], fakeEnv(fake, { TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }));
    try {
      const c = await connectHttp(child.url);
      expect((await c.call("list_instances")).isError).toBeFalsy();
      expect(await until(() => child.stderr().includes('"caller":"anonymous"'), 3000)).toBe(true);
      await c.close();
      child.child.kill("SIGINT");
      expect(await child.exited).toBe(0);
    } finally {
      await child.stop("SIGKILL");
    }
  });
});
