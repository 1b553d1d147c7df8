// ModifyNetworkConfig (the address moved to a clone, and back), validated as the API documents it.

import {
  type ActionSpec,
  ApiError,
  instanceInRegion,
  optInt,
  optString,
  reqString,
} from "./params.js";
import { invalid } from "./products.js";

const RECYCLE_DAYS = [0, 1, 2, 3, 7, 15];

export const MODIFY_NETWORK_CONFIG: ActionSpec = {
  params: ["InstanceId", "Operation", "Vip", "VpcId", "SubnetId", "Recycle", "VPort"],
  handler(p, ctx) {
    const instance = instanceInRegion(ctx, reqString(p, "InstanceId"));
    const operation = reqString(p, "Operation");
    if (!["changeVip", "changeVpc", "changeBaseToVpc", "changeVPort"].includes(operation)) {
      throw new ApiError(
        "InvalidParameter",
        `Operation ${operation} is not one of changeVip, changeVpc, changeBaseToVpc, changeVPort.`,
      );
    }
    if (operation === "changeVpc" || operation === "changeBaseToVpc") {
      throw new ApiError(
        "InvalidParameter.NotSupported",
        `The sandbox has one VPC per region: ${operation} is not supported.`,
      );
    }
    const recycle = optInt(p, "Recycle", 0, 15) ?? 0;
    if (!RECYCLE_DAYS.includes(recycle))
      throw new ApiError("InvalidParameter", "Recycle must be 0, 1, 2, 3, 7 or 15.");
    const vport = optInt(p, "VPort", 1024, 65535);
    let vip = optString(p, "Vip");
    if (instance.Status !== 2) {
      throw new ApiError(
        "ResourceUnavailable.InstanceStatusError",
        `The instance ${instance.InstanceId} is not running (status ${instance.Status}).`,
      );
    }
    if (
      ctx.state.hasNetworkChangeInFlight(instance.InstanceId) ||
      ctx.state.hasRestoreInFlight(instance.InstanceId)
    ) {
      throw new ApiError(
        "ResourceUnavailable.InstanceLockedError",
        `The instance ${instance.InstanceId} is locked by a running task.`,
      );
    }
    const subnet = ctx.state.subnetOf(instance);
    const prefix = ctx.state.subnetPrefix(subnet);
    if (operation === "changeVPort") {
      if (vport === undefined) throw new ApiError("MissingParameter", "changeVPort needs VPort.");
      vip = instance.WanIp;
    } else if (vip === undefined || vip === "") {
      vip = ctx.state.freeAddress(subnet);
      if (!vip)
        throw new ApiError("FailedOperation.SystemError", `The subnet ${subnet.UniqSubnetId} has no free address.`);
    } else {
      const host = vip.startsWith(`${prefix}.`) ? Number(vip.slice(prefix.length + 1)) : Number.NaN;
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(vip))
        throw new ApiError("InvalidParameter", `Vip ${vip} is not an IPv4 address.`);
      if (!Number.isInteger(host) || host < 2 || host > 254) {
        throw invalid(
          `Vip ${vip} is not an address of the instance's subnet ${subnet.UniqSubnetId} (${prefix}.0/24).`,
        );
      }
      const holder = ctx.state.addressHolder(vip);
      if (holder !== undefined && holder !== instance.InstanceId) throw invalid(`Vip ${vip} is in use.`);
    }
    const port = vport ?? instance.Port;
    if (vip === instance.WanIp && port === instance.Port) throw invalid(`The instance already has ${vip}:${port}.`);
    const task = ctx.state.createAddressChange(instance, { ip: vip, port }, vip === instance.WanIp ? 0 : recycle);
    return { Status: true, Vip: vip, VpcId: subnet.UniqVpcId, SubnetId: subnet.UniqSubnetId, TaskId: task.TaskId };
  },
};
