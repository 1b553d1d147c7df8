import { createHash, timingSafeEqual } from "node:crypto";
import { open } from "node:fs/promises";
import { z } from "zod";
import { ConfigError } from "../config/index.js";
import { type Caller, makeCaller, SCOPES } from "../gates/caller.js";

/** Larger than any sensible list of hashes; a bigger file is a mistake (or not the file meant). */
const MAX_FILE_BYTES = 1024 * 1024;

const entrySchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      "a name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
    ),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "sha256 must be the hex SHA-256 of the token (64 hex digits), never the token"),
  scopes: z
    .array(z.enum(SCOPES as [string, ...string[]], { error: `scopes are ${SCOPES.join(", ")}` }))
    .min(1, "give the token at least one scope (or remove the entry)"),
});

const fileSchema = z.array(entrySchema).superRefine((entries, ctx) => {
  const names = new Set<string>();
  const hashes = new Set<string>();
  entries.forEach((entry, index) => {
    if (names.has(entry.name)) ctx.addIssue({ code: "custom", path: [index, "name"], message: "names must be unique" });
    const hash = entry.sha256.toLowerCase();
    if (hashes.has(hash))
      ctx.addIssue({ code: "custom", path: [index, "sha256"], message: "two entries have this hash" });
    names.add(entry.name);
    hashes.add(hash);
  });
});

/** One entry of the tokens file, its hash as bytes. */
export interface TokenEntry {
  name: string;
  hash: Buffer;
  caller: Caller;
}

/**
 * Reads and checks the tokens file: a regular file, not readable or writable by group or others (as ssh asks of
 * keys), at most 1 MiB, a JSON array of {name, sha256, scopes}. Throws ConfigError naming the file; the message
 * never quotes the file's content (someone may have put a token in it by mistake).
 */
export async function readTokensFile(path: string): Promise<TokenEntry[]> {
  let text: string;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${path} is not a regular file`);
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
      throw new ConfigError(
        `TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${path} is accessible by group or others (mode ${(stat.mode & 0o777)
          .toString(8)
          .padStart(3, "0")}): run chmod 600 ${path}`,
      );
    }
    if (stat.size > MAX_FILE_BYTES) {
      throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${path} is larger than 1 MiB`);
    }
    text = await handle.readFile("utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${path} cannot be read (${code})`);
  } finally {
    await handle?.close();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the fault: never repeat it.
    throw new ConfigError(`TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${path} is not valid JSON`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length ? `[${issue.path.join("].[")}]` : "file"}: ${issue.message}`);
    throw new ConfigError(
      `TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${path} is not a JSON array of {"name", "sha256", "scopes"}: ${problems.join("; ")}`,
    );
  }
  return parsed.data.map((entry) => ({
    name: entry.name,
    hash: Buffer.from(entry.sha256, "hex"),
    caller: makeCaller("token", entry.name, entry.scopes as typeof SCOPES),
  }));
}

/**
 * The entry whose hash is the SHA-256 of `token`, or undefined. Every entry is compared, each in constant time
 * (timingSafeEqual over 32 bytes), and the loop never stops early: how long it takes says nothing about which
 * entry (or how much of a hash) matched.
 */
export function matchToken(
  entries: readonly TokenEntry[],
  token: string,
  compare: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
): TokenEntry | undefined {
  const presented = createHash("sha256").update(token, "utf8").digest();
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    const equal = compare(presented, entry.hash);
    if (equal && found === undefined) found = entry;
  }
  return found;
}
