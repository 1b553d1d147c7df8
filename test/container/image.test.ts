// The container stage: builds the image (scripts/image.mjs), plays a Pod of two server replicas, their state
// Redis and the sandbox's fake cloud with `podman kube play`, and drives it from this host with real MCP clients
// over HTTP on loopback. Run by `npm run test:container` (its own vitest config), never by `npm test`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { connectHttp, type HttpClient, newToken, READ_WRITE, type TestToken } from "../helpers/http.js";
import { until } from "../helpers/state-redis.js";
import { CONTAINERS_CONF, logs, type PodPlan, podman, podmanStatus, SERVER_UID, writePod } from "./pod.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TAG = "localhost/tencentcloud-redis-mcp:container-test";
const REDIS_TAG = "localhost/tcrmcp-test-redis:container-test";
/** What `npm run image` records (scripts/image.mjs --report): the other build of this commit. */
const IMAGE_REPORT = join(ROOT, ".cache/image/report.json");
const GRACE_MS = 25_000;
const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

interface Report {
  compressedBytes: number;
  budgetBytes: number;
  fileList: string[];
  layers: string[];
  revision: string;
}

function buildImage(tag: string, extra: string[] = []): Report {
  const report = join(mkdtempSync(join(tmpdir(), "tcrmcp-report-")), "report.json");
  execFileSync(process.execPath, ["scripts/image.mjs", "--tag", tag, "--report", report, ...extra], {
    cwd: ROOT,
    env: { ...process.env, CONTAINERS_CONF },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 240_000,
  });
  return JSON.parse(readFileSync(report, "utf8")) as Report;
}

