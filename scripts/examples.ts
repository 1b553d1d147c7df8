// The sample outputs in docs/ (`npm run gen:examples` writes them; scripts/gen-examples.mjs runs this module):
// one run of the sandbox (real redis-servers, the real server, a real MCP client in process), its results
// normalised so that two runs write the same text. test/repo/examples.test.ts runs it again and fails when a page
// differs; test/e2e/demo.test.ts does the same for the demo's output (docs/demo.md, docs/restore-methods.md).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadConfig } from "../src/config.js";
import { Logger } from "../src/log.js";
import { startSandbox } from "../src/sandbox/index.js";
import { SANDBOX_PASSWORDS } from "../src/sandbox/seed.js";
import { createServer } from "../src/server.js";
import { markers } from "./generate.js";

export { between } from "./generate.js";

export const EXAMPLES_COMMAND = "npm run gen:examples";

/** The instant every normalised run is moved to: its start becomes 2026-11-28T03:55:00Z. */
const REFERENCE_MS = Date.UTC(2026, 10, 28, 3, 55, 0);
const MINUTE_MS = 60_000;
const BEIJING_MS = 8 * 60 * MINUTE_MS;
/** Instance IDs that are examples in the server's own texts, not made by a run. */
const FIXED_IDS = new Set(["crs-5a4py64p", "crs-1a2b3c4d"]);

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An ISO time at `ms` with the offset `offset` ("Z" or "+08:00"), with milliseconds when `millis`. */
function iso(ms: number, offset: string, millis: boolean): string {
  const sign = offset === "Z" ? 0 : offset.startsWith("-") ? -1 : 1;
  const [h, m] = offset === "Z" ? [0, 0] : offset.slice(1).split(":").map(Number);
  const d = new Date(ms + sign * ((h ?? 0) * 60 + (m ?? 0)) * MINUTE_MS);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}${millis ? `.${pad(d.getUTCMilliseconds(), 3)}` : ""}${offset}`;
}

/**
 * Makes a run's output the same from run to run: a time moves to REFERENCE_MS plus its distance from the run's
 * start (`startMs`) rounded to the minute (a run takes seconds; what the sandbox seeds is hours or days away), a
 * backup ID's time part likewise; clone IDs, request IDs, tokens, order numbers and clone name suffixes become
 * fixed ones in the order they first appear; the sandbox's random loopback network 127.N becomes 127.90; waited
 * seconds are rounded to whole seconds. One normaliser per run: the same value maps to the same text throughout.
 */
export function normaliser(startMs: number): (text: string) => string {
  const shift = (ms: number) => REFERENCE_MS + Math.round((ms - startMs) / MINUTE_MS) * MINUTE_MS;
  const seen = new Map<string, Map<string, string>>();
  const nth = (kind: string, value: string, make: (n: number) => string) => {
    const map = seen.get(kind) ?? new Map<string, string>();
    seen.set(kind, map);
    if (!map.has(value)) map.set(value, make(map.size + 1));
    return map.get(value) as string;
  };
  const round = (value: string) => String(Math.round(Number(value)));
  return (text) =>
    text
      .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/g, (time, millis, offset) =>
        iso(shift(Date.parse(time)), offset, millis !== undefined),
      )
      .replace(/-restore-(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-([0-9a-f]{4})\b/g, (_, y, mo, d, h, mi, s, suffix) => {
        const at = new Date(shift(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - BEIJING_MS) + BEIJING_MS);
        const stamp = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
        return `-restore-${stamp}-${nth("suffix", suffix, (n) => pad(n, 4))}`;
      })
      .replace(/\b(\d{10})-(\d+)-(\d{10})\b/g, (_, app, serial, seconds) => `${app}-${serial}-${shift(Number(seconds) * 1000) / 1000}`)
      .replace(/\bcrs-[a-z0-9]{8}\b/g, (id) =>
        id.startsWith("crs-sbx") || FIXED_IDS.has(id) ? id : nth("clone", id, (n) => `crs-c1one${pad(n, 3)}`),
      )
      .replace(/(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/g, (uuid) =>
        nth("uuid", uuid, (n) => `00000000-0000-4000-8000-${pad(n, 12)}`),
      )
      .replace(/\b(ct|ap)_[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/g, (token, kind) =>
        nth(kind, token, (n) => `${kind}_${`example${kind}token`.padEnd(29, "0")}${pad(n, 3)}`),
      )
      .replace(/\b\d{23}\b/g, (deal) => nth("deal", deal, (n) => `20261128${pad(n, 15)}`))
      .replace(/\b127\.(\d+)\.(\d+)\.(\d+)\b/g, (ip, net, subnet, host) => (net === "0" ? ip : `127.90.${subnet}.${host}`))
      .replace(/(progress |waiting )(\d+(?:\.\d+)?)/g, (_, word, value) => `${word}${round(value)}`)
      .replace(/(\d+(?:\.\d+)?)( s waited)/g, (_, value, words) => `${round(value)}${words}`)
      .replace(/("waitedSeconds":)(\d+(?:\.\d+)?)/g, (_, key, value) => `${key}${round(value)}`);
}

/** One line per top-level field, an array of objects one object a line: the docs' JSON style. */
export function formatJson(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return JSON.stringify(value);
  const fields = Object.entries(value).map(([key, v]) => {
    const objects = Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "object" && e !== null);
    const shown = objects ? `[\n  ${v.map((e) => JSON.stringify(e)).join(",\n  ")}]` : JSON.stringify(v);
    return `${JSON.stringify(key)}:${shown}`;
  });
  return `{${fields.join(",\n ")}}`;
}

/**
 * A progress notification that reports the end (a task's succeed/failed/error, a clone running or failed): the
 * server sends it without waiting, so it can reach the client after the answer, or not before the client stops
 * listening. The samples leave it out, so that two runs print the same.
 */
const FINAL_PROGRESS = /(Task \d+: (succeed|failed|error)|Clone \S+: (running|failed)), /;

const json = (value: unknown) => `\`\`\`json\n${formatJson(value)}\n\`\`\``;

