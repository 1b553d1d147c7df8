// deploy/kubernetes validated offline: every document against the Kubernetes API's schema (kubernetes-models),
// every field name known to that schema (its validation alone lets a misspelled field through), the
// kustomization's resources, and what the deployment promises (docs/deploy.md, "Kubernetes").
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import * as apps from "kubernetes-models/apps/v1";
import * as batch from "kubernetes-models/batch/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as core from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkApprovalConfig, checkHttpServing, loadConfig } from "../../src/config/index.js";

const DIR = resolve(import.meta.dirname, "../../deploy/kubernetes");
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: manifests are read loosely, their types are checked by the models
type Doc = Record<string, any>;

function documents(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(DIR, file), "utf8")).map((d) => {
    expect(d.errors, `${file}: YAML errors`).toEqual([]);
    return d.toJSON() as Doc;
  });
}

/** Every property name the API's schemas know (read from kubernetes-models' compiled validators). */
function knownFields(): Set<string> {
  const known = new Set<string>();
  for (const pkg of ["kubernetes-models", "@kubernetes-models/apimachinery"]) {
    const dir = join(dirname(require.resolve(`${pkg}/package.json`)), "_schemas");
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".js"))) {
      for (const m of readFileSync(join(dir, f), "utf8").matchAll(/(?:parentDataProperty|missingProperty):"([^"]+)"/g)) {
        if (m[1]) known.add(m[1]);
      }
    }
  }
  return known;
}

/** Maps whose keys are the user's (labels, data, resource names…), not the schema's. */
const FREE_FORM = new Set(["labels", "annotations", "matchLabels", "data", "stringData", "nodeSelector", "requests", "limits"]);

function unknownFields(value: unknown, known: Set<string>, path: string, kind: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, known, `${path}[${i}]`, kind));
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (!known.has(key)) out.push(at);
    const freeForm = FREE_FORM.has(key) || (kind === "Service" && at === ".spec.selector");
    if (!freeForm) out.push(...unknownFields(v, known, at, kind));
  }
  return out;
}

const MODELS: Record<string, unknown> = { v1: core, "apps/v1": apps, "batch/v1": batch, "networking.k8s.io/v1": networking, "policy/v1": policy };

async function model(doc: Doc) {
  const mod = MODELS[doc.apiVersion] as Record<string, new (d: Doc) => { validate(): void }> | undefined;
  const Model = mod?.[doc.kind];
  if (!Model) throw new Error(`kubernetes-models has no ${doc.apiVersion} ${doc.kind}`);
  return new Model(doc);
}

