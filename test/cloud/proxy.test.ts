import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { sc, startHarness } from "../helpers/harness.js";

/** A CONNECT proxy on loopback that tunnels every request to the fake, whatever host it names, and records it. */
async function startProxy(fakePort: number) {
  const seen: Array<{ target: string; auth?: string }> = [];
  const server = net.createServer((client) => {
    client.once("data", (head) => {
      const text = head.toString("latin1");
      const target = /^CONNECT (\S+) HTTP\/1\.1/.exec(text)?.[1];
      if (!target) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
      }
      seen.push({ target, auth: /\r\nproxy-authorization: ([^\r\n]+)/i.exec(text)?.[1] });
      const upstream = net.connect(fakePort, "127.0.0.1", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  return { port, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("HTTP(S)_PROXY", () => {
  let fake: FakeCloud;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    fake = await FakeCloud.start();
    proxy = await startProxy(fake.port);
  });
  afterAll(async () => {
    await proxy.close();
    await fake.close();
  });

  const endpoint = () => `http://redis.proxied.test:${fake.port}`;

  it("sends signed calls through the proxy, with its credentials, and never shows them", async () => {
    const h = await startHarness({
      sharedFake: fake,
      env: { TENCENTCLOUD_REDIS_ENDPOINT: endpoint(), HTTP_PROXY: `http://ops:proxy-pass-123@127.0.0.1:${proxy.port}` },
    });
    try {
      const r = await h.call("list_instances", {});
      expect(r.isError).toBeFalsy();
      expect(sc(r).instances.length).toBeGreaterThan(0);
      expect(proxy.seen.at(-1)?.target).toBe(`redis.proxied.test:${fake.port}`);
      expect(proxy.seen.at(-1)?.auth).toBe(`Basic ${Buffer.from("ops:proxy-pass-123").toString("base64")}`);
      expect(fake.requests.at(-1)?.signatureVerified).toBe(true);
      expect(JSON.stringify(r) + h.logLines.join("")).not.toContain("proxy-pass-123");
    } finally {
      await h.close();
    }
  });

  it("goes direct for a host NO_PROXY names (here: nowhere, as that name does not resolve)", async () => {
    const before = proxy.seen.length;
    const h = await startHarness({
      sharedFake: fake,
      env: {
        TENCENTCLOUD_REDIS_ENDPOINT: endpoint(),
        TENCENTCLOUD_REDIS_MAX_RETRIES: "0",
        HTTP_PROXY: `http://127.0.0.1:${proxy.port}`,
        NO_PROXY: "localhost,.proxied.test",
      },
    });
    try {
      const r = await h.call("list_instances", {});
      expect(sc(r).error.code).toBe("ClientError.NetworkError");
      expect(sc(r).error.message).toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo/);
      expect(proxy.seen.length).toBe(before);
    } finally {
      await h.close();
    }
  });
});