// biome-ignore lint/suspicious/noExplicitAny: the examples read the tools' structured content loosely
type Loose = any;

/**
 * A real server on a fresh sandbox (real redis-servers), with a real client in process that listed the tools. A
 * restore prepares for 0.3 s (check_task's first poll, at once, sees it preparing) and is done well before the
 * second poll, at 1 s.
 */
async function session(env: Record<string, string>) {
  const sandbox = await startSandbox({ preparingMs: 300, runningMs: 100, cloneMs: 200 });
  const config = sandbox.configure(loadConfig([], { TENCENTCLOUD_REDIS_LOG_LEVEL: "error", ...env }));
  const created = createServer({ config, log: new Logger("error", () => {}) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "docs-examples", version: "1.0.0" });
  await Promise.all([created.server.connect(serverSide), client.connect(clientSide)]);
  // as every real client does: list the tools first, so the SDK checks each answer against its output schema
  await client.listTools();
  const progress: string[] = [];
  const texts: string[] = [];
  const call = async (name: string, args: Record<string, unknown>): Promise<Loose> => {
    const result = await client.callTool({ name, arguments: args }, undefined, {
      onprogress: (p) => progress.push(`${p.progress} ${JSON.stringify(p.message)}`),
      timeout: 120_000,
    });
    texts.push((result.content as Array<{ text?: string }>)[0]?.text ?? "");
    return result.structuredContent;
  };
  return {
    call,
    progress,
    /** The text of the last call's result. */
    lastText: () => texts.at(-1) ?? "",
    async close() {
      await client.close();
      await created.close();
      await sandbox.close();
    },
  };
}

export interface Examples {
  /** docs page -> marker name -> content (between `<!-- BEGIN GENERATED: name ... -->` and its END). */
  [page: string]: Record<string, string>;
}

