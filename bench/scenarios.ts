// The five measurements of `npm run bench`. Each runs its subject and its baseline side by side, in rounds,
// and returns raw figures; run.ts turns them into the table and the JSON.

import { fork } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import type { LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { redis } from "tencentcloud-sdk-nodejs/tencentcloud/services/redis/index.js";
import { FakeCloud, SANDBOX_API_HOST } from "../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "../src/sandbox/seed.js";
import { cpuMsOf, RpcProcess } from "../test/helpers/rpc.js";
import { longTask } from "./fake-process.js";
import { sleep } from "./stats.js";

const MINIMAL_ENTRY = fileURLToPath(new URL("./minimal-server.js", import.meta.url));
const FAKE_ENTRY = fileURLToPath(new URL("./fake-process.js", import.meta.url));
const SDK_ENTRY = fileURLToPath(new URL("./sdk-process.js", import.meta.url));

type SdkClient = InstanceType<typeof redis.v20180412.Client>;

/** The environment of a server pointed at a fake, otherwise at its defaults (log level info). */
export function serverEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
    TENCENTCLOUD_REGION: SANDBOX_REGION,
    TENCENTCLOUD_REDIS_ENDPOINT: url,
    ...extra,
  };
}

/**
 * The SDK used directly, as the sandbox tests do (endpoint redis.tencentcloudapi.com:PORT, connected to the
 * loopback address), with or without a keep-alive agent.
 */
export function directClient(port: number, keepAlive: boolean): SdkClient {
  const lookup = ((_host, options, callback) => {
    if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  }) as LookupFunction;
  return new redis.v20180412.Client({
    credential: { secretId: SANDBOX_CREDENTIALS.secretId, secretKey: SANDBOX_CREDENTIALS.secretKey },
    region: SANDBOX_REGION,
    profile: {
      language: "en-US",
      httpProfile: {
        endpoint: `${SANDBOX_API_HOST}:${port}`,
        protocol: "http://",
        agent: new http.Agent({ keepAlive, lookup }),
        reqTimeout: 30,
      },
    },
  });
}

/** The fake in a child process (see fake-process.ts). */
export async function remoteFake(): Promise<{ port: number; url: string; taskId: number; close(): void }> {
  const child = fork(FAKE_ENTRY, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const info = await new Promise<{ port: number; url: string; taskId: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { port: number; url: string; taskId: number }));
    child.once("exit", (code) => reject(new Error(`the fake process exited (${code})`)));
  });
  return { ...info, close: () => child.disconnect() };
}

export async function started(args: string[], env: Record<string, string>, entry?: string): Promise<RpcProcess> {
  const server = RpcProcess.spawn(args, env, { entry, keep: false });
  await server.initialize();
  return server;
}

async function callOk(server: RpcProcess, name: string, args: Record<string, unknown>): Promise<void> {
  const response = await server.callTool(name, args);
  if (response.error || response.result?.isError) throw new Error(`${name} failed: ${JSON.stringify(response)}`);
}

// ---- 1. Cold start ---------------------------------------------------------------------------------------

export interface ColdStart {
  rounds: number;
  ms: Record<string, number[]>;
}

/** The baseline build's cold start (--baseline), measured in the same rounds as this build's. */
export const COLD_BASELINE = "baseline build";

