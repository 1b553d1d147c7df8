import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/cloud/catalog.js";
import { TOOL_NAMES } from "../../src/config.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
// the README and the pages under docs/ (a feature documents its codes and settings in its own page there)
const docsDir = new URL("../../docs/", import.meta.url);
const docs = [
  readme,
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith(".md"))
    .map((f) => readFileSync(new URL(f, docsDir), "utf8")),
].join("\n");
const configSource = readFileSync(new URL("../../src/config.ts", import.meta.url), "utf8");

describe("the README stays true", () => {
  it("documents every error code of the catalog with its category and retryable flag", () => {
    for (const [code, entry] of Object.entries(CATALOG)) {
      const row = docs.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      expect(row).toContain(`| ${entry.category} | ${entry.retryable ? "yes" : "no"} |`);
    }
  });

  it("documents every environment variable the server reads", () => {
    const names = new Set(configSource.match(/TENCENTCLOUD_[A-Z_]*[A-Z]/g));
    expect(names.size).toBeGreaterThan(15);
    for (const name of names) expect(docs, name).toContain(name);
  });

  it("documents every tool", () => {
    for (const name of TOOL_NAMES) expect(readme).toContain(`### \`${name}\``);
  });
});
