import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A fresh random token, as an operator would make one (`openssl rand -hex 32`). */
export const newToken = () => randomBytes(32).toString("hex");

/** Writes a tokens file (mode 0600 unless told) in a fresh directory and returns its path. */
export function writeTokensFile(content: unknown, mode = 0o600, path?: string): string {
  const file = path ?? join(mkdtempSync(join(tmpdir(), "tokens-")), "tokens.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content), { mode });
  return file;
}

/** A Logger at debug level whose lines are kept, to check what was (and was not) logged. */
export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger("debug", (line) => lines.push(line)), lines };
}

export function configWith(env: Record<string, string>): Config {
  return loadConfig([], env);
}
