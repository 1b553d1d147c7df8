// The one list of settings (src/config/schema.ts) holds every setting once, each reaches the Config, and --help
// and every variable named in src come from it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HELP, loadConfig } from "../../src/config/index.js";
import { SETTINGS, type Setting } from "../../src/config/schema.js";
import { Secret } from "../../src/config/secret.js";

const settings = SETTINGS as readonly Setting[];
const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** The Config as data, the secrets revealed (a Secret prints as [redacted] whatever it holds). */
function plain(value: unknown): unknown {
  if (value instanceof Secret) return { secret: value.reveal() };
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [k, plain(v)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("the settings", () => {
  it("name each variable, flag, field and bundle key once", () => {
    for (const key of ["env", "flag", "field"] as const) {
      const values = settings.map((s) => s[key]).filter((v) => v !== undefined);
      expect(values.length, key).toBeGreaterThan(0);
      expect(new Set(values).size, key).toBe(values.length);
    }
    const keys = settings.flatMap((s) => (s.bundle ? [s.bundle.key] : []));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("each have a one-line description, and a variable or a flag", () => {
    for (const s of settings) {
      expect(s.env ?? s.flag, JSON.stringify(s)).toBeDefined();
      expect(s.description.length, s.env).toBeGreaterThan(10);
      expect(s.description, s.env).not.toMatch(/\n|\.$/);
    }
  });

  it.each(
    settings.map((s) => [s.env ?? `--${s.flag}`, s] as const),
  )("%s reaches the Config (its example changes what loadConfig returns)", (_name, s) => {
    const env = s.env?.replace("<ID>", "CRS_5A4PY64P");
    let base: ReturnType<typeof loadConfig>;
    try {
      base = loadConfig([], s.exampleWith ?? {});
    } catch {
      base = loadConfig([], {}); // the example's companion alone is not valid (half a key pair)
    }
    const changed =
      env === undefined ? loadConfig([`--${s.flag}`], {}) : loadConfig([], { ...s.exampleWith, [env]: s.example ?? "" });
    expect(s.example !== undefined || env === undefined, `${env} needs an example`).toBe(true);
    expect(plain(changed)).not.toEqual(plain(base));
  });

  it("a value its kind refuses makes loadConfig fail, naming the variable (and the flag, if it takes a value)", () => {
    let refused = 0;
    for (const s of settings) {
      const name = s.env;
      if (name === undefined || name.includes("<")) continue;
      const bad = "\u0001not valid";
      try {
        s.kind.parse(bad, name);
        continue; // free text: any value is one
      } catch {
        refused++;
      }
      const label = s.flag && s.kind.flag === "string" ? `${name} (or --${s.flag})` : name;
      expect(() => loadConfig([], { ...s.exampleWith, [name]: bad }), name).toThrow(label);
    }
    expect(refused).toBeGreaterThan(30);
  });
});

describe("--help", () => {
  it("lists every flag, with its variable", () => {
    for (const s of settings.filter((x) => x.flag)) {
      const line = HELP.split("\n").find((l) => l.trimStart().startsWith(`--${s.flag} `) || l.trim() === `--${s.flag}`);
      expect(line, s.flag).toBeDefined();
      if (s.env) expect(line).toContain(s.env);
    }
    expect(HELP).toContain("-h, --help");
    expect(HELP).toContain("docs/configuration.md");
  });

  it("and every flag it lists parses", () => {
    for (const flag of HELP.matchAll(/^ {2}(--[a-z-]+)( <[^>]+>)?/gm)) {
      const argv = flag[2] ? [flag[1] as string, "x"] : [flag[1] as string];
      expect(() => loadConfig(argv, {}), flag[1]).not.toThrow(/Unknown option/);
    }
  });
});

describe("src", () => {
  it("names no variable that is not a setting", () => {
    const names = new Set(settings.flatMap((s) => (s.env ? [s.env, ...(s.aliases ?? [])] : [])));
    const unknown: string[] = [];
    for (const file of sourceFiles(SRC)) {
      for (const m of readFileSync(file, "utf8").matchAll(/\b(?:TENCENTCLOUD|TKE)_[A-Z0-9_]*[A-Z0-9]\b(_\*|_<)?/g)) {
        const name = m[0];
        if (m[1] || names.has(name)) continue; // a family (TENCENTCLOUD_ROLE_*, TENCENTCLOUD_REDIS_PASSWORD_<ID>)
        if (name.startsWith("TENCENTCLOUD_REDIS_PASSWORD_")) continue; // one instance's password
        if (name === "TKE_PROVIDER_ID" || name === "TKE_REGION") continue; // read by the SDK alone
        unknown.push(`${file.slice(SRC.length)}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
