import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import type { Harness } from "./harness.js";

export const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

/** A restore task on the password-free sandbox instance with this timing, created directly in the fake's model. */
export function newRestoreTask(h: Pick<Harness, "fake">, timing: { preparingMs: number; runningMs: number }): number {
  const { state } = h.fake;
  const instance = state.getInstance(SESSIONS);
  const backup = state.listBackups(SESSIONS).find((b) => b.Status === 2 && b.Locked === 0);
  if (!instance || !backup) throw new Error("sandbox seed changed: no restorable backup of the sessions instance");
  const saved = { preparingMs: state.preparingMs, runningMs: state.runningMs };
  Object.assign(state, timing);
  try {
    return state.createRestoreTask(instance, backup, undefined).TaskId;
  } finally {
    Object.assign(state, saved);
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms until it holds, for at most `ms`; returns whether it held. */
export async function until(check: () => boolean, ms = 3000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 10) {
    if (check()) return true;
    await pause(10);
  }
  return check();
}

/** Collects the progress notifications of one call. */
export function progressLog(): { seen: Progress[]; onprogress: (p: Progress) => void } {
  const seen: Progress[] = [];
  return { seen, onprogress: (p) => seen.push(p) };
}
