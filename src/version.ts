import { readFileSync } from "node:fs";

/**
 * The package's version, read once from the package.json above this module: next to dist/ (or src/ under the
 * tests), or two levels up from a bundled chunk in dist/chunks/.
 */
export const VERSION: string = (() => {
  for (const path of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "tencentcloud-redis-mcp" && pkg.version) return pkg.version;
    } catch {
      // not there: try the next place
    }
  }
  return "0.0.0";
})();
