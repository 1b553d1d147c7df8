import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { CloudError } from "../cloud/errors.js";

/**
 * What a caller may do: read (list, check), restore (any tool that changes an instance), or approve another
 * caller's change (the approval routes and page, never a tool).
 */
export type Scope = "redis:read" | "redis:restore" | "redis:approve";
export const SCOPES: readonly Scope[] = Object.freeze(["redis:read", "redis:restore", "redis:approve"] as const);

/**
 * Who makes a call: `token:<name>` (a static bearer token), `oauth:<sub>` (a JWT), `anonymous` (HTTP with
 * TENCENTCLOUD_REDIS_HTTP_AUTH=none) or `local` (the one user of a stdio server). Never holds a credential.
 */
export interface Caller {
  id: string;
  kind: "token" | "oauth" | "anonymous" | "local";
  name: string;
  scopes: readonly Scope[];
}

/** Whether a value is one of the scopes above (a word of a JWT's scope claim). */
export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/** The caller of a stdio server: the person whose client started it, with every scope. */
export const LOCAL_CALLER: Caller = { id: "local", kind: "local", name: "local", scopes: SCOPES };

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

/** The one rule: a tool that only reads needs redis:read; every other tool (it changes an instance) redis:restore. */
export function requiredScope(annotations: { readOnlyHint: boolean }): Scope {
  return annotations.readOnlyHint ? "redis:read" : "redis:restore";
}

/**
 * The SDK's AuthInfo for a caller, as the HTTP transport hands it to the tools (`extra.authInfo`). AuthInfo
 * requires a `token`: it holds the caller's ID, never the credential the caller presented.
 */
export function authInfoFor(caller: Caller, expiresAt?: number): AuthInfo {
  return {
    token: caller.id,
    clientId: caller.id,
    scopes: [...caller.scopes],
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    extra: { caller },
  };
}

/** The caller a request carries in its AuthInfo (set by the HTTP transport), if any. */
export function callerFromAuthInfo(authInfo: AuthInfo | undefined): Caller | undefined {
  const caller = authInfo?.extra?.caller as Caller | undefined;
  if (!caller || typeof caller.id !== "string" || !Array.isArray(caller.scopes)) return undefined;
  return caller;
}

/** Refuses, before anything is sent, a tool the caller's scopes do not allow. */
export function assertScope(caller: Caller, tool: string, scope: Scope): void {
  if (caller.scopes.includes(scope)) return;
  throw new CloudError(
    "ClientError.ScopeMissing",
    `${tool} needs the scope ${scope}, which ${caller.id} does not have (it has: ${caller.scopes.join(", ") || "none"}). Nothing was sent.`,
    { notSent: true },
  );
}
