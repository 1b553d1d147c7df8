import { type Caller, SCOPES, type Scope } from "../safety/caller.js";

/** The scopes and the caller are defined once, in safety/caller.ts, beside the rule of which tool needs which. */
export { type Caller, SCOPES, type Scope };

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/** An HTTP caller (`token:<name>`, `oauth:<sub>` or `anonymous`: the prefixes keep the kinds from colliding). */
export function makeCaller(kind: "token" | "oauth" | "anonymous", name: string, scopes: Iterable<Scope>): Caller {
  const held = new Set(scopes);
  return Object.freeze({
    id: kind === "anonymous" ? "anonymous" : `${kind}:${name}`,
    kind,
    name,
    scopes: Object.freeze(SCOPES.filter((s) => held.has(s))),
  });
}
