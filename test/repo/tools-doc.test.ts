import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/config/index.js";

const toolsDoc = readFileSync(new URL("../../docs/tools.md", import.meta.url), "utf8");

// The configuration table, the error table and the CAM policies are generated (test/repo/generated.test.ts).
describe("the tools page stays true", () => {
  it("documents every tool", () => {
    for (const name of TOOL_NAMES) expect(toolsDoc).toContain(`## \`${name}\``);
  });
});
