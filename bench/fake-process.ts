// The fake cloud in a process of its own, for the per-call benchmark: a real API is never in its caller's
// process, and a fake sharing the caller's event loop would spare the direct SDK the process hops the server
// pays. Reports { port, taskId } (a restore task that stays "preparing") to its parent over IPC.

import { fileURLToPath } from "node:url";
import { FakeCloud } from "../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../src/sandbox/seed.js";

/** A restore task on the seed's orders instance that stays "preparing" for an hour. */
export function longTask(fake: FakeCloud): number {
  const instanceId = SANDBOX_INSTANCE_IDS.orders;
  const instance = fake.state.getInstance(instanceId);
  const backup = fake.state.listBackups(instanceId).find((b) => b.Status === 2);
  if (!instance || !backup) throw new Error("the fake's seed has no orders instance with a normal backup");
  return fake.state.createRestoreTask(instance, backup, SANDBOX_PASSWORDS[instanceId]).TaskId;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const fake = await FakeCloud.start({ preparingMs: 3_600_000 });
  process.send({ port: fake.port, url: fake.url, taskId: longTask(fake) });
  process.on("disconnect", () => void fake.close().then(() => process.exit(0)));
}
