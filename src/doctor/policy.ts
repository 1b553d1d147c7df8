/** CAM policies (policy syntax 2.0) for the actions the server needs. */

export interface CamPolicy {
  version: "2.0";
  statement: Array<{ effect: "allow"; action: string[]; resource: string[] }>;
}

/** One allow statement for these actions, on every resource (narrow `resource` to instances if you like). */
export function policyFor(actions: readonly string[]): CamPolicy {
  return {
    version: "2.0",
    statement: [{ effect: "allow", action: actions.map((a) => `redis:${a}`), resource: ["*"] }],
  };
}
