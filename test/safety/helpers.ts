import { readFileSync } from "node:fs";
import type { Harness } from "../helpers/harness.js";
import { sc } from "../helpers/harness.js";

/** The first backup list_backups says can be restored now. */
export async function restorableBackup(h: Pick<Harness, "call">, instanceId: string): Promise<string> {
  const backups = sc(await h.call("list_backups", { instanceId })).backups as Array<{ restorable: boolean; backupId: string }>;
  const found = backups.find((b) => b.restorable);
  if (!found) throw new Error(`no restorable backup for ${instanceId}`);
  return found.backupId;
}

/** Waits until the fake has no restore running on the instance (its RestoreInstance refuses a second one). */
export async function waitIdle(h: Pick<Harness, "fake">, instanceId: string): Promise<void> {
  for (let i = 0; i < 500 && h.fake.state.hasRestoreInFlight(instanceId); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The audit log's records. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read fields loosely
export function readAudit(path: string): Array<Record<string, any>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}
