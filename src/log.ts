import { AsyncLocalStorage } from "node:async_hooks";
import { LOG_LEVELS, type LogLevel } from "./config.js";

export type LogData = Record<string, string | number | boolean | undefined>;

/** Where log records go besides stderr: the MCP server's `notifications/message` once it is connected. */
export type LogSink = (level: LogLevel, logger: string, data: LogData & { msg: string }) => void;

/**
 * What a tool call adds to every record logged while it runs: its fields (the caller, the tool) and the one
 * sink its records go to (the MCP session that made the call), instead of every attached sink.
 */
export interface CallLogContext {
  fields: LogData;
  sink?: LogSink;
}

const callContext = new AsyncLocalStorage<CallLogContext>();

/** Runs `fn` with `context` applied to every record logged by it and by everything it awaits. */
export function withCallLog<T>(context: CallLogContext, fn: () => T): T {
  return callContext.run(context, fn);
}

/**
 * Logs go to stderr, one line each: time, level, message, key=value pairs; or, with `json` (HTTP mode), one JSON
 * object per line (time, level, msg, and the fields: within a tool call its caller, tool and MCP request id, and
 * a cloud request's Tencent requestId), so that one restore can be followed across replicas by a log pipeline.
 * And to every attached sink (the MCP logging notifications). stdout is never touched: it carries JSON-RPC only. Callers pass only the fields
 * they mean to log; nothing here serialises whole objects, so a request body or a secret cannot slip in.
 */
export class Logger {
  private level: number;
  private readonly sinks = new Set<LogSink>();

  private readonly json: boolean;

  constructor(
    level: LogLevel,
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    options: { json?: boolean } = {},
  ) {
    this.json = options.json ?? false;
    this.level = LOG_LEVELS.indexOf(level);
  }

  setLevel(level: LogLevel): void {
    this.level = LOG_LEVELS.indexOf(level);
  }

  addSink(sink: LogSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  debug(msg: string, data?: LogData): void {
    this.log("debug", msg, data);
  }
  info(msg: string, data?: LogData): void {
    this.log("info", msg, data);
  }
  notice(msg: string, data?: LogData): void {
    this.log("notice", msg, data);
  }
  warning(msg: string, data?: LogData): void {
    this.log("warning", msg, data);
  }
  error(msg: string, data?: LogData): void {
    this.log("error", msg, data);
  }

  log(level: LogLevel, msg: string, given: LogData = {}): void {
    const call = callContext.getStore();
    const data = call ? { ...given, ...call.fields } : given;
    const record = { msg, ...data };
    // Within a call, its records go to the calling session only; outside any call, to every attached sink.
    // MCP clients filter by their own logging/setLevel; the sink decides (the SDK drops ignored levels).
    for (const sink of call ? (call.sink ? [call.sink] : []) : this.sinks) {
      try {
        sink(level, "tencentcloud-redis-mcp", record);
      } catch {
        // a closed transport must not break the call that logged
      }
    }
    if (LOG_LEVELS.indexOf(level) < this.level) return;
    if (this.json) {
      this.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...record })}\n`);
      return;
    }
    const pairs = Object.entries(data)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === "string" && /[\s"=]/.test(v) ? JSON.stringify(v) : v}`)
      .join(" ");
    this.write(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}${pairs ? ` ${pairs}` : ""}\n`);
  }
}
