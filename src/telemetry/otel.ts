// The OpenTelemetry side of tracing, loaded only when an OTLP endpoint is set (see index.ts): the provider, the
// OTLP/HTTP exporter the standard OTEL_* variables configure, and the spans. A span carries names, ids, codes and
// counts only: never a request's parameters, an answer's body, a credential or a password.
import {
  type Context,
  diag,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace-node";
import {
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_METHOD,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from "@opentelemetry/semantic-conventions/incubating";
import type { Logger } from "../base/log.js";
import type { CloudFailure, TracedRequest, Tracer } from "./index.js";

/** Our own attributes (no convention names them): the cloud's request id, the requests a call sent, its code. */
export const ATTR_REQUEST_ID = "tencentcloud.request_id";
export const ATTR_ATTEMPTS = "tencentcloud.attempts";
export const ATTR_ERROR_CODE = "tencentcloud.error.code";
const SCOPE = "tencentcloud-redis-mcp";

/** The provider, its exporter and the span hooks; `tracer` in index.ts holds the answer. */
export async function createTracer(env: NodeJS.ProcessEnv, log: Logger, version: string): Promise<Tracer> {
  // the SDK reports its own failures (an unreachable collector) through diag: to our log, on stderr
  diag.setLogger(
    {
      error: (message) => log.warning("tracing", { message: String(message).slice(0, 300) }),
      warn: (message) => log.warning("tracing", { message: String(message).slice(0, 300) }),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { suppressOverrideMessage: true },
  );
  const exporter = await otlpExporter(env, log);
  const provider = new NodeTracerProvider({
    // ours, then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME over it
    resource: defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SCOPE, [ATTR_SERVICE_VERSION]: version }))
      .merge(detectResources({ detectors: [envDetector] })),
    // the sampler comes from OTEL_TRACES_SAMPLER (default: parent-based, always on); the batch from OTEL_BSP_*
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // the context manager (AsyncLocalStorage: a cloud call's span is a child of its tool call's) and the W3C
  // trace-context and baggage propagator
  provider.register();
  const tracer = provider.getTracer(SCOPE, version);
  /** The retries of each cloud call's span in progress. */
  const retries = new WeakMap<Span, number>();
  log.info("tracing: spans exported with OTLP", { protocol: protocolOf(env) });

  return {
    toolCall(tool, request, run) {
      const { parent, links } = callerContext(request);
      const http = request.requestInfo?.headers !== undefined;
      const protocolVersion = header(request.requestInfo?.headers, "mcp-protocol-version");
      const attributes = {
        [ATTR_MCP_METHOD_NAME]: "tools/call",
        [ATTR_GEN_AI_TOOL_NAME]: tool,
        [ATTR_GEN_AI_OPERATION_NAME]: "execute_tool",
        [ATTR_NETWORK_TRANSPORT]: http ? "tcp" : "pipe",
        ...(request.requestId === undefined || request.requestId === null
          ? {}
          : { [ATTR_JSONRPC_REQUEST_ID]: String(request.requestId) }),
        ...(request.sessionId ? { [ATTR_MCP_SESSION_ID]: request.sessionId } : {}),
        ...(protocolVersion ? { [ATTR_MCP_PROTOCOL_VERSION]: protocolVersion } : {}),
      };
      return tracer.startActiveSpan(
        `tools/call ${tool}`,
        { kind: SpanKind.SERVER, attributes, links },
        parent,
        async (span) => {
          try {
            const result = await run();
            if (result.isError) {
              const code = (result.structuredContent?.error as { code?: unknown } | undefined)?.code;
              // the convention's value for a result with isError; the cloud's or our code beside it
              span.setAttribute(ATTR_ERROR_TYPE, "tool_error");
              if (typeof code === "string") span.setAttribute(ATTR_ERROR_CODE, code);
              span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === "string" ? code : "tool_error" });
            }
            return result;
          } catch (caught) {
            failed(span, caught instanceof Error ? caught.name : "_OTHER");
            throw caught;
          } finally {
            span.end();
          }
        },
      );
    },

    cloudCall(action, region, run) {
      const attributes = {
        [ATTR_RPC_SYSTEM_NAME]: "tencentcloud",
        [ATTR_RPC_SERVICE]: "redis",
        [ATTR_RPC_METHOD]: action,
        [ATTR_CLOUD_PROVIDER]: "tencent_cloud",
        [ATTR_CLOUD_REGION]: region,
      };
      return tracer.startActiveSpan(`redis.${action}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        retries.set(span, 0);
        const attempts = () => (retries.get(span) ?? 0) + 1;
        try {
          const response = await run();
          const requestId = (response as { RequestId?: unknown } | undefined)?.RequestId;
          if (typeof requestId === "string") span.setAttribute(ATTR_REQUEST_ID, requestId);
          span.setAttribute(ATTR_ATTEMPTS, attempts());
          return response;
        } catch (caught) {
          const failure = caught as CloudFailure;
          if (typeof failure.requestId === "string") span.setAttribute(ATTR_REQUEST_ID, failure.requestId);
          span.setAttribute(ATTR_ATTEMPTS, typeof failure.attempts === "number" ? failure.attempts : attempts());
          if (typeof failure.code === "string") span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, failure.code);
          failed(span, typeof failure.code === "string" ? failure.code : "_OTHER");
          throw caught;
        } finally {
          span.end();
        }
      });
    },

    retry(attempt, failure, delayMs) {
      const span = trace.getActiveSpan();
      const count = span && retries.get(span);
      if (span === undefined || count === undefined) return;
      retries.set(span, count + 1);
      span.addEvent("retry", {
        attempt,
        ...(failure.code ? { [ATTR_ERROR_TYPE]: failure.code } : {}),
        ...(failure.requestId ? { [ATTR_REQUEST_ID]: failure.requestId } : {}),
        "retry.delay_ms": Math.round(delayMs),
      });
    },

    async shutdown() {
      await provider.shutdown().catch(() => {});
    },
  };
}

function failed(span: Span, type: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * The caller's trace: `params._meta`'s traceparent/tracestate (the MCP convention), else the HTTP request's
 * traceparent header. When both are given and differ, the span links to the HTTP one.
 */
function callerContext(request: TracedRequest): { parent: Context; links: Link[] } {
  const meta = request._meta;
  const headers = request.requestInfo?.headers;
  const fromMeta =
    typeof meta?.traceparent === "string"
      ? extract({ traceparent: meta.traceparent, tracestate: meta.tracestate, baggage: meta.baggage })
      : undefined;
  const traceparent = header(headers, "traceparent");
  const fromHttp = traceparent
    ? extract({ traceparent, tracestate: header(headers, "tracestate"), baggage: header(headers, "baggage") })
    : undefined;
  const metaSpan = fromMeta && trace.getSpanContext(fromMeta);
  const httpSpan = fromHttp && trace.getSpanContext(fromHttp);
  if (metaSpan) {
    const links = httpSpan && httpSpan.spanId !== metaSpan.spanId ? [{ context: httpSpan }] : [];
    return { parent: fromMeta, links };
  }
  if (httpSpan) return { parent: fromHttp, links: [] };
  return { parent: ROOT_CONTEXT, links: [] };
}

function extract(carrier: Record<string, unknown>): Context {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(carrier)) if (typeof value === "string") strings[key] = value;
  return propagation.extract(ROOT_CONTEXT, strings);
}

function header(headers: Record<string, string | string[] | undefined> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

function protocolOf(env: NodeJS.ProcessEnv): string {
  return (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
    "http/protobuf"
  ).toLowerCase();
}

/**
 * The OTLP/HTTP exporter OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL asks for: http/protobuf (the default) or http/json.
 * It reads the endpoint, headers, timeout and compression from the OTEL_EXPORTER_OTLP_* variables itself.
 */
async function otlpExporter(env: NodeJS.ProcessEnv, log: Logger): Promise<SpanExporter> {
  const protocol = protocolOf(env);
  if (protocol === "http/json") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    return new OTLPTraceExporter();
  }
  if (protocol !== "http/protobuf") {
    log.warning("tracing: only OTLP over HTTP is supported; sending http/protobuf", { protocol });
  }
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter();
}
