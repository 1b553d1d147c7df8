// The sandbox's real data: one redis-server process per running instance, on a loopback port, each in its own
// temporary directory. Backups are real RDB files, restores really load them. Every process is stopped on
// close(), killed on process exit (whatever the cause), and a detached watchdog kills what is left if this
// process dies without running any handler (SIGKILL): it waits for EOF on a pipe only this process holds.
//
// Addresses: every instance's address (DescribeInstances WanIp:Port, its VIP) is a TCP listener of its own in
// this process, on a loopback address 127.N.S.H (Linux routes all of 127/8 to lo; N is picked per sandbox, S is
// the subnet, H the host) that forwards to the instance's redis-server. ModifyNetworkConfig really moves it: while
// an address belongs to nobody, nothing listens there (connections are refused). A test reaches an instance's data
// at its address (`fleet.address(id)` or list_instances' host and port, with the instance's password) or
// directly at its redis-server (`fleet.ports()`, host 127.0.0.1). The listeners die with this process.
//
// Clones (CloneInstances) start a new redis-server from the backup's RDB after the state's cloneMs. Second-level
// backup (BackupMode SecondLevelBackup): the instance's redis-server keeps an AOF with a timestamp annotation per
// second (aof-timestamp-enabled), and a clone at CloneTime loads that AOF cut at that second by redis-check-aof
// --truncate-to-timestamp: the resolution is one second, and nothing before the sandbox started can be restored.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { copyFile, cp, mkdtemp, rm, stat } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { RespClient } from "./resp.js";
import { SANDBOX_DATA } from "./seed.js";
import { freePort, launchRedis, type RedisNode, stopRedis, writeData } from "./redis-node.js";
import type {
  AddressChange,
  Backup,
  BackupBackend,
  CloneBackend,
  DestroyBackend,
  Instance,
  NetworkBackend,
  RestoreBackend,
} from "./model.js";
import type { CloudState } from "./state.js";

// the redis-server helpers the tests use, known by the fleet's module
export { findRedisServer, freePort } from "./redis-node.js";

/** An instance's address: a loopback listener forwarding every connection to the instance's redis-server. */
interface Listener {
  instanceId: string;
  server: Server;
  sockets: Set<Socket>;
}

const WATCHDOG = `cat >/dev/null
for f in "$1"/*/redis.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
rm -rf "$1"`;

const addressKey = (ip: string, port: number): string => `${ip}:${port}`;

export class RedisFleet implements RestoreBackend, BackupBackend, CloneBackend, NetworkBackend, DestroyBackend {
  private readonly nodes = new Map<string, RedisNode>();
  private readonly listeners = new Map<string, Listener>();
  /** Aborts the waits of clones and moves in progress on close (no timer keeps the process alive). */
  private readonly closing = new AbortController();
  private closed = false;
  private readonly onExit = () => this.killNow();

  private constructor(
    private readonly binary: string,
    readonly root: string,
    private readonly state: CloudState,
    private readonly watchdog: ChildProcess,
  ) {
    process.on("exit", this.onExit);
  }

