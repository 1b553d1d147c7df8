// The kinds of value a setting takes: how its text is parsed and checked, and how the docs, --help, server.json
// and the bundle's form name its type. A parser gets the trimmed, non-empty text (the raw text for secrets) and
// the label to name in an error: the variable, with "(or --flag)" when a flag takes a value too.
import { Secret } from "./secret.js";
import { ConfigError, type Endpoint } from "./types.js";

export interface Kind<T> {
  /** The type as the configuration table shows it, e.g. "number 1–1000". */
  type: string;
  parse(text: string, label: string): T;
  /** A flag of this kind takes a value (string) or is a switch (boolean). */
  flag: "string" | "boolean";
  /** The value as written (not trimmed): passwords and keys. */
  raw?: boolean;
  /** For server.json and the bundle's form. */
  format?: "boolean" | "number" | "filepath";
  choices?: readonly string[];
}

const SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Any text (a path, a URL checked later), as given. */
export const text: Kind<string> = { type: "text", flag: "string", parse: (value) => value };

/** A file path. */
export const file: Kind<string> = { ...text, type: "file path", format: "filepath" };

/** A value that is never printed: kept untrimmed, wrapped in a Secret. */
export const secret: Kind<Secret> = {
  type: "text, secret",
  flag: "string",
  raw: true,
  parse: (value) => new Secret(value),
};

export const bool: Kind<boolean> = {
  type: "`true` / `false`",
  flag: "boolean",
  format: "boolean",
  parse(value, label) {
    const v = value.toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
    throw new ConfigError(`${label} must be true or false, not "${v}"`);
  },
};

/** A number from min to max; `whole` truncates it (a count). */
export function number(min: number, max: number, options: { whole?: boolean; unit?: string } = {}): Kind<number> {
  return {
    type: `number ${min}–${max}${options.unit ? ` ${options.unit}` : ""}`,
    flag: "string",
    format: "number",
    parse(value, label) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < min || n > max) {
        throw new ConfigError(`${label} must be a number from ${min} to ${max}, not "${value}"`);
      }
      return options.whole ? Math.trunc(n) : n;
    },
  };
}

/** A whole number of minutes, strictly (1.5 is refused). */
export function minutes(min: number, max: number): Kind<number> {
  return {
    type: `whole minutes ${min}–${max}`,
    flag: "string",
    format: "number",
    parse(value, label) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new ConfigError(`${label} must be a whole number of minutes from ${min} to ${max}, not "${value}"`);
      }
      return n;
    },
  };
}

/** "a, b or c". */
export function either(words: readonly string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : (words[0] ?? "");
}

/** One of these words, in any case (`_` read as `-`); the value is the word as listed. */
export function oneOf<const T extends string>(
  choices: readonly T[],
  problem?: (label: string, value: string) => string,
): Kind<T> {
  const words = choices.map((c) => `\`${c}\``);
  return {
    type: words.join(" | "),
    flag: "string",
    choices,
    parse(value, label) {
      const fold = (word: string) => word.toLowerCase().replaceAll("_", "-");
      const found = choices.find((c) => fold(c) === fold(value));
      if (found === undefined) {
        throw new ConfigError(problem ? problem(label, value) : `${label} must be ${either(choices)}, not "${value}"`);
      }
      return found;
    },
  };
}

/** Text that matches a pattern; `problem` says what it should be. */
export function matching(re: RegExp, problem: (label: string, value: string) => string): Kind<string> {
  return {
    type: "text",
    flag: "string",
    parse(value, label) {
      if (!re.test(value)) throw new ConfigError(problem(label, value));
      return value;
    },
  };
}

/** A comma-separated list; each item is checked (and may be normalized) by `item`. */
export function list<T = string>(item: (value: string, label: string) => T = (v) => v as T): Kind<readonly T[]> {
  return {
    type: "comma-separated list",
    flag: "string",
    parse: (value, label) => splitList(value).map((v) => item(v, label)),
  };
}

/** `host`, `host:port` or a URL `http(s)://host[:port]`; https unless the URL says http. */
export function parseEndpoint(value: string, variable = "TENCENTCLOUD_REDIS_ENDPOINT"): Endpoint {
  let url: URL | undefined;
  try {
    url = new URL(SCHEME_RE.test(value) ? value : `https://${value}`);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.hostname !== "" &&
    (url.pathname === "/" || url.pathname === "") &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !url.password;
  if (!url || !ok) {
    const name = variable === "TENCENTCLOUD_REDIS_ENDPOINT" ? `${variable} (or --endpoint)` : variable;
    throw new ConfigError(`${name} must be a host, host:port or http(s)://host[:port] URL, not "${value}"`);
  }
  const endpoint: Endpoint = {
    protocol: url.protocol as Endpoint["protocol"],
    host: url.hostname.replace(/^\[|\]$/g, ""),
  };
  if (url.port !== "") endpoint.port = Number(url.port);
  return endpoint;
}

export function endpoint(variable: string): Kind<Endpoint> {
  return { type: "host, host:port or URL", flag: "string", parse: (value) => parseEndpoint(value, variable) };
}

/**
 * A proxy URL (`http://[user:password@]proxy:port`, scheme optional). It may carry credentials: a Secret,
 * never echoed in an error.
 */
export const proxyUrl: Kind<Secret> = {
  type: "URL, secret",
  flag: "string",
  parse(value, label) {
    let url: URL | undefined;
    try {
      url = new URL(SCHEME_RE.test(value) ? value : `http://${value}`);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
      throw new ConfigError(`${label} must be a proxy URL like http://proxy.example.com:3128`);
    }
    return new Secret(url.href);
  },
};
