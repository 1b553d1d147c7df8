// npm run pack:mcpb: the MCP Bundle for one-click install in Claude Desktop, tencentcloud-redis-mcp-<version>.mcpb.
// The server is bundled by esbuild from src/ into server/ with everything it needs (the Tencent Cloud SDK's
// Redis module and the sandbox are split into chunks loaded on first use, as in dist/), so the bundle carries
// no node_modules and no dev files. The manifest comes from scripts/mcpb-manifest.mjs; the official CLI packs it.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { mcpbManifest } from "./mcpb-manifest.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const stage = `${root}.cache/mcpb`;
const output = `${root}${pkg.name}-${pkg.version}.mcpb`;
const mcpb = `${root}node_modules/@anthropic-ai/mcpb/dist/cli/cli.js`;

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
await build({
  entryPoints: [`${root}src/index.ts`],
  outdir: `${stage}/server`,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
// The server reads its version from the package.json next to server/.
writeFileSync(
  `${stage}/package.json`,
  `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: "module", license: pkg.license }, null, 2)}\n`,
);
writeFileSync(`${stage}/manifest.json`, `${JSON.stringify(await mcpbManifest(), null, 2)}\n`);
writeFileSync(`${stage}/README.md`, readFileSync(`${root}README.md`));

execFileSync(process.execPath, [mcpb, "validate", `${stage}/manifest.json`], { stdio: "inherit" });
rmSync(output, { force: true });
execFileSync(process.execPath, [mcpb, "pack", stage, output], { stdio: ["ignore", "ignore", "inherit"] });
const size = statSync(output).size;
process.stdout.write(`${output.slice(root.length)}: ${(size / 1024 / 1024).toFixed(2)} MB (${size} bytes)\n`);
