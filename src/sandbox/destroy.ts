// DestroyPostpaidInstance: ends a pay-as-you-go instance. The instance is isolated (a FLOW_CLOSE task, then
// status -2; with real data its redis-server stops and its address stops listening) and goes offline two hours
// later (POSTPAID_OFFLINE_MS). A monthly instance is refused: that is DestroyPrepaidInstance's job.

import { type ActionSpec, ApiError, instanceInRegion, reqString } from "./params.js";

export const DESTROY_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  DestroyPostpaidInstance: {
    // api.json's DestroyPostpaidInstanceRequest: InstanceId only
    params: ["InstanceId"],
    handler(p, ctx) {
      const instance = instanceInRegion(ctx, reqString(p, "InstanceId"));
      if ((instance.BillingMode ?? 0) !== 0) {
        throw new ApiError(
          "InvalidParameterValue.UnSupportedType",
          `The instance ${instance.InstanceId} is not pay-as-you-go (BillingMode ${instance.BillingMode}).`,
        );
      }
      // isolated (-2), awaiting deletion (-3), delivering (0) or busy with a task (1)
      if (instance.Status !== 2) {
        throw new ApiError(
          "ResourceUnavailable.InstanceStatusError",
          `The instance ${instance.InstanceId} is not running (status ${instance.Status}).`,
        );
      }
      const task = ctx.state.createClose(instance);
      // a string of digits, as in the published example ("6954227"); api.json types an integer
      return { TaskId: String(task.TaskId) };
    },
  },
};
