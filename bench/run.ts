// `npm run bench`: the seven comparisons, side by side, in rounds. Prints the machine and a table of medians
// and ratios against each goal, and writes everything to bench/results/latest.json.
//   node dist-bench/bench/run.js [--quick] [--bundled <path to a bundled server entry>]

import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { replicaThroughput, stateOverhead } from "./replicas.js";
import { longTask } from "./fake-process.js";
import { HTTP_PER_CALL, httpPerCall, idleSessions } from "./http.js";
import { coldStart, memory, PER_CALL, perCall, throughput } from "./scenarios.js";
import { FakeCloud } from "../src/sandbox/fake.js";
import { median, percentile, round, table } from "./stats.js";

const { values: flags } = parseArgs({ options: { quick: { type: "boolean" }, bundled: { type: "string" } } });
const quick = flags.quick ?? false;

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGb: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
};
console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}`,
);

const began = performance.now();
const step = (name: string) => console.log(`... ${name} (${Math.round((performance.now() - began) / 1000)} s)`);

step("1. cold start");
const cold = await coldStart(quick ? 3 : 10, flags.bundled);
step("2 and 5. per-call overhead, keep-alive on and off");
const calls = await perCall(quick ? 2 : 5, quick ? 50 : 120);
step("3. throughput under the API limit");
const tput = await throughput(quick ? 1 : 2, 200, 20);
step("4. memory");
const mem = await memory(quick ? 1 : 2);
step("6. HTTP: per call vs stdio, and idle sessions");
const httpFake = await FakeCloud.start({ preparingMs: 3_600_000 });
const httpCalls = await httpPerCall(httpFake.url, longTask(httpFake), quick ? 2 : 5, quick ? 50 : 120);
const idle = await idleSessions(httpFake.url, 100);
await httpFake.close();
step("7. shared state: lock + token overhead per restore call");
const overhead = await stateOverhead(quick ? 2 : 5, quick ? 100 : 200);
step("8. three replicas under one shared budget");
const replicas = await replicaThroughput(quick ? 1 : 2, 3, 180, 20);

interface Row {
  comparison: string;
  subject: string;
  baseline: string;
  ratio: number;
  goal?: string;
  met?: boolean;
}
const rows: Row[] = [];
const ms = (n: number) => `${round(n, n < 10 ? 2 : 0)} ms`;
const mb = (n: number) => `${round(n / 2 ** 20, 1)} MB`;

const coldMedian = (name: string) => median(cold.ms[name] ?? []);
for (const name of Object.keys(cold.ms).filter((n) => n !== "minimal")) {
  const ratio = coldMedian(name) / coldMedian("minimal");
  rows.push({
    comparison: "1. cold start (spawn to tools/list, median)",
    subject: `${name} ${ms(coldMedian(name))}`,
    baseline: `minimal ${ms(coldMedian("minimal"))}`,
    ratio,
    ...(name === "server" ? { goal: "<= 1.15", met: ratio <= 1.15 } : {}),
  });
}

const callStat = (name: string, p: number) => percentile(calls.ms[name] ?? [], p);
const { mcpOn, mcpOff, sdkOn, sdkOff, mcpQuiet, floor } = PER_CALL;
const perCallRow = (p: number, subject: string, baseline: string, goal?: number): Row => {
  const ratio = callStat(subject, p) / callStat(baseline, p);
  return {
    comparison: `2. per call p${p} (${calls.calls} calls each)`,
    subject: `${subject} ${ms(callStat(subject, p))}`,
    baseline: `${baseline} ${ms(callStat(baseline, p))}`,
    ratio,
    ...(goal === undefined ? {} : { goal: `<= ${goal}`, met: ratio <= goal }),
  };
};
rows.push(
  perCallRow(50, mcpOn, sdkOn, 1.3),
  perCallRow(99, mcpOn, sdkOn),
  perCallRow(50, mcpOn, sdkOff),
  perCallRow(50, mcpQuiet, sdkOn),
  perCallRow(50, floor, sdkOn),
);

const elapsed = median(tput.elapsedMs);
const throttled = Math.max(...tput.throttled);
const failed = Math.max(...tput.failed);
rows.push({
  comparison: `3. throughput: ${tput.calls} concurrent at ${tput.limit}/s`,
  subject: `elapsed ${ms(elapsed)}, throttled ${throttled}, failed ${failed}`,
  baseline: `ideal ${ms(tput.idealMs)}`,
  ratio: elapsed / tput.idealMs,
  goal: "<= 1.10, 0 throttled",
  met: elapsed / tput.idealMs <= 1.1 && throttled === 0 && failed === 0,
});

const memoryRow = (who: "server" | "minimal", goal: boolean): Row => {
  const after10 = median(mem[who].after10);
  const after2000 = median(mem[who].after2000);
  return {
    comparison: "4. memory: RSS after 2,000 calls vs after 10",
    subject: `${who} after 2,000 ${mb(after2000)}`,
    baseline: `${who} after 10 ${mb(after10)}`,
    ratio: after2000 / after10,
    ...(goal ? { goal: "< 1.10", met: after2000 / after10 < 1.1 } : {}),
  };
};
rows.push(memoryRow("server", true), memoryRow("minimal", false), {
  comparison: "4. memory: idle RSS",
  subject: `server idle ${mb(median(mem.server.idle))}`,
  baseline: `minimal idle ${mb(median(mem.minimal.idle))}`,
  ratio: median(mem.server.idle) / median(mem.minimal.idle),
});

for (const [off, on] of [
  [mcpOff, mcpOn],
  [sdkOff, sdkOn],
] as const) {
  rows.push({
    comparison: "5. keep-alive off vs on (p50)",
    subject: `${off} ${ms(callStat(off, 50))}`,
    baseline: `${on} ${ms(callStat(on, 50))}`,
    ratio: callStat(off, 50) / callStat(on, 50),
  });
}

const httpStat = (name: string, p: number) => percentile(httpCalls.ms[name] ?? [], p);
for (const p of [50, 99]) {
  rows.push({
    comparison: `6. HTTP per call p${p} (${httpCalls.calls} calls each)`,
    subject: `HTTP ${ms(httpStat(HTTP_PER_CALL.http, p))}`,
    baseline: `stdio ${ms(httpStat(HTTP_PER_CALL.stdio, p))}`,
    ratio: httpStat(HTTP_PER_CALL.http, p) / httpStat(HTTP_PER_CALL.stdio, p),
  });
}
rows.push({
  comparison: `6. HTTP: RSS with ${idle.sessions} idle sessions more`,
  subject: `${mb(idle.after)} (${round(idle.perSession / 2 ** 20, 3)} MB per session)`,
  baseline: `one session ${mb(idle.before)}`,
  ratio: idle.after / idle.before,
  goal: "< 0.5 MB per idle session",
  met: idle.perSession < 0.5 * 2 ** 20,
});
const overheadP50 = { memory: median(overhead.ms.memory), redis: median(overhead.ms.redis) };
rows.push({
  comparison: `7. lock + token per restore call, p50 (${overhead.calls} each)`,
  subject: `redis ${ms(overheadP50.redis)}`,
  baseline: `memory ${ms(overheadP50.memory)}`,
  ratio: overheadP50.redis / overheadP50.memory,
});
const replicaElapsed = median(replicas.elapsedMs);
const replicaRate = replicas.calls / (replicaElapsed / 1000);
const replicaThrottled = Math.max(...replicas.throttled);
const replicaFailed = Math.max(...replicas.failed);
rows.push({
  comparison: `8. ${replicas.replicas} replicas, ${replicas.calls} calls, shared ${replicas.limit}/s`,
  subject: `${round(replicaRate, 1)}/s, throttled ${replicaThrottled}, failed ${replicaFailed}`,
  baseline: `ideal ${replicas.limit}/s`,
  ratio: replicaRate / replicas.limit,
  goal: ">= 0.90, 0 throttled",
  met: replicaRate / replicas.limit >= 0.9 && replicaThrottled === 0 && replicaFailed === 0,
});

console.log("");
console.log(
  table(
    ["comparison", "subject", "baseline", "ratio", "goal", "met"],
    rows.map((r) => [
      r.comparison,
      r.subject,
      r.baseline,
      round(r.ratio).toFixed(2),
      r.goal ?? "(record)",
      r.met === undefined ? "" : r.met ? "yes" : "NO",
    ]),
  ),
);
const seconds = round((performance.now() - began) / 1000, 1);
console.log(`\nTotal ${seconds} s. Raw figures: bench/results/latest.json`);

const summarise = (values: number[]) => ({
  median: round(median(values), 3),
  p99: round(percentile(values, 99), 3),
  min: round(Math.min(...values), 3),
  max: round(Math.max(...values), 3),
  n: values.length,
});
mkdirSync(new URL("../../bench/results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("../../bench/results/latest.json", import.meta.url),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      quick,
      seconds,
      rows: rows.map((r) => ({ ...r, ratio: round(r.ratio, 3) })),
      coldStartMs: Object.fromEntries(Object.entries(cold.ms).map(([k, v]) => [k, summarise(v)])),
      perCallMs: Object.fromEntries(Object.entries(calls.ms).map(([k, v]) => [k, summarise(v)])),
      throughput: tput,
      memoryBytes: mem,
      httpPerCallMs: Object.fromEntries(Object.entries(httpCalls.ms).map(([k, v]) => [k, summarise(v)])),
      httpIdleSessions: idle,
      stateOverheadMs: { memory: summarise(overhead.ms.memory), redis: summarise(overhead.ms.redis) },
      replicas,
    },
    null,
    2,
  )}\n`,
);
const missed = rows.filter((r) => r.met === false).map((r) => r.comparison);
console.log(missed.length ? `Goals missed: ${missed.join("; ")}` : "Every goal met.");
