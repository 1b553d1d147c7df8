/** The scopes a caller may hold: `redis:read` for the read-only tools, `redis:restore` for any tool that changes an instance. */
export type Scope = "redis:read" | "redis:restore";
export const SCOPES: readonly Scope[] = Object.freeze(["redis:read", "redis:restore"] as const);

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
