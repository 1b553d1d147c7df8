import type { Gate } from "./gate.js";

/** The intent, written and fsynced (and in the shared ledger) before the request is sent: a write-ahead operation. */
export const intent: Gate = async (run, next) => {
  const declared = run.change.intent?.(run);
  if (declared) await run.journal(declared.kind, declared.only);
  return next();
};