describe("deploy/kubernetes", () => {
  const kustomization = documents("kustomization.yaml")[0] as Doc;
  const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
  const all = files.flatMap((f) => documents(f).map((doc) => ({ file: f, doc })));
  const find = (kind: string, name: string) => all.find((d) => d.doc.kind === kind && d.doc.metadata?.name === name)?.doc as Doc;

  // validated like the others, not applied: an example to copy, and a CronJob whose command is not wired yet
  const NOT_APPLIED = ["secret.example.yaml", "drill-cronjob.yaml"];

  it("lists every manifest in its kustomization, but the example Secret and the drill", () => {
    const listed = kustomization.resources as string[];
    expect([...listed].sort()).toEqual(files.filter((f) => !NOT_APPLIED.includes(f)).sort());
    const source = readFileSync(join(DIR, "kustomization.yaml"), "utf8");
    for (const f of NOT_APPLIED) expect(source, `kustomization.yaml says why ${f} is not a resource`).toContain(f);
    expect(Object.keys(kustomization).sort()).toEqual(["apiVersion", "images", "kind", "labels", "namespace", "resources"]);
  });

  it("validates every document against the API's schema, with no field the schema does not know", async () => {
    const known = knownFields();
    expect(known.has("terminationGracePeriodSeconds")).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(14);
    for (const { file, doc } of all) {
      const where = `${file}: ${doc.kind} ${doc.metadata?.name}`;
      await expect((async () => (await model(doc)).validate())(), where).resolves.toBeUndefined();
      expect(unknownFields(doc, known, "", doc.kind), where).toEqual([]);
    }
  });

  it("the check itself refuses a misspelled field and a wrong type", async () => {
    const deployment = structuredClone(find("Deployment", "tencentcloud-redis-mcp"));
    deployment.spec.replcas = 3;
    expect(unknownFields(deployment, knownFields(), "", "Deployment")).toEqual([".spec.replcas"]);
    const wrong = structuredClone(find("Deployment", "tencentcloud-redis-mcp"));
    wrong.spec.replicas = "three";
    await expect((async () => (await model(wrong)).validate())()).rejects.toThrow();
  });

  it("runs three hardened replicas whose probes, preStop and grace fit the server's shutdown", () => {
    const d = find("Deployment", "tencentcloud-redis-mcp");
    const pod = d.spec.template.spec;
    expect(d.spec.replicas).toBe(3);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
    for (const c of [...pod.containers, ...pod.initContainers]) {
      expect(c.securityContext, c.name).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      expect(Object.keys(c.resources).sort(), c.name).toEqual(["limits", "requests"]);
    }
    const server = pod.containers[0];
    expect(server.readinessProbe.httpGet.path).toBe("/readyz");
    expect(server.livenessProbe.httpGet.path).toBe("/healthz");
    // preStop + the server's 25 s for running calls + a sent RestoreInstance's answer (30 s timeout) fit the grace
    expect(server.lifecycle.preStop.sleep.seconds + 25 + 30).toBeLessThanOrEqual(pod.terminationGracePeriodSeconds);
    const mounts = server.volumeMounts.map((m: Doc) => m.mountPath);
    expect(mounts).toContain("/var/log/tencentcloud-redis-mcp");
    const env = Object.fromEntries(server.env.map((e: Doc) => [e.name, e]));
    expect(env.TENCENTCLOUD_REDIS_STATE_URL.value).toBe("redis://:$(STATE_PASSWORD)@tencentcloud-redis-mcp-state:6379/0");
    expect(env.STATE_PASSWORD.valueFrom.secretKeyRef.name).toBe("tencentcloud-redis-mcp-state");
    expect(find("PodDisruptionBudget", "tencentcloud-redis-mcp").spec.minAvailable).toBeLessThan(3);
  });

  it("gives the server settings its own loader accepts (the ConfigMap, the pod's env, the example Secrets filled in)", () => {
    const server = find("Deployment", "tencentcloud-redis-mcp").spec.template.spec.containers[0];
    const filled = (v: string) => v.replace(/<[^>]+>/g, "0123456789abcdef");
    const env: Record<string, string> = { ...find("ConfigMap", "tencentcloud-redis-mcp").data };
    for (const from of server.envFrom as Doc[]) {
      if (from.secretRef) Object.assign(env, find("Secret", from.secretRef.name).stringData);
    }
    for (const e of server.env as Doc[]) {
      const ref = e.valueFrom?.secretKeyRef;
      const value: string = ref ? find("Secret", ref.name).stringData[ref.key] : e.value;
      env[e.name] = value.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? "");
    }
    for (const [k, v] of Object.entries(env)) env[k] = filled(v);
    const config = loadConfig(server.args, env);
    expect(() => checkHttpServing(config)).not.toThrow();
    expect(() => checkApprovalConfig(config)).not.toThrow();
    expect(config.http).toMatchObject({ enabled: true, host: "0.0.0.0", port: server.ports[0].containerPort });
    expect(config.state?.where).toBe("redis://tencentcloud-redis-mcp-state:6379/0");
    expect(config.confirmMode).toBe("approval");
  });

  it("keeps secrets in Secrets: the ConfigMap holds no credential, the example only placeholders", () => {
    const config = find("ConfigMap", "tencentcloud-redis-mcp").data as Record<string, string>;
    for (const key of Object.keys(config)) expect(key).not.toMatch(/SECRET|PASSWORD|TOKEN|STATE_URL|WEBHOOK/);
    expect(config.TENCENTCLOUD_REDIS_PUBLIC_URL).toMatch(/^https:\/\//);
    for (const { doc } of all.filter((d) => d.file === "secret.example.yaml")) {
      for (const value of Object.values(doc.stringData as Record<string, string>)) expect(value).toMatch(/<[^>]+>/);
    }
  });

  it("runs the state Redis with an append-only file and without eviction", () => {
    const redis = find("StatefulSet", "tencentcloud-redis-mcp-state").spec.template.spec.containers[0];
    const args = (redis.args as string[]).join(" ");
    expect(args).toContain("--appendonly yes");
    expect(args).toContain("--maxmemory-policy noeviction");
    expect(find("StatefulSet", "tencentcloud-redis-mcp-state").spec.volumeClaimTemplates).toHaveLength(1);
  });

  it("admits only the agents' namespace, the ingress controller and the drill to the server", () => {
    const policy = find("NetworkPolicy", "tencentcloud-redis-mcp");
    const from = policy.spec.ingress.flatMap((r: Doc) => r.from);
    expect(from).toHaveLength(3);
    expect(from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("agents");
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });
});
