// Build: tsc compiles src/ to dist/ (the modules the demo and the bench import), then esbuild bundles the
// server's entry, dist/index.js, with what every start needs; what only some runs need (the sandbox, HTTP mode
// with its auth, doctor) goes to dist/chunks/, loaded on first use. Bundled, the server starts faster than from
// ~150 separate ESM modules, and splitting keeps a plain stdio start from parsing the rest (npm run bench, cold
// start). tencentcloud-sdk-nodejs stays outside the bundle: it is loaded on the first API call, from
// node_modules. So do the Redis client (only with TENCENTCLOUD_REDIS_STATE_URL) and prom-client (only in HTTP
// mode, for /metrics): loaded when used, they cost a stdio server nothing at start. OpenTelemetry too: its SDK
// and exporter are loaded from node_modules only when an OTLP endpoint is set (src/telemetry/otel.ts, a chunk).
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";

// a fresh dist/ each time: chunks of an earlier build (their names carry a hash) would pile up in the package
rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
await build({
  entryPoints: ["dist/index.js"],
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  allowOverwrite: true,
  bundle: true,
  // what only some runs need (the sandbox, HTTP mode and its auth, doctor) goes to chunks loaded on first use
  splitting: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["tencentcloud-sdk-nodejs", "redis", "prom-client", "@opentelemetry/*"],
  // Bundled CommonJS dependencies of the MCP SDK call require(): give them Node's.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
chmodSync("dist/index.js", 0o755);
