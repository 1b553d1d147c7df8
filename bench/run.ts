// `npm run bench`: the comparisons, side by side, in rounds. Prints the machine and a table of medians and
// ratios against each goal, writes everything to bench/results/latest.json and the table as Markdown to
// bench/results/latest.md; with --results, also into bench/RESULTS.md (between its bench:table markers).
//   node dist-bench/bench/run.js [--quick] [--bundled <path>] [--baseline <commit or dist/index.js>] [--results]
// --baseline builds the server at that commit (once, in the temp directory) and measures it beside this build.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { baselineEntry } from "./baseline.js";
import { apiBudget } from "./budget.js";
import { cloneRoute } from "./clone.js";
import { replicaThroughput, stateOverhead } from "./replicas.js";
import { longTask } from "./fake-process.js";
import { HTTP_PER_CALL, httpPerCall, idleSessions } from "./http.js";
import { COLD_BASELINE, coldStart, memory, PER_CALL, perCallBothWays, throughput } from "./scenarios.js";
import { FakeCloud } from "../src/sandbox/fake.js";
import { median, percentile, round, table } from "./stats.js";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean" },
    bundled: { type: "string" },
    baseline: { type: "string" },
    results: { type: "boolean" },
  },
});
const quick = flags.quick ?? false;
const baseline = flags.baseline ? baselineEntry(flags.baseline) : undefined;

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGb: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  /** 1-minute load average at the start, and its highest seen between sections: how busy the machine was. */
  loadAverage: { start: round(os.loadavg()[0] ?? 0, 1), max: round(os.loadavg()[0] ?? 0, 1) },
};
const machineLine = () =>
  `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}; ` +
  `load average ${machine.loadAverage.start} at the start, up to ${machine.loadAverage.max}`;
console.log(`Machine: ${machineLine()}`);
if (baseline) console.log(`Baseline build: ${baseline.label} (${baseline.entry})`);

const began = performance.now();
const step = (name: string) => {
  machine.loadAverage.max = Math.max(machine.loadAverage.max, round(os.loadavg()[0] ?? 0, 1));
  console.log(`... ${name} (${Math.round((performance.now() - began) / 1000)} s)`);
};

step("1. cold start");
const cold = await coldStart(quick ? 3 : 10, flags.bundled, baseline?.entry);
step("2 and 5. per-call overhead, keep-alive on and off");
const calls = await perCallBothWays(quick ? 4 : 20, quick ? 50 : 100, baseline?.entry); // rounds: a multiple of 4 (perCall)
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
step("9. API budget: requests per poll, API calls per restore in place");
const THIS_BUILD = "this build";
const budget = await apiBudget({ [THIS_BUILD]: undefined, ...(baseline ? { [baseline.label]: baseline.entry } : {}) });
step("10. the clone route: dark time, time to running, API calls per restore");
const clone = await cloneRoute(quick ? 1 : 3);
step("done");

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
for (const name of Object.keys(cold.ms).filter((n) => n !== "minimal" && n !== COLD_BASELINE)) {
  const ratio = coldMedian(name) / coldMedian("minimal");
  rows.push({
    comparison: "1. cold start (spawn to tools/list, median)",
    subject: `${name} ${ms(coldMedian(name))}`,
    baseline: `minimal ${ms(coldMedian("minimal"))}`,
    ratio,
    ...(name === "server" ? { goal: "<= 1.15", met: ratio <= 1.15 } : {}),
  });
}

