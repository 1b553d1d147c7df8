// Each tool's published definition (name, title, description, input and output schema, annotations), as
// tools/list answers it with the default configuration, is kept in test/tools/__toolsnaps__/<tool>.json. A change
// to a tool's contract is then a reviewed diff: this test fails until the snapshot is written again on purpose:
//   UPDATE_TOOLSNAPS=1 npx vitest run test/tools/toolsnaps.test.ts
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { TOOLS } from "../../src/tools/index.js";
import { listedTool } from "../../src/tools/register.js";
import { PUBLIC_TOOLS } from "../helpers/tool-names.js";

const DIR = fileURLToPath(new URL("./__toolsnaps__/", import.meta.url));
const UPDATE = process.env.UPDATE_TOOLSNAPS === "1";
// the default configuration, with credentials (what a user's server lists)
const config = loadConfig([], { TENCENTCLOUD_SECRET_ID: "AKIDexample", TENCENTCLOUD_SECRET_KEY: "example", TENCENTCLOUD_REGION: "ap-guangzhou" });

describe("tool schema snapshots (__toolsnaps__)", () => {
  for (const tool of TOOLS) {
    it(`${tool.name}'s published definition is its snapshot`, () => {
      const file = `${DIR}${tool.name}.json`;
      const now = `${JSON.stringify(listedTool(tool, config), null, 2)}\n`;
      if (UPDATE) writeFileSync(file, now);
      expect(existsSync(file), `${file} is missing: run UPDATE_TOOLSNAPS=1 npx vitest run test/tools/toolsnaps.test.ts`).toBe(true);
      expect(now, `${tool.name}'s contract changed: review the diff, then UPDATE_TOOLSNAPS=1 npx vitest run test/tools/toolsnaps.test.ts`).toBe(
        readFileSync(file, "utf8"),
      );
    });
  }

  it("has a snapshot for every public tool and none for a tool that is gone", () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length));
    expect(files.sort()).toEqual([...PUBLIC_TOOLS].sort());
  });
});
