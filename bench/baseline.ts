// The baseline build for the side-by-side rows (docs/performance.md): the server built from another commit, in a
// directory of its own under the system's temp directory (kept, so a second run reuses it), with this
// checkout's node_modules. `--baseline <commit>` (or the path of a built dist/index.js).

import { execFileSync, execSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The entry (dist/index.js) of the server built at `commitOrEntry`, building it the first time. */
export function baselineEntry(commitOrEntry: string): { entry: string; label: string } {
  if (commitOrEntry.endsWith(".js")) return { entry: path.resolve(commitOrEntry), label: commitOrEntry };
  const commit = execFileSync("git", ["rev-parse", "--short", `${commitOrEntry}^{commit}`], { encoding: "utf8" }).trim();
  const dir = path.join(os.tmpdir(), `tcrmcp-baseline-${commit}`);
  const entry = path.join(dir, "dist", "index.js");
  if (!existsSync(entry)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execSync(`git archive ${commit} | tar -x -C ${JSON.stringify(dir)}`, { stdio: "inherit" });
    symlinkSync(realpathSync("node_modules"), path.join(dir, "node_modules"));
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: dir, stdio: "inherit" });
  }
  return { entry, label: commit };
}
