import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PromMetrics } from "./metrics.js";

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

/** One value per label name, in the labels' order. */
type Values<Labels extends string[]> = { [K in keyof Labels]: string };

/**
 * The metrics in one prom-client registry of their own (not the global one). Each metric is declared once, as the
 * method of Metrics that records it: its arguments are the label values, in the order of the label names (and, for
 * a histogram, the seconds observed last). /metrics lists them in this order.
 */
export class PromMetricsImpl implements PromMetrics {
  readonly registry = new Registry();
  readonly toolCall = this.counter("tcrmcp_tool_calls_total", "Tool calls by tool and outcome (ok, or the error's category)", "tool", "outcome");
  private readonly requests = this.counter("tcrmcp_cloud_requests_total", "Requests to Tencent Cloud by action and result (ok, or the error's category)", "action", "result");
  private readonly latency = this.histogram("tcrmcp_cloud_request_duration_seconds", "Latency of Tencent Cloud requests by action", LATENCY_BUCKETS, "action");
  readonly throttled = this.counter("tcrmcp_cloud_throttled_total", "Requests Tencent Cloud refused for their rate (RequestLimitExceeded)", "action");
  readonly retried = this.counter("tcrmcp_cloud_retried_total", "Requests sent again after a failure", "action");
  readonly budgetWait = this.histogram("tcrmcp_budget_wait_seconds", "Time a request waited for a permit of the API budget (shared through Redis, or the local share)", WAIT_BUCKETS, "mode");
  readonly restore = this.counter("tcrmcp_restores_total", "restore_instance calls by outcome (planned, submitted, recovered, refused, failed, outcome_unknown)", "outcome");
  readonly backup = this.counter("tcrmcp_backups_total", "backup_instance calls by outcome (submitted, refused, failed, outcome_unknown)", "outcome");
  readonly switchAddress = this.counter("tcrmcp_switches_total", "switch_address calls by outcome (planned, submitted, refused, failed, outcome_unknown)", "outcome");
  readonly lock = this.counter("tcrmcp_restore_locks_total", "Per-instance restore lock attempts: acquired, or refused (a restore of the instance was in flight)", "result");
  readonly stateError = this.counter("tcrmcp_state_errors_total", "Failed commands to the shared state store (Redis) by operation", "operation");
  readonly approval = this.counter("tcrmcp_approvals_total", "Approvals by outcome: requested, approved, denied, used; calls refused as pending, invalid, expired", "outcome");
  readonly sessions = this.gauge("tcrmcp_sessions", "Live MCP sessions");

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  cloudRequest(action: string, result: string, seconds: number): void {
    this.requests(action, result);
    this.latency(action, seconds);
  }

  private counter<Labels extends string[]>(name: string, help: string, ...labelNames: Labels) {
    const counter = new Counter({ name, help, labelNames, registers: [this.registry] });
    return (...values: Values<Labels>): void => counter.inc(labelsOf(labelNames, values));
  }

  private histogram<Labels extends string[]>(name: string, help: string, buckets: number[], ...labelNames: Labels) {
    const histogram = new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
    return (...args: [...Values<Labels>, number]): void => {
      const seconds = args.at(-1) as number;
      histogram.observe(labelsOf(labelNames, args.slice(0, -1) as string[]), seconds);
    };
  }

  private gauge(name: string, help: string) {
    const gauge = new Gauge({ name, help, registers: [this.registry] });
    return (value: number): void => gauge.set(value);
  }
}

function labelsOf(names: readonly string[], values: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? ""]));
}
