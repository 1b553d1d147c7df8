// The places a new tool or a new cloud action needs that the compiler cannot see (CONTRIBUTING.md, "Add a tool"
// and "Add a cloud action"): each check names the file that was forgotten. The other places are checked where
// they live: docs/tools.md (test/repo/tools-doc.test.ts), doctor's probes (test/doctor/verdict.test.ts), the
// generated files (test/repo/generated.test.ts).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLOUD_ACTIONS, type CloudAction } from "../../src/cloud/api.js";
import { CATALOG } from "../../src/cloud/catalog.js";
import { ACTIONS } from "../../src/sandbox/actions.js";
import { TOOLS } from "../../src/tools/index.js";
import * as reference from "../helpers/reference.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const cloudActions = Object.keys(CLOUD_ACTIONS) as CloudAction[];

/** Tests over every tool at once: they do not count as a tool's own test. */
const ALL_TOOLS_TESTS = ["tools.test.ts", "budget.test.ts", "bad-input.test.ts"];
const toolTests = readdirSync(new URL("test/tools/", root))
  .filter((f) => f.endsWith(".test.ts") && !ALL_TOOLS_TESTS.includes(f))
  .map((f) => read(`test/tools/${f}`));

/** Actions the API documents no codes of their own for (the reference lists none): no per-action list yet. */
const NO_CODE_LIST: readonly CloudAction[] = ["DescribeInstances", "DescribeInstanceBackups", "DescribeTaskList"];

/** DescribeTaskInfo -> DESCRIBE_TASK_INFO_CODES, the name of its list in test/helpers/reference.ts. */
const codeListName = (action: string) => `${action.replace(/(?<=[a-z])(?=[A-Z])/g, "_").toUpperCase()}_CODES`;
const codeLists = reference as unknown as Record<string, readonly string[] | undefined>;

describe("every tool", () => {
  it.each(TOOLS.map((t) => t.name))("%s has its own test in test/tools/ that calls it", (name) => {
    expect(
      toolTests.some((text) => text.includes(`call("${name}"`)),
      `no test/tools/*.test.ts (beyond ${ALL_TOOLS_TESTS.join(", ")}) calls ${name}`,
    ).toBe(true);
  });

  it("declares only actions of CLOUD_ACTIONS", () => {
    for (const tool of TOOLS) for (const a of tool.actions) expect(cloudActions, tool.name).toContain(a);
  });
});

describe.each(cloudActions)("cloud action %s", (action) => {
  it("is answered by the fake (src/sandbox/actions.ts ACTIONS)", () => {
    expect(Object.keys(ACTIONS), `src/sandbox/actions.ts has no ${action}`).toContain(action);
  });

  it("has its published example in test/fixtures/tencentcloud-cli/, served in test/cloud/published-examples.test.ts", () => {
    const path = `test/fixtures/tencentcloud-cli/${action}.json`;
    expect(existsSync(new URL(path, root)), `${path} is missing`).toBe(true);
    const fixture = JSON.parse(read(path)) as { action: string; source: string };
    expect(fixture.action).toBe(action);
    expect(fixture.source).toMatch(/^https:\/\/github\.com\/TencentCloud\/tencentcloud-cli\/blob\/[0-9a-f]{40}\//);
    expect(read("test/cloud/published-examples.test.ts"), `no case serves ${action}`).toContain(`"${action}"`);
  });
});

describe.each(cloudActions)("the error codes of %s", (action) => {
  if (NO_CODE_LIST.includes(action)) {
    it("have no list yet, as NO_CODE_LIST says (remove it from there when its list is added)", () => {
      expect(codeLists[codeListName(action)]).toBeUndefined();
    });
  } else {
    it("are listed in test/helpers/reference.ts (from the API's documentation, with their source)", () => {
      expect(codeLists[codeListName(action)], `test/helpers/reference.ts has no ${codeListName(action)}`).toBeDefined();
    });
  }
});

it("every code of every list in test/helpers/reference.ts has its entry in the catalog", () => {
  const lists = Object.entries(codeLists).filter(([name]) => name.endsWith("_CODES"));
  expect(lists.length).toBeGreaterThan(5);
  for (const [name, codes] of lists)
    for (const code of codes ?? []) expect(CATALOG, `${name}: ${code}`).toHaveProperty([code]);
});
