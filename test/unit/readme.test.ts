import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/cloud/catalog.js";
import { TOOL_NAMES } from "../../src/config.js";

const doc = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
// The README's former sections, where they live now (docs/README.md is the map)
const errorsDoc = doc("docs/errors.md");
const configurationDoc = doc("docs/configuration.md");
const toolsDoc = doc("docs/tools.md");
const configSource = readFileSync(new URL("../../src/config.ts", import.meta.url), "utf8");

describe("the docs stay true", () => {
  it("documents every error code of the catalog with its category and retryable flag", () => {
    for (const [code, entry] of Object.entries(CATALOG)) {
      const row = errorsDoc.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      expect(row).toContain(`| ${entry.category} | ${entry.retryable ? "yes" : "no"} |`);
    }
  });

  it("documents every environment variable the server reads", () => {
    const names = new Set(configSource.match(/TENCENTCLOUD_[A-Z_]*[A-Z]/g));
    expect(names.size).toBeGreaterThan(15);
    for (const name of names) expect(configurationDoc, name).toContain(name);
  });

  it("documents every tool", () => {
    for (const name of TOOL_NAMES) expect(toolsDoc).toContain(`## \`${name}\``);
  });
});
