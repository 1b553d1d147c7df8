// docs/crash-safety.md (docs/crash-safety.md) stays true: its records are real lines of the journal, each intent with its
// outcome, its settings are the configuration's, and its sections are there.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { ACTION_OF } from "../../src/records/journal.js";

const doc = readFileSync(new URL("../../docs/crash-safety.md", import.meta.url), "utf8");
const records = doc
  .split("\n")
  .filter((line) => line.startsWith('{"time":'))
  .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("docs/crash-safety.md", () => {
  it("has the sections the issue asks for", () => {
    for (const heading of ["## What happens when the server crashes", "### Torn writes", "## Settings", "## Threat model"]) {
      expect(doc).toContain(heading);
    }
  });

  it("shows real intent and outcome lines: each intent's operationId comes back on its outcome", () => {
    const intents = records.filter((r) => r.outcome === "intent");
    expect(intents.length).toBeGreaterThanOrEqual(2);
    const actions = new Set(Object.values(ACTION_OF));
    for (const intent of intents) {
      expect(intent.operationId).toMatch(/^op_[0-9a-f-]{36}$/);
      expect(actions.has(intent.action as never)).toBe(true);
      expect(Date.parse(intent.deadline as string)).toBeGreaterThan(Date.parse(intent.time as string));
      const outcomes = records.filter((r) => r.operationId === intent.operationId && r.outcome !== "intent");
      expect(outcomes.length, String(intent.operationId)).toBeGreaterThanOrEqual(1);
    }
    const settled = new Set(records.filter((r) => r.reconciled === true).map((r) => r.outcome));
    expect([...settled].sort()).toEqual(["not_sent", "recovered"]);
  });

  it("documents the settings as the configuration reads them", () => {
    expect(loadConfig([], {}).restoreDedupMinutes).toBe(30);
    expect(doc).toMatch(/\| `TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES` \| `30` \|/);
    expect(doc).toContain("`TENCENTCLOUD_REDIS_SANDBOX_CRASH_POINT`");
    for (const point of ["after-intent", "after-answer"]) expect(doc).toContain(`\`${point}\``);
    for (const code of ["ClientError.OperationInDoubt", "ClientError.AuditLogUnavailable"]) expect(doc).toContain(code);
  });
});
