import { CloudError } from "../cloud/errors.js";
import type { Answer, Earlier, Gate, Run } from "./gate.js";

/**
 * TENCENTCLOUD_REDIS_CONFIRM=token, without an approval: a first call gets the plan and a token (nothing sent); the
 * next presents the token, bound to the caller, the arguments and the earlier change the plan named.
 */
export const confirmToken: Gate = async (run, next) => {
  const { confirm } = run.change;
  if (!confirm || run.approval.kind !== "none" || run.config.confirmMode !== "token") return next();
  const binding = { ...confirm.binding(run), ...(run.earlier ? { acknowledges: run.earlier.operationId } : {}) };
  if (confirm.token === undefined) {
    const pre = run.pre ?? (await run.change.check(run, false));
    run.audit.assertWritable(run.change.audit); // refuse now rather than after the human agreed
    const { token, expiresAt } = await run.tokens.issue(binding);
    run.record.outcome = "planned";
    return confirm.plan(run, pre, token, expiresAt);
  }
  const consumed = run.tokens.consume(confirm.token, binding);
  if (!run.earlier) {
    await consumed;
    run.confirmed = confirm.token;
    return next();
  }
  // a token whose plan did not name the earlier change (or one this server does not know) is that change's repeat
  const ok = await consumed.then(
    () => true,
    (caught: unknown) => {
      if (caught instanceof CloudError && caught.code === "ClientError.ConfirmationInvalid") return false;
      throw caught;
    },
  );
  if (!ok) return repeatOf(run);
  run.confirmed = confirm.token;
  run.acknowledged = run.earlier.operationId;
  return next();
};

/** The answer to a repeat of the earlier change: nothing is sent. */
export function repeatOf<Pre, E extends Earlier>(run: Run<Pre, E>): Answer | Promise<Answer> {
  const { earlier, change } = run;
  if (!earlier || !change.repeated) throw new Error("a repeat needs an earlier change and its answer");
  return change.repeated(run, earlier);
}
