import { apiCode, type CatalogEntry, describeError, type ErrorCategory, type ErrorCode } from "./catalog.js";

/** The structured error every tool returns on failure (the `error` field of its result). */
export interface ToolErrorBody {
  code: string;
  message: string;
  requestId?: string;
  retryable: boolean;
  category: ErrorCategory;
  hint: string;
  /** How many requests were sent for this call, when more than one. */
  attempts?: number;
  /** For ClientError.InvalidArgument: each argument at fault. */
  fields?: FieldProblem[];
}

/** One argument at fault: where it is, what is wrong with it, and what it should be. */
export interface FieldProblem {
  /** The argument's path, like `instanceId` (dots for nested fields). */
  path: string;
  problem: string;
  expected: string;
}

/**
 * Every failure the tools report is a CloudError: a Tencent Cloud error code (from the API) or one of our own
 * `ClientError.*` codes. Built in one place (`fromSdkError` for what the SDK throws); the catalog supplies
 * category, retryable and hint unless the thrower overrides them.
 */
export class CloudError extends Error {
  override name = "CloudError";
  readonly code: ErrorCode;
  readonly requestId?: string;
  readonly httpStatus?: number;
  /** True when the request cannot have been executed (refused before it was sent, throttled, signature...). */
  readonly notSent: boolean;
  attempts?: number;
  readonly override?: Partial<CatalogEntry>;
  readonly fields?: FieldProblem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      requestId?: string;
      httpStatus?: number;
      notSent?: boolean;
      override?: Partial<CatalogEntry>;
      fields?: FieldProblem[];
    } = {},
  ) {
    super(message);
    this.fields = options.fields;
    this.code = code;
    this.requestId = options.requestId || undefined;
    this.httpStatus = options.httpStatus;
    this.notSent = options.notSent ?? false;
    this.override = options.override;
  }

  get entry(): CatalogEntry {
    return { ...describeError(this.code), ...this.override };
  }

  toBody(): ToolErrorBody {
    const { category, retryable, hint } = this.entry;
    const body: ToolErrorBody = { code: this.code, message: this.message || this.code, retryable, category, hint };
    if (this.requestId) body.requestId = this.requestId;
    if (this.attempts !== undefined && this.attempts > 1) body.attempts = this.attempts;
    if (this.fields) body.fields = this.fields;
    return body;
  }
}

/** Codes for which the API guarantees the request was not executed, so resending it is always safe. */
export function isNotExecuted(error: CloudError): boolean {
  return error.notSent || error.code.startsWith("RequestLimitExceeded") || error.code.startsWith("AuthFailure");
}

const NOT_SENT_RE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|getaddrinfo/;

export interface SdkFailureContext {
  /** Our own timer fired (the request was aborted for taking too long). */
  timedOut: boolean;
  /** The caller cancelled. */
  cancelled: boolean;
  timeoutMs: number;
}

/**
 * Turns whatever the Tencent SDK (or node-fetch under it) threw into a CloudError. Messages are rebuilt from
 * known fields, never from a stack or a request body, so no secret can ride along.
 */
export function fromSdkError(error: unknown, context: SdkFailureContext): CloudError {
  if (error instanceof CloudError) return error;
  const err = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    httpCode?: unknown;
    requestId?: unknown;
    message?: unknown;
    type?: unknown;
  };
  const requestId = typeof err.requestId === "string" ? err.requestId : undefined;
  const message = typeof err.message === "string" ? err.message : String(error);

  if (typeof err.code === "string" && err.code !== "" && !/^E[A-Z]+$/.test(err.code)) {
    return new CloudError(apiCode(err.code), message, { requestId });
  }
  if (typeof err.httpCode === "number") {
    return new CloudError(
      "ClientError.HttpStatus",
      `The API answered HTTP ${err.httpCode}${message ? ` ${message}` : ""}`,
      { requestId, httpStatus: err.httpCode },
    );
  }
  if (context.cancelled) {
    return new CloudError("ClientError.Cancelled", "The request was cancelled by the client");
  }
  if (context.timedOut || /network timeout|timed? ?out/i.test(message)) {
    return new CloudError("ClientError.Timeout", `The API did not answer within ${context.timeoutMs / 1000} s`);
  }
  if (err.type === "invalid-json" || error instanceof SyntaxError) {
    return new CloudError("ClientError.BadResponse", "The API's answer was not valid JSON");
  }
  const notSent = NOT_SENT_RE.test(message);
  return new CloudError("ClientError.NetworkError", `Could not reach the API: ${networkReason(message)}`, {
    notSent,
  });
}

/** Keeps the reason of a network error, without the URL's query or anything after it. */
export function networkReason(message: string): string {
  const reason = message.replace(/^request to \S+ failed, reason: /, "").trim();
  return reason.length > 200 ? `${reason.slice(0, 200)}...` : reason || "connection failed";
}

const AMBIGUOUS = new Set(["ClientError.Timeout", "ClientError.NetworkError", "ClientError.HttpStatus", "ClientError.BadResponse"]);

/**
 * Whether a failed write may still have been executed by the API: it timed out, the connection was lost after
 * the request was sent, or the answer was unreadable.
 */
export function isOutcomeUnknown(error: CloudError): boolean {
  return AMBIGUOUS.has(error.code) && !error.notSent;
}

/** The same failure with some of its catalog entry replaced (category, retryable, hint) and/or a new message. */
export function withOverride(error: CloudError, override: Partial<CatalogEntry>, message = error.message): CloudError {
  const copy = new CloudError(error.code, message, {
    requestId: error.requestId,
    httpStatus: error.httpStatus,
    notSent: error.notSent,
    override: { ...error.override, ...override },
  });
  copy.attempts = error.attempts;
  return copy;
}

/** The same failure, reported as `outcome_unknown`: not retryable, check before doing anything again. */
export function outcomeUnknown(error: CloudError, hint: string): CloudError {
  return withOverride(error, { category: "outcome_unknown", retryable: false, hint });
}
