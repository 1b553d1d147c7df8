import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { until } from "../helpers/follow.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { connectHttp, newToken, READ_WRITE, writeTokensFile } from "../helpers/http.js";
import { startHttpChild } from "../helpers/http-child.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../helpers/otlp.js";
import { DIST_ENTRY, startStdio } from "../helpers/stdio.js";

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
const PASSWORD = SANDBOX_PASSWORDS[ORDERS] ?? "";
const SESSION_TOKEN = `sts-token-${randomBytes(12).toString("hex")}`;
const SERVER = 2;
const CLIENT = 3;

/** A caller's W3C trace context: a fresh trace id and parent span id. */
function callerTrace() {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** Every byte the receiver got, as text (JSON bodies; protobuf strings are UTF-8 inside the bytes too). */
function everything(receiver: OtlpReceiver): string {
  return Buffer.concat(receiver.requests.map((r) => r.body)).toString("utf8");
}

describe("traces exported with OTLP/HTTP by the built server", () => {
  let fake: FakeCloud;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    fake = await FakeCloud.start({
      preparingMs: 50,
      runningMs: 150,
      credentials: [{ ...SANDBOX_CREDENTIALS, token: SESSION_TOKEN }],
    });
  });
  afterAll(() => fake.close());

  describe("stdio, http/json: a restore (plan, confirm, check_task) in the caller's trace", () => {
    const caller = callerTrace();
    const meta = { traceparent: caller.traceparent, tracestate: "rojo=00f067aa0ba902b7" };
    let spans: ReceivedSpan[] = [];
    let restoreRequestId = "";
    /** The actions the fake received during the traced calls (the retried one twice). */
    let received: string[] = [];

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      const s = await startStdio(
        [],
        fakeEnv(fake, {
          TENCENTCLOUD_SESSION_TOKEN: SESSION_TOKEN,
          TENCENTCLOUD_REDIS_CONFIRM: "token",
          TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: PASSWORD,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_SERVICE_NAME: "redis-restore-traced",
          OTEL_BSP_SCHEDULE_DELAY: "50",
        }),
      );
      const call = (name: string, args: Record<string, unknown>) =>
        s.client.callTool({ name, arguments: args, _meta: meta }) as Promise<CallToolResult>;
      try {
        const backups = sc(await s.call("list_backups", { instanceId: ORDERS })).backups as Array<{
          restorable: boolean;
          backupId: string;
        }>;
        const backupId = backups.find((b) => b.restorable)?.backupId;
        // the plan's first read fails once with an error the client resends: a retry in the span
        fake.inject("DescribeInstanceBackups", { kind: "error", code: "InternalError" }, 1);
        const before = fake.requests.length;
        const plan = sc(await call("restore_instance", { instanceId: ORDERS, backupId }));
        expect(plan.status).toBe("confirmation_required");
        const done = sc(
          await call("restore_instance", { instanceId: ORDERS, backupId, confirmToken: plan.confirmToken }),
        );
        expect(done.status).toBe("submitted");
        restoreRequestId = done.requestId;
        let status = "";
        for (let i = 0; i < 100 && status !== "succeed"; i++) {
          status = sc(await call("check_task", { taskId: done.taskId })).status;
          if (status !== "succeed") await new Promise((r) => setTimeout(r, 50));
        }
        expect(status).toBe("succeed");
        received = fake.requests.slice(before).map((r) => r.action);
      } finally {
        await s.close();
      }
      // everything ended is exported (the batch every 50 ms, the rest at shutdown)
      await until(() => receiver.spans().some((x) => x.name === "tools/call check_task"), 5000);
      spans = receiver.spans();
    });
    afterAll(() => receiver.close());

    it("has one trace, the caller's, whose tool spans are children of the caller's span", () => {
      const inCaller = spans.filter((x) => x.traceId === caller.traceId);
      const tools = inCaller.filter((x) => x.kind === SERVER);
      expect(tools.map((x) => x.name)).toEqual(
        expect.arrayContaining(["tools/call restore_instance", "tools/call check_task"]),
      );
      expect(tools.filter((x) => x.name === "tools/call restore_instance")).toHaveLength(2);
      for (const t of tools) {
        expect(t.parentSpanId).toBe(caller.spanId);
        expect(t.traceState).toBe(meta.tracestate);
        expect(t.attributes).toMatchObject({
          "mcp.method.name": "tools/call",
          "gen_ai.operation.name": "execute_tool",
          "network.transport": "pipe",
        });
        expect(t.name).toBe(`tools/call ${t.attributes["gen_ai.tool.name"]}`);
        expect(t.attributes["jsonrpc.request.id"]).toMatch(/^\d+$/);
        expect(t.attributes["error.type"]).toBeUndefined();
      }
      // list_backups carried no _meta: a trace of its own
      const listing = spans.find((x) => x.name === "tools/call list_backups");
      expect(listing?.traceId).not.toBe(caller.traceId);
      expect(listing?.parentSpanId).toBeUndefined();
      expect(spans[0]?.resource["service.name"]).toBe("redis-restore-traced");
    });

    it("has a child span per cloud call, with its action, region and RequestId", () => {
      const tools = new Map(spans.filter((x) => x.kind === SERVER).map((x) => [x.spanId, x]));
      const cloud = spans.filter((x) => x.traceId === caller.traceId && x.kind === CLIENT);
      // one span per call the fake answered, the retried call's two requests in one span
      expect(received).toEqual(
        expect.arrayContaining(["DescribeInstanceBackups", "RestoreInstance", "DescribeTaskInfo"]),
      );
      expect(new Set(cloud.map((x) => x.name))).toEqual(new Set(received.map((action) => `redis.${action}`)));
      expect(cloud).toHaveLength(received.length - 1);
      for (const c of cloud) {
        expect(tools.has(c.parentSpanId ?? "")).toBe(true);
        expect(c.name).toBe(`redis.${c.attributes["rpc.method"]}`);
        expect(c.attributes).toMatchObject({
          "cloud.region": "ap-guangzhou",
          "rpc.service": "redis",
          "cloud.provider": "tencent_cloud",
        });
        expect(c.attributes["tencentcloud.request_id"]).toMatch(/^[0-9a-f-]{36}$/);
      }
      const restore = cloud.filter((x) => x.name === "redis.RestoreInstance");
      expect(restore).toHaveLength(1);
      expect(restore[0]?.attributes["tencentcloud.request_id"]).toBe(restoreRequestId);
      expect(tools.get(restore[0]?.parentSpanId ?? "")?.name).toBe("tools/call restore_instance");
    });

    it("records the retry: two attempts and an event with the first answer's code", () => {
      const retried = spans.find((x) => x.name === "redis.DescribeInstanceBackups" && x.events.length > 0);
      expect(retried?.attributes["tencentcloud.attempts"]).toBe(2);
      expect(retried?.events[0]).toMatchObject({
        name: "retry",
        attributes: { attempt: 1, "error.type": "InternalError" },
      });
      expect(retried?.status?.code ?? 0).not.toBe(2);
    });

    it("sends no secret: not the SecretKey, the session token or the instance password", () => {
      const bytes = everything(receiver);
      expect(bytes.length).toBeGreaterThan(1000);
      for (const secret of [SANDBOX_CREDENTIALS.secretKey, SESSION_TOKEN, PASSWORD]) {
        expect(secret.length).toBeGreaterThan(8);
        expect(bytes).not.toContain(secret);
      }
      for (const s of spans) expect(JSON.stringify(s)).not.toMatch(/password|secret/i);
    });
  });

  it("HTTP, http/protobuf: a tool call joins the trace of the request's traceparent header; no token sent", async () => {
    const proto = await startOtlpReceiver();
    const token = newToken();
    const caller = callerTrace();
    const child = await startHttpChild(
      ["--port", "0"],
      fakeEnv(fake, {
        TENCENTCLOUD_SESSION_TOKEN: SESSION_TOKEN,
        TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile({ bot: { token, scopes: READ_WRITE } }),
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${proto.url}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: "50",
      }),
    );
    const withTraceparent: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("traceparent", caller.traceparent);
      return fetch(input, { ...init, headers });
    };
    try {
      const c = await connectHttp(child.url, token, undefined, withTraceparent);
      expect((await c.call("list_instances", {})).isError).toBeFalsy();
      // with both, _meta names the parent: its trace id and span id are in what is sent
      const metaCaller = callerTrace();
      const withMeta = await c.client.callTool({
        name: "list_backups",
        arguments: { instanceId: SANDBOX_INSTANCE_IDS.orders },
        _meta: { traceparent: metaCaller.traceparent },
      });
      expect(withMeta.isError).toBeFalsy();
      const sessionId = c.transport.sessionId ?? "";
      await c.close();
      expect(await until(() => everything(proto).includes("redis.DescribeInstanceBackups"), 5000)).toBe(true);
      const request = proto.requests[0];
      expect(request?.path).toBe("/v1/traces");
      expect(request?.contentType).toBe("application/x-protobuf");
      const bytes = Buffer.concat(proto.requests.map((r) => r.body));
      // the caller's trace id and span id, as bytes, and the span's names and session
      expect(bytes.includes(Buffer.from(caller.traceId, "hex"))).toBe(true);
      expect(bytes.includes(Buffer.from(caller.spanId, "hex"))).toBe(true);
      expect(bytes.includes(Buffer.from(metaCaller.traceId, "hex"))).toBe(true);
      expect(bytes.includes(Buffer.from(metaCaller.spanId, "hex"))).toBe(true);
      const text = bytes.toString("utf8");
      for (const expected of [
        "tools/call list_instances",
        "mcp.session.id",
        sessionId,
        "mcp.protocol.version",
        "tcp",
        "tencentcloud.request_id",
      ]) {
        expect(text).toContain(expected);
      }
      for (const secret of [token, SANDBOX_CREDENTIALS.secretKey, SESSION_TOKEN]) expect(text).not.toContain(secret);
    } finally {
      await child.stop();
      await proto.close();
    }
  });
});

