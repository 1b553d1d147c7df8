import { execFileSync } from "node:child_process";
import { timingSafeEqual } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/index.js";
import { createAuthenticator } from "../../src/http/auth.js";
import { matchToken, readTokensFile } from "../../src/http/tokens-file.js";
import { captureLog, configWith, newToken, sha256, writeTokensFile } from "./helpers.js";

const BOT = newToken();
const READER = newToken();
const LATER = newToken();
const STRANGER = newToken();
const allTokens = [BOT, READER, LATER, STRANGER];
const allLines: string[] = [];

function entries() {
  return [
    { name: "incident-bot", sha256: sha256(BOT), scopes: ["redis:read", "redis:restore"] },
    { name: "dashboard", sha256: sha256(READER).toUpperCase(), scopes: ["redis:read"] },
  ];
}

async function authenticatorFor(file: string) {
  const { log, lines } = captureLog();
  const auth = await createAuthenticator(configWith({ TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: file }), log);
  return { auth, lines };
}

afterAll(() => {
  // No token value ever reached a log line, in any test of this file.
  expect(allLines.length).toBeGreaterThan(0);
  for (const line of allLines) for (const token of allTokens) expect(line).not.toContain(token);
});

describe("bearer tokens from TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE", () => {
  it("knows a listed token by its hash and gives its name and scopes", async () => {
    const { auth, lines } = await authenticatorFor(writeTokensFile(entries()));
    allLines.push(...lines);
    expect(await auth.authenticate(`Bearer ${BOT}`)).toEqual({
      ok: true,
      caller: {
        id: "token:incident-bot",
        kind: "token",
        name: "incident-bot",
        scopes: ["redis:read", "redis:restore"],
      },
    });
    // An upper-case hash in the file, `bearer` in lower case and trailing spaces are fine.
    const reader = await auth.authenticate(`bearer ${READER}  `);
    expect(reader.ok && reader.caller).toEqual({
      id: "token:dashboard",
      kind: "token",
      name: "dashboard",
      scopes: ["redis:read"],
    });
    expect(auth.resourceMetadata()).toBeUndefined();
    expect(auth.resourceMetadataUrl()).toBeUndefined();
    expect(lines.join("")).toContain("bearer tokens loaded");
    expect(lines.join("")).toContain("tokens=2");
  });

  it('accepts a hash made with the recipe of docs/deploy.md (printf %s "$TOKEN" | sha256sum)', async () => {
    const hash = execFileSync("sh", ["-c", `printf %s "$TOKEN" | sha256sum | cut -d' ' -f1`], {
      env: { PATH: process.env.PATH, TOKEN: LATER },
      encoding: "utf8",
    }).trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const { auth, lines } = await authenticatorFor(
      writeTokensFile([{ name: "ops", sha256: hash, scopes: ["redis:read"] }]),
    );
    allLines.push(...lines);
    const result = await auth.authenticate(`Bearer ${LATER}`);
    expect(result.ok && result.caller.id).toBe("token:ops");
  });

  it("refuses an unknown token with 401 invalid_token, logging the reason but not the token", async () => {
    const { auth, lines } = await authenticatorFor(writeTokensFile(entries()));
    const result = await auth.authenticate(`Bearer ${STRANGER}`);
    allLines.push(...lines);
    expect(result).toEqual({
      ok: false,
      status: 401,
      error: "invalid_token",
      description: "bearer token not recognised",
      wwwAuthenticate:
        'Bearer realm="tencentcloud-redis-mcp", error="invalid_token", error_description="bearer token not recognised"',
    });
    expect(lines.some((l) => l.includes("INFO HTTP caller refused") && l.includes("bearer token not recognised"))).toBe(
      true,
    );
    expect(JSON.stringify(result)).not.toContain(STRANGER);
  });

  it("answers a missing header with a bare challenge and a malformed one with invalid_request", async () => {
    const { auth, lines } = await authenticatorFor(writeTokensFile(entries()));
    const missing = await auth.authenticate(undefined);
    expect(missing).toMatchObject({ ok: false, status: 401, wwwAuthenticate: 'Bearer realm="tencentcloud-redis-mcp"' });
    for (const header of [
      `Basic ${BOT}`,
      "Bearer",
      `Bearer ${BOT} extra`,
      `Token ${BOT}`,
      `Bearer ${"a".repeat(9000)}`,
    ]) {
      const result = await auth.authenticate(header);
      expect(result, header.slice(0, 20)).toMatchObject({ ok: false, status: 401, error: "invalid_request" });
      expect(result.ok === false && result.wwwAuthenticate).toContain('error="invalid_request"');
      expect(JSON.stringify(result)).not.toContain(BOT);
    }
    allLines.push(...lines);
    expect(lines.filter((l) => l.includes("malformed Authorization header"))).toHaveLength(5);
  });

  it.each([
    [0o644, true],
    [0o640, true],
    [0o604, true],
    [0o600, false],
    [0o400, false],
  ])("mode %o: refused = %s (like ssh with keys)", async (mode, refused) => {
    const file = writeTokensFile(entries(), mode);
    chmodSync(file, mode); // whatever the umask
    const reading = readTokensFile(file);
    if (refused) {
      await expect(reading).rejects.toThrow(ConfigError);
      await expect(readTokensFile(file)).rejects.toThrow(`${file} is accessible by group or others`);
      await expect(readTokensFile(file)).rejects.toThrow(`chmod 600 ${file}`);
    } else {
      expect((await reading).map((e) => e.name)).toEqual(["incident-bot", "dashboard"]);
    }
  });

  it.each([
    ["not JSON", `[{"name": "x", "sha256": "${BOT}"`, /is not valid JSON$/],
    ["an object", { tokens: [] }, /is not a JSON array/],
    [
      "duplicate names",
      [...entries(), { ...entries()[0], sha256: sha256(LATER) }],
      /\[2\]\.\[name\]: names must be unique/,
    ],
    [
      "a hash twice",
      [...entries(), { ...entries()[0], name: "copy" }],
      /\[2\]\.\[sha256\]: two entries have this hash/,
    ],
    [
      "a raw token instead of a hash",
      [{ name: "x", sha256: BOT.slice(0, 40), scopes: ["redis:read"] }],
      /never the token/,
    ],
    [
      "an unknown scope",
      [{ name: "x", sha256: sha256(LATER), scopes: ["redis:admin"] }],
      /scopes are redis:read, redis:restore, redis:approve/,
    ],
    ["no scope", [{ name: "x", sha256: sha256(LATER), scopes: [] }], /at least one scope/],
    ["an unknown field", [{ name: "x", sha256: sha256(LATER), scopes: ["redis:read"], token: BOT }], /\[0\]/],
    ["a bad name", [{ name: "a b", sha256: sha256(LATER), scopes: ["redis:read"] }], /\[0\]\.\[name\]/],
  ])("refuses a file with %s, naming the file and never quoting a token", async (_what, content, message) => {
    const file = writeTokensFile(content);
    const error = await readTokensFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE ${file}`);
    expect((error as Error).message).not.toContain(BOT);
    expect((error as Error).message).not.toContain(BOT.slice(0, 40));
    const { log } = captureLog();
    await expect(createAuthenticator(configWith({ TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: file }), log)).rejects.toThrow(
      ConfigError,
    );
  });

  it("refuses a missing file or a directory", async () => {
    await expect(readTokensFile("/nonexistent/tokens.json")).rejects.toThrow(/cannot be read \(ENOENT\)/);
    const dir = writeTokensFile(entries()).replace(/\/tokens\.json$/, "");
    chmodSync(dir, 0o700);
    await expect(readTokensFile(dir)).rejects.toThrow(/is not a regular file/);
  });

  it("reload() picks up a new token, and keeps the old set when the new file is broken", async () => {
    const file = writeTokensFile(entries());
    const { auth, lines } = await authenticatorFor(file);
    expect((await auth.authenticate(`Bearer ${LATER}`)).ok).toBe(false);

    writeTokensFile([...entries(), { name: "later", sha256: sha256(LATER), scopes: ["redis:read"] }], 0o600, file);
    await auth.reload();
    const later = await auth.authenticate(`Bearer ${LATER}`);
    expect(later.ok && later.caller.id).toBe("token:later");
    expect(lines.join("")).toContain("bearer tokens reloaded");

    writeFileSync(file, "[{ broken");
    await auth.reload();
    expect(lines.at(-1)).toMatch(/ERROR bearer tokens NOT reloaded: the tokens already loaded stay in force tokens=3 /);
    expect(lines.at(-1)).toContain("is not valid JSON");
    expect((await auth.authenticate(`Bearer ${LATER}`)).ok).toBe(true);
    expect((await auth.authenticate(`Bearer ${BOT}`)).ok).toBe(true);

    // A file made readable by others is not taken either.
    writeTokensFile([{ name: "other", sha256: sha256(STRANGER), scopes: ["redis:read"] }], 0o600, file);
    chmodSync(file, 0o644);
    await auth.reload();
    expect(lines.at(-1)).toContain("chmod 600");
    expect((await auth.authenticate(`Bearer ${STRANGER}`)).ok).toBe(false);
    expect((await auth.authenticate(`Bearer ${BOT}`)).ok).toBe(true);

    // Removing a token from a good file revokes it.
    chmodSync(file, 0o600);
    writeTokensFile([{ name: "other", sha256: sha256(STRANGER), scopes: ["redis:read"] }], 0o600, file);
    await auth.reload();
    expect((await auth.authenticate(`Bearer ${BOT}`)).ok).toBe(false);
    expect((await auth.authenticate(`Bearer ${STRANGER}`)).ok).toBe(true);
    allLines.push(...lines);
  });

  it("compares with every entry in constant time, with no early exit on a match", async () => {
    const list = await readTokensFile(
      writeTokensFile([
        ...entries(),
        ...Array.from({ length: 5 }, (_, i) => ({ name: `t${i}`, sha256: sha256(`t${i}`), scopes: ["redis:read"] })),
      ]),
    );
    const seen: Buffer[] = [];
    const counting = (a: Buffer, b: Buffer) => {
      seen.push(b);
      return timingSafeEqual(a, b);
    };
    expect(matchToken(list, BOT, counting)?.name).toBe("incident-bot"); // the first entry...
    expect(seen).toEqual(list.map((e) => e.hash)); // ...and still every entry compared, 32 bytes each
    expect(seen.every((b) => b.length === 32)).toBe(true);
    seen.length = 0;
    expect(matchToken(list, STRANGER, counting)).toBeUndefined();
    expect(seen).toHaveLength(list.length);
    expect(matchToken(list, "t4")?.name).toBe("t4"); // the real timingSafeEqual by default
  });
});

describe("TENCENTCLOUD_REDIS_HTTP_AUTH=none", () => {
  it("lets every request in as the anonymous caller with every scope, and says so at start", async () => {
    const { log, lines } = captureLog();
    const auth = await createAuthenticator(configWith({ TENCENTCLOUD_REDIS_HTTP_AUTH: "none" }), log);
    const expected = {
      ok: true,
      caller: { id: "anonymous", kind: "anonymous", name: "anonymous", scopes: ["redis:read", "redis:restore", "redis:approve"] },
    };
    expect(await auth.authenticate(undefined)).toEqual(expected);
    expect(await auth.authenticate("Bearer whatever")).toEqual(expected);
    expect(lines.join("")).toMatch(/WARNING HTTP authentication is off \(TENCENTCLOUD_REDIS_HTTP_AUTH=none\)/);
    expect(auth.resourceMetadata()).toBeUndefined();
    allLines.push(...lines);
  });
});
