// A tiny Redis client (RESP2 over node:net) for the sandbox, the demo and the tests: one connection, one
// command at a time. Enough for AUTH, PING, SET, GET, SAVE and SHUTDOWN; no new dependency.

import { createConnection, type Socket } from "node:net";

export type Reply = string | number | null | Reply[];

export class RedisError extends Error {
  override name = "RedisError";
}

/** Parses one reply at `offset`; undefined when the buffer does not hold a whole reply yet. */
function parse(buf: Buffer, offset: number): { value: Reply | RedisError; next: number } | undefined {
  const end = buf.indexOf("\r\n", offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buf[offset] ?? 0);
  const line = buf.toString("utf8", offset + 1, end);
  const next = end + 2;
  if (type === "+") return { value: line, next };
  if (type === "-") return { value: new RedisError(line), next };
  if (type === ":") return { value: Number(line), next };
  if (type === "$") {
    const len = Number(line);
    if (len < 0) return { value: null, next };
    if (buf.length < next + len + 2) return undefined;
    return { value: buf.toString("utf8", next, next + len), next: next + len + 2 };
  }
  if (type === "*") {
    const count = Number(line);
    if (count < 0) return { value: null, next };
    const items: Reply[] = [];
    let at = next;
    for (let i = 0; i < count; i++) {
      const item = parse(buf, at);
      if (!item) return undefined;
      if (item.value instanceof RedisError) return { value: item.value, next: item.next };
      items.push(item.value);
      at = item.next;
    }
    return { value: items, next: at };
  }
  return { value: new RedisError(`unexpected RESP type ${JSON.stringify(type)}`), next: buf.length };
}

export class RespClient {
  private buffer = Buffer.alloc(0);
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      const parsed = parse(this.buffer, 0);
      if (!parsed || !this.pending) return;
      this.buffer = this.buffer.subarray(parsed.next);
      const { resolve, reject } = this.pending;
      this.pending = undefined;
      if (parsed.value instanceof RedisError) reject(parsed.value);
      else resolve(parsed.value);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.pending?.reject(error);
      this.pending = undefined;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new RedisError("connection closed")));
  }

  /** Connects to host:port and authenticates when a password is given. */
  static async connect(port: number, host = "127.0.0.1", password?: string): Promise<RespClient> {
    const socket = createConnection({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new RespClient(socket);
    if (password !== undefined)
      await client.command("AUTH", password).catch(async (error: unknown) => {
        client.close();
        throw error;
      });
    return client;
  }

  /** Sends one command and resolves with its reply; an error reply rejects with RedisError. */
  command(...args: string[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new RedisError("one command at a time"));
    const body = args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(`*${args.length}\r\n${body}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Connects, runs one command, disconnects. */
export async function redisCommand(port: number, password: string | undefined, ...args: string[]): Promise<Reply> {
  const client = await RespClient.connect(port, "127.0.0.1", password);
  try {
    return await client.command(...args);
  } finally {
    client.close();
  }
}
