#!/usr/bin/env node
// `npm run demo`: a restore drill on the sandbox, through a real MCP client over stdio. It starts the built
// server (dist/index.js --sandbox), writes a key into the sandbox's real redis-server, takes a backup, breaks
// the data, takes an undo point, restores through the MCP tools (plan, confirm, follow the task), checks that
// the data is back and prints how to undo the restore: the in-place route of a Redis 2.8 instance. Then the clone
// route of a Redis 6.2 instance: a client at its unchanged address reads the corrupted data; the clone is made
// from the backup and followed, the address is switched, the same address answers the restored data, and the undo
// switches back. Exit code 0 when both restores came back (and the undo too), 1 otherwise.
//
// TENCENTCLOUD_REDIS_DEMO_PAUSE=1 (for test/e2e/demo.test.ts): before each step and at the end, the drill writes
// one JSON line on stderr, {"demoPause":["HOST:PORT", ...]} (the addresses it printed since the last pause), and
// waits for a line on stdin, so that whoever runs it can reach those addresses while the drill runs.

import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LANGUAGES, messages } from "../dist/i18n/index.js";
import { localPrice } from "../dist/cloud/price.js";
import { RespClient } from "../dist/sandbox/resp.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../dist/sandbox/seed.js";

const SERVER = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const INSTANCE = SANDBOX_INSTANCE_IDS.orders;
const CLONE_SOURCE = SANDBOX_INSTANCE_IDS.catalog;
const CLONE_KEY = "demo:catalog";
const KEY = "demo:greeting";
const VALUE = `hello from the demo at ${new Date().toISOString()}`;
// TENCENTCLOUD_LANGUAGE=zh-CN tells the drill in Chinese (and the server's texts too).
const LANGUAGE =
  LANGUAGES.find((l) => l.toLowerCase() === (process.env.TENCENTCLOUD_LANGUAGE ?? "en-US").toLowerCase()) ?? "en-US";
const texts = messages(LANGUAGE);
const t = texts.demo;

const PAUSE = process.env.TENCENTCLOUD_REDIS_DEMO_PAUSE === "1";
const lines = PAUSE ? createInterface({ input: process.stdin })[Symbol.asyncIterator]() : undefined;
let printed = "";
const print = (text) => {
  printed += `${text}\n`;
  console.log(text);
};
/** With TENCENTCLOUD_REDIS_DEMO_PAUSE=1: names the addresses printed since the last pause, waits for a line. */
async function pause() {
  if (!lines) return;
  const found = printed.matchAll(/\b(\d+\.\d+\.\d+\.\d+):(\d+)\b|-h (\S+) -p (\d+)/g);
  const addresses = [...new Set([...found].map((m) => `${m[1] ?? m[3]}:${m[2] ?? m[4]}`))];
  printed = "";
  process.stderr.write(`${JSON.stringify({ demoPause: addresses })}\n`);
  await lines.next();
}

