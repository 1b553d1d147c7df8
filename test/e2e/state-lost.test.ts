// A state Redis that comes back empty cannot cause a resend: replica A restores, the state loses its data (a
// restart without persistence, a FLUSHALL, a failover to an empty second redis-server behind the same address),
// and replica B is asked the same restore, between and during A's call. The BUILT server as two replicas over
// stdio, real redis-server processes; asserted on what the fake cloud received: the restore is sent once in all.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type Replica, replicaEnv, startStdioReplica } from "../helpers/replicas.js";
import { type StateRedis, startStateRedis, until } from "../helpers/state-redis.js";
import { readAudit } from "../safety/helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
type Loss = "a restart without persistence" | "a FLUSHALL" | "a failover to an empty replica";
const LOSSES: Loss[] = ["a restart without persistence", "a FLUSHALL", "a failover to an empty replica"];

/** A TCP front for the state's address: a failover points it at another redis-server and drops every connection. */
async function front(port: number): Promise<{ port: number; to(port: number): void; close(): Promise<void> }> {
  let upstream = port;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const up = connect(upstream, "127.0.0.1");
    open.add(client).add(up);
    const drop = () => {
      client.destroy();
      up.destroy();
      open.delete(client);
      open.delete(up);
    };
    client.on("error", drop).on("close", drop);
    up.on("error", drop).on("close", drop);
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    to(next) {
      upstream = next;
      for (const s of open) s.destroy();
      open.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("a state Redis that comes back empty (two built replicas, real redis-servers)", () => {
  let fake: FakeCloud;
  let primary: StateRedis;
  let spare: StateRedis;
  let proxy: Awaited<ReturnType<typeof front>>;
  let dir: string;
  let run = 0;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tcrmcp-state-lost-"));
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
    primary = await startStateRedis();
    spare = await startStateRedis();
  });
  afterAll(async () => {
    await Promise.allSettled(replicas.map((r) => r.close()));
    await proxy?.close();
    await fake?.close();
    await primary?.close();
    await spare?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await Promise.allSettled(replicas.splice(0).map((r) => r.close()));
    await proxy?.close();
    await until("no restore in flight on the fake", () => !fake.state.hasRestoreInFlight(SESSIONS), 20_000);
    fake.reset();
    await primary.command("FLUSHALL");
    await spare.command("FLUSHALL");
    proxy = await front(primary.port);
  });

  const start = async (name: string) => {
    run += 1;
    const r = await startStdioReplica(
      name,
      replicaEnv(fake, `redis://127.0.0.1:${proxy.port}`, {
        TENCENTCLOUD_REDIS_CONFIRM: "none",
        TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30",
        TENCENTCLOUD_REDIS_TIMEOUT_SECONDS: "2",
        TENCENTCLOUD_REDIS_AUDIT_LOG: join(dir, `${run}-${name}.jsonl`),
      }),
    );
    replicas.push(r);
    return r;
  };

  const lose = async (loss: Loss) => {
    if (loss === "a FLUSHALL") await primary.command("FLUSHALL");
    else if (loss === "a restart without persistence") {
      await primary.kill();
      await primary.restart();
    } else {
      await spare.command("FLUSHALL");
      proxy.to(spare.port);
    }
  };

  /** Asks until the answer is not "the state is recovering or away": what the agent does with a retryable refusal. */
  const ask = async (r: Replica, args: Record<string, unknown>) => {
    const refusals: string[] = [];
    for (let i = 0; i < 100; i++) {
      const answer = sc(await r.call("restore_instance", args));
      const code = (answer.error as { code?: string } | undefined)?.code;
      if (code !== "ClientError.StateRecovering" && code !== "ClientError.StateUnavailable")
        return { answer, refusals };
      refusals.push(code);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the state never came back");
  };

  const backup = () => fake.state.listBackups(SESSIONS).find((b) => b.Status === 2 && b.Locked !== 1)?.BackupId ?? "";

  for (const loss of LOSSES) {
    it(`between restores: A restores, ${loss}, B is asked the same: sent once`, async () => {
      const A = await start("a");
      const B = await start("b");
      const args = { instanceId: SESSIONS, backupId: backup() };
      const first = sc(await A.call("restore_instance", args));
      expect(first.status).toBe("submitted");
      expect(fake.count("RestoreInstance")).toBe(1);
      await lose(loss);
      if (loss === "a failover to an empty replica") expect(await spare.command("DBSIZE")).toBe(0);
      const { answer } = await ask(B, args);
      expect(answer.error).toBeUndefined();
      expect(fake.count("RestoreInstance")).toBe(1); // never twice: B learned of A's restore
      expect(JSON.stringify(answer)).toContain(String(first.taskId)); // answered with A's restore
      expect(A.stderr()).toMatch(/state store came back without this replica's data/);
    });
  }

  for (const loss of LOSSES) {
    it(`during a restore: ${loss} while A's request is on the wire; B asked the same: sent once`, async () => {
      const A = await start("a");
      const B = await start("b");
      const args = { instanceId: SESSIONS, backupId: backup() };
      fake.inject("RestoreInstance", { kind: "delay", ms: 1500 }, 1);
      const first = A.call("restore_instance", args);
      await until("A's request is on the wire", () => fake.count("RestoreInstance") === 1);
      await lose(loss);
      const answered = sc(await first);
      const { answer } = await ask(B, args);
      expect(answer.error).toBeUndefined();
      expect(fake.count("RestoreInstance")).toBe(1);
      expect(answered.status).toBe("submitted");
      expect(JSON.stringify(answer)).toContain(String(answered.taskId));
      const lines = readAudit(join(dir, `${run - 1}-a.jsonl`));
      expect(lines.filter((l) => l.outcome === "intent" && l.action === "RestoreInstance")).toHaveLength(1);
    });
  }
});
