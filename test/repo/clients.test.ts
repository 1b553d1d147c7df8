// Every MCP client a test makes goes through test/helpers/client.ts (connectClient), which lists the tools first
// so that the SDK validates each answer against its output schema, as real clients do. A bare `new Client(`
// anywhere else in the tests or the bench would skip that check.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HELPER = "test/helpers/client.ts";

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === "fixtures" || name === "__toolsnaps__" ? [] : sources(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

describe("test clients", () => {
  it("are made only by connectClient (it lists the tools first)", () => {
    const files = [...sources("test"), ...sources("bench")];
    expect(files).toContain(HELPER);
    const bare = files.filter((f) => f !== HELPER && f !== "test/repo/clients.test.ts" && /new Client\(/.test(readFileSync(join(ROOT, f), "utf8")));
    expect(bare.map((f) => relative(ROOT, join(ROOT, f)))).toEqual([]);
  });

  it("the demo, a client of its own, lists the tools before it calls one", () => {
    const demo = readFileSync(join(ROOT, "scripts/demo.mjs"), "utf8");
    expect(demo.indexOf("listTools()")).toBeGreaterThan(demo.indexOf("client.connect("));
    expect(demo.indexOf("listTools()")).toBeLessThan(demo.indexOf('call(client, "list_instances"'));
  });
});
