import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

/** One MCP session over HTTP: its transport, its server's close, the caller that opened it. */
export interface Session {
  id: string;
  transport: StreamableHTTPServerTransport;
  /** The caller ID that opened the session: no other caller may use it. */
  callerId: string;
  lastSeen: number;
  /** POST requests of this session being answered now: a busy session never expires. */
  busy: number;
  close(): Promise<void>;
}

/**
 * The live sessions of the process, with their idle expiry (TENCENTCLOUD_REDIS_HTTP_SESSION_IDLE_SECONDS) and
 * cap (TENCENTCLOUD_REDIS_HTTP_MAX_SESSIONS, counting sessions being opened).
 */
export class Sessions {
  private readonly live = new Map<string, Session>();
  private opening = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    readonly max: number,
    private readonly onExpire: (session: Session) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(idleMs / 4, 60_000)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.live.size;
  }

  get(id: string): Session | undefined {
    return this.live.get(id);
  }

  /** Reserves room for a session being opened; false when the cap is reached. */
  reserve(): boolean {
    if (this.live.size + this.opening >= this.max) return false;
    this.opening++;
    return true;
  }

  unreserve(): void {
    this.opening = Math.max(0, this.opening - 1);
  }

  add(session: Session): void {
    this.unreserve();
    this.live.set(session.id, session);
  }

  remove(id: string): void {
    this.live.delete(id);
  }

  all(): Session[] {
    return [...this.live.values()];
  }

  /** Ends the sessions idle for longer than the idle time (not those answering a request). */
  sweep(): void {
    const cutoff = this.now() - this.idleMs;
    for (const session of this.live.values()) {
      if (session.busy === 0 && session.lastSeen <= cutoff) {
        this.live.delete(session.id);
        this.onExpire(session);
      }
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}
