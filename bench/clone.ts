// The clone route as the user waits for it (docs/performance.md), on the sandbox with real data (redis-server processes,
// each instance's address a listener of its own that ModifyNetworkConfig really moves):
// - dark time: from the moment the original's address stops answering to the moment the same address answers
//   the restored data, seen by a client probing it every few milliseconds; beside it the fake's own timeline of
//   the two address-change tasks, and our share: the time from the first task's end (the fake's clock) to the
//   second step's request reaching the fake (noticing that the first has ended, and sending the second);
// - time to running: from the clone becoming running (the fake's clock: its order delivered) to check_task
//   { instanceId } reporting it;
// - API calls of one restore by the clone route, by action (plan, confirm, follow, switch plan, switch).
// Each round on a sandbox and a server of its own. The server runs at its defaults (poll intervals included).

import { startSandbox } from "../src/sandbox/index.js";
import { RespClient } from "../src/sandbox/resp.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../src/sandbox/seed.js";
import type { RpcProcess } from "../test/helpers/rpc.js";
import { actionsSince, structured } from "./budget.js";
import { serverEnv, started } from "./scenarios.js";
import { sleep } from "./stats.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;
const PASSWORD = SANDBOX_PASSWORDS[CATALOG] ?? "";
const MARKER = "bench:written-after-the-backups";
/** How often the probe tries the address. */
export const PROBE_EVERY_MS = 5;

/** The fake's timing for the clone route: a task's two phases and the clone's delivery. */
export const CLONE_TIMING = { preparingMs: 300, runningMs: 700, cloneMs: 1500 } as const;

export interface CloneRound {
  /** Probe: the address stopped answering -> it answered the restored data. */
  darkMs: number;
  /** The fake's two FLOW_CHANGEVIP tasks, each from its request to its end. */
  taskMs: [number, number];
  /** The fake's clock: first task's end -> second step's request received (what we add to the dark time). */
  gapMs: number;
  /** The fake's clock: the clone running -> check_task's answer saying so. */
  toRunningMs: number;
  /** The poll interval check_task had reached when it saw the clone running (the goal's bound). */
  pollIntervalMs: number;
  /** The requests of the whole restore, by action. */
  calls: Record<string, number>;
}

export interface CloneRoute {
  rounds: CloneRound[];
  timing: typeof CLONE_TIMING;
  probeEveryMs: number;
}

/** Calls a tool that asks for confirmation (token mode), then confirms it: both answers. */
async function confirmed(server: RpcProcess, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const plan = structured(await server.callTool(name, args), name);
  if (plan.status !== "confirmation_required") throw new Error(`${name}: no plan (${String(plan.status)})`);
  return structured(await server.callTool(name, { ...args, confirmToken: plan.confirmToken }), `${name} (confirmed)`);
}

/** What one GET at an address answers: "down" when nothing answers, else the value (null: the restored data). */
async function probeOnce(host: string, port: number): Promise<"down" | string | null> {
  let client: RespClient | undefined;
  try {
    client = await RespClient.connect(port, host, PASSWORD);
    const value = await client.command("GET", MARKER);
    return typeof value === "string" ? value : null;
  } catch {
    return "down";
  } finally {
    client?.close();
  }
}

/** Probes host:port every PROBE_EVERY_MS until it answers the restored data: the dark window (Date.now ms). */
function probe(host: string, port: number): { stop(): void; dark: Promise<{ from: number; to: number }> } {
  let stopped = false;
  const dark = (async () => {
    let lastOriginal = Date.now();
    let from: number | undefined;
    while (!stopped) {
      const at = Date.now();
      const seen = await probeOnce(host, port);
      if (seen === "original") lastOriginal = Date.now();
      else if (seen === "down") from ??= lastOriginal;
      else return { from: from ?? lastOriginal, to: at };
      await sleep(PROBE_EVERY_MS);
    }
    throw new Error(`the address ${host}:${port} never answered the restored data`);
  })();
  const stop = () => {
    stopped = true;
  };
  return { stop, dark };
}

