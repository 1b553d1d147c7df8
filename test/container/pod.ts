// The container test's Pod: two server replicas, the state Redis they share and the sandbox's fake cloud, as
// containers of one Pod (one network namespace: they reach each other on localhost), played by `podman kube play`.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Pod } from "kubernetes-models/v1";
import { parse, stringify } from "yaml";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "../../src/sandbox/seed.js";
import { type TestToken, writeTokensFile } from "../helpers/http.js";

export const SERVER_UID = 10001;
export const REDIS_UID = 10002;
/** podman's configuration on hosts like CI's: runc, ulimits a container may set (see the file). */
export const CONTAINERS_CONF = resolve(import.meta.dirname, "containers.conf");
export const FAKE_PORT = 9100;
export const REDIS_PORT = 6380;
/** The fake's restore tasks run this long: a check_task wait is still running when a replica gets SIGTERM. */
export const TASK_RUNNING_MS = 8000;

export function podman(args: string[], timeoutMs = 120_000): string {
  return execFileSync("podman", args, {
    encoding: "utf8",
    env: { ...process.env, CONTAINERS_CONF },
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs a command, never throwing: its exit status and output (for what is expected to fail). */
export function podmanStatus(args: string[]): { status: number | null; out: string } {
  const r = spawnSync("podman", args, { encoding: "utf8", env: { ...process.env, CONTAINERS_CONF }, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A container's output (podman logs writes the container's stderr to its own). */
export function logs(container: string): string {
  return podmanStatus(["logs", container]).out;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released before podman binds it). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

const hardened = {
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
};

/**
 * The tokens file as the Deployment gets it: a Secret volume's file (root's, group fsGroup, 0440) copied by the
 * Deployment's own init container (its command read from deploy/kubernetes/deployment.yaml, run in the image as
 * the server's user on a read-only root) to the directory the server reads. Returns that directory.
 */
function prepareTokens(dir: string, image: string, tokens: Record<string, TestToken>): string {
  const secret = join(dir, "secret");
  const target = join(dir, "tokens");
  mkdirSync(secret);
  mkdirSync(target);
  chmodSync(target, 0o777); // an emptyDir's mode
  chownSync(writeTokensFile(tokens, 0o440, join(secret, "tokens.json")), 0, SERVER_UID);
  const deployment = parse(readFileSync(resolve(import.meta.dirname, "../../deploy/kubernetes/deployment.yaml"), "utf8"));
  const init = deployment.spec.template.spec.initContainers[0] as { command: string[]; volumeMounts: Array<{ name: string; mountPath: string }> };
  const mount = (name: string) => init.volumeMounts.find((m) => m.name === name)?.mountPath ?? "";
  const [entrypoint, ...args] = init.command;
  podman([
    "run", "--rm", "--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges", `--user=${SERVER_UID}:${SERVER_UID}`,
    `--volume=${secret}:${mount("tokens-secret")}:ro`, `--volume=${target}:${mount("tokens")}`,
    `--entrypoint=${JSON.stringify([entrypoint])}`, image, ...args,
  ]);
  return target;
}

export interface PodPlan {
  name: string;
  file: string;
  hostPorts: [number, number];
  replicas: [string, string];
  /** The tokens file the replicas read, as the Deployment's init container wrote it. */
  tokensFile: string;
}

/** Writes the Pod's YAML (validated by kubernetes-models) and the host directories it mounts. */
export async function writePod(name: string, image: string, redisImage: string, tokens: Record<string, TestToken>): Promise<PodPlan> {
  const dir = mkdtempSync(join(tmpdir(), "tcrmcp-pod-"));
  const tokensDir = prepareTokens(dir, image, tokens);
  const hostPorts: [number, number] = [await freePort(), await freePort()];
  const replicas: [string, string] = ["replica-a", "replica-b"];
  const volumes: Array<{ name: string; hostPath: { path: string; type: "Directory" } }> = [
    { name: "tokens", hostPath: { path: tokensDir, type: "Directory" } },
  ];
  const writable = (volume: string, uid: number) => {
    const path = join(dir, volume);
    mkdirSync(path);
    chownSync(path, uid, uid);
    volumes.push({ name: volume, hostPath: { path, type: "Directory" } });
  };
  writable("state-data", REDIS_UID);
  const server = (container: string, index: number) => {
    writable(`audit-${container}`, SERVER_UID);
    const port = 8787 + index;
    return {
      name: container,
      image,
      args: ["--http"],
      env: Object.entries({
        TENCENTCLOUD_SECRET_ID: SANDBOX_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: SANDBOX_CREDENTIALS.secretKey,
        TENCENTCLOUD_REGION: SANDBOX_REGION,
        TENCENTCLOUD_REDIS_ENDPOINT: `http://127.0.0.1:${FAKE_PORT}`,
        TENCENTCLOUD_REDIS_STATE_URL: `redis://127.0.0.1:${REDIS_PORT}/0`,
        TENCENTCLOUD_REDIS_HTTP_PORT: String(port),
        TENCENTCLOUD_REDIS_HTTP_ALLOWED_HOSTS: "127.0.0.1",
        TENCENTCLOUD_REDIS_HTTP_TOKENS_FILE: "/etc/tencentcloud-redis-mcp/tokens/tokens.json",
        TENCENTCLOUD_REDIS_AUDIT_LOG: "/var/log/tencentcloud-redis-mcp/audit.jsonl",
        TENCENTCLOUD_REDIS_CONFIRM: "token",
        TENCENTCLOUD_REDIS_LOG_LEVEL: "info",
        TENCENTCLOUD_REDIS_POLL_INITIAL_MS: "200",
        TENCENTCLOUD_REDIS_POLL_MAX_MS: "500",
      }).map(([n, value]) => ({ name: n, value })),
      ports: [{ containerPort: port, hostPort: hostPorts[index], hostIP: "127.0.0.1" }],
      securityContext: hardened,
      volumeMounts: [
        { name: "tokens", mountPath: "/etc/tencentcloud-redis-mcp/tokens", readOnly: true },
        { name: `audit-${container}`, mountPath: "/var/log/tencentcloud-redis-mcp" },
      ],
    };
  };
  const containers = [
    {
      name: "cloud",
      image,
      args: ["sandbox-cloud", "--port", String(FAKE_PORT), "--running-ms", String(TASK_RUNNING_MS)],
      securityContext: hardened,
    },
    {
      name: "state",
      image: redisImage,
      args: ["--bind", "127.0.0.1", "--port", String(REDIS_PORT), "--dir", "/data", "--appendonly", "yes", "--maxmemory-policy", "noeviction"],
      securityContext: hardened,
      volumeMounts: [{ name: "state-data", mountPath: "/data" }],
    },
    server(replicas[0], 0),
    server(replicas[1], 1),
  ];
  const pod = new Pod({
    metadata: { name, labels: { app: "tencentcloud-redis-mcp-test" } },
    spec: {
      restartPolicy: "Never",
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers,
      volumes,
    },
  });
  pod.validate();
  const file = join(dir, "pod.yaml");
  writeFileSync(file, stringify(pod.toJSON()));
  return { name, file, hostPorts, replicas, tokensFile: join(tokensDir, "tokens.json") };
}
