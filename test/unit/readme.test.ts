import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/config.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

// The configuration table, the error table and the CAM policies moved to docs/ (test/unit/generated.test.ts).
describe("the README stays true", () => {
  it("documents every tool", () => {
    for (const name of TOOL_NAMES) expect(readme).toContain(`### \`${name}\``);
  });
});
