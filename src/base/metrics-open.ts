import type { PromMetrics } from "./metrics.js";

/** The prom-client registry (HTTP mode's /metrics), loaded only when asked for: stdio mode never loads prom-client. */
export async function createPromMetrics(): Promise<PromMetrics> {
  const { PromMetricsImpl } = await import("./metrics-prom.js");
  return new PromMetricsImpl();
}