let stepNo = 0;
const step = async (title) => {
  await pause();
  print(`\n${++stepNo}. ${title}`);
};
const say = (text) => print(`   ${String(text).replaceAll("\n", "\n   ")}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls a tool; throws on a protocol error, returns the result (isError included). */
async function call(client, name, args, options) {
  return client.callTool({ name, arguments: args }, undefined, options);
}

/** The structured content of a successful tool result; exits on an error result. */
function ok(result, what) {
  if (result.isError) {
    say(t.failedCall({ what, text: result.content?.[0]?.text ?? JSON.stringify(result.structuredContent) }));
    throw new Error(`${what} failed`);
  }
  return result.structuredContent ?? {};
}

async function withRedis({ host, port }, fn, instanceId = INSTANCE) {
  const client = await RespClient.connect(port, host, SANDBOX_PASSWORDS[instanceId]);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Follows the task to its end: check_task with waitSeconds and progress notifications, else by polling. */
async function follow(client, taskId) {
  const onprogress = (p) => say(t.progress(p));
  let last = "";
  let canWait = true;
  for (let i = 0; i < 600; i++) {
    let result = canWait
      ? await call(client, "check_task", { taskId, waitSeconds: 60 }, { onprogress, timeout: 90_000 }).catch(
          (error) => ({
            isError: true,
            content: [{ text: String(error) }],
          }),
        )
      : await call(client, "check_task", { taskId });
    if (canWait && result.isError && /waitSeconds|unrecognized|invalid/i.test(result.content?.[0]?.text ?? "")) {
      canWait = false; // this server's check_task does not wait: poll instead
      result = await call(client, "check_task", { taskId });
    }
    const task = ok(result, "check_task");
    if (task.status !== last) {
      say(
        `${t.taskStatus({ taskId, status: texts.taskStatus(task.status) })}${task.message ? ` - ${task.message}` : ""}`,
      );
    }
    last = task.status;
    if (task.done) return task;
    if (!canWait) await sleep(250);
  }
  throw new Error("the task did not finish");
}

/** backup_instance, then check_task to its end: the new backup. */
async function backUp(client, remark, instanceId = INSTANCE) {
  const submitted = ok(await call(client, "backup_instance", { instanceId, remark }), "backup_instance");
  say(t.backupSubmitted({ taskId: submitted.taskId, remark: submitted.remark }));
  const task = await follow(client, submitted.taskId);
  if (!task.succeeded || !task.backup?.backupId) throw new Error(`the backup did not finish: ${JSON.stringify(task)}`);
  say(t.newBackup({ backupId: task.backup.backupId, startTime: task.backup.startTime }));
  return task.backup;
}

async function main() {
  print(t.title);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SERVER, "--sandbox"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      TENCENTCLOUD_REDIS_LOG_LEVEL: "notice",
      TENCENTCLOUD_LANGUAGE: LANGUAGE,
    },
    stderr: "pipe",
  });
  transport.stderr?.on("data", () => {}); // the server's log: drained, not shown
  const client = new Client({ name: "tencentcloud-redis-mcp-demo", version: "1.0.0" });
  await client.connect(transport);
  // as every real client does: list the tools first, so the SDK checks each answer against its output schema
  await client.listTools();
  try {
    say(t.server({ name: client.getServerVersion()?.name, version: client.getServerVersion()?.version }));

    await step(t.stepFind);
    const listed = ok(await call(client, "list_instances", {}), "list_instances");
    const instance = listed.instances.find((i) => i.instanceId === INSTANCE);
    for (const i of listed.instances)
      say(`${i.instanceId}  ${i.name.padEnd(15)} ${i.status.padEnd(9)} ${i.host ? `${i.host}:${i.port}` : "-"}`);
    if (!instance?.host) throw new Error(`${t.noRedis({ instanceId: INSTANCE })} (${listed.sandbox})`);
    const address = { host: instance.host, port: instance.port };
    say(t.found({ name: instance.name, instanceId: INSTANCE, ...address }));

    await step(t.stepWrite({ ...address, key: KEY }));
    const before = await withRedis(address, async (r) => {
      await r.command("SET", KEY, VALUE);
      return r.command("MGET", KEY, "orders:1001");
    });
    say(`${KEY} = ${JSON.stringify(before[0])}`);
    say(`orders:1001 = ${before[1]}`);

    await step(t.stepBackup);
    await backUp(client, "demo: before the incident");
    say(t.snapshot);

    await step(t.stepList);
    const backups = ok(await call(client, "list_backups", { instanceId: INSTANCE }), "list_backups").backups;
    for (const b of backups) {
      say(
        `${b.backupId}  ${b.startTime}  ${b.type.padEnd(9)} ${b.status.padEnd(7)} ${b.restorable ? t.restorable : "-"}  ${b.remark ?? ""}`,
      );
    }
    const chosen = backups.find((b) => b.remark === "demo: before the incident");
    if (!chosen?.restorable) throw new Error("the demo's backup is not listed as restorable");
    say(t.restoring({ backupId: chosen.backupId }));

    await step(t.stepCorrupt);
    const broken = await withRedis(address, async (r) => {
      await r.command("SET", KEY, "CORRUPTED");
      await r.command("DEL", "orders:1001");
      return r.command("MGET", KEY, "orders:1001");
    });
    say(`${KEY} = ${JSON.stringify(broken[0])}`);
    say(`orders:1001 = ${broken[1]}`);

    await step(t.stepUndo);
    // A backup's StartTime has one-second precision, and an undo point must be newer than the backup restored.
    await sleep(1100);
    const undo = await backUp(client, "demo: undo point");

    await step(t.stepPlan);
    const args = { instanceId: INSTANCE, backupId: chosen.backupId };
    const planned = await call(client, "restore_instance", args);
    let restore = ok(planned, "restore_instance");
    if (restore.status === "confirmation_required") {
      say(t.plan({ warning: restore.warning, expiresAt: restore.expiresAt }));
      await step(t.stepConfirm);
      const confirmed = await call(client, "restore_instance", { ...args, confirmToken: restore.confirmToken });
      restore = ok(confirmed, "restore_instance (confirm)");
    } else {
      say(t.noConfirmation);
    }
    say(t.submitted({ taskId: restore.taskId, source: restore.passwordSource }));
    if (restore.undoBackup?.backupId !== undo.backupId) throw new Error("the restore does not name the undo point");

    await step(t.stepFollow);
    const task = await follow(client, restore.taskId);

    await step(t.stepRead);
    const after = await withRedis(address, (r) => r.command("MGET", KEY, "orders:1001"));
    say(`${KEY} = ${JSON.stringify(after[0])}`);
    say(`orders:1001 = ${after[1]}`);
    const restored = task.succeeded && after[0] === VALUE && after[1] === before[1];
    print(`\n${restored ? t.restored : t.notRestored}`);
    print(`\n${t.howToUndo({ instanceId: INSTANCE, backupId: undo.backupId, startTime: undo.startTime })}`);
    const cloned = await byClone(client);
    await pause();
    return restored && cloned;
  } finally {
    await client.close();
  }
}

/** Calls a destructive tool: the plan (shown with `show`), then the confirmation with its token. */
async function planAndConfirm(client, name, args, show) {
  const planned = ok(await call(client, name, args), name);
  if (planned.status !== "confirmation_required") {
    say(t.noConfirmation);
    return planned;
  }
  show(planned);
  return ok(await call(client, name, { ...args, confirmToken: planned.confirmToken }), `${name} (confirm)`);
}

/** Part 2: the clone route of a Redis 6.2 instance, at its unchanged address. */
async function byClone(client) {
  const c = texts.clone.demo;
  const listed = ok(await call(client, "list_instances", {}), "list_instances");
  const source = listed.instances.find((i) => i.instanceId === CLONE_SOURCE);
  if (!source?.host) throw new Error(t.noRedis({ instanceId: CLONE_SOURCE }));
  print(`\n${c.title({ name: source.name, instanceId: CLONE_SOURCE, edition: `Redis 6.2 (Type ${source.type})` })}`);
  const address = { host: source.host, port: source.port };
  const where = `${address.host}:${address.port}`;
  const read = () => withRedis(address, (r) => r.command("GET", CLONE_KEY), CLONE_SOURCE);
  const value = `catalog as of ${new Date().toISOString()}`;

  await step(c.stepWrite({ ...address, key: CLONE_KEY }));
  await withRedis(address, (r) => r.command("SET", CLONE_KEY, value), CLONE_SOURCE);
  say(`${where} ${CLONE_KEY} = ${JSON.stringify(await read())}`);
  const backup = await backUp(client, "demo: catalog before the incident", CLONE_SOURCE);

  await step(c.stepCorrupt);
  await withRedis(address, (r) => r.command("SET", CLONE_KEY, "CORRUPTED"), CLONE_SOURCE);
  say(`${where} ${CLONE_KEY} = ${JSON.stringify(await read())}`);

  await step(c.stepPlan);
  const restore = await planAndConfirm(client, "restore_instance", { instanceId: CLONE_SOURCE, backupId: backup.backupId }, (plan) => {
    const price = localPrice(plan.clone.price, texts.clone);
    say(c.plan({ methodReason: plan.methodReason, name: plan.clone.name, price, warning: plan.warning }));
  });
  say(c.cloning({ cloneId: restore.cloneInstanceId, dealName: restore.dealName ?? "-" }));
  const cloneId = restore.cloneInstanceId;

  await step(c.stepFollow);
  const onprogress = (p) => say(t.progress(p));
  const followed = ok(
    await call(client, "check_task", { instanceId: cloneId, waitSeconds: 120 }, { onprogress, timeout: 150_000 }),
    "check_task",
  );
  const at = followed.address ? `${followed.address.host}:${followed.address.port}` : "";
  say(c.cloneStatus({ cloneId, status: followed.status, address: at }));
  if (followed.status !== "running") throw new Error(`the clone did not run: ${JSON.stringify(followed)}`);

  await step(c.stepBefore);
  const before = await read();
  say(`${where} ${CLONE_KEY} = ${JSON.stringify(before)}`);

  await step(c.stepSwitch);
  const showSwitch = (plan) => say(c.switchPlan({ warning: plan.warning }));
  const switched = await planAndConfirm(client, "switch_address", { instanceId: CLONE_SOURCE, toInstanceId: cloneId }, showSwitch);
  const moved = switched.addresses.find((a) => a.instanceId === CLONE_SOURCE);
  say(c.switched({ to: cloneId, address: where, from: CLONE_SOURCE, fromAddress: `${moved?.host}:${moved?.port}` }));

  await step(c.stepAfter);
  const after = await read();
  say(`${where} ${CLONE_KEY} = ${JSON.stringify(after)}`);
  const restored = before === "CORRUPTED" && after === value;
  print(`\n${restored ? c.restored : c.notRestored}`);

  await step(c.stepUndo);
  const back = await planAndConfirm(client, "switch_address", { instanceId: cloneId, toInstanceId: CLONE_SOURCE }, showSwitch);
  const undone = await read();
  say(`${where} ${CLONE_KEY} = ${JSON.stringify(undone)}`);
  const undoWorked = undone === "CORRUPTED";
  print(`\n${undoWorked ? c.undone : c.notRestored}`);
  const offAddress = back.addresses.find((a) => a.host !== address.host)?.instanceId ?? cloneId;
  print(`\n${c.billing({ instanceId: offAddress, region: back.region })}`);
  return restored && undoWorked;
}

main().then(
  (restored) => process.exit(restored ? 0 : 1),
  (error) => {
    console.error(t.failed({ message: error instanceof Error ? error.message : String(error) }));
    process.exit(1);
  },
);
