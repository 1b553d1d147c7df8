// The README's Install section: every configuration it shows is valid JSON whose server entry runs this package
// with arguments and variables the server accepts.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const install = readme.slice(readme.indexOf("## Install"), readme.indexOf("## Connect it"));

interface Entry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

describe("the README's Install section", () => {
  it("covers the bundle, Claude Desktop, Claude Code, VS Code, Cursor and npx", () => {
    for (const heading of ["Claude Desktop: the bundle", "Claude Desktop: JSON config", "Claude Code", "VS Code", "Cursor", "npx"]) {
      expect(install).toContain(`### ${heading}`);
    }
    expect(install).toContain("npm run pack:mcpb");
    expect(install).toMatch(/claude mcp add tencentcloud-redis[\s\S]*-- npx -y tencentcloud-redis-mcp/);
  });

  it("shows JSON configurations whose server entries the server accepts", () => {
    const blocks = [...install.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ""));
    expect(blocks.length).toBe(2);
    const entries: Entry[] = blocks.flatMap((b) => Object.values((b.mcpServers ?? b.servers) as Record<string, Entry>));
    expect(entries.length).toBe(2);
    for (const entry of entries) {
      expect(entry.command).toBe("npx");
      expect(entry.args.slice(0, 2)).toEqual(["-y", "tencentcloud-redis-mcp"]);
      const env = Object.fromEntries(
        Object.entries(entry.env ?? {}).map(([k, v]) => [k, v.startsWith("<") || v.startsWith("${") ? "x" : v]),
      );
      const config = loadConfig(entry.args.slice(2), env);
      expect(config.credentials?.secretId).toBe("x");
      expect(config.region).toBe("ap-guangzhou");
    }
  });
});
