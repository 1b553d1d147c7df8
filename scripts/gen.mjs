// npm run gen: writes the generated files (scripts/generate.ts says which, and from what).
// npm run gen:examples (`node scripts/gen.mjs examples`, after a build): writes the sample outputs in docs/ from a
// run of the sandbox and of `npm run demo` (scripts/examples.ts says which, and how they are normalised).
// esbuild bundles the generator and the src/ modules it reads into one ES module (no type check: so that it also
// runs while a new tool's name does not compile yet), which is then imported and run.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const examples = process.argv[2] === "examples";
const outfile = `${root}.cache/gen/${examples ? "examples" : "generate"}.mjs`;
await build({
  entryPoints: [`${root}scripts/${examples ? "examples" : "generate"}.ts`],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
});
const generator = await import(`${outfile}?${Date.now()}`);

function write(path, content) {
  const file = `${root}${path}`;
  let before;
  try {
    before = readFileSync(file, "utf8");
  } catch {
    before = undefined;
  }
  if (before === content) return;
  writeFileSync(file, content);
  process.stdout.write(`wrote ${path}\n`);
}

if (examples) {
  const { examples: run, demoExamples, between, EXAMPLES_COMMAND } = generator;
  const startMs = Date.now();
  const demo = promisify(execFile)(process.execPath, [`${root}scripts/demo.mjs`], { timeout: 180_000 });
  const pages = await run();
  for (const [page, blocks] of Object.entries(demoExamples((await demo).stdout, startMs))) {
    pages[page] = { ...pages[page], ...blocks };
  }
  for (const [page, blocks] of Object.entries(pages)) {
    let text = readFileSync(`${root}${page}`, "utf8");
    for (const [name, content] of Object.entries(blocks)) text = between(text, name, content, page, EXAMPLES_COMMAND);
    write(page, text);
  }
} else {
  for (const { path, content } of generator.generatedFiles(new URL("../", import.meta.url))) write(path, content);
}
