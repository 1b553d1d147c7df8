// The MCP Registry entry (server.json), package.json and the configuration table (docs/configuration.md) tell the
// same story.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const pkg = JSON.parse(read("package.json"));
const server = JSON.parse(read("server.json"));
const docs = read("docs/configuration.md");
// The settings' entries, one file per group (src/config/settings/), gathered by src/config/schema.ts
const schemaSource = readdirSync(new URL("../../src/config/settings/", import.meta.url))
  .map((file) => read(`src/config/settings/${file}`))
  .join("\n");

interface EnvVar {
  name: string;
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  default?: string;
  choices?: string[];
}

describe("server.json (MCP Registry)", () => {
  const npm = server.packages.find((p: { registryType: string }) => p.registryType === "npm");
  const env: EnvVar[] = npm?.environmentVariables ?? [];

  it("follows the registry's current schema and its rules", () => {
    expect(server.$schema).toBe("https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json");
    expect(server.name).toMatch(/^io\.github\.[A-Za-z0-9-]+\/tencentcloud-redis-mcp$/);
    expect(server.description.length).toBeGreaterThan(0);
    expect(server.description.length).toBeLessThanOrEqual(100);
    expect(server.repository).toMatchObject({ source: "github" });
  });

  it("is named as package.json's mcpName, under the owner of the repository, at package.json's version", () => {
    expect(pkg.mcpName).toBe(server.name);
    const owner = /github\.com\/([^/]+)\//.exec(pkg.repository.url)?.[1];
    expect(server.name).toBe(`io.github.${owner}/${pkg.name}`);
    expect(server.repository.url).toBe(pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""));
    expect(server.version).toBe(pkg.version);
    expect(npm).toMatchObject({
      registryType: "npm",
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: "stdio" },
    });
  });

  it("describes every variable, and marks the secrets", () => {
    expect(env.length).toBeGreaterThanOrEqual(8);
    for (const v of env) expect(v.description?.length ?? 0, v.name).toBeGreaterThan(10);
    const secrets = env.filter((v) => v.isSecret).map((v) => v.name);
    expect(secrets).toEqual(["TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN", "TENCENTCLOUD_REDIS_PASSWORD"]);
    for (const v of env) if (v.choices && v.default) expect(v.choices).toContain(v.default);
  });

  it("names only variables the server reads and the configuration table documents", () => {
    const table = docs.slice(docs.indexOf("BEGIN GENERATED: settings"), docs.indexOf("END GENERATED: settings"));
    for (const v of env) {
      expect(schemaSource, v.name).toMatch(new RegExp(`env: "${v.name}"`));
      expect(table, v.name).toMatch(new RegExp(`^\\| [^\\n]*\`${v.name}\``, "m"));
    }
  });
});
