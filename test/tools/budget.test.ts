// A model reads every tool's name, title, description and input schema on every turn: keep them cheap.

import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { describe, expect, it } from "vitest";
import { loadConfig, TOOL_NAMES } from "../../src/config.js";
import { Logger } from "../../src/log.js";
import { createServer } from "../../src/server.js";
import { connectClient } from "../helpers/client.js";

/** Tokens per tool on average (JSON length / 4 of name + title + description + inputSchema). */
const BUDGET = 375;

async function listedTools(env: Record<string, string>) {
  const config = loadConfig([], env);
  const created = createServer({ config, log: new Logger("error", () => {}) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const { client, tools } = await connectClient(a, { name: "budget", beforeList: () => created.server.connect(b) });
  try {
    return tools;
  } finally {
    await client.close();
    await created.close();
  }
}

describe("tool token budget", () => {
  it(`averages at most ${BUDGET} tokens per tool as tools/list returns them, with the largest schemas`, async () => {
    // token confirmation and the password argument: the largest restore_instance schema there is
    const tools = await listedTools({ TENCENTCLOUD_REDIS_CONFIRM: "token", TENCENTCLOUD_REDIS_PASSWORD_ARGUMENT: "true" });
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    const tokens = tools.map((t) => ({
      name: t.name,
      tokens: JSON.stringify({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema }).length / 4,
    }));
    const total = tokens.reduce((sum, t) => sum + t.tokens, 0);
    const average = total / tools.length;
    expect(average, JSON.stringify(tokens)).toBeLessThanOrEqual(BUDGET);
  });

  it("teaches the order: list_instances, list_backups, backup_instance + check_task, restore_instance, check_task", async () => {
    const tools = Object.fromEntries((await listedTools({})).map((t) => [t.name, t.description ?? ""]));
    expect(tools.restore_instance).toMatch(/list_instances[\s\S]*list_backups[\s\S]*backup_instance[\s\S]*check_task/);
    expect(tools.backup_instance).toMatch(/restore_instance[\s\S]*check_task/);
    expect(tools.check_task).toMatch(/backup_instance/);
  });
});
