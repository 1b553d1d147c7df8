// The container test stage: test/container/ with its own vitest configuration (it builds the image and plays
// it with podman), then one closing line `N passed, N failed`. Exits non-zero when anything failed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = join(mkdtempSync(join(tmpdir(), "tcrmcp-container-")), "results.json");
const started = Date.now();
const run = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--config", "test/container/vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(out, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numPendingTests + results.numTodoTests;
  if (results.numTotalTests === 0 || !results.success) failed = Math.max(failed, 1);
} catch {
  failed = Math.max(failed, 1); // no results: the stage did not run
}
process.stdout.write(`container stage: ${Math.round((Date.now() - started) / 1000)} s\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && run.status === 0 ? 0 : 1;
