/**
 * A restore drill's verification of its clone, at the deepest level this server can reach.
 *
 * Data level, when the clone's address answers: PING with the password (AUTH first), the key count (INFO
 * keyspace, all databases; DBSIZE when the keyspace says nothing), the keyspace, the memory used (INFO memory),
 * and the operator's probes (keys that must exist, a minimum key count). Every command has its own timer and the
 * whole verification a deadline: a clone that accepts connections and says nothing fails, it does not hang.
 *
 * Cloud level, when the address does not answer (no route from here, refused, silent): the instance is running
 * and its memory used is consistent with the backup's size. The verification says which level it reached and
 * why. The password is a Secret: it is sent in AUTH and nowhere else (no message, no result carries it).
 */

import type {
  DrillVerification as Verification,
  KeyspaceEntry,
  VerifyCheck,
  VerifyVerdict,
} from "../safety/state/drills.js";
import type { Secret } from "../secret.js";

export interface DataProbes {
  /** Keys that must exist (EXISTS, database 0). */
  requiredKeys: readonly string[];
  /** The fewest keys the clone may hold. */
  minKeys: number;
}

/** What the cloud says of the clone, for the cloud-level verdict. */
export interface CloudFacts {
  /** DescribeInstances' Status (2: running). */
  status: number;
  /** Memory used, MB, when the cloud reports it (DescribeInstances' SizeUsed is deprecated and may be absent). */
  sizeUsedMb?: number;
  /** The backup's size (BackupSize, bytes), when known. */
  backupSizeBytes?: number;
}

export interface VerifyTarget {
  host: string;
  port: number;
  /** undefined: a password-free instance (no AUTH). */
  password: Secret | undefined;
}

export interface VerifyOptions {
  probes: DataProbes;
  /** Asked only when the address does not answer. */
  cloud: () => Promise<CloudFacts>;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** The whole data-level verification. */
  deadlineMs?: number;
}

const DEFAULTS = { connectTimeoutMs: 3000, commandTimeoutMs: 3000, deadlineMs: 30_000 };
/** An RDB holds the data more densely than memory does: memory used below this share of it means it did not load. */
export const MIN_MEMORY_TO_BACKUP = 0.5;
/** Backups smaller than this say nothing about memory (an empty instance's RDB, a few keys). */
const SMALL_BACKUP_BYTES = 1024 * 1024;

/** The part of the official client (`redis`) used here. */
interface Client {
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  destroy(): void;
  on(event: "error", listener: (error: unknown) => void): unknown;
}

/** An answer from Redis itself (an error reply: WRONGPASS, NOAUTH, ERR …): the address did answer. */
class Answered extends Error {}

export async function verifyClone(target: VerifyTarget, options: VerifyOptions): Promise<Verification> {
  const started = performance.now();
  const o = { ...DEFAULTS, ...options };
  const scrub = (text: string) => {
    const secret = target.password?.reveal();
    return secret ? text.split(secret).join("[redacted]") : text;
  };
  const redis = await import("redis");
  let client: Client | undefined;
  try {
    client = await open(redis.createClient, target, o.connectTimeoutMs);
    const data = await withDeadline(dataLevel(client, o), o.deadlineMs, "the verification");
    return { ...data, durationMs: elapsed(started) };
  } catch (error) {
    const message = scrub(error instanceof Error ? error.message : String(error));
    if (error instanceof Answered || error instanceof redis.ErrorReply) {
      // the address answered and refused: that is a data-level finding (e.g. the password no longer opens it)
      return {
        level: "data",
        verdict: "failed",
        why: "refused",
        reason: `the clone's address answered but refused the connection: ${message}`,
        checks: [{ name: "ping", status: "fail", detail: message, auth: target.password !== undefined }],
        durationMs: elapsed(started),
      };
    }
    if (client !== undefined) {
      // connected, then silent or cut: the address answered once, the data could not be read
      return {
        level: "data",
        verdict: "failed",
        why: "silent",
        reason: `the clone's address accepted a connection but did not answer: ${message}`,
        checks: [{ name: "ping", status: "fail", detail: message }],
        durationMs: elapsed(started),
      };
    }
    const cloud = await cloudLevel(
      options.cloud,
      `the clone's address ${target.host}:${target.port} did not answer (${message})`,
    );
    return { ...cloud, durationMs: elapsed(started) };
  } finally {
    client?.destroy();
  }

  async function dataLevel(c: Client, opts: typeof o): Promise<Omit<Verification, "durationMs">> {
    const run = (args: string[]) => withDeadline(c.sendCommand(args), opts.commandTimeoutMs, args[0] ?? "command");
    const pong = await run(["PING"]);
    if (pong !== "PONG") throw new Answered(`PING answered ${JSON.stringify(pong)}`);
    const checks: VerifyCheck[] = [
      {
        name: "ping",
        status: "pass",
        detail: target.password ? "PONG, after AUTH" : "PONG (password-free)",
        auth: target.password !== undefined,
      },
    ];
    const keyspace = parseKeyspace(String(await run(["INFO", "keyspace"])));
    const memory = parseInfoNumber(String(await run(["INFO", "memory"])), "used_memory");
    const fromKeyspace = Object.values(keyspace).reduce((sum, db) => sum + db.keys, 0);
    const keys = Object.keys(keyspace).length > 0 ? fromKeyspace : Number(await run(["DBSIZE"]));
    checks.push({
      name: "min_keys",
      status: keys >= opts.probes.minKeys ? "pass" : "fail",
      detail: `${keys} keys, at least ${opts.probes.minKeys} required`,
      observed: keys,
      expected: opts.probes.minKeys,
    });
    for (const key of opts.probes.requiredKeys) {
      const found = Number(await run(["EXISTS", key])) === 1;
      checks.push({ name: "required_key", key, status: found ? "pass" : "fail", detail: found ? "exists" : "missing" });
    }
    return {
      level: "data",
      verdict: verdictOf(checks),
      why: "answered",
      reason: "the clone's address answered PING",
      checks,
      keys,
      keyspace,
      ...(memory === undefined ? {} : { memoryUsedBytes: memory }),
    };
  }
}

