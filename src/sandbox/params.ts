// Request parameter readers of the fake's actions, and the API error they throw.

import type { Instance } from "./model.js";
import type { CloudState } from "./state.js";
import { parseBeijing } from "./time.js";

/** An API error, answered as {"Response":{"Error":{"Code","Message"},"RequestId"}}. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type Params = Record<string, unknown>;
export type ActionResult = Record<string, unknown>;

// ---- parameter readers (null counts as absent: the SDK strips nulls) ----

function present(p: Params, name: string): boolean {
  return p[name] !== undefined && p[name] !== null;
}

export function optString(p: Params, name: string): string | undefined {
  if (!present(p, name)) return undefined;
  const v = p[name];
  if (typeof v !== "string") throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be a string.`);
  return v;
}

export function reqString(p: Params, name: string): string {
  const v = optString(p, name);
  if (v === undefined || v === "") {
    throw new ApiError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
  }
  return v;
}

export function optInt(p: Params, name: string, min: number, max: number): number | undefined {
  if (!present(p, name)) return undefined;
  const v = p[name];
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an integer.`);
  }
  if (v < min || v > max) {
    throw new ApiError("InvalidParameterValue", `The value of \`${name}\` must be between ${min} and ${max}.`);
  }
  return v;
}

export function reqInt(p: Params, name: string): number {
  const v = optInt(p, name, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (v === undefined)
    throw new ApiError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
  return v;
}

export function optArray<T>(p: Params, name: string, ok: (x: unknown) => x is T, what: string): T[] | undefined {
  if (!present(p, name)) return undefined;
  const v = p[name];
  if (!Array.isArray(v) || !v.every(ok)) {
    throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an array of ${what}.`);
  }
  return v;
}

export const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
export const isString = (x: unknown): x is string => typeof x === "string";

export function optTime(p: Params, name: string): number | undefined {
  const text = optString(p, name);
  if (text === undefined || text === "") return undefined;
  const ms = parseBeijing(text);
  if (ms === undefined) {
    throw new ApiError("InvalidParameterValue", `The value of \`${name}\` must be a time "YYYY-MM-DD hh:mm:ss".`);
  }
  return ms;
}

export function page<T>(items: T[], p: Params, maxLimit: number): T[] {
  const limit = optInt(p, "Limit", 1, maxLimit) ?? 20;
  const offset = optInt(p, "Offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  return items.slice(offset, offset + limit);
}

export interface ActionContext {
  state: CloudState;
  region: string;
  /** Answer RestoreInstance's TaskId as a string of digits, like an old doc sample. */
  taskIdAsString: boolean;
}

export interface ActionSpec {
  /** Every request parameter the SDK model declares; anything else is UnknownParameter. */
  params: readonly string[];
  handler: (p: Params, ctx: ActionContext) => ActionResult | Promise<ActionResult>;
}

export function instanceInRegion(ctx: ActionContext, instanceId: string): Instance {
  const instance = ctx.state.getInstance(instanceId, ctx.region);
  if (!instance) {
    throw new ApiError(
      "ResourceNotFound.InstanceNotExists",
      `The instance \`${instanceId}\` does not exist in region \`${ctx.region}\`.`,
    );
  }
  return instance;
}

export function optBool(p: Params, name: string): boolean | undefined {
  if (!present(p, name)) return undefined;
  const v = p[name];
  if (typeof v !== "boolean") throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be a boolean.`);
  return v;
}
