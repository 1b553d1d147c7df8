import type { IncomingMessage } from "node:http";

/** Request bodies above this many bytes get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A body not received whole within this time is abandoned (408, connection closed): no slow-body hold-up. */
export const BODY_TIMEOUT_MS = 30_000;

export type BodyResult =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 408 | 413; code: number; message: string };

/**
 * Reads a JSON request body of at most `limit` bytes. Too large (by Content-Length or as it streams in): 413.
 * Not JSON: 400 with the JSON-RPC parse error. Neither case parses or keeps more than `limit` bytes.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<BodyResult> {
  const tooLarge = {
    ok: false,
    status: 413,
    code: -32600,
    message: `Request body larger than ${limit} bytes`,
  } as const;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    req.destroy();
  }, timeoutMs);
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) return tooLarge;
      chunks.push(chunk);
    }
  } catch (caught) {
    if (!late) throw caught;
  } finally {
    clearTimeout(timer);
  }
  if (late) {
    return { ok: false, status: 408, code: -32600, message: `Request body not received within ${timeoutMs / 1000} s` };
  }
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks, size).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: "Parse error: the request body is not valid JSON" };
  }
}