async function round(): Promise<CloneRound> {
  const sandbox = await startSandbox(CLONE_TIMING);
  const { fake } = sandbox;
  const env = serverEnv(fake.url, { TENCENTCLOUD_REDIS_RATE_LIMIT: "1000", TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: PASSWORD });
  const server = await started([], env);
  const original = fake.state.getInstance(CATALOG);
  if (!original?.WanIp) throw new Error("the sandbox has no catalog instance with an address (is redis-server installed?)");
  const vip = { host: original.WanIp, port: original.Port };
  // data the backups do not hold: the original answers it, the restored clone does not
  const writer = await RespClient.connect(vip.port, vip.host, PASSWORD);
  await writer.command("SET", MARKER, "original");
  writer.close();
  const from = fake.requests.length;
  try {
    const backups = structured(await server.callTool("list_backups", { instanceId: CATALOG }), "list_backups");
    const backupId = (backups.backups as Array<{ backupId: string; restorable: boolean }>).find((b) => b.restorable)?.backupId;
    const restore = await confirmed(server, "restore_instance", { instanceId: CATALOG, backupId });
    const cloneId = String(restore.cloneInstanceId);
    const calledAt = Date.now();
    const running = structured(await server.callTool("check_task", { instanceId: cloneId, waitSeconds: 120 }), "check_task");
    const answeredAt = Date.now();
    const deal = fake.state.getDeal(String(restore.dealName));
    const runningAt = deal ? fake.state.dealEnd(deal) : undefined;
    if (running.status !== "running" || runningAt === undefined) throw new Error(`the clone is not running: ${JSON.stringify(running)}`);

    const watch = probe(vip.host, vip.port);
    await sleep(50); // the probe has seen the original
    let switched: Record<string, unknown>;
    try {
      switched = await confirmed(server, "switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
    } catch (error) {
      watch.stop();
      throw error;
    }
    const dark = await Promise.race([
      watch.dark,
      sleep(30_000).then(() => {
        watch.stop();
        throw new Error("no restored data at the address 30 s after the switch");
      }),
    ]);
    const [first, second] = (switched.taskIds as number[]).map((id) => fake.state.getTask(id));
    if (!first || !second) throw new Error(`switch_address named no two tasks: ${JSON.stringify(switched)}`);
    const end = (t: typeof first) => Math.max(t.createdAt + t.preparingMs + t.runningMs, t.backend?.settledAt ?? 0);
    const calls = actionsSince(fake, from);
    return {
      darkMs: dark.to - dark.from,
      taskMs: [end(first) - first.createdAt, end(second) - second.createdAt],
      gapMs: second.createdAt - end(first),
      toRunningMs: answeredAt - runningAt,
      pollIntervalMs: intervalInEffect(answeredAt - calledAt),
      calls,
    };
  } finally {
    await server.close();
    await sandbox.close();
  }
}

/** The server's default poll (TENCENTCLOUD_REDIS_POLL_INITIAL_MS, _MAX_MS): 1 s first, x1.5 each, at most 5 s. */
export const DEFAULT_POLL = { initialMs: 1000, maxMs: 5000, backoff: 1.5 } as const;

/** The interval slept before the poll that ended a wait of `elapsedMs` (the default poll schedule). */
export function intervalInEffect(elapsedMs: number, poll = DEFAULT_POLL): number {
  let slept = 0;
  let next: number = poll.initialMs;
  let last: number = poll.initialMs;
  while (slept + next <= elapsedMs) {
    slept += next;
    last = next;
    next = Math.min(next * poll.backoff, poll.maxMs);
  }
  return last;
}

/** `rounds` restores by the clone route, each on a fresh sandbox. */
export async function cloneRoute(rounds: number): Promise<CloneRoute> {
  const out: CloneRoute = { rounds: [], timing: CLONE_TIMING, probeEveryMs: PROBE_EVERY_MS };
  for (let i = 0; i < rounds; i++) out.rounds.push(await round());
  return out;
}