if (baseline) {
  const ratio = coldMedian("server") / coldMedian(COLD_BASELINE);
  rows.push({
    comparison: "1. cold start (spawn to tools/list, median)",
    subject: `this build ${ms(coldMedian("server"))}`,
    baseline: `${baseline.label} ${ms(coldMedian(COLD_BASELINE))}`,
    ratio,
    goal: "<= 1.05",
    met: ratio <= 1.05,
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

// Our own work per call: check_task over stdio minus the raw SDK call minus a bare MCP round trip (p50s), and
// the CPU time the server process spent per call; this build beside the baseline build, in the same rounds.
const ownWork = (subject: string) => callStat(subject, 50) - callStat(sdkOn, 50) - callStat(floor, 50);
const cpuOf = (subject: string) => calls.cpuMsPerCall[subject] ?? Number.NaN;
const ownBaseline = baseline ? ownWork(PER_CALL.mcpBaseline) : undefined;
rows.push({
  comparison: "2. own work per call p50 (check_task - SDK - MCP floor)",
  subject: `this build ${ms(ownWork(mcpOn))}`,
  baseline: ownBaseline === undefined ? "(no --baseline)" : `${baseline?.label} ${ms(ownBaseline)}`,
  ratio: ownBaseline === undefined ? Number.NaN : ownWork(mcpOn) / ownBaseline,
  goal: "<= 0.5 ms",
  met: ownWork(mcpOn) <= 0.5,
});
rows.push({
  comparison: "2. own work per call p50, log level warning",
  subject: `this build ${ms(ownWork(mcpQuiet))}`,
  baseline: `default level ${ms(ownWork(mcpOn))}`,
  ratio: ownWork(mcpQuiet) / ownWork(mcpOn),
});
// The same in CPU time (user + system, /proc), which a loaded machine's scheduling delays do not inflate: the
// server process's per check_task, minus the SDK's in a process of its own, minus the minimal server's per echo.
const ownCpu = (subject: string) => cpuOf(subject) - cpuOf(PER_CALL.sdkProcess) - cpuOf(floor);
rows.push({
  comparison: "2. own CPU per call (server's CPU per check_task - SDK process's - minimal server's)",
  subject: `this build ${ms(ownCpu(mcpOn))} (server ${ms(cpuOf(mcpOn))})`,
  baseline: baseline
    ? `${baseline.label} ${ms(ownCpu(PER_CALL.mcpBaseline))} (server ${ms(cpuOf(PER_CALL.mcpBaseline))})`
    : "(no --baseline)",
  ratio: baseline ? ownCpu(mcpOn) / ownCpu(PER_CALL.mcpBaseline) : Number.NaN,
  goal: "<= 0.5 ms",
  met: ownCpu(mcpOn) <= 0.5,
});
rows.push({
  comparison: "2. CPU per call of the SDK alone and of the MCP floor",
  subject: `SDK ${ms(cpuOf(PER_CALL.sdkProcess))}`,
  baseline: `minimal echo ${ms(cpuOf(floor))}`,
  ratio: cpuOf(PER_CALL.sdkProcess) / cpuOf(floor),
});

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

const perPoll = (who: string) => budget.polls[who];
const mine = perPoll(THIS_BUILD);
const theirs = baseline ? perPoll(baseline.label) : undefined;
const pollText = (c: { first: number; later: number } | undefined) =>
  c ? `first ${c.first}, then ${round(c.later, 2)} per poll` : "(no --baseline)";
if (mine) {
  rows.push({
    comparison: "9. requests per check_task: a running task started elsewhere",
    subject: `this build ${pollText(mine.running)}`,
    baseline: `${baseline?.label ?? "baseline"} ${pollText(theirs?.running)}`,
    ratio: theirs ? mine.running.later / theirs.running.later : Number.NaN,
    goal: "<= 1 per later poll",
    met: mine.running.later <= 1,
  });
  rows.push({
    comparison: "9. requests per check_task: a backup task that ended",
    subject: `this build ${pollText(mine.ended)}`,
    baseline: `${baseline?.label ?? "baseline"} ${pollText(theirs?.ended)}`,
    ratio: theirs && theirs.ended.later > 0 ? mine.ended.later / theirs.ended.later : Number.NaN,
    goal: "<= 1 per later poll",
    met: mine.ended.later <= 1,
  });
}
const byAction = (calls: Record<string, number> | undefined) =>
  calls
    ? `${Object.values(calls).reduce((a, b) => a + b, 0)}: ${Object.entries(calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([action, n]) => `${action} ${n}`)
        .join(", ")}`
    : "(no --baseline)";
const totalOf = (calls: Record<string, number> | undefined) =>
  calls ? Object.values(calls).reduce((a, b) => a + b, 0) : Number.NaN;
rows.push({
  comparison: "9. API calls per restore in place (list_backups, plan, confirm, check_task until done)",
  subject: `this build ${byAction(budget.restore[THIS_BUILD])}`,
  baseline: `${baseline?.label ?? "baseline"} ${byAction(baseline ? budget.restore[baseline.label] : undefined)}`,
  ratio: totalOf(budget.restore[THIS_BUILD]) / totalOf(baseline ? budget.restore[baseline.label] : undefined),
});

const cloneMedian = (pick: (r: (typeof clone.rounds)[number]) => number) => median(clone.rounds.map(pick));
const dark = cloneMedian((r) => r.darkMs);
const gap = cloneMedian((r) => r.gapMs);
const taskSum = cloneMedian((r) => r.taskMs[0] + r.taskMs[1]);
const toRunning = cloneMedian((r) => r.toRunningMs);
const interval = cloneMedian((r) => r.pollIntervalMs);
const cloneRounds = `${clone.rounds.length} rounds, medians`;
rows.push({
  comparison: `10. clone route: dark time of switch_address (${cloneRounds}; probe every ${clone.probeEveryMs} ms)`,
  subject: `dark ${ms(dark)}, of it the fake's ${ms(dark - gap)}`,
  baseline: `the fake's two address-change tasks ${ms(taskSum)} (sum)`,
  ratio: dark / taskSum,
});
rows.push({
  comparison: "10. clone route: our share of the dark time (first task's end -> second step's request)",
  subject: `${ms(gap)}`,
  baseline: `dark ${ms(dark)}`,
  ratio: gap / dark,
  goal: "<= 1 s",
  met: clone.rounds.every((r) => r.gapMs <= 1000),
});
rows.push({
  comparison: "10. clone route: time to running (clone running, fake's clock -> check_task says so)",
  subject: `${ms(toRunning)}`,
  baseline: `poll interval in effect ${ms(interval)}`,
  ratio: toRunning / interval,
  goal: "<= one poll interval",
  met: clone.rounds.every((r) => r.toRunningMs <= r.pollIntervalMs),
});
const cloneCalls = clone.rounds.at(-1)?.calls;
rows.push({
  comparison:
    "10. API calls per restore by clone (list_backups, plan, confirm, check_task until running, switch plan, switch)",
  subject: byAction(cloneCalls),
  baseline: `in place ${totalOf(budget.restore[THIS_BUILD])}`,
  ratio: totalOf(cloneCalls) / totalOf(budget.restore[THIS_BUILD]),
});

const cells = rows.map((r) => [
  r.comparison,
  r.subject,
  r.baseline,
  Number.isFinite(r.ratio) ? round(r.ratio).toFixed(2) : "-",
  r.goal ?? "(record)",
  r.met === undefined ? "" : r.met ? "yes" : "NO",
]);
console.log("");
console.log(
  table(
    ["comparison", "subject", "baseline", "ratio", "goal", "met"],
    cells,
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
      cpuMsPerCall: calls.cpuMsPerCall,
      baseline,
      apiBudget: budget,
      cloneRoute: clone,
    },
    null,
    2,
  )}\n`,
);
// The same table as Markdown, with the machine: bench/results/latest.md, and with --results bench/RESULTS.md.
const markdown = [
  `Run of ${new Date().toISOString().slice(0, 10)}, ${seconds} s${quick ? " (--quick)" : ""}. Machine: ${machineLine()}.` +
    (baseline ? ` Baseline build: ${baseline.label}.` : ""),
  "",
  "| comparison | subject | baseline | ratio | goal | met |",
  "|---|---|---|---|---|---|",
  ...cells.map((c) => `| ${c.map((x) => x.replaceAll("|", "\\|")).join(" | ")} |`),
].join("\n");
writeFileSync(new URL("../../bench/results/latest.md", import.meta.url), `${markdown}\n`);
if (flags.results) {
  const file = new URL("../../bench/RESULTS.md", import.meta.url);
  const text = readFileSync(file, "utf8");
  const [open, close] = ["<!-- bench:table -->", "<!-- /bench:table -->"];
  const from = text.indexOf(open);
  const to = text.indexOf(close);
  if (from < 0 || to < from) throw new Error(`bench/RESULTS.md has no ${open} ... ${close} markers`);
  writeFileSync(file, `${text.slice(0, from + open.length)}\n${markdown}\n${text.slice(to)}`);
  console.log("bench/RESULTS.md: table replaced");
}
const missed = rows.filter((r) => r.met === false).map((r) => r.comparison);
console.log(missed.length ? `Goals missed: ${missed.join("; ")}` : "Every goal met.");
