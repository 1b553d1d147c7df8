import { SCOPES, type Scope } from "../safety/caller.js";

/** The scopes a caller may hold (defined once, in safety/caller.ts, beside the rule of which tool needs which). */
export { SCOPES, type Scope };

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/** Who made a request. Never holds the credential itself. */
export interface Caller {
  /** `token:<name>`, `oauth:<sub>` or `anonymous`: the prefixes keep the kinds from colliding. */
  id: string;
  kind: "token" | "oauth" | "anonymous";
  /** The token's name in the tokens file, the JWT's `sub`, or `anonymous`. */
  name: string;
  scopes: readonly Scope[];
}

export function makeCaller(kind: Caller["kind"], name: string, scopes: Iterable<Scope>): Caller {
  const held = new Set(scopes);
  return Object.freeze({
    id: kind === "anonymous" ? "anonymous" : `${kind}:${name}`,
    kind,
    name,
    scopes: Object.freeze(SCOPES.filter((s) => held.has(s))),
  });
}