describe("tracing off", () => {
  let fake: FakeCloud;
  beforeAll(async () => {
    fake = await FakeCloud.start();
  });
  afterAll(() => fake.close());

  /** Runs one cloud-calling tool over stdio with these OTEL_* variables, then shuts the server down. */
  async function oneCall(otel: Record<string, string>): Promise<void> {
    const s = await startStdio([], fakeEnv(fake, { OTEL_BSP_SCHEDULE_DELAY: "50", ...otel }));
    try {
      expect((await s.call("list_instances", {})).isError).toBeFalsy();
    } finally {
      await s.close();
    }
    await new Promise((r) => setTimeout(r, 300));
  }

  it("without an endpoint, nothing reaches the OTLP default address (localhost:4318)", async () => {
    // where an exporter with no endpoint would send: OTLP/HTTP's default, on both loopback families
    const v4 = await startOtlpReceiver("127.0.0.1", 4318);
    const v6 = await startOtlpReceiver("::1", 4318).catch(() => undefined);
    try {
      await oneCall({ OTEL_SERVICE_NAME: "not-traced", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
      expect(v4.connections() + (v6?.connections() ?? 0)).toBe(0);
    } finally {
      await v4.close();
      await v6?.close();
    }
  });

  it("with an endpoint but OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, nothing is sent", async () => {
    const receiver = await startOtlpReceiver();
    try {
      await oneCall({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: "true" });
      await oneCall({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: "none" });
      expect(receiver.connections()).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it("the stdio start path loads no OpenTelemetry: it is only in a chunk imported on demand", () => {
    const dist = dirname(DIST_ENTRY);
    // the modules a start loads: the entry and what it imports statically, transitively
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, "utf8");
      for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'();]*?\bfrom\s*)?["']([^"']+)["']/g)) {
        const spec = m[1] ?? "";
        if (spec.startsWith(".")) visit(join(dirname(file), spec));
        else expect(spec, `${file} imports ${spec} statically`).not.toMatch(/^@opentelemetry\//);
      }
      expect(code.includes("@opentelemetry/"), `${file} names OpenTelemetry`).toBe(false);
    };
    visit(DIST_ENTRY);
    expect(seen.size).toBeGreaterThan(1);
    const otel = readdirSync(join(dist, "chunks")).filter((f) =>
      readFileSync(join(dist, "chunks", f), "utf8").includes("@opentelemetry/sdk-trace-node"),
    );
    expect(otel).toHaveLength(1);
    expect([...seen].some((f) => f.endsWith(otel[0] ?? "none"))).toBe(false);
  });
});
