// Tracing's switch and the hooks the rest of the code calls. Nothing of OpenTelemetry is imported here: the SDK
// and the exporter are loaded by startTracing, and only when an OTLP endpoint is set. With tracing off, a hook
// costs one check of `tracer` (undefined) before it runs the call as it is.
import type { Logger } from "../base/log.js";

/** What a traced MCP request carries: the SDK's request extras (the fields read, all optional). */
export interface TracedRequest {
  requestId?: string | number;
  sessionId?: string;
  _meta?: Record<string, unknown>;
  requestInfo?: { headers?: Record<string, string | string[] | undefined> };
}

/** A cloud call's outcome as the tracer reads it (a CloudError's fields; the response's RequestId). */
export interface CloudFailure {
  code?: string;
  requestId?: string;
  attempts?: number;
}

/** The active tracer's hooks (src/telemetry/otel.ts implements them). */
export interface Tracer {
  /** Runs one tools/call as a SERVER span, parented on the caller's trace (`_meta`, else the HTTP header). */
  toolCall<R extends { isError?: boolean; structuredContent?: Record<string, unknown> }>(
    tool: string,
    request: TracedRequest,
    run: () => Promise<R>,
  ): Promise<R>;
  /** Runs one cloud API call (with its retries) as a CLIENT span, a child of the active span. */
  cloudCall<T>(action: string, region: string, run: () => Promise<T>): Promise<T>;
  /** Records a retry of the active cloud call as an event of its span. */
  retry(attempt: number, failure: CloudFailure, delayMs: number): void;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** The active tracer, or undefined when tracing is off (no OTLP endpoint). */
export let tracer: Tracer | undefined;

/**
 * Whether traces are exported: an OTLP endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT), and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() ?? "otlp") !== "none";
}

/**
 * Starts tracing when the environment asks for it (tracingWanted): loads the SDK and the OTLP exporter and makes
 * `tracer` the active one. Answers what flushes and stops it at shutdown (nothing to do when off).
 */
export async function startTracing(env: NodeJS.ProcessEnv, log: Logger, version: string): Promise<() => Promise<void>> {
  if (!tracingWanted(env)) return async () => {};
  const { createTracer } = await import("./otel.js");
  const started = await createTracer(env, log, version);
  tracer = started;
  return async () => {
    tracer = undefined;
    await started.shutdown();
  };
}
