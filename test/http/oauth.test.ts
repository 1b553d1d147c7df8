import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { base64url, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthResult, type Authenticator, createAuthenticator } from "../../src/http/auth.js";
import { TestIssuer } from "./issuer.js";
import { captureLog, configWith, newToken, sha256, writeTokensFile } from "./helpers.js";

const PUBLIC_URL = "https://mcp.example.com/mcp";
const METADATA_URL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
const now = () => Math.floor(Date.now() / 1000);

let issuer: TestIssuer;
let auth: Authenticator;
let lines: string[];
/** Every credential presented in this file, to check that none reaches a log line or an answer. */
const presented: string[] = [];
const answers: AuthResult[] = [];

async function present(token: string, into: Authenticator = auth): Promise<AuthResult> {
  presented.push(token);
  const result = await into.authenticate(`Bearer ${token}`);
  answers.push(result);
  return result;
}

function refusal(result: AuthResult) {
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.caller)}`);
  return result;
}

beforeAll(async () => {
  issuer = await TestIssuer.start();
  const captured = captureLog();
  lines = captured.lines;
  auth = await createAuthenticator(
    configWith({ TENCENTCLOUD_REDIS_OAUTH_ISSUER: issuer.url, TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL }),
    captured.log,
  );
});

afterAll(async () => {
  await issuer.close();
  expect(presented.length).toBeGreaterThan(10);
  for (const token of presented) {
    const signature = token.split(".")[2] ?? token;
    for (const line of lines) expect(line).not.toContain(token);
    for (const line of lines) if (signature.length > 8) expect(line).not.toContain(signature);
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(token);
  }
});

describe("OAuth 2.1 resource server (JWT access tokens from TENCENTCLOUD_REDIS_OAUTH_ISSUER)", () => {
  it("found the keys through the issuer's RFC 8414 metadata", () => {
    expect(issuer.requests.slice(0, 2)).toEqual(["/.well-known/oauth-authorization-server", "/jwks"]);
    expect(lines.join("")).toContain(`OAuth: verifying JWT access tokens issuer=${issuer.url} jwks=${issuer.url}/jwks`);
  });

  it("accepts a valid token with scopes in `scope`, as oauth:<sub>, with its expiry", async () => {
    const exp = now() + 600;
    const result = await present(await issuer.sign({ aud: PUBLIC_URL, exp, scope: "openid redis:read redis:restore" }));
    expect(result).toEqual({
      ok: true,
      caller: { id: "oauth:agent-7", kind: "oauth", name: "agent-7", scopes: ["redis:read", "redis:restore"] },
      expiresAt: exp,
    });
  });

  it("reads scopes from `scp` as an array or a string (ES256 too), and only known ones count", async () => {
    const array = await present(
      await issuer.sign(
        { aud: [PUBLIC_URL, "other"], sub: "bot@x", scp: ["redis:read", "redis:admin"] },
        { alg: "ES256" },
      ),
    );
    expect(array.ok && array.caller).toMatchObject({ id: "oauth:bot@x", scopes: ["redis:read"] });
    const text = await present(await issuer.sign({ aud: PUBLIC_URL, scp: "redis:restore" }));
    expect(text.ok && text.caller.scopes).toEqual(["redis:restore"]);
  });

  it("answers 403 insufficient_scope when the token grants none of our scopes", async () => {
    const result = refusal(await present(await issuer.sign({ aud: PUBLIC_URL, scope: "openid profile" })));
    expect(result.status).toBe(403);
    expect(result.error).toBe("insufficient_scope");
    expect(result.wwwAuthenticate).toBe(
      `Bearer realm="tencentcloud-redis-mcp", resource_metadata="${METADATA_URL}", error="insufficient_scope", ` +
        `error_description="the token grants none of the scopes redis:read, redis:restore, redis:approve", scope="redis:read redis:restore redis:approve"`,
    );
  });

  it.each([
    ["another audience", { aud: "https://other.example.com/mcp" }, {}, "JWT audience mismatch"],
    ["no audience", {}, {}, "JWT audience mismatch"],
    ["another issuer", { aud: PUBLIC_URL, iss: "https://evil.example.com" }, {}, "JWT issuer mismatch"],
    ["an expired token", { aud: PUBLIC_URL, exp: now() - 3600, iat: now() - 7200 }, {}, "JWT expired"],
    ["a token not yet valid", { aud: PUBLIC_URL, nbf: now() + 3600 }, {}, "JWT not yet valid"],
    ["a token without exp", { aud: PUBLIC_URL }, { omit: ["exp"] }, "JWT without exp"],
    ["a token without sub", { aud: PUBLIC_URL }, { omit: ["sub"] }, "JWT without sub"],
  ])("refuses %s with 401 invalid_token", async (_what, claims, options, reason) => {
    const result = refusal(await present(await issuer.sign({ scope: "redis:read", ...claims }, options)));
    expect(result).toEqual({
      ok: false,
      status: 401,
      error: "invalid_token",
      description: reason,
      wwwAuthenticate: `Bearer realm="tencentcloud-redis-mcp", resource_metadata="${METADATA_URL}", error="invalid_token", error_description="${reason}"`,
    });
    expect(lines.at(-1)).toContain(`INFO HTTP caller refused reason="${reason}"`);
  });

  it("logs the sub of a well-signed but refused token (never the token)", async () => {
    await present(await issuer.sign({ aud: "https://other.example.com/mcp", sub: "expired-agent" }));
    expect(lines.at(-1)).toMatch(/reason="JWT audience mismatch" sub=expired-agent\n$/);
  });

  it("refuses a token signed by another key under the same kid", async () => {
    const other = await TestIssuer.start();
    try {
      const forged = await other.sign({ iss: issuer.url, aud: PUBLIC_URL, scope: "redis:restore" });
      expect(refusal(await present(forged)).description).toBe("JWT signature invalid");
      expect(lines.at(-1)).not.toContain("sub=");
    } finally {
      await other.close();
    }
  });

  it("refuses a token whose kid the issuer does not publish", async () => {
    const other = await TestIssuer.start();
    try {
      const token = await other.sign({ iss: issuer.url, aud: PUBLIC_URL, scope: "redis:read" });
      const [header, payload, signature] = token.split(".");
      const unknownKid = base64url.encode(
        JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(header ?? ""))), kid: "rs-9" }),
      );
      expect(refusal(await present(`${unknownKid}.${payload}.${signature}`)).description).toBe(
        "JWT signed by an unknown key",
      );
    } finally {
      await other.close();
    }
  });

  it("refuses HS256 with a shared secret and alg none: asymmetric algorithms only", async () => {
    const claims = { iss: issuer.url, aud: PUBLIC_URL, sub: "agent-7", exp: now() + 600, scope: "redis:restore" };
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: "rs-1" })
      .sign(new TextEncoder().encode("a-shared-secret-of-thirty-two-bytes!"));
    expect(refusal(await present(hs)).description).toBe("JWT algorithm not allowed");
    const none = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(JSON.stringify(claims))}.`;
    expect(refusal(await present(none)).description).toBe("JWT algorithm not allowed");
  });

  it("refuses an opaque token without contacting the issuer, and a malformed JWT", async () => {
    const before = issuer.requests.length;
    expect(refusal(await present(newToken())).description).toBe("bearer token not recognised");
    expect(issuer.requests.length).toBe(before);
    expect(refusal(await present("abc.def.ghi")).error).toBe("invalid_token");
  });

  it("answers a missing header with the resource metadata URL and no error (RFC 6750 3.1)", async () => {
    const result = refusal(await auth.authenticate(undefined));
    expect(result.status).toBe(401);
    expect(result.wwwAuthenticate).toBe(`Bearer realm="tencentcloud-redis-mcp", resource_metadata="${METADATA_URL}"`);
  });

  it("describes itself as RFC 9728 protected resource metadata at the path-form URL", () => {
    expect(auth.resourceMetadataUrl()).toBe(METADATA_URL);
    expect(auth.resourceMetadata()).toEqual({
      resource: PUBLIC_URL,
      authorization_servers: [issuer.url],
      scopes_supported: ["redis:read", "redis:restore", "redis:approve"],
      bearer_methods_supported: ["header"],
    });
  });
});

