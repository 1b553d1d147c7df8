// What a setting is (the entries of SETTINGS, schema.ts): its variable, flag, kind, default, docs and install
// forms, and `setting()`, which type-checks an entry: the value (after `to`) must fit the Config field it goes to.
import type { Kind } from "./kinds.js";
import type { CliFlags, Config } from "./types.js";

export const GROUPS = {
  credentials: "Credentials",
  cloud: "The Tencent Cloud API",
  safety: "What the tools may do",
  output: "Logs, language and progress",
  state: "Safety state shared by replicas",
  http: "HTTP transport (--http)",
  auth: "HTTP authentication",
  drill: "Restore drills",
} as const;
export type Group = keyof typeof GROUPS;

type Full = Config & CliFlags;
type Nested = "http" | "poll" | "httpAuth";
/** Where a setting's value goes in the Config: a field, or `http.port`-like for the nested objects. */
export type ConfigPath = Exclude<keyof Full, Nested> | { [K in Nested]: `${K}.${keyof Full[K] & string}` }[Nested];
type FieldType<P> = P extends `${infer A extends Nested}.${infer B}`
  ? B extends keyof Full[A]
    ? Full[A][B]
    : never
  : P extends keyof Full
    ? Full[P]
    : never;

/** What the docs and the install forms say about a setting. */
interface About {
  /** The environment variable (none for a flag-only switch like --sandbox). */
  env?: string;
  /** Other variables read for it, in order after `env` (e.g. https_proxy). */
  aliases?: readonly string[];
  /** The command-line flag, without --, that wins over the variable. */
  flag?: string;
  /** The flag's value in --help, e.g. "<region>". */
  metavar?: string;
  group: Group;
  /** One line: --help, server.json and the bundle's form show it. */
  description: string;
  /** More, for the configuration table only. */
  details?: string;
  /** The default as the table shows it, when it is not the value itself (e.g. "by region"). */
  defaultText?: string;
  secret?: true;
  /** A valid value that differs from the default: the wiring test sets it and expects the Config to change. */
  example?: string;
  /** Other variables the example needs to take effect (e.g. TENCENTCLOUD_ROLE_ARN for the session name). */
  exampleWith?: Readonly<Record<string, string>>;
  /** The bundle's user_config asks for it under this key. */
  bundle?: { key: string; title: string /** Typed masked, though not a secret. */; masked?: true };
  /** server.json's environmentVariables lists it. */
  registry?: true;
  /** The install forms require it (they are for people with an API key: the SDK's other sources need no form). */
  askRequired?: true;
  /** What the install forms pre-fill, when the server itself has no default. */
  suggested?: string;
}

export interface Setting<T = unknown> extends About {
  kind: Kind<T>;
  /** The value when neither flag nor variable is set; none: unset (undefined). */
  default?: T;
  /** Where the value goes; none: a composite in load.ts reads it (credentials, role, proxy, state, passwords). */
  field?: ConfigPath;
  /** From the parsed value to the field's (seconds to ms, ...). */
  to?: (value: T | undefined) => unknown;
}

type Value<T, D> = [undefined] extends [D] ? T | undefined : T;
type Wire<T, D, P extends ConfigPath> =
  | { field?: undefined; to?: undefined }
  | ({ field: P } & ([Value<T, D>] extends [FieldType<P>]
      ? { to?: (value: Value<T, D>) => FieldType<P> }
      : { to: (value: Value<T, D>) => FieldType<P> }));

/** One entry of SETTINGS, type-checked: the value (after `to`) must fit the field it goes to. */
export function setting<
  T,
  const E extends string | undefined,
  const P extends ConfigPath = never,
  const D extends T | undefined = undefined,
>(
  spec: About & { env?: E; kind: Kind<T>; default?: D } & Wire<T, D, P>,
): Setting<T> & { env: E; field: P | undefined; default: D } {
  return spec as unknown as Setting<T> & { env: E; field: P | undefined; default: D };
}

/** Seconds into milliseconds (`to: s`). */
export const s = (seconds: number | undefined) => (seconds ?? 0) * 1000;