/** spawn -> initialize -> tools/list answered, for each subject in turn, `rounds` times (after one warm-up). */
export async function coldStart(rounds: number, bundled?: string, baseline?: string): Promise<ColdStart> {
  const fake = await FakeCloud.start();
  const audit = largeAuditLog(50 * 2 ** 20);
  const subjects: Record<string, () => RpcProcess> = {
    server: () => RpcProcess.spawn([], serverEnv(fake.url), { keep: false }),
    // Only the log's tail is read at start, whatever its size
    "server, 50 MB audit log": () =>
      RpcProcess.spawn([], serverEnv(fake.url, { TENCENTCLOUD_REDIS_AUDIT_LOG: audit.path }), { keep: false }),
    "server --sandbox": () => RpcProcess.spawn(["--sandbox"], {}, { keep: false }),
    minimal: () => RpcProcess.spawn([], {}, { entry: MINIMAL_ENTRY, keep: false }),
  };
  if (bundled)
    subjects["server (bundled)"] = () => RpcProcess.spawn([], serverEnv(fake.url), { entry: bundled, keep: false });
  if (baseline)
    subjects[COLD_BASELINE] = () => RpcProcess.spawn([], serverEnv(fake.url), { entry: baseline, keep: false });
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  try {
    for (let round = 0; round <= rounds; round++) {
      // the order reversed every other round: no subject always goes first, or right after another
      const order = Object.entries(subjects);
      if (round % 2 === 1) order.reverse();
      for (const [name, spawnIt] of order) {
        const t0 = performance.now();
        const server = spawnIt();
        await server.initialize();
        const list = await server.request("tools/list");
        const elapsed = performance.now() - t0;
        if (!Array.isArray(list.result?.tools)) throw new Error(`${name}: tools/list failed`);
        await server.close();
        if (round > 0) ms[name]?.push(elapsed);
      }
    }
  } finally {
    await fake.close();
    audit.remove();
  }
  return { rounds, ms };
}

/** An audit log of about `bytes` of real-looking records (intents and outcomes), in a temporary directory. */
function largeAuditLog(bytes: number): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "bench-audit-"));
  const path = join(dir, "audit.jsonl");
  const record = (i: number, outcome: string) =>
    `${JSON.stringify({
      time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      event: "restore_instance",
      operationId: `op_bench-${i}`,
      action: "RestoreInstance",
      caller: "token:ops",
      region: "ap-guangzhou",
      instanceId: "crs-bench001",
      backupId: `1250000000-8362905-${i}`,
      confirm: "token",
      outcome,
      taskId: outcome === "submitted" ? i : undefined,
      passwordSource: "env",
    })}\n`;
  const chunk = Array.from({ length: 1000 }, (_, i) => record(i, "intent") + record(i, "submitted")).join("");
  for (let written = 0; written < bytes; written += chunk.length) appendFileSync(path, chunk);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- 2 and 5. Per-call overhead, keep-alive on and off ----------------------------------------------------

export interface PerCall {
  calls: number;
  ms: Record<string, number[]>;
  /** CPU time of the serving process per call (user + system), for the subjects that are a server process. */
  cpuMsPerCall: Record<string, number>;
}

export const PER_CALL = {
  mcpOn: "mcp check_task (keep-alive)",
  sdkOn: "sdk DescribeTaskInfo (keep-alive)",
  mcpOff: "mcp check_task (no keep-alive)",
  sdkOff: "sdk DescribeTaskInfo (no keep-alive)",
  mcpQuiet: "mcp check_task (keep-alive, log level warning)",
  floor: "minimal server echo (MCP stdio floor)",
  mcpBaseline: "mcp check_task (keep-alive), baseline build",
  sdkProcess: "sdk DescribeTaskInfo (keep-alive, a process of its own)",
} as const;

/** The SDK in a process of its own (sdk-process.ts): `calls` sequential calls, their wall times. */
function sdkProcess(port: number, taskId: number) {
  const child = fork(SDK_ENTRY, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return {
    pid: child.pid ?? 0,
    run: (calls: number) =>
      new Promise<number[]>((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`the SDK process exited (${code})`));
        child.once("exit", exited);
        child.once("message", (ms) => {
          child.off("exit", exited); // one listener a run, not one more each round
          resolve(ms as number[]);
        });
        child.send({ port, taskId, calls });
      }),
    close: () => child.disconnect(),
  };
}

/**
 * check_task over stdio (the server with keep-alive on and off, and with per-call logging off) vs
 * DescribeTaskInfo with the SDK directly (with and without a keep-alive agent), against one fake in its own
 * process; plus the minimal server's echo, the cost of an MCP round trip alone. `rounds` x `perRound`
 * sequential calls each, interleaved by round.
 */
