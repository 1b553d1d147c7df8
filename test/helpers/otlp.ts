import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One span as OTLP/JSON carries it, its attributes flattened to key → value. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  events: Array<{ name: string; attributes: Record<string, string | number | boolean> }>;
  status?: { code?: number; message?: string };
  resource: Record<string, string | number | boolean>;
}

/** A local OTLP/HTTP receiver on loopback: records every request's bytes and the spans of the JSON ones. */
export interface OtlpReceiver {
  url: string;
  /** Connections accepted, whatever came over them. */
  connections(): number;
  /** Every request received: its path, content type and body. */
  requests: Array<{ path: string; contentType: string; body: Buffer }>;
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

type OtlpValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };

function flatten(attributes: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of attributes ?? []) {
    out[key] =
      value.stringValue ??
      (value.intValue === undefined ? undefined : Number(value.intValue)) ??
      value.boolValue ??
      value.doubleValue ??
      "";
  }
  return out;
}

/** Starts the receiver on host:port (default 127.0.0.1, a free port). */
export async function startOtlpReceiver(host = "127.0.0.1", port = 0): Promise<OtlpReceiver> {
  const requests: OtlpReceiver["requests"] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/json" });
      res.end(req.headers["content-type"]?.includes("json") ? "{}" : "");
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    connections: () => connections,
    requests,
    spans() {
      const spans: ReceivedSpan[] = [];
      for (const r of requests) {
        if (!r.contentType.includes("json")) continue;
        const data = JSON.parse(r.body.toString("utf8")) as {
          resourceSpans?: Array<{
            resource?: { attributes?: OtlpAttribute[] };
            scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
          }>;
        };
        for (const rs of data.resourceSpans ?? []) {
          const resource = flatten(rs.resource?.attributes);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                traceId: s.traceId as string,
                spanId: s.spanId as string,
                parentSpanId: (s.parentSpanId as string | undefined) || undefined,
                traceState: (s.traceState as string | undefined) || undefined,
                name: s.name as string,
                kind: s.kind as number,
                attributes: flatten(s.attributes as OtlpAttribute[]),
                events: ((s.events as Array<{ name: string; attributes?: OtlpAttribute[] }>) ?? []).map((e) => ({
                  name: e.name,
                  attributes: flatten(e.attributes),
                })),
                status: s.status as ReceivedSpan["status"],
                resource,
              });
            }
          }
        }
      }
      return spans;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
