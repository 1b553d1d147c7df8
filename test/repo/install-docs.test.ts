// The install docs (the README's Install section, in short, and one page per client under docs/install/): every
// configuration they show is valid JSON whose server entry runs this package's command (package.json's bin, as
// installed from the repository) with arguments and variables the server accepts; the way to install it that
// works without the npm registry comes first, and the npx form is marked for when the package is published.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const BIN = Object.keys(JSON.parse(read("package.json")).bin)[0];
const readme = read("README.md");
const install = readme.slice(readme.indexOf("## Install"), readme.indexOf("## Tools"));
const PAGES = ["claude-desktop", "claude-code", "vscode", "cursor", "npx", "inspector"];
const page = (name: string) => read(`docs/install/${name}.md`);

interface Entry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ""));

function expectAccepted(blocks: Array<{ mcpServers?: unknown; servers?: unknown }>): number {
  const entries: Entry[] = blocks.flatMap((b) => Object.values((b.mcpServers ?? b.servers) as Record<string, Entry>));
  for (const entry of entries) {
    expect(entry.command).toBe(BIN);
    const env = Object.fromEntries(
      Object.entries(entry.env ?? {}).map(([k, v]) => [k, v.startsWith("<") || v.startsWith("${") ? "x" : v]),
    );
    const config = loadConfig(entry.args, env);
    expect(config.credentials?.secretId).toBe("x");
    expect(config.region).toBe("ap-guangzhou");
  }
  return entries.length;
}

describe("the install docs", () => {
  it("have a page per client (the bundle, Claude Desktop, Claude Code, VS Code, Cursor, npx, the Inspector), each linked from the README", () => {
    expect(readdirSync(new URL("../../docs/install/", import.meta.url)).sort()).toEqual(
      [...PAGES.map((p) => `${p}.md`), "README.md"].sort(),
    );
    for (const name of PAGES) expect(install).toContain(`](docs/install/${name}.md)`);
    const desktop = page("claude-desktop");
    for (const heading of ["Claude Desktop: the bundle", "Claude Desktop: JSON config"]) {
      expect(desktop).toContain(`## ${heading}`);
    }
    expect(desktop).toContain("npm run pack:mcpb");
    expect(page("claude-code")).toMatch(/claude mcp add tencentcloud-redis[\s\S]*-- tencentcloud-redis-mcp\n/);
    expect(install).toMatch(/claude mcp add tencentcloud-redis[^\n]*-- tencentcloud-redis-mcp`/);
    expect(page("npx")).toContain("tencentcloud-redis-mcp --sandbox");
    expect(page("inspector")).toContain("npm run inspect");
  });

  it("lead with an install from the repository; npx only for when the package is published", () => {
    const fromClone = "npm ci && npm run build && npm install -g .";
    expect(BIN).toBe("tencentcloud-redis-mcp");
    for (const text of [install, page("README")]) {
      expect(text).toContain(`\`\`\`sh\n${fromClone}\n${BIN} --version\n\`\`\``);
      expect(text).toContain("npm pack");
      expect(text.indexOf(fromClone)).toBeLessThan(text.indexOf("npx"));
    }
    for (const text of [install, ...PAGES.map(page), page("README")]) {
      for (const line of text.split("\n").filter((l) => l.includes("npx -y tencentcloud-redis-mcp"))) {
        const at = text.indexOf(line);
        expect(text.slice(Math.max(0, at - 300), at + line.length), line).toMatch(/once the package is\s+published/i);
      }
    }
  });

  it("show JSON configurations whose server entries the server accepts", () => {
    const readmeBlocks = jsonBlocks(install);
    expect(readmeBlocks.length).toBe(1);
    expect(expectAccepted(readmeBlocks)).toBe(1);
    const pageBlocks = PAGES.flatMap((name) => jsonBlocks(page(name)));
    expect(pageBlocks.length).toBe(2);
    expect(expectAccepted(pageBlocks)).toBe(2);
  });
});