describe("the image, played as a Pod of two replicas, one state Redis and one fake cloud", () => {
  let image: Report;
  let plan: PodPlan;
  const clients: HttpClient[] = [];
  const tokens: Record<string, TestToken> = { ops: { token: newToken(), scopes: READ_WRITE } };
  const container = (replica: string) => `${plan.name}-${replica}`;
  const url = (index: 0 | 1, path = "/mcp") => `http://127.0.0.1:${plan.hostPorts[index]}${path}`;
  const connect = async (index: 0 | 1) => {
    const c = await connectHttp(url(index), tokens.ops?.token);
    clients.push(c);
    // every client lists the tools first (the SDK then checks each answer against its output schema)
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toContain("restore_instance");
    return c;
  };
  const health = async (index: 0 | 1) => (await fetch(url(index, "/healthz"))).status;
  const cloudRequests = () =>
    logs(container("cloud"))
      .split("\n")
      .filter((l) => l.includes('"sandbox cloud request"'))
      .map((l) => (JSON.parse(l) as { action: string }).action);

  beforeAll(async () => {
    image = buildImage(TAG);
    buildImage(REDIS_TAG, ["--redis-server"]);
    plan = await writePod(`tcrmcp-ct-${process.pid}`, TAG, REDIS_TAG, tokens);
    podman(["kube", "play", plan.file]);
    await until("both replicas answer /healthz", async () => (await Promise.all([health(0), health(1)].map((p) => p.catch(() => 0)))).every((s) => s === 200), 30_000);
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    if (plan) podmanStatus(["kube", "play", "--down", plan.file]);
    podmanStatus(["rmi", TAG, `${TAG}-again`, REDIS_TAG]); // what `npm run image` built stays
  }, 60_000);

  it("is within its size budget and two builds of one commit hold the same files", () => {
    expect(image.compressedBytes).toBeLessThanOrEqual(image.budgetBytes);
    // the other build: `npm run image` of this commit when it ran (CI runs it first), else a build made here
    const recorded = existsSync(IMAGE_REPORT) ? (JSON.parse(readFileSync(IMAGE_REPORT, "utf8")) as Report) : undefined;
    const same = recorded?.revision === image.revision && !image.revision.endsWith("-dirty");
    const other = same && recorded ? recorded : buildImage(`${TAG}-again`);
    expect(other.fileList).toEqual(image.fileList);
    expect(other.layers).toEqual(image.layers); // byte for byte: file times are fixed, so the layers are identical
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; license: string };
    const labels = JSON.parse(podman(["image", "inspect", TAG]))[0].Labels as Record<string, string>;
    expect(labels["org.opencontainers.image.version"]).toBe(pkg.version);
    expect(labels["org.opencontainers.image.licenses"]).toBe(pkg.license);
    expect(labels["org.opencontainers.image.source"]).toMatch(/^https:\/\/github\.com\//);
    expect(labels["org.opencontainers.image.revision"]).toBe(image.revision);
  }, 240_000);

  it("has no shell and no package manager; runs as a non-root user on a read-only root", () => {
    const names = image.fileList.map((l) => l.split(" ").slice(3).join(" "));
    for (const absent of ["bin/sh", "bin/bash", "usr/bin/apt", "usr/bin/dpkg", "usr/local/bin/npm"]) {
      expect(names).not.toContain(absent);
    }
    expect(names.some((n) => n.endsWith("/npm-cli.js"))).toBe(false);
    expect(podmanStatus(["exec", container("replica-a"), "/bin/sh", "-c", "true"]).status).not.toBe(0);

    const inspect = JSON.parse(podman(["inspect", container("replica-a")]))[0];
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    // the Deployment's init container made the tokens file the server's own, 0600 (the replicas accepted it)
    const tokens = statSync(plan.tokensFile);
    expect([tokens.mode & 0o777, tokens.uid]).toEqual([0o600, SERVER_UID]);
    const node = (code: string) => podmanStatus(["exec", container("replica-a"), "/usr/local/bin/node", "-e", code]);
    // PID 1 is the server, as user 10001 (read from the container's own /proc)
    const status = node("process.stdout.write(require('fs').readFileSync('/proc/1/status','utf8'))");
    expect(status.status).toBe(0);
    expect(status.out).toMatch(new RegExp(`^Uid:\\s+${SERVER_UID}\\s+${SERVER_UID}\\s`, "m"));
    expect(status.out).toMatch(/^CapEff:\s+0+$/m);
    expect(status.out).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status.out).toMatch(/^Seccomp:\s+2$/m); // a seccomp filter is in force
    const cmdline = node("process.stdout.write(require('fs').readFileSync('/proc/1/cmdline','utf8'))");
    expect(cmdline.out.split("\0")).toEqual(["/usr/local/bin/node", "/app/dist/index.js", "--http", ""]);
    // the root filesystem refuses writes, even where the files would let the user write
    const write = node("try { require('fs').writeFileSync('/tmp/x', 'x'); process.stdout.write('written') } catch (e) { process.stdout.write(e.code) }");
    expect(write.out).toBe("EROFS");
    const app = node("try { require('fs').writeFileSync('/app/dist/index.js', 'x'); process.stdout.write('written') } catch (e) { process.stdout.write(e.code) }");
    expect(["EROFS", "EACCES"]).toContain(app.out);
  });

  let taskId: number;
  it("plans on one replica, confirms on the other: exactly one RestoreInstance reaches the cloud", async () => {
    const [a, b] = [await connect(0), await connect(1)];
    const backups = sc(await a.call("list_backups", { instanceId: SESSIONS })).backups as Array<{ restorable: boolean; backupId: string }>;
    const backupId = backups.find((x) => x.restorable)?.backupId ?? "";
    expect(backupId).not.toBe("");
    const planned = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId }));
    expect(planned.status).toBe("confirmation_required");
    const confirmed = sc(await b.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: planned.confirmToken }));
    expect(confirmed.status).toBe("submitted");
    taskId = confirmed.taskId as number;
    // the token presented again, on the planning replica: the shared journal answers with the restore already sent
    const replay = sc(await a.call("restore_instance", { instanceId: SESSIONS, backupId, confirmToken: planned.confirmToken }));
    expect(replay.taskId, JSON.stringify(replay)).toBe(taskId);
    expect(replay.note).toMatch(/NOT sent again/);
    // the fake logs requests in the order received: once a later request is logged, every earlier one is
    const before = cloudRequests().filter((x) => x === "DescribeInstances").length;
    await a.call("list_instances");
    await until("the fake logged the later DescribeInstances", () => cloudRequests().filter((x) => x === "DescribeInstances").length > before);
    expect(cloudRequests().filter((x) => x === "RestoreInstance")).toHaveLength(1);
    // each replica wrote its own audit log on its writable volume (the root filesystem is read-only)
    const audit = podmanStatus(["exec", container("replica-b"), "/usr/local/bin/node", "-e", "process.stdout.write(require('fs').readFileSync('/var/log/tencentcloud-redis-mcp/audit.jsonl','utf8'))"]);
    expect(audit.out).toContain(SESSIONS);
  }, 60_000);

  it("on SIGTERM, /healthz turns 503 while a call runs, then the server exits 0 within the grace", async () => {
    const b = await connect(1);
    const polled = cloudRequests().length;
    let settled = false;
    const waiting = b.call("check_task", { taskId, waitSeconds: 20 }).finally(() => {
      settled = true;
    });
    await until("the wait polls the cloud", () => cloudRequests().length > polled);
    expect(settled).toBe(false);
    expect(await health(1)).toBe(200);
    const sent = Date.now();
    podman(["kill", "--signal", "TERM", container("replica-b")]);
    await until("replica-b's /healthz answers 503", async () => (await health(1).catch(() => 0)) === 503, 5_000);
    expect(await health(0)).toBe(200); // the other replica serves on
    const exit = Number(podman(["wait", container("replica-b")], GRACE_MS + 10_000).trim());
    const ms = Date.now() - sent;
    expect(exit).toBe(0);
    expect(ms).toBeLessThan(GRACE_MS + 5_000);
    // the running call was let finish: its answer was sent before the process exited (read now: `podman wait`
    // above blocked this process's event loop)
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer to the wait")), 5_000));
    expect(sc(await Promise.race([waiting, late])).taskId).toBe(taskId);
    expect(logs(container("replica-b"))).toContain('"msg":"shut down"');
  }, 60_000);
});
