// The API budget (docs/performance.md): what a poll and a restore cost in requests, counted by the fake, for this build
// and (side by side) the baseline build. The budget is 20 requests a second per action, shared by every caller.

import { FakeCloud } from "../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../src/sandbox/seed.js";
import type { RpcMessage, RpcProcess } from "../test/helpers/rpc.js";
import { longTask } from "./fake-process.js";
import { serverEnv, started } from "./scenarios.js";

/** Requests of the first poll and of each later one (the mean of `later` polls). */
export interface PollCost {
  first: number;
  later: number;
}

export interface Budget {
  /** By subject (this build, the baseline build): a task still running, and a backup task that ended. */
  polls: Record<string, { running: PollCost; ended: PollCost }>;
  /** By subject: the requests of one restore in place (plan, confirm, check_task until done), by action. */
  restore: Record<string, Record<string, number>>;
}

const ORDERS = SANDBOX_INSTANCE_IDS.orders;
/** Restored in place (password-free): the orders instance is busy with the long running task. */
const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

/** A tool call's structuredContent; throws when the call failed. */
export function structured(response: RpcMessage, name: string): Record<string, unknown> {
  const out = response.result?.structuredContent;
  if (response.error || response.result?.isError || !out) throw new Error(`${name} failed: ${JSON.stringify(response)}`);
  return out;
}

/** The requests the fake received since its `from`th, by action. */
export function actionsSince(fake: FakeCloud, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of fake.requests.slice(from)) out[r.action] = (out[r.action] ?? 0) + 1;
  return out;
}

/** The requests `fn` made, by action. */
async function counted(fake: FakeCloud, fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const from = fake.requests.length;
  await fn();
  return actionsSince(fake, from);
}

const total = (byAction: Record<string, number>) => Object.values(byAction).reduce((a, b) => a + b, 0);

/** check_task on `taskId` `1 + later` times: the requests of the first poll and the mean of the others. */
async function pollCost(fake: FakeCloud, server: RpcProcess, taskId: number, later: number): Promise<PollCost> {
  const poll = () => server.callTool("check_task", { taskId }).then((r) => structured(r, "check_task"));
  const first = total(await counted(fake, poll));
  let sum = 0;
  for (let i = 0; i < later; i++) sum += total(await counted(fake, poll));
  return { first, later: sum / later };
}

/** One subject's figures, against a fake of its own: tasks started elsewhere (the server learns their kind). */
async function measure(entry: string | undefined): Promise<{ running: PollCost; ended: PollCost; restore: Record<string, number> }> {
  const fake = await FakeCloud.start({ preparingMs: 200, runningMs: 800 });
  const server = await started([], serverEnv(fake.url, { TENCENTCLOUD_REDIS_RATE_LIMIT: "1000" }), entry);
  try {
    const running = await pollCost(fake, server, longTask(fake), 10);
    // a backup task that ended, made with backup_instance: check_task names the backup it made
    const backup = structured(await server.callTool("backup_instance", { instanceId: ORDERS }), "backup_instance");
    const ended = await pollCost(fake, server, Number(backup.taskId), 10);

    const restore = await counted(fake, async () => {
      const backups = structured(await server.callTool("list_backups", { instanceId: SESSIONS }), "list_backups");
      const backupId = (backups.backups as Array<{ backupId: string; restorable: boolean }>).find((b) => b.restorable)?.backupId;
      const plan = structured(await server.callTool("restore_instance", { instanceId: SESSIONS, backupId }), "restore_instance");
      const submitted = structured(
        await server.callTool("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: plan.confirmToken }),
        "restore_instance (confirmed)",
      );
      const done = structured(
        await server.callTool("check_task", { taskId: submitted.taskId, waitSeconds: 60 }),
        "check_task (wait)",
      );
      if (done.status !== "succeed") throw new Error(`the restore ended ${String(done.status)}`);
    });
    return { running, ended, restore };
  } finally {
    await server.close();
    await fake.close();
  }
}

/** The poll and restore costs of this build and of each other build given ({ label: entry }). */
export async function apiBudget(builds: Record<string, string | undefined>): Promise<Budget> {
  const out: Budget = { polls: {}, restore: {} };
  for (const [label, entry] of Object.entries(builds)) {
    const { running, ended, restore } = await measure(entry);
    out.polls[label] = { running, ended };
    out.restore[label] = restore;
  }
  return out;
}