export async function perCall(
  rounds: number,
  perRound: number,
  baseline?: string,
  baselineFirst = false,
): Promise<PerCall> {
  const fake = await remoteFake();
  // The server's client-side limit is raised to its maximum so that it measures overhead, not waiting.
  const env = (extra: Record<string, string> = {}) =>
    serverEnv(fake.url, { TENCENTCLOUD_REDIS_RATE_LIMIT: "1000", ...extra });
  // the same server built from another commit (--baseline), measured in the same rounds: own work before/after.
  // Which of the two is spawned first matters (a self-to-self run: the first one some 5% slower), so a run with a
  // baseline is made of two halves, each build spawned first in one (perCallBothWays).
  const spawnBaseline = () => (baseline ? started([], env(), baseline) : Promise.resolve(undefined));
  const early = baselineFirst ? await spawnBaseline() : undefined;
  const on = await started([], env());
  const off = await started([], env({ TENCENTCLOUD_REDIS_KEEP_ALIVE: "false" }));
  const quiet = await started([], env({ TENCENTCLOUD_REDIS_LOG_LEVEL: "warning" }));
  const minimal = await started([], {}, MINIMAL_ENTRY);
  const base = baselineFirst ? early : await spawnBaseline();
  const sdkOwn = sdkProcess(fake.port, fake.taskId);
  const sdkOn = directClient(fake.port, true);
  const sdkOff = directClient(fake.port, false);
  const check = { taskId: fake.taskId };
  try {
    const subjects: Record<string, () => Promise<unknown>> = {
      [PER_CALL.mcpOn]: () => callOk(on, "check_task", check),
      [PER_CALL.sdkOn]: () => sdkOn.DescribeTaskInfo({ TaskId: fake.taskId }),
      [PER_CALL.mcpOff]: () => callOk(off, "check_task", check),
      [PER_CALL.sdkOff]: () => sdkOff.DescribeTaskInfo({ TaskId: fake.taskId }),
      [PER_CALL.mcpQuiet]: () => callOk(quiet, "check_task", check),
      [PER_CALL.floor]: () => callOk(minimal, "echo", { text: "x" }),
    };
    if (base) {
      // beside this build's batch in every round (the two take turns going first, below)
      const order = Object.entries(subjects);
      order.splice(1, 0, [PER_CALL.mcpBaseline, () => callOk(base, "check_task", check)]);
      for (const key of Object.keys(subjects)) delete subjects[key];
      Object.assign(subjects, Object.fromEntries(order));
    }
    const processes: Record<string, RpcProcess> = {
      [PER_CALL.mcpOn]: on,
      [PER_CALL.mcpOff]: off,
      [PER_CALL.mcpQuiet]: quiet,
      [PER_CALL.floor]: minimal,
      ...(base ? { [PER_CALL.mcpBaseline]: base } : {}),
    };
    const ms: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    const cpu: Record<string, number> = Object.fromEntries(Object.keys(processes).map((k) => [k, 0]));
    ms[PER_CALL.sdkProcess] = [];
    cpu[PER_CALL.sdkProcess] = 0;
    for (const call of Object.values(subjects)) for (let i = 0; i < 100; i++) await call(); // warm-up
    await sdkOwn.run(100);
    for (let round = 0; round < rounds; round++) {
      const sdkCpuBefore = cpuMsOf(sdkOwn.pid);
      ms[PER_CALL.sdkProcess]?.push(...(await sdkOwn.run(perRound)));
      cpu[PER_CALL.sdkProcess] = (cpu[PER_CALL.sdkProcess] ?? 0) + (cpuMsOf(sdkOwn.pid) - sdkCpuBefore);
      await sleep(20);
      // this build and the baseline take turns going first (a self-to-self run showed the first batch of a round
      // some 3% slower): each meets the same moments of the machine as often as the other
      const order = Object.entries(subjects);
      if (base && round % 2 === 1)
        order.splice(0, 2, order[1] as [string, () => Promise<unknown>], order[0] as [string, () => Promise<unknown>]);
      for (const [name, call] of order) {
        const cpuBefore = processes[name]?.cpuMs() ?? 0;
        for (let i = 0; i < perRound; i++) {
          const t0 = performance.now();
          await call();
          ms[name]?.push(performance.now() - t0);
        }
        if (processes[name]) cpu[name] = (cpu[name] ?? 0) + (processes[name].cpuMs() - cpuBefore);
        await sleep(20);
      }
    }
    const calls = rounds * perRound;
    return { calls, ms, cpuMsPerCall: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / calls])) };
  } finally {
    await Promise.all([on.close(), off.close(), quiet.close(), minimal.close(), base?.close()]);
    sdkOwn.close();
    fake.close();
  }
}

