import { LOG_LEVELS, type LogLevel } from "../config/index.js";
import { hasHidden, showHidden } from "./visible.js";

export type LogData = Record<string, string | number | boolean | undefined>;

/**
 * Where log records go besides stderr: the MCP server's `notifications/message` once it is connected. `accepts`
 * is asked first, so that a record nobody takes is never built.
 */
export interface LogSink {
  accepts(level: LogLevel): boolean;
  send(level: LogLevel, logger: string, data: LogData & { msg: string }): void;
}

/**
 * What a tool call adds to every record logged while it runs: its fields (the caller, the tool) and the one
 * sink its records go to (the MCP session that made the call), instead of every attached sink.
 */
export interface CallLogContext {
  fields: LogData;
  sink?: LogSink;
}

/** A level's rank (LOG_LEVELS order), without a search per record. */
const RANK: Readonly<Record<LogLevel, number>> = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<
  LogLevel,
  number
>;

/** What a logger and the loggers of its calls share: the level (setLevel), the sinks, the output. */
interface LoggerCore {
  level: number;
  readonly sinks: Set<LogSink>;
  readonly json: boolean;
  readonly write: (line: string) => void;
}

/**
 * Logs go to stderr, one line each: time, level, message, key=value pairs; or, with `json` (HTTP mode), one JSON
 * object per line (time, level, msg, and the fields: within a tool call its caller, tool and MCP request id, and
 * a cloud request's Tencent requestId), so that one restore can be followed across replicas by a log pipeline.
 * And to every attached sink (the MCP logging notifications). stdout is never touched: it carries JSON-RPC only. Callers pass only the fields
 * they mean to log; nothing here serialises whole objects, so a request body or a secret cannot slip in.
 */
export class Logger {
  private core: LoggerCore;
  /** Set on a call's logger (forCall): its fields and its one sink. */
  private call?: CallLogContext;

  constructor(
    level: LogLevel,
    write: (line: string) => void = (line) => process.stderr.write(line),
    options: { json?: boolean } = {},
  ) {
    this.core = { level: RANK[level], sinks: new Set(), json: options.json ?? false, write };
  }

  /**
   * The logger of one tool call: every record it logs carries the call's fields and goes to the call's sink only
   * (the calling session), not to every attached sink. It shares this logger's level and output. Passed down
   * explicitly (the tool's ctx.log, a cloud call's CallOptions.log): an AsyncLocalStorage would turn on
   * promise hooks for the whole process on Node 20, and every promise would pay for them.
   */
  forCall(call: CallLogContext): Logger {
    return Object.assign(Object.create(Logger.prototype) as Logger, { core: this.core, call });
  }

  setLevel(level: LogLevel): void {
    this.core.level = RANK[level];
  }

  addSink(sink: LogSink): () => void {
    this.core.sinks.add(sink);
    return () => this.core.sinks.delete(sink);
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
    const { core, call } = this;
    const toStderr = RANK[level] >= core.level;
    // Within a call, its records go to the calling session only; outside any call, to every attached sink.
    // MCP clients filter by their own logging/setLevel: each sink says whether it takes the level.
    const takers: LogSink[] = [];
    if (call) {
      if (call.sink?.accepts(level)) takers.push(call.sink);
    } else {
      for (const sink of core.sinks) if (sink.accepts(level)) takers.push(sink);
    }
    if (!toStderr && takers.length === 0) return;
    const data = call ? { ...given, ...call.fields } : given;
    if (takers.length > 0) {
      const record = { msg, ...data };
      for (const sink of takers) {
        try {
          sink.send(level, "tencentcloud-redis-mcp", record);
        } catch {
          // a closed transport must not break the call that logged
        }
      }
    }
    if (!toStderr) return;
    if (core.json) {
      core.write(`${showHidden(JSON.stringify({ time: new Date().toISOString(), level, msg, ...data }))}\n`);
      return;
    }
    let pairs = "";
    for (const k in data) {
      const v = data[k];
      if (v === undefined) continue;
      pairs += ` ${k}=${typeof v === "string" && (/[\s"=]/.test(v) || hasHidden(v)) ? showHidden(JSON.stringify(v)) : v}`;
    }
    core.write(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}${pairs}\n`);
  }
}
