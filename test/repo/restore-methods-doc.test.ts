// docs/restore-methods.md stays true: the table of methods, the setting, the CAM statements of every action the
// tools call, and this server's codes of the clone route with their category.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/cloud/catalog.js";
import { EDITIONS } from "../../src/cloud/editions.js";
import { TOOLS } from "../../src/tools/index.js";

const doc = readFileSync(new URL("../../docs/restore-methods.md", import.meta.url), "utf8");

describe("docs/restore-methods.md", () => {
  it("has the method of every type in the table", () => {
    for (const [type, edition] of Object.entries(EDITIONS)) {
      expect(doc, type).toContain(`| ${type} | ${edition.name} | ${edition.method} |`);
    }
  });

  it("documents the setting, check_task's new form and switch_address", () => {
    expect(doc).toContain("| `TENCENTCLOUD_REDIS_RESTORE_METHOD` | `auto` | `auto`, `in_place`, `clone` |");
    expect(doc).toContain("`{ instanceId, region?, waitSeconds? }`");
    expect(doc).toContain("## `switch_address`");
  });

  it("grants in its CAM statements every action the tools call", () => {
    const policy = /```json\n(\{\n {2}"version": "2\.0"[\s\S]*?)\n```/.exec(doc)?.[1] ?? "{}";
    const granted = new Set(
      (JSON.parse(policy) as { statement: Array<{ action: string[] }> }).statement.flatMap((s) => s.action),
    );
    for (const action of new Set(TOOLS.flatMap((t) => t.actions))) expect(granted, action).toContain(`redis:${action}`);
  });

  it("lists the clone route's own codes with their catalog category and retryable flag", () => {
    for (const code of ["ClientError.EditionUnsupported", "ClientError.PointInTimeRefused", "ClientError.SwitchRefused", "ClientError.SwitchInterrupted"] as const) {
      const entry = CATALOG[code];
      expect(doc, code).toContain(`| \`${code}\` | ${entry.category} | ${entry.retryable ? "yes" : "no"} |`);
    }
  });
});
