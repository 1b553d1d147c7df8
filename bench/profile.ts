// A CPU profile of the server under `check_task` calls (docs/performance.md): where our own work per call goes.
//   node dist-bench/bench/profile.js [--entry <a server's dist/index.js>] [--calls 2000] [--out <dir>]
// Spawns the server with --cpu-prof against the fake in a process of its own (as the per-call bench does),
// sends the calls one at a time, and prints the functions with the most self time, grouped by package.

import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { RpcProcess, SERVER_ENTRY } from "../test/helpers/rpc.js";
import { remoteFake, serverEnv } from "./scenarios.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

/** Self time by function and by package of a .cpuprofile, in ms. */
export function summariseProfile(file: string, top = 25): { byPackage: [string, number][]; byFunction: [string, number][] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = node.hitCount * perSample;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = packageOf(url);
    const name = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byPackage.set(where, (byPackage.get(where) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { byPackage: sorted(byPackage), byFunction: sorted(byFunction) };
}

function packageOf(url: string): string {
  if (!url) return "(native/gc)";
  if (url.startsWith("node:")) return url;
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const dist = url.lastIndexOf("/dist/");
  return dist >= 0 ? url.slice(dist + 1) : path.basename(url);
}

const { values } = parseArgs({
  options: { entry: { type: "string" }, calls: { type: "string" }, out: { type: "string" } },
});
const out = path.resolve(values.out ?? "bench/results/profile");
mkdirSync(out, { recursive: true });
const before = new Set(readdirSync(out));
const calls = Number(values.calls ?? 2000);
const fake = await remoteFake();
const server = RpcProcess.spawn([], serverEnv(fake.url, { TENCENTCLOUD_REDIS_RATE_LIMIT: "1000" }), {
  entry: values.entry ?? SERVER_ENTRY,
  keep: false,
  nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${out}`],
});
await server.initialize();
const t0 = performance.now();
for (let i = 0; i < calls; i++) {
  const r = await server.callTool("check_task", { taskId: fake.taskId });
  if (r.error || r.result?.isError) throw new Error(`check_task failed: ${JSON.stringify(r)}`);
}
const perCallMs = (performance.now() - t0) / calls;
await server.close();
fake.close();
const file = readdirSync(out).find((f) => !before.has(f) && f.endsWith(".cpuprofile"));
if (!file) throw new Error(`no profile written in ${out}`);
const { byPackage, byFunction } = summariseProfile(path.join(out, file));
console.log(`${calls} check_task calls, ${perCallMs.toFixed(3)} ms each (wall); profile ${path.join(out, file)}`);
console.log("\nself time by package (ms per call):");
for (const [name, ms] of byPackage) console.log(`  ${(ms / calls).toFixed(4)}  ${name}`);
console.log("\nself time by function (ms per call):");
for (const [name, ms] of byFunction) console.log(`  ${(ms / calls).toFixed(4)}  ${name}`);
