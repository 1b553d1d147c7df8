// Build: tsc compiles src/ to dist/ (the modules the demo and the bench import), then esbuild bundles the
// server's entry into one file, dist/index.js. One file starts about a quarter faster than ~150 separate ESM
// modules (npm run bench, cold start). tencentcloud-sdk-nodejs stays outside the bundle: it is loaded on the
// first API call, from node_modules. So do the Redis client (only with TENCENTCLOUD_REDIS_STATE_URL) and
// prom-client (only in HTTP mode, for /metrics): loaded when used, they cost a stdio server nothing at start.
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { build } from "esbuild";

execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
await build({
  entryPoints: ["dist/index.js"],
  outfile: "dist/index.js",
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["tencentcloud-sdk-nodejs", "redis", "prom-client"],
  // Bundled CommonJS dependencies of the MCP SDK call require(): give them Node's.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
chmodSync("dist/index.js", 0o755);
