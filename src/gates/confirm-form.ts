import type { Gate } from "./gate.js";

/** TENCENTCLOUD_REDIS_CONFIRM=elicit, without an approval: a human ticks the form; then the preflight again. */
export const confirmForm: Gate = async (run, next) => {
  const { confirm } = run.change;
  if (!confirm || run.approval.kind !== "none" || run.config.confirmMode !== "elicit") return next();
  await confirm.form(run, run.pre ?? (await run.change.check(run, true)));
  run.pre = await run.change.check(run, true); // the human may have taken minutes: check again right before
  return next();
};