describe("OAuth discovery and configuration", () => {
  it("falls back to /.well-known/openid-configuration, through the fetch it is given", async () => {
    const oidc = await TestIssuer.start({ metadata: { oauth: false, openid: true } });
    const fetched: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      fetched.push(String(input));
      return fetch(input, init);
    };
    try {
      const { log } = captureLog();
      const a = await createAuthenticator(
        configWith({
          TENCENTCLOUD_REDIS_OAUTH_ISSUER: oidc.url,
          TENCENTCLOUD_REDIS_PUBLIC_URL: "http://127.0.0.1:8787/mcp",
        }),
        log,
        { fetch: recordingFetch },
      );
      const result = await present(await oidc.sign({ aud: "http://127.0.0.1:8787/mcp", scope: "redis:read" }), a);
      expect(result.ok).toBe(true);
      expect(oidc.requests).toEqual([
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "/jwks",
      ]);
      expect(fetched).toEqual(oidc.requests.map((p) => `${oidc.url}${p}`));
      expect(a.resourceMetadataUrl()).toBe("http://127.0.0.1:8787/.well-known/oauth-protected-resource/mcp");
    } finally {
      await oidc.close();
    }
  });

  it("uses TENCENTCLOUD_REDIS_OAUTH_JWKS_URL as given, without discovery", async () => {
    const bare = await TestIssuer.start({ metadata: { oauth: false } });
    try {
      const { log } = captureLog();
      const a = await createAuthenticator(
        configWith({
          TENCENTCLOUD_REDIS_OAUTH_ISSUER: bare.url,
          TENCENTCLOUD_REDIS_OAUTH_JWKS_URL: `${bare.url}/jwks`,
          TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL,
        }),
        log,
      );
      expect((await present(await bare.sign({ aud: PUBLIC_URL, scope: "redis:read" }), a)).ok).toBe(true);
      expect(bare.requests).toEqual(["/jwks"]);
    } finally {
      await bare.close();
    }
  });

  it("refuses metadata that names another issuer (mix-up), logging why", async () => {
    const mixed = await TestIssuer.start({ claimedIssuer: "https://login.example.com" });
    try {
      const { log, lines: mine } = captureLog();
      const a = await createAuthenticator(
        configWith({ TENCENTCLOUD_REDIS_OAUTH_ISSUER: mixed.url, TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL }),
        log,
      );
      expect(mine.join("")).toContain("names issuer https://login.example.com, not");
      const result = refusal(await present(await mixed.sign({ aud: PUBLIC_URL, scope: "redis:read" }), a));
      expect(result.description).toBe("authorization server's keys unavailable");
      expect(mixed.requests).not.toContain("/jwks");
    } finally {
      await mixed.close();
    }
  });

  it("starts while the issuer is unreachable: token callers work, JWT callers get 401 until it answers", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const token = newToken();
    presented.push(token);
    const { log, lines: mine } = captureLog();
    const a = await createAuthenticator(
      configWith({
        TENCENTCLOUD_REDIS_OAUTH_ISSUER: `http://127.0.0.1:${port}`,
        TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL,
        TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile([
          { name: "agent-7", sha256: sha256(token), scopes: ["redis:read"] },
        ]),
      }),
      log,
    );
    expect(mine.join("")).toMatch(/WARNING OAuth: cannot find the issuer's keys.*unreachable/);
    const byToken = await present(token, a);
    expect(byToken.ok && byToken.caller.id).toBe("token:agent-7");
    const jwt = await issuer.sign({ iss: `http://127.0.0.1:${port}`, aud: PUBLIC_URL, scope: "redis:read" });
    expect(refusal(await present(jwt, a)).description).toBe("authorization server's keys unavailable");
    lines.push(...mine);
  });

  it("takes both kinds of caller at once; their identities never collide", async () => {
    const token = newToken();
    presented.push(token);
    const { log, lines: mine } = captureLog();
    const a = await createAuthenticator(
      configWith({
        TENCENTCLOUD_REDIS_OAUTH_ISSUER: issuer.url,
        TENCENTCLOUD_REDIS_PUBLIC_URL: PUBLIC_URL,
        TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: writeTokensFile([
          { name: "agent-7", sha256: sha256(token), scopes: ["redis:read"] },
        ]),
      }),
      log,
    );
    const byToken = await present(token, a);
    const byJwt = await present(await issuer.sign({ aud: PUBLIC_URL, sub: "agent-7", scope: "redis:read" }), a);
    expect(byToken.ok && byToken.caller.id).toBe("token:agent-7");
    expect(byJwt.ok && byJwt.caller.id).toBe("oauth:agent-7");
    expect(refusal(await present(newToken(), a)).description).toBe("bearer token not recognised");
    lines.push(...mine);
  });
});
