// npm run gen: writes the generated files (scripts/generate.ts says which, and from what). esbuild bundles the
// generator and the src/ modules it reads into one ES module (no type check: so that it also runs while a new
// tool's name does not compile yet), which is then imported and run.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const outfile = `${root}.cache/gen/generate.mjs`;
await build({
  entryPoints: [`${root}scripts/generate.ts`],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
});
const { generatedFiles } = await import(`${outfile}?${Date.now()}`);
for (const { path, content } of generatedFiles(new URL("../", import.meta.url))) {
  const file = `${root}${path}`;
  let before;
  try {
    before = readFileSync(file, "utf8");
  } catch {
    before = undefined;
  }
  if (before === content) continue;
  writeFileSync(file, content);
  process.stdout.write(`wrote ${path}\n`);
}
