// readJsonBody over a real loopback socket: a body that trickles in too slowly is abandoned (408, connection
// closed), so an authenticated caller cannot hold a request open by sending its body a byte at a time.

import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BodyResult, readJsonBody } from "../../src/http/body.js";

describe("readJsonBody deadline", () => {
  let server: Server;
  let port = 0;
  const results: BodyResult[] = [];
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const read = await readJsonBody(req, 1024, 300);
      results.push(read);
      if (!res.destroyed) res.end(JSON.stringify(read));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  const request = (head: string, first: string) => {
    const socket = connect(port, "127.0.0.1");
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${head}\r\n${first}`);
    let answer = "";
    socket.on("data", (d) => {
      answer += d.toString();
    });
    const closed = once(socket, "close").then(() => answer);
    return { socket, closed };
  };

  it("a body that stops arriving is abandoned: 408 inside, and the connection is closed", async () => {
    const { closed } = request("Content-Length: 100\r\n", '{"jsonrpc":');
    await closed;
    expect(results.at(-1)).toEqual({
      ok: false,
      status: 408,
      code: -32600,
      message: "Request body not received within 0.3 s",
    });
  });

  it("a whole body in time is read", async () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const { socket, closed } = request(`Content-Length: ${body.length}\r\nConnection: close\r\n`, body);
    const answer = await closed;
    socket.destroy();
    expect(answer).toContain("200 OK");
    expect(results.at(-1)).toEqual({ ok: true, body: { jsonrpc: "2.0", id: 1, method: "ping" } });
  });
});
