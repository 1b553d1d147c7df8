// The generated files are what `npm run gen` writes now (so CI fails on drift), and the docs generated from the
// one place of each fact say what that place says.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../../scripts/generate.js";
import { CLOUD_ACTIONS } from "../../src/cloud/api.js";
import { CATALOG } from "../../src/cloud/catalog.js";
import { SETTINGS, type Setting } from "../../src/config/schema.js";
import { TOOLS } from "../../src/tools/index.js";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), "utf8");
const generatedPart = (text: string, name: string) =>
  text.slice(text.indexOf(`BEGIN GENERATED: ${name}`), text.indexOf(`END GENERATED: ${name}`));

describe("generated files", () => {
  it.each(generatedFiles(ROOT).map((f) => [f.path, f.content]))("%s is what `npm run gen` writes", (path, content) => {
    expect(read(path), `${path} is out of date: run npm run gen, and commit the result`).toBe(content);
  });
});

describe("docs/configuration.md", () => {
  const docs = read("docs/configuration.md");
  const table = generatedPart(docs, "settings");

  it("documents every environment variable the server reads, in the generated table", () => {
    const source = ["schema.ts", "load.ts", "http.ts", "kinds.ts"].map((f) => read(`src/config/${f}`)).join("\n");
    const names = new Set(source.match(/TENCENTCLOUD_[A-Z_]*[A-Z]/g));
    expect(names.size).toBeGreaterThan(15);
    for (const name of names) expect(table, name).toContain(name);
  });

  it("has one row per setting with its flag and default", () => {
    for (const s of SETTINGS as readonly Setting[]) {
      const key = s.env ? `\`${s.env}\`` : `\`--${s.flag}\``;
      const row = table.split("\n").find((line) => line.startsWith(`| ${key}`) || line.startsWith(`|  | ${key}`));
      expect(row, key).toBeDefined();
      if (s.flag) expect(row).toContain(`\`--${s.flag}\``);
      if (typeof s.default === "number") expect(row).toContain(`\`${s.default}\``);
    }
  });
});

describe("docs/errors.md", () => {
  it("documents every error code of the catalog with its category and retryable flag", () => {
    const errors = read("docs/errors.md");
    for (const [code, entry] of Object.entries(CATALOG)) {
      const row = errors.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      expect(row).toContain(`| ${entry.category} | ${entry.retryable ? "yes" : "no"} |`);
    }
  });
});

describe("docs/permissions.md", () => {
  const policies = [...read("docs/permissions.md").matchAll(/```json\n([\s\S]*?)```/g)].map((m) =>
    JSON.parse(m[1] ?? ""),
  ) as Array<{ version: string; statement: Array<{ effect: string; action: string[]; resource: string[] }> }>;
  const actionsOf = (p: (typeof policies)[number]) => p.statement.flatMap((s) => s.action);

  it("grants read-only use exactly the actions of the read-only tools, all of them reads", () => {
    const [readOnly] = policies;
    const needed = new Set(TOOLS.filter((t) => t.annotations.readOnlyHint).flatMap((t) => t.actions));
    expect(readOnly?.version).toBe("2.0");
    expect(new Set(actionsOf(readOnly ?? { version: "", statement: [] }))).toEqual(
      new Set([...needed].map((a) => `redis:${a}`)),
    );
    for (const a of needed) expect(CLOUD_ACTIONS[a].readOnly, a).toBe(true);
  });

  it("grants full use every action of every tool, the changes on named instances only", () => {
    const full = policies[1] ?? { version: "", statement: [] };
    const needed = new Set(TOOLS.flatMap((t) => t.actions).map((a) => `redis:${a}`));
    expect(new Set(actionsOf(full))).toEqual(needed);
    for (const statement of full.statement) {
      const writes = statement.action.some((a) => !CLOUD_ACTIONS[a.slice(6) as keyof typeof CLOUD_ACTIONS].readOnly);
      if (writes) expect(statement.resource.every((r) => r.includes(":instance/"))).toBe(true);
    }
  });
});