/** perCall with a baseline: two halves, this build spawned first in one and the baseline in the other, pooled. */
export async function perCallBothWays(rounds: number, perRound: number, baseline?: string): Promise<PerCall> {
  if (!baseline) return perCall(rounds, perRound);
  const halves = [
    await perCall(rounds / 2, perRound, baseline, false),
    await perCall(rounds / 2, perRound, baseline, true),
  ];
  const names = Object.keys(halves[0]?.ms ?? {});
  return {
    calls: halves.reduce((n, h) => n + h.calls, 0),
    ms: Object.fromEntries(names.map((k) => [k, halves.flatMap((h) => h.ms[k] ?? [])])),
    cpuMsPerCall: Object.fromEntries(
      Object.keys(halves[0]?.cpuMsPerCall ?? {}).map((k) => [
        k,
        halves.reduce((s, h) => s + (h.cpuMsPerCall[k] ?? 0), 0) / 2,
      ]),
    ),
  };
}

// ---- 3. Throughput under the API limit -------------------------------------------------------------------

export interface Throughput {
  calls: number;
  limit: number;
  idealMs: number;
  elapsedMs: number[];
  throttled: number[];
  failed: number[];
}

/** `calls` concurrent check_task against a fake allowing `limit` per second; the server at its defaults. */
export async function throughput(rounds: number, calls: number, limit: number): Promise<Throughput> {
  const out: Throughput = { calls, limit, idealMs: (calls / limit) * 1000, elapsedMs: [], throttled: [], failed: [] };
  for (let round = 0; round < rounds; round++) {
    const fake = await FakeCloud.start({ preparingMs: 3_600_000 });
    const server = await started([], serverEnv(fake.url, { TENCENTCLOUD_REDIS_RATE_LIMIT: String(limit) }));
    try {
      const taskId = longTask(fake);
      fake.rateLimit = limit;
      fake.reset();
      await sleep(1100); // an empty window on both sides
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: calls }, () => server.callTool("check_task", { taskId })));
      out.elapsedMs.push(performance.now() - t0);
      out.failed.push(results.filter((r) => r.error || r.result?.isError).length);
      out.throttled.push(fake.requests.filter((r) => r.errorCode?.startsWith("RequestLimitExceeded")).length);
    } finally {
      await server.close();
      await fake.close();
    }
  }
  return out;
}

// ---- 4. Memory -------------------------------------------------------------------------------------------

export interface Rss {
  idle: number[];
  after10: number[];
  after2000: number[];
}

/** RSS of a server process: idle after tools/list, after 10 calls, after 2,000 (10 at a time). */
async function rssOf(server: RpcProcess, call: () => Promise<void>, out: Rss): Promise<void> {
  await server.request("tools/list");
  await sleep(300);
  out.idle.push(server.rss());
  for (let i = 0; i < 10; i++) await call();
  await sleep(300);
  out.after10.push(server.rss());
  for (let i = 10; i < 2000; i += 10) await Promise.all(Array.from({ length: 10 }, call));
  await sleep(300);
  out.after2000.push(server.rss());
}

/** The server's RSS under check_task calls, and the minimal server's under echo calls, `rounds` times. */
export async function memory(rounds: number): Promise<{ server: Rss; minimal: Rss }> {
  const out = { server: { idle: [], after10: [], after2000: [] }, minimal: { idle: [], after10: [], after2000: [] } };
  const fake = await FakeCloud.start({ preparingMs: 3_600_000 });
  const taskId = longTask(fake);
  try {
    for (let round = 0; round < rounds; round++) {
      const minimal = await started([], {}, MINIMAL_ENTRY);
      await rssOf(minimal, () => callOk(minimal, "echo", { text: "x" }), out.minimal).finally(() => minimal.close());
      const server = await started([], serverEnv(fake.url, { TENCENTCLOUD_REDIS_RATE_LIMIT: "1000" }));
      await rssOf(server, () => callOk(server, "check_task", { taskId }), out.server).finally(() => server.close());
    }
  } finally {
    await fake.close();
  }
  return out;
}
