// A loopback HTTP server that answers each API action with a published example answer, byte for byte, so the
// real SDK client (and the server's code after it) parses exactly what the documentation shows.

import { readFileSync } from "node:fs";
import * as http from "node:http";

export interface Fixture {
  source: string;
  action: string;
  commit: string;
  output: { Response: Record<string, unknown> };
}

/** test/fixtures/tencentcloud-cli/<name>.json */
export function fixture(name: string): Fixture {
  const url = new URL(`../fixtures/tencentcloud-cli/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Fixture;
}

export class FixtureCloud {
  readonly requests: Array<{ action: string; host: string; authorization: string; params: Record<string, unknown> }> =
    [];
  private readonly server: http.Server;
  port = 0;

  constructor(private readonly answers: Record<string, Fixture>) {
    this.server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const action = String(req.headers["x-tc-action"] ?? "");
      this.requests.push({
        action,
        host: String(req.headers.host ?? ""),
        authorization: String(req.headers.authorization ?? ""),
        params: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"),
      });
      const answer = this.answers[action];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          answer?.output ?? { Response: { Error: { Code: "InvalidAction", Message: "no fixture" }, RequestId: "x" } },
        ),
      );
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
