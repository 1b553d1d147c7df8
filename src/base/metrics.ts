/**
 * What the server counts for an operator (HTTP mode's GET /metrics). The events are recorded where they happen
 * through this narrow interface; labels are only tool names, API action names, error categories and fixed
 * outcome words: never an ID, a token, a password or a message. Without HTTP mode nothing is collected (NO_METRICS),
 * and prom-client is not even loaded.
 */
export type RestoreOutcome = "planned" | "submitted" | "recovered" | "refused" | "failed" | "outcome_unknown";

export interface Metrics {
  /** A tool call ended: "ok" or the error's category. */
  toolCall(tool: string, outcome: string): void;
  /** One request to Tencent Cloud: "ok" or the error's category; its latency. */
  cloudRequest(action: string, result: string, seconds: number): void;
  /** A request the API refused for its rate (RequestLimitExceeded). */
  throttled(action: string): void;
  /** A request sent again after a failure. */
  retried(action: string): void;
  /** How long a request waited for its permit of the API budget, and from where ("shared" Redis or "local"). */
  budgetWait(mode: "shared" | "local", seconds: number): void;
  restore(outcome: RestoreOutcome): void;
  /** A switch_address call ended (its audit outcome). */
  switchAddress(outcome: RestoreOutcome): void;
  /** A backup_instance call ended (its audit outcome, "planned" aside). */
  backup(outcome: RestoreOutcome): void;
  /** The per-instance restore lock: taken, or refused because a restore of the instance is in flight. */
  lock(result: "acquired" | "refused"): void;
  /** A command to the shared state store failed (Redis slow or gone). */
  stateError(operation: string): void;
  /** Live MCP sessions now (HTTP mode; set when /metrics is read). */
  sessions(live: number): void;
  /** Approvals (docs/approval.md) by outcome: requested, approved, denied, used, and calls refused as pending, invalid, expired. */
  approval(outcome: string): void;
}

export const NO_METRICS: Metrics = {
  toolCall() {},
  cloudRequest() {},
  throttled() {},
  retried() {},
  budgetWait() {},
  restore() {},
  backup() {},
  switchAddress() {},
  lock() {},
  stateError() {},
  sessions() {},
  approval() {},
};

/** Metrics backed by a prom-client registry (loaded on demand), and the text of its exposition format. */
export interface PromMetrics extends Metrics {
  readonly contentType: string;
  render(): Promise<string>;
}
