import type { StateConfig } from "../../config/index.js";
import type { Logger } from "../../base/log.js";
import type { RedisLink } from "./redis-budget.js";

/** The part of the official client (`redis`) used here. */
interface RedisClient {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: () => void): unknown;
}

type ClientFactory = () => RedisClient;

/** How long startup waits for the first connection (not fatal: the link connects later by itself). */
const FIRST_CONNECT_MS = 2000;
/** While Redis does not answer, one PING every this often tells when it does again. */
const PROBE_EVERY_MS = 500;

/**
 * One connection to the state's Redis, through the official client: no offline queue (a command while
 * disconnected fails at once), reconnection with backoff, every 'error' event handled. The client's own command
 * timeout stops counting once a command is written, so a Redis that accepts connections but does not answer
 * (overloaded, stopped, a half-open socket) would hang its callers: here every command has its own timer, and the
 * first timeout marks the link "not answering" (not ready) until a probe gets an answer. A connection that stays
 * silent for several timeouts is dropped and opened again.
 */
export class RedisConnection implements RedisLink {
  private client: RedisClient;
  private down: string | undefined = "not connected yet";
  private silentSince: number | undefined;
  private probing = false;
  private closed = false;

  private constructor(
    private readonly factory: ClientFactory,
    private readonly state: StateConfig,
    private readonly log: Logger,
    private readonly onError: (operation: string) => void,
  ) {
    this.client = this.open();
  }

  static async connect(state: StateConfig, log: Logger, onError: (operation: string) => void): Promise<RedisConnection> {
    const { createClient } = await import("redis");
    const factory = () =>
      createClient({
        url: state.url.reveal(),
        disableOfflineQueue: true,
        commandOptions: { timeout: state.commandTimeoutMs },
        pingInterval: 5000,
        socket: {
          connectTimeout: Math.max(500, state.commandTimeoutMs),
          reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 6), 3000) + Math.random() * 100,
        },
      }) as unknown as RedisClient;
    const link = new RedisConnection(factory, state, log, onError);
    const deadline = Date.now() + FIRST_CONNECT_MS;
    while (!link.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return link;
  }

  /** Connected, and answering. */
  get ready(): boolean {
    return this.client.isReady && this.silentSince === undefined;
  }

  /** Why it is not ready, in a few words for the error an agent sees (the log has the details). */
  get why(): string {
    if (this.silentSince !== undefined) return `Redis did not answer within ${this.state.commandTimeoutMs} ms`;
    return "Redis is not connected; the server's log names the cause";
  }

  command<T>(args: string[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the state store is closed"));
    const sent = this.client.sendCommand(args);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.silent();
        reject(new Error(`Redis did not answer within ${this.state.commandTimeoutMs} ms`));
      }, this.state.commandTimeoutMs);
      sent.then(
        (value) => {
          clearTimeout(timer);
          this.answered();
          resolve(value as T);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  eval<T>(script: string, keys: string[], args: Array<string | number>): Promise<T> {
    return this.command<T>(["EVAL", script, String(keys.length), ...keys, ...args.map(String)]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    try {
      // a graceful QUIT, but never waiting on a Redis that stopped answering
      if (client.isReady && this.silentSince === undefined) {
        const late = new Promise((resolve) => setTimeout(resolve, this.state.commandTimeoutMs).unref());
        await Promise.race([client.close(), late]);
      }
    } catch {
      // destroyed below
    }
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }

  /**
   * A command that failed: counted by its operation and logged (a warning: `message`, the operation, `fields` and
   * the reason). Returns the reason, for an error the caller throws.
   */
  commandFailed(operation: string, error: unknown, message: string, fields: Record<string, unknown> = {}): string {
    const reason = this.reason(error);
    this.onError(operation);
    this.log.warning(message, { operation, ...fields, reason });
    return reason;
  }

  /** A short reason for logs and errors, with the URL's password (if any) cut out. */
  reason(error: unknown): string {
    const text = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
    const password = new URL(this.state.url.reveal()).password;
    if (!password) return text.slice(0, 200);
    return text.split(password).join("[redacted]").split(decodeURIComponent(password)).join("[redacted]").slice(0, 200);
  }

  private open(): RedisClient {
    const client = this.factory();
    client.on("ready", () => {
      if (client === this.client) this.up();
    });
    client.on("error", (error: unknown) => {
      if (client === this.client) this.failed(error);
    });
    client.connect().catch((error: unknown) => {
      if (client === this.client) this.failed(error);
    });
    return client;
  }

  private answered(): void {
    if (this.silentSince === undefined) return;
    this.silentSince = undefined;
    this.log.notice("state store answering again: shared guarantees and budget restored", { store: this.state.where });
  }

  /** A command got no answer in time: not ready until a probe is answered; reconnect if it stays silent. */
  private silent(): void {
    if (this.closed) return;
    if (this.silentSince === undefined) {
      this.silentSince = Date.now();
      this.onError("timeout");
      this.log.error("state store not answering: restores are refused, reads go on with a local share of the budget", {
        store: this.state.where,
        timeoutMs: this.state.commandTimeoutMs,
      });
    }
    if (this.probing) return;
    this.probing = true;
    const probe = async () => {
      while (this.silentSince !== undefined && !this.closed) {
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
        if (Date.now() - this.silentSince > 3 * this.state.commandTimeoutMs + PROBE_EVERY_MS && this.client.isReady) {
          // the connection may be half-open: drop it and connect again
          this.log.warning("state store connection silent: reconnecting", { store: this.state.where });
          const old = this.client;
          this.client = this.open();
          try {
            old.destroy();
          } catch {
            // already closed
          }
          this.silentSince = Date.now();
          continue;
        }
        await this.command(["PING"]).catch(() => {});
      }
      this.probing = false;
    };
    void probe();
  }

  private up(): void {
    const was = this.down;
    this.down = undefined;
    if (was === "not connected yet") this.log.notice("state store connected", { store: this.state.where });
    else this.log.notice("state store reachable again: shared guarantees and budget restored", { store: this.state.where });
  }

  private failed(error: unknown): void {
    if (this.closed) return;
    const reason = this.reason(error);
    if (this.down === undefined || this.down === "not connected yet") {
      this.onError("connection");
      this.log.error(
        "state store unreachable: restores are refused until it is back, reads go on with a local share of the budget",
        { store: this.state.where, reason },
      );
    }
    this.down = reason;
  }
}
