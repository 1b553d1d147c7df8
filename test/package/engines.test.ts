// `npm ci` on the Node the project supports (Node 20 in CI) warns about no package of the locked tree: every
// dependency, dev ones included, accepts this Node (the MCP Inspector, which needs Node 22+, runs from .cache/node24).
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("npm ci on this Node", () => {
  it("prints no EBADENGINE for the locked tree", async () => {
    const dir = mkdtempSync(join(tmpdir(), "engines-"));
    for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(ROOT, file), join(dir, file));
    // --dry-run resolves the whole locked tree and checks each package's engines without installing it
    const { stdout, stderr } = await promisify(execFile)(
      "npm",
      ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "warn"],
      { cwd: dir, timeout: 120_000, env: { ...process.env, npm_config_update_notifier: "false" } },
    );
    expect(`${stdout}${stderr}`).toMatch(/added \d+ packages/);
    expect(`${stdout}${stderr}`).not.toMatch(/EBADENGINE/);
  }, 150_000);
});