/** The tools' walk on a Redis 2.8 instance (docs/tools.md), the clone route (restore-methods.md), the sandbox. */
async function tokenExamples(): Promise<Examples> {
  const s = await session({});
  try {
    const instances = await s.call("list_instances", { limit: 2 });
    const backups = await s.call("list_backups", { instanceId: "crs-sbx2sess", limit: 2 });
    const backup = await s.call("backup_instance", { instanceId: "crs-sbx2sess", remark: "before cleanup" });
    const backupDone = await s.call("check_task", { taskId: backup.taskId, waitSeconds: 60 });
    const backupText = s.lastText();
    const args = { instanceId: "crs-sbx2sess", backupId: backups.backups[1].backupId };
    const plan = await s.call("restore_instance", args);
    const submitted = await s.call("restore_instance", { ...args, confirmToken: plan.confirmToken });
    s.progress.length = 0;
    const restored = await s.call("check_task", { taskId: submitted.taskId, waitSeconds: 60 });
    const progress = s.progress
      .filter((p) => !FINAL_PROGRESS.test(p))
      .map((p) => `\`progress ${p}\``)
      .join(", ");
    const missing = await s.call("restore_instance", { instanceId: "crs-sbx2sess", backupId: "1250000000-0-0" });
    const invalid = await s.call("list_backups", { instanceId: "bad", limit: 0 });

    const all = await s.call("list_instances", {});
    const shanghai = await s.call("list_instances", { region: "ap-shanghai" });
    const catalog = await s.call("list_backups", { instanceId: "crs-sbx5cat6" });
    const before = catalog.backups.find((b: Loose) => b.remark === "before release 2.3");
    const cloneArgs = { instanceId: "crs-sbx5cat6", backupId: before.backupId };
    const clonePlan = await s.call("restore_instance", cloneArgs);
    const cloning = await s.call("restore_instance", { ...cloneArgs, confirmToken: clonePlan.confirmToken });
    const cloned = await s.call("check_task", { instanceId: cloning.cloneInstanceId, waitSeconds: 60 });
    const switchArgs = { instanceId: "crs-sbx5cat6", toInstanceId: cloning.cloneInstanceId };
    const switchPlan = await s.call("switch_address", switchArgs);
    const switched = await s.call("switch_address", { ...switchArgs, confirmToken: switchPlan.confirmToken });

    const sandboxRows = [...all.instances, ...shanghai.instances].map((i: Loose) => {
      const password = SANDBOX_PASSWORDS[i.instanceId as keyof typeof SANDBOX_PASSWORDS];
      return `| \`${i.instanceId}\` | ${i.name} | ${i.region ?? (shanghai.instances.includes(i) ? shanghai.region : all.region)} | ${i.type} | ${i.restoreMethod === "clone" ? "clone" : "in place"} | ${i.status} | ${i.host ? `${i.host}:${i.port}` : "—"} | ${i.noAuth ? "— (password-free)" : `\`${password}\``} |`;
    });
    return {
      "docs/tools.md": {
        "list-instances": json(instances),
        "list-backups": json(backups),
        "backup-instance": json(backup),
        "restore-plan": json(plan),
        "restore-submitted": json(submitted),
        "check-task-restore": `${json(restored)}\n\nProgress received on the way (the last one, reporting the end, can arrive after the answer and is left out here): ${progress}.`,
        "check-task-backup": `${json(backupDone)}\n\nText: \`${backupText}\``,
        "error-not-found": json(missing),
        "error-invalid": json(invalid),
      },
      "docs/restore-methods.md": {
        "list-instances": json(all.instances.map((i: Loose) => ({ instanceId: i.instanceId, name: i.name, type: i.type, restoreMethod: i.restoreMethod }))),
        "clone-plan": json(clonePlan),
        "clone-confirmed": json(cloning),
        "clone-followed": json(cloned),
        "switch": `${json(switchPlan)}\n\n${json(switched)}`,
      },
      "docs/sandbox.md": {
        instances: [
          "| instance | name | region | type | restored | state | address | password |",
          "|---|---|---|---|---|---|---|---|",
          ...sandboxRows,
        ].join("\n"),
      },
    };
  } finally {
    await s.close();
  }
}

/** approval_required (docs/approval.md): approval mode with the public URL set, so the answer carries the page. */
async function approvalExamples(): Promise<Examples> {
  const s = await session({
    TENCENTCLOUD_REDIS_CONFIRM: "approval",
    TENCENTCLOUD_REDIS_PUBLIC_URL: "https://redis-mcp.example.com/mcp",
  });
  try {
    const backups = await s.call("list_backups", { instanceId: "crs-sbx2sess", limit: 2 });
    const requested = await s.call("restore_instance", { instanceId: "crs-sbx2sess", backupId: backups.backups[1].backupId });
    return { "docs/approval.md": { "approval-required": json(requested) } };
  } finally {
    await s.close();
  }
}

/** Every example of the in-process run, normalised. */
export async function examples(): Promise<Examples> {
  const startMs = Date.now();
  const normalise = normaliser(startMs);
  const parts = [await tokenExamples(), await approvalExamples()];
  const result: Examples = {};
  for (const part of parts) {
    for (const [page, blocks] of Object.entries(part)) {
      result[page] = { ...result[page] };
      for (const [name, text] of Object.entries(blocks)) (result[page] as Record<string, string>)[name] = normalise(text);
    }
  }
  return result;
}

/** The demo's output (node scripts/demo.mjs, started at `startMs`) as docs/demo.md and restore-methods.md show it. */
export function demoExamples(stdout: string, startMs: number): Examples {
  const kept = stdout
    .trimEnd()
    .split("\n")
    .filter((line) => !(/^ {3}progress /.test(line) && FINAL_PROGRESS.test(line)));
  const text = normaliser(startMs)(kept.join("\n"));
  const part2 = text.indexOf("\nPart 2:");
  return {
    "docs/demo.md": { demo: `\`\`\`\n${text}\n\`\`\`` },
    "docs/restore-methods.md": { "demo-clone": `\`\`\`\n${text.slice(part2 + 1)}\n\`\`\`` },
  };
}

/** The content of block `name` in `text` (between the markers `npm run gen:examples` writes), or undefined. */
export function blockOf(text: string, name: string): string | undefined {
  const { begin, end } = markers(name, EXAMPLES_COMMAND);
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  return from < 0 || to < from ? undefined : text.slice(from + begin.length + 1, to - 1);
}
