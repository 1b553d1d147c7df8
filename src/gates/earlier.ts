import type { AuditRecord } from "../records/audit.js";
import type { Earlier, Gate, Run } from "./gate.js";

/** The same change sent within the dedup window, if any: the approval and the plan name it. */
export const earlier: Gate = async (run, next) => {
  run.earlier = await sameSentBefore(run);
  return next();
};

/** The same change sent within the dedup window (the newest the journal knows), as its repeat's answer says of it. */
export function sameSentBefore<Pre, E extends Earlier>(run: Run<Pre, E>): Promise<E | undefined> {
  const same = run.change.sentBefore?.same;
  return same ? sentBefore(run, same, "dedup") : Promise.resolve(undefined);
}

/** The newest of the change's kinds sent on its (first) instance that matches and can be answered as its repeat. */
export async function sentBefore<Pre, E extends Earlier>(
  run: Run<Pre, E>,
  same: (intent: AuditRecord) => boolean,
  window: "dedup" | "day",
): Promise<E | undefined> {
  const declared = run.change.sentBefore;
  if (!declared) return undefined;
  const where = { region: run.region, instanceId: run.change.instances[0] };
  const found = await Promise.all(declared.kinds.map((kind) => run.sent(kind, where, same, window)));
  let best: { at: number; earlier: E } | undefined;
  for (const op of found.flat()) {
    const view = declared.view(op);
    const at = Date.parse(op.intent.time);
    if (view && (!best || at > best.at)) best = { at, earlier: view };
  }
  return best?.earlier;
}