/** The cloud-level verdict: running, and memory used consistent with the backup's size. */
export async function cloudLevel(
  facts: () => Promise<CloudFacts>,
  why: string,
): Promise<Omit<Verification, "durationMs">> {
  let f: CloudFacts;
  try {
    f = await facts();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      level: "cloud",
      verdict: "inconclusive",
      why: "unreachable",
      reason: `${why}; the cloud could not be asked either: ${message}`,
      checks: [{ name: "running", status: "unknown", detail: message }],
    };
  }
  const checks: VerifyCheck[] = [
    {
      name: "running",
      status: f.status === 2 ? "pass" : "fail",
      detail: f.status === 2 ? "running (status 2)" : `not running (status ${f.status})`,
    },
    memoryCheck(f),
  ];
  const used = f.sizeUsedMb === undefined ? {} : { memoryUsedBytes: Math.round(f.sizeUsedMb * 1024 * 1024) };
  return { level: "cloud", verdict: verdictOf(checks), why: "unreachable", reason: why, checks, ...used };
}

function memoryCheck(f: CloudFacts): VerifyCheck {
  if (f.sizeUsedMb === undefined)
    return { name: "memory", status: "unknown", detail: "the cloud reports no memory used" };
  if (f.backupSizeBytes === undefined)
    return { name: "memory", status: "unknown", detail: `${f.sizeUsedMb} MB used; the backup's size is not known` };
  const usedBytes = f.sizeUsedMb * 1024 * 1024;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const seen = {
    detail: `${mb(usedBytes)} used, backup ${mb(f.backupSizeBytes)}`,
    observed: Math.round(usedBytes),
    expected: f.backupSizeBytes,
  };
  if (f.backupSizeBytes < SMALL_BACKUP_BYTES) return { name: "memory", status: "pass", ...seen };
  return { name: "memory", status: usedBytes >= f.backupSizeBytes * MIN_MEMORY_TO_BACKUP ? "pass" : "fail", ...seen };
}

function verdictOf(checks: readonly VerifyCheck[]): VerifyVerdict {
  if (checks.some((c) => c.status === "fail")) return "failed";
  return checks.some((c) => c.status === "unknown") ? "inconclusive" : "verified";
}

/** INFO keyspace's lines ("db0:keys=3,expires=1,avg_ttl=0") by database. */
export function parseKeyspace(info: string): Record<string, KeyspaceEntry> {
  const out: Record<string, KeyspaceEntry> = {};
  for (const line of info.split(/\r?\n/)) {
    const m = /^(db\d+):keys=(\d+),expires=(\d+)/.exec(line.trim());
    if (m?.[1]) out[m[1]] = { keys: Number(m[2]), expires: Number(m[3]) };
  }
  return out;
}

/** A numeric field of an INFO answer ("used_memory:1234"), or undefined. */
export function parseInfoNumber(info: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:(\\d+)\\s*$`, "m").exec(info);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

async function open(
  createClient: typeof import("redis").createClient,
  target: VerifyTarget,
  connectTimeoutMs: number,
): Promise<Client> {
  const client = createClient({
    socket: { host: target.host, port: target.port, connectTimeout: connectTimeoutMs, reconnectStrategy: false },
    // RESP2: AUTH, not HELLO (Redis 4.0 and 5.0 have no HELLO)
    RESP: 2,
    disableOfflineQueue: true,
    ...(target.password === undefined ? {} : { password: target.password.reveal() }),
  }) as unknown as Client;
  client.on("error", () => {}); // every failure reaches the caller through connect() or the command
  try {
    await withDeadline(client.connect(), connectTimeoutMs, "the connection");
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const elapsed = (started: number) => Math.round(performance.now() - started);
