import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

export interface IssuerOptions {
  /** Which metadata documents it serves (default: RFC 8414 only). */
  metadata?: { oauth?: boolean; openid?: boolean };
  /** The issuer its metadata claims (default: its own URL): to test a mix-up. */
  claimedIssuer?: string;
}

/**
 * A real OAuth authorization server, as far as a resource server sees one, on 127.0.0.1: its own RS256 and ES256
 * key pairs, a JWKS endpoint and RFC 8414 / OpenID metadata, over real HTTP. It signs the tokens the tests present.
 */
export class TestIssuer {
  readonly requests: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly keys: { rs: CryptoKey; es: CryptoKey },
    readonly jwks: { keys: JWK[] },
  ) {}

  static async start(options: IssuerOptions = {}): Promise<TestIssuer> {
    const rs = await generateKeyPair("RS256");
    const es = await generateKeyPair("ES256");
    const jwks = {
      keys: [
        { ...(await exportJWK(rs.publicKey)), kid: "rs-1", alg: "RS256", use: "sig" },
        { ...(await exportJWK(es.publicKey)), kid: "es-1", alg: "ES256", use: "sig" },
      ],
    };
    const served = { oauth: true, openid: false, ...options.metadata };
    let issuer: TestIssuer | undefined;
    const server = createServer((req, res) => {
      const path = req.url ?? "/";
      issuer?.requests.push(path);
      const json = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const self = issuer as TestIssuer;
      const metadata = { issuer: options.claimedIssuer ?? self.url, jwks_uri: `${self.url}/jwks` };
      if (path === "/jwks") return json(jwks);
      if (path === "/.well-known/oauth-authorization-server" && served.oauth) return json(metadata);
      if (path === "/.well-known/openid-configuration" && served.openid) return json(metadata);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    issuer = new TestIssuer(server, `http://127.0.0.1:${port}`, { rs: rs.privateKey, es: es.privateKey }, jwks);
    return issuer;
  }

  /** A JWT from this issuer: RS256 unless `alg` is ES256; claims override the defaults (iss, aud, sub, exp in 1 h). */
  sign(claims: JWTPayload & { aud?: string | string[] }, options: { alg?: "RS256" | "ES256"; omit?: string[] } = {}) {
    const alg = options.alg ?? "RS256";
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = { iss: this.url, sub: "agent-7", iat: now, exp: now + 3600, ...claims };
    for (const name of options.omit ?? []) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg, kid: alg === "RS256" ? "rs-1" : "es-1", typ: "at+jwt" })
      .sign(alg === "RS256" ? this.keys.rs : this.keys.es);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
