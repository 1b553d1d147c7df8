// Local stand-ins for the places temporary credentials come from: STS (AssumeRole, TC3-signed for service
// `sts`; AssumeRoleWithWebIdentity, unsigned) and the CVM metadata service, reached the way the SDK reaches it
// (through `http_proxy`, with CONNECT). Every credential they issue is registered in the FakeCloud with its
// expiry, so the fake refuses it afterwards (AuthFailure.TokenFailure). Loopback only: nothing is forwarded.

import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { Socket } from "node:net";
import type { FakeCloud } from "../../src/sandbox/fake.js";
import type { SandboxCredential } from "../../src/sandbox/seed.js";
import { hostWithoutPort, verifyTc3 } from "../../src/sandbox/signature.js";

export interface Issued {
  secretId: string;
  secretKey: string;
  token: string;
  /** Unix seconds. */
  expiredTime: number;
}

/** Issues a fresh temporary credential valid for `seconds`, registered in the cloud fake. */
function issue(cloud: FakeCloud, prefix: string, seconds: number): Issued {
  const expiredTime = Math.floor(Date.now() / 1000) + seconds;
  const issued: Issued = {
    secretId: `AKID${prefix}${randomBytes(12).toString("hex")}`.slice(0, 36),
    secretKey: `tmpkey-${randomBytes(16).toString("hex")}`,
    token: `tmptoken-${randomBytes(24).toString("hex")}`,
    expiredTime,
  };
  cloud.addCredential({
    secretId: issued.secretId,
    secretKey: issued.secretKey,
    token: issued.token,
    expiresAt: expiredTime * 1000,
  });
  return issued;
}

abstract class LoopbackServer {
  protected readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor() {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.writeHead(500).end();
      });
    });
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function body(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function answer(res: http.ServerResponse, response: Record<string, unknown>): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ Response: { ...response, RequestId: `sts-${randomBytes(8).toString("hex")}` } }));
}

export interface StsRequest {
  action: string;
  host: string;
  signedFor?: string;
  params: Record<string, unknown>;
}

/** STS: AssumeRole (signature verified for service sts and host sts.tencentcloudapi.com) and OIDC. */
export class FakeSts extends LoopbackServer {
  readonly requests: StsRequest[] = [];
  readonly issued: Issued[] = [];
  /** Lifetime of OIDC credentials (AssumeRole takes DurationSeconds). */
  webIdentitySeconds = 2;
  private failures: Array<{ code: string; message: string }> = [];

  constructor(
    private readonly cloud: FakeCloud,
    /** The keys allowed to call AssumeRole. */
    private readonly base: SandboxCredential[],
    /** The web identity token AssumeRoleWithWebIdentity accepts. */
    public webIdentityToken = "",
  ) {
    super();
  }

  /** The next AssumeRole / AssumeRoleWithWebIdentity answers this error. */
  failNext(code: string, message: string): void {
    this.failures.push({ code, message });
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await body(req);
    const action = String(req.headers["x-tc-action"] ?? "");
    const params = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
    const host = hostWithoutPort(String(req.headers.host ?? ""));
    const record: StsRequest = { action, host, params };
    this.requests.push(record);
    if (host !== "sts.tencentcloudapi.com") {
      answer(res, { Error: { Code: "InvalidRequest", Message: `wrong host ${host}` } });
      return;
    }
    const failure = this.failures.shift();
    if (failure) {
      answer(res, { Error: { Code: failure.code, Message: failure.message } });
      return;
    }
    if (action === "AssumeRole") {
      const verified = verifyTc3(
        { method: req.method ?? "", url: req.url ?? "/", headers: req.headers, body: raw },
        {
          service: "sts",
          nowSeconds: Math.floor(Date.now() / 1000),
          lookupSecret: (id) => this.base.find((c) => c.secretId === id),
        },
      );
      if (!verified.ok) {
        answer(res, { Error: { Code: verified.code, Message: verified.message } });
        return;
      }
      record.signedFor = verified.secretId;
      const seconds = typeof params.DurationSeconds === "number" ? params.DurationSeconds : 7200;
      const issued = issue(this.cloud, "ROLE", seconds);
      this.issued.push(issued);
      answer(res, credentialsAnswer(issued));
      return;
    }
    if (action === "AssumeRoleWithWebIdentity") {
      if (params.WebIdentityToken !== this.webIdentityToken || !this.webIdentityToken) {
        answer(res, { Error: { Code: "InvalidParameter.WebIdentityTokenError", Message: "bad web identity token" } });
        return;
      }
      const issued = issue(this.cloud, "OIDC", this.webIdentitySeconds);
      this.issued.push(issued);
      answer(res, credentialsAnswer(issued));
      return;
    }
    answer(res, { Error: { Code: "InvalidAction", Message: `no action ${action}` } });
  }
}

function credentialsAnswer(i: Issued): Record<string, unknown> {
  return {
    Credentials: { TmpSecretId: i.secretId, TmpSecretKey: i.secretKey, Token: i.token },
    ExpiredTime: i.expiredTime,
    Expiration: new Date(i.expiredTime * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

/**
 * The CVM metadata service, served to the SDK through `http_proxy` pointed at this server: CONNECT to
 * metadata.tencentyun.com (or 169.254.0.23) is answered by this server itself; any other target is refused.
 */
export class FakeMetadata extends LoopbackServer {
  readonly issued: Issued[] = [];
  readonly paths: string[] = [];
  readonly refused: string[] = [];

  constructor(
    private readonly cloud: FakeCloud,
    readonly role: string,
    /** Lifetime of each credential it hands out. */
    public seconds: number,
  ) {
    super();
    this.server.on("connect", (req: http.IncomingMessage, socket: Socket) => {
      const target = req.url ?? "";
      if (!/^(metadata\.tencentyun\.com|169\.254\.0\.23):80$/.test(target)) {
        this.refused.push(target);
        socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      this.server.emit("connection", socket);
    });
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://metadata.tencentyun.com").pathname;
    this.paths.push(path);
    const base = "/latest/meta-data/cam/security-credentials/";
    if (path === base) {
      res.writeHead(200, { "content-type": "text/plain" }).end(this.role);
      return;
    }
    if (path === `${base}${this.role}`) {
      const i = issue(this.cloud, "CVM", this.seconds);
      this.issued.push(i);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          TmpSecretId: i.secretId,
          TmpSecretKey: i.secretKey,
          Token: i.token,
          ExpiredTime: i.expiredTime,
          Expiration: new Date(i.expiredTime * 1000).toISOString(),
          Code: "Success",
        }),
      );
      return;
    }
    res.writeHead(404).end();
  }
}
