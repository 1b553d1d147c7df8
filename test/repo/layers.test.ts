// The layers are enforced by `npm run lint`: biome.json's noRestrictedImports overrides, per folder of src.
// Biome runs here with the repository's own biome.json (only its VCS integration off: the copy is not in a git
// checkout) on a scratch copy of the folders, holding deliberate wrong imports beside allowed ones.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIOME = join(ROOT, "node_modules/@biomejs/biome/bin/biome");
const scratch = mkdtempSync(join(tmpdir(), "layers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, "p-"));
  const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
  config.vcs = { enabled: false };
  writeFileSync(join(dir, "biome.json"), JSON.stringify(config));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** `npm run lint`'s command (every diagnostic printed), on the scratch project: its exit status and the file:line of each restricted import. */
function lint(dir: string): { status: number | null; restricted: string[]; output: string } {
  const run = spawnSync(
    process.execPath,
    [BIOME, "lint", "--error-on-warnings", "--colors=off", "--max-diagnostics=100", "src"],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  const output = `${run.stdout}${run.stderr}`;
  const restricted = [...output.matchAll(/^(src\/\S+):(\d+):\d+ lint\/style\/noRestrictedImports/gm)].map(
    (m) => `${m[1]}:${m[2]}`,
  );
  return { status: run.status, restricted: restricted.sort(), output };
}

const lines = (...imports: string[]) =>
  `${imports.join("\n")}\nexport const used = [${imports.map((_, i) => `m${i}`)}];\n`;

describe("the layers (biome.json, npm run lint)", () => {
  it("fail the lint on every import against the arrows: tools -> operations -> gates -> approval -> records -> cloud -> config", () => {
    const dir = project({
      "src/config/wrong.ts": lines(
        'import * as m0 from "../sandbox/seed.js";',
        'import * as m1 from "../cloud/editions.js";',
        'import * as m2 from "../tools/index.js";',
      ),
      "src/cloud/wrong.ts": lines(
        'import * as m0 from "../records/audit.js";',
        'import * as m1 from "../tools/index.js";',
        'import * as m2 from "../http/auth.js";',
        'const m3 = await import("../transports/stdio.js");',
        'import * as m4 from "../records/store/index.js";',
        'import * as m5 from "../operations/preflight.js";',
      ),
      "src/records/wrong.ts": lines(
        'import * as m0 from "../gates/caller.js";',
        'import * as m1 from "../approval/gate.js";',
        'import * as m2 from "../operations/context.js";',
      ),
      "src/records/store/wrong.ts": lines(
        'import * as m0 from "../../tools/shared.js";',
        'export * as m1 from "../../http/auth.js";',
      ),
      "src/gates/wrong.ts": lines(
        'import * as m0 from "../operations/preflight.js";',
        'import * as m1 from "../tools/shared.js";',
      ),
      "src/approval/wrong.ts": lines(
        'import * as m0 from "../operations/context.js";',
        'import * as m1 from "../http/mcp.js";',
        'import * as m2 from "../gates/gate.js";',
      ),
      "src/operations/wrong.ts": lines(
        'import * as m0 from "../tools/register.js";',
        'import * as m1 from "../http/mcp.js";',
        'import * as m2 from "../transports/streamable-http.js";',
      ),
      "src/operations/restore-clone/wrong.ts": lines('import type * as m0 from "../../tools/shared.js";'),
      "src/tools/wrong.ts": lines(
        'import * as m0 from "../http/oauth.js";',
        'import type * as m1 from "../transports/stdio.js";',
      ),
    });
    const { status, restricted, output } = lint(dir);
    expect(status, output).toBe(1);
    expect(output).toContain("src/config depends on nothing but itself");
    expect(output).toContain(
      "src/cloud imports nothing of records, gates, approval, operations, tools, http or transports",
    );
    expect(output).toContain("src/records imports nothing of gates, approval, operations, tools, http or transports");
    expect(output).toContain("src/gates imports nothing of operations, tools, http or transports");
    expect(output).toContain("src/approval imports nothing of gates, operations, tools, http or transports");
    expect(output).toContain("src/operations imports nothing of tools, http or transports");
    expect(output).toContain("src/tools imports nothing of http or transports");
    expect(restricted).toEqual(
      [
        "src/approval/wrong.ts:1",
        "src/approval/wrong.ts:2",
        "src/approval/wrong.ts:3",
        "src/cloud/wrong.ts:1",
        "src/cloud/wrong.ts:2",
        "src/cloud/wrong.ts:3",
        "src/cloud/wrong.ts:4",
        "src/cloud/wrong.ts:5",
        "src/cloud/wrong.ts:6",
        "src/config/wrong.ts:1",
        "src/config/wrong.ts:2",
        "src/config/wrong.ts:3",
        "src/gates/wrong.ts:1",
        "src/gates/wrong.ts:2",
        "src/operations/restore-clone/wrong.ts:1",
        "src/operations/wrong.ts:1",
        "src/operations/wrong.ts:2",
        "src/operations/wrong.ts:3",
        "src/records/store/wrong.ts:1",
        "src/records/store/wrong.ts:2",
        "src/records/wrong.ts:1",
        "src/records/wrong.ts:2",
        "src/records/wrong.ts:3",
        "src/tools/wrong.ts:1",
        "src/tools/wrong.ts:2",
      ].sort(),
    );
  });

  it("let the imports along the arrows through, and packages whose paths only look like a layer", () => {
    const dir = project({
      "src/tools/right.ts": lines(
        'import * as m0 from "../operations/context.js";',
        'import * as m1 from "../cloud/api.js";',
        'import * as m2 from "../unit/shared.js";',
        'import * as m3 from "../config/index.js";',
      ),
      "src/operations/right.ts": lines(
        'import * as m0 from "../approval/step.js";',
        'import * as m1 from "../gates/caller.js";',
      ),
      "src/approval/right.ts": lines(
        'import * as m0 from "../records/audit.js";',
        'import * as m1 from "../cloud/errors.js";',
      ),
      "src/gates/right.ts": lines(
        'import * as m0 from "../approval/step.js";',
        'import * as m1 from "../records/audit.js";',
      ),
      "src/records/store/right.ts": lines(
        'import * as m0 from "../../cloud/limiter.js";',
        'import * as m1 from "../audit.js";',
      ),
      "src/config/right.ts": lines('import * as m0 from "./kinds.js";', 'import * as m1 from "../i18n/index.js";'),
      "src/cloud/right.ts": lines(
        'import * as m0 from "node:http";',
        'import * as m1 from "../unit/endpoint.js";',
        'import * as m2 from "tencentcloud-sdk-nodejs/tencentcloud/common/http/http_connection.js";',
      ),
      "src/transports/right.ts": lines(
        'import * as m0 from "../http/auth.js";',
        'import * as m1 from "../tools/register.js";',
      ),
    });
    const { status, restricted, output } = lint(dir);
    expect(restricted).toEqual([]);
    expect(status, output).toBe(0);
  });
});