  /**
   * Starts a redis-server for every running instance of `state`, writes the seed data, takes an RDB for every
   * backup that can be (or become) restorable, and points the instances' WanIp/Port at the processes.
   */
  static async start(state: CloudState, binary: string): Promise<RedisFleet> {
    const root = await mkdtemp(join(tmpdir(), "tencentcloud-redis-sandbox-"));
    const watchdog = spawn("sh", ["-c", WATCHDOG, "sh", root], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    watchdog.on("error", () => {}); // a safeguard only: without sh, the exit handler still kills the processes
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    const fleet = new RedisFleet(binary, root, state, watchdog);
    try {
      await fleet.claimNetwork();
      for (const instance of state.listInstances().filter((i) => i.Status === 2)) await fleet.add(instance);
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  /** InstanceId -> port of each live redis-server. */
  ports(): Map<string, number> {
    return new Map([...this.nodes.values()].filter((n) => n.child).map((n) => [n.instanceId, n.port]));
  }

  /** The address (VIP and port) of an instance whose listener is up, or undefined. */
  address(instanceId: string): { host: string; port: number } | undefined {
    const instance = this.state.getInstance(instanceId);
    if (!instance) return undefined;
    const listener = this.listeners.get(addressKey(instance.WanIp, instance.Port));
    return listener?.instanceId === instanceId ? { host: instance.WanIp, port: instance.Port } : undefined;
  }

  /** "ip:port" of every address listening now. */
  listening(): string[] {
    return [...this.listeners.keys()];
  }

  /** PIDs of the live redis-server processes. */
  pids(): number[] {
    return [...this.nodes.values()].flatMap((n) => (n.child?.pid === undefined ? [] : [n.child.pid]));
  }

  async snapshot(instance: Instance, backup: Backup): Promise<void> {
    const node = this.node(instance.InstanceId);
    const client = await RespClient.connect(node.port, "127.0.0.1", node.password);
    try {
      await client.command("SAVE");
    } finally {
      client.close();
    }
    const file = this.backupFile(node, backup.BackupId);
    await copyFile(join(node.dir, "dump.rdb"), file);
    this.state.updateBackup(backup.BackupId, { BackupSize: (await stat(file)).size });
  }

  /**
   * The task stays "preparing" for the state's preparingMs; then, while it is "running", the instance (status
   * task in progress) is stopped, its dump.rdb replaced by the backup's and restarted on the same port with the
   * same password. The task succeeds once the restarted server answers PING with the data loaded.
   */
  async restore(instance: Instance, backup: Backup): Promise<void> {
    const node = this.node(instance.InstanceId);
    const file = this.backupFile(node, backup.BackupId);
    await this.wait(this.state.preparingMs);
    await stat(file).catch(() => {
      throw new Error(`the backup's RDB file is missing in the sandbox`);
    });
    this.state.setInstanceStatus(instance.InstanceId, 1);
    try {
      await stopRedis(node);
      await copyFile(file, join(node.dir, "dump.rdb"));
      await this.launch(node);
    } finally {
      this.state.setInstanceStatus(instance.InstanceId, 2);
    }
  }

  /**
   * A clone: after the state's cloneMs (status 0), a new redis-server with the backup's RDB, or with the
   * source's timestamped AOF cut at `cloneTime` (second-level backup), then its address listens.
   */
  async clone(clone: Instance, source: Instance, backup: Backup, cloneTime: number | undefined): Promise<void> {
    await this.wait(this.state.cloneMs);
    const from = this.node(source.InstanceId);
    const node = await this.newNode(clone, cloneTime !== undefined);
    if (cloneTime === undefined) {
      await copyFile(this.backupFile(from, backup.BackupId), join(node.dir, "dump.rdb")).catch(() => {
        throw new Error("the backup's RDB file is missing in the sandbox");
      });
    } else {
      if (!from.aof) throw new Error(`the instance ${source.InstanceId} keeps no second-level backup in the sandbox`);
      await cp(join(from.dir, "appendonlydir"), join(node.dir, "appendonlydir"), { recursive: true });
      const check = join(dirname(this.binary), "redis-check-aof");
      const manifest = join(node.dir, "appendonlydir", "appendonly.aof.manifest");
      await promisify(execFile)(check, ["--truncate-to-timestamp", String(Math.floor(cloneTime / 1000)), manifest]);
    }
    await this.startNode(node);
    await this.bind(clone.InstanceId, clone.WanIp, clone.Port);
  }

  /** An address move: after the state's preparingMs, the old address stops listening and the new one starts. */
  async move(instance: Instance, change: AddressChange): Promise<void> {
    await this.wait(this.state.preparingMs);
    await this.unbind(change.from.ip, change.from.port);
    try {
      await this.bind(instance.InstanceId, change.to.ip, change.to.port);
    } catch (error) {
      await this.bind(instance.InstanceId, change.from.ip, change.from.port).catch(() => {});
      throw error;
    }
  }

  /**
   * DestroyPostpaidInstance: after the state's preparingMs, the instance's address stops listening (its
   * clients are cut), its redis-server stops and its directory (data and backups) is removed.
   */
  async destroy(instance: Instance): Promise<void> {
    await this.wait(this.state.preparingMs);
    const node = this.node(instance.InstanceId);
    await this.unbind(instance.WanIp, instance.Port);
    await stopRedis(node);
    this.nodes.delete(instance.InstanceId);
    await rm(node.dir, { recursive: true, force: true });
  }

  /** Stops every process and listener and removes the temporary directories. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await Promise.all([...this.listeners.keys()].map((key) => this.unbindKey(key)));
    await Promise.all([...this.nodes.values()].map((n) => stopRedis(n)));
    rmSync(this.root, { recursive: true, force: true });
    this.watchdog.stdin?.end();
    process.off("exit", this.onExit);
  }

  private async wait(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.closing.signal }).catch(() => {
      throw new Error("the sandbox is shutting down");
    });
  }

  /** Synchronous last resort (process exit): SIGKILL every process, remove the directories. */
  private killNow(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  private node(instanceId: string): RedisNode {
    const node = this.nodes.get(instanceId);
    if (!node) throw new Error(`the instance ${instanceId} has no redis-server in this sandbox`);
    return node;
  }

  private backupFile(node: RedisNode, backupId: string): string {
    return join(node.dir, `backup-${backupId}.rdb`);
  }

  /**
   * Picks the sandbox's loopback network 127.N (N at random, another when an address is taken by someone else,
   * e.g. another sandbox) and listens on every running instance's address.
   */
  private async claimNetwork(): Promise<void> {
    const running = this.state.listInstances().filter((i) => i.Status === 2);
    for (let attempt = 1; ; attempt++) {
      this.state.relocateNetwork(`127.${1 + Math.floor(Math.random() * 254)}`);
      try {
        for (const i of running) await this.bind(i.InstanceId, i.WanIp, i.Port);
        return;
      } catch (error) {
        await Promise.all([...this.listeners.keys()].map((key) => this.unbindKey(key)));
        if (attempt >= 8) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(
            `the sandbox could not listen on its instances' loopback addresses (${reason}): is a process listening on 0.0.0.0 at port ${running[0]?.Port ?? 6379}?`,
          );
        }
      }
    }
  }

  /** Listens on ip:port for the instance. */
  private async bind(instanceId: string, ip: string, port: number): Promise<void> {
    if (this.closed) throw new Error("the sandbox is shutting down");
    const listener: Listener = { instanceId, server: createServer(), sockets: new Set() };
    listener.server.on("connection", (socket) => this.forward(listener, socket));
    await new Promise<void>((resolve, reject) => {
      listener.server.once("error", reject);
      listener.server.listen(port, ip, () => {
        listener.server.off("error", reject);
        resolve();
      });
    });
    listener.server.unref();
    this.listeners.set(addressKey(ip, port), listener);
  }

  private forward(listener: Listener, socket: Socket): void {
    const node = this.nodes.get(listener.instanceId);
    if (!node?.child) {
      socket.destroy();
      return;
    }
    const upstream = connect(node.port, "127.0.0.1");
    listener.sockets.add(socket);
    listener.sockets.add(upstream);
    for (const s of [socket, upstream]) {
      s.on("error", () => {});
      s.on("close", () => {
        listener.sockets.delete(s);
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream);
    upstream.pipe(socket);
  }

  private async unbind(ip: string, port: number): Promise<void> {
    await this.unbindKey(addressKey(ip, port));
  }

  /** Stops listening and cuts the connections made through the address (a moved VIP drops its clients). */
  private async unbindKey(key: string): Promise<void> {
    const listener = this.listeners.get(key);
    if (!listener) return;
    this.listeners.delete(key);
    const closed = new Promise((resolve) => listener.server.close(resolve));
    for (const s of listener.sockets) s.destroy();
    await closed;
  }

  private async newNode(instance: Instance, aof: boolean): Promise<RedisNode> {
    const node: RedisNode = {
      instanceId: instance.InstanceId,
      dir: await mkdtemp(join(this.root, `${instance.InstanceId}-`)),
      port: 0,
      password: instance.NoAuth ? undefined : instance.password,
      child: undefined,
      aof,
    };
    this.nodes.set(instance.InstanceId, node);
    return node;
  }

  private async launch(node: RedisNode): Promise<void> {
    if (this.closed) throw new Error("the sandbox is shutting down");
    await launchRedis(this.binary, node);
  }

  private async startNode(node: RedisNode): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      node.port = await freePort();
      try {
        await this.launch(node);
        return;
      } catch (error) {
        if (attempt >= 3) throw error; // another process may have taken the port in between
      }
    }
  }

  private async add(instance: Instance): Promise<void> {
    const node = await this.newNode(instance, instance.BackupMode === "SecondLevelBackup");
    await this.startNode(node);
    // Seed: every backup that is or may become restorable gets an RDB; the newest the last generation.
    const generations = SANDBOX_DATA[instance.InstanceId] ?? [{}];
    const backups = this.state
      .listBackups(instance.InstanceId)
      .filter((b) => b.Status === 1 || b.Status === 2)
      .reverse();
    for (const [i, backup] of backups.entries()) {
      await writeData(node, generations[Math.max(0, generations.length - (backups.length - i))] ?? {});
      await this.snapshot(instance, backup);
    }
    await writeData(node, generations.at(-1) ?? {});
  }
}
