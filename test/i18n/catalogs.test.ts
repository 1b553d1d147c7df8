// TENCENTCLOUD_LANGUAGE: one catalog per language with the same keys, the API told the language, and the texts a
// person reads (the plan's warning, the confirmation form, check_task's progress, the doctor's report, the demo)
// left with no English sentence in zh-CN.

import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { renderText, runDoctor } from "../../src/doctor/index.js";
import { CATALOGS, LANGUAGES } from "../../src/i18n/index.js";
import { zhCN } from "../../src/i18n/zh-CN.js";
import { Logger } from "../../src/base/log.js";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { fakeEnv, sc, startHarness } from "../helpers/harness.js";
import { restorableBackup } from "../safety/helpers.js";
import { englishSentences } from "./english.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;

/** Every key path of a catalog (functions and strings are leaves). */
function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

/** Every leaf rendered with sample arguments (any argument a text could take). */
function rendered(value: unknown): string[] {
  const sample = new Proxy(
    {},
    {
      get: (_t, name) =>
        name === Symbol.toPrimitive
          ? () => "running"
          : typeof name === "symbol"
            ? undefined
            : name === "total"
              ? 60
              : ["days", "hours", "minutes"].includes(name)
                ? 3
                : "crs-sbx1orde",
    },
  );
  if (typeof value === "string") return [value];
  if (typeof value === "function") return [String(value(sample))];
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(rendered);
  return [];
}

describe("the catalogs", () => {
  it("have exactly the same keys in every language", () => {
    const reference = keys(CATALOGS["en-US"]).sort();
    expect(reference.length).toBeGreaterThan(30);
    for (const language of LANGUAGES) expect(keys(CATALOGS[language]).sort(), language).toEqual(reference);
  });

  it("zh-CN renders no English sentence, for any key", () => {
    const texts = rendered(zhCN);
    expect(texts.length).toBeGreaterThan(30);
    for (const text of texts) expect(englishSentences(text), text).toEqual([]);
    // The detector does find English: the en-US catalog is full of it.
    expect(rendered(CATALOGS["en-US"]).filter((t) => englishSentences(t).length > 0).length).toBeGreaterThan(15);
  });

  it("zh-CN names every credential source kind in Chinese, and en-US keeps the source's own words", () => {
    const detail = {
      path: "/root/.tencentcloud/credentials",
      roleArn: "qcs::cam::uin/100000000001:roleName/redis-ops",
      sessionName: "tencentcloud-redis-mcp",
    };
    for (const kind of ["environment", "profile", "tke-oidc", "cvm-role", "assumed-role"]) {
      const text = zhCN.doctor.source({ kind, text: "the English words", ...detail });
      expect(text, kind).not.toBe("the English words");
      expect(englishSentences(text), text).toEqual([]);
    }
    expect(zhCN.doctor.source({ kind: "profile", text: "", ...detail })).toContain(detail.path);
    expect(zhCN.doctor.source({ kind: "assumed-role", text: "", ...detail })).toContain(detail.roleArn);
    expect(CATALOGS["en-US"].doctor.source({ kind: "profile", text: "the profile file /x", ...detail })).toBe(
      "the profile file /x",
    );
  });

  it("TENCENTCLOUD_LANGUAGE takes en-US or zh-CN (any case), en-US by default, and refuses anything else", () => {
    expect(loadConfig([], {}).language).toBe("en-US");
    expect(loadConfig([], { TENCENTCLOUD_LANGUAGE: "zh-cn" }).language).toBe("zh-CN");
    expect(() => loadConfig([], { TENCENTCLOUD_LANGUAGE: "fr-FR" })).toThrow(
      /TENCENTCLOUD_LANGUAGE must be en-US or zh-CN/,
    );
  });
});

describe("TENCENTCLOUD_LANGUAGE=zh-CN end to end", () => {
  it("sends X-TC-Language on every API call (en-US by default)", async () => {
    for (const [env, expected] of [
      [{}, "en-US"],
      [{ TENCENTCLOUD_LANGUAGE: "zh-CN" }, "zh-CN"],
    ] as const) {
      const h = await startHarness({ env });
      try {
        await h.call("list_instances");
        await h.call("list_backups", { instanceId: SESSIONS });
        expect(h.fake.requests.length).toBe(2);
        for (const r of h.fake.requests) expect(r.headers["x-tc-language"]).toBe(expected);
      } finally {
        await h.close();
      }
    }
  });

  it("the plan's warning is Chinese; tool names, fields and codes stay English", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_LANGUAGE: "zh-CN", TENCENTCLOUD_REDIS_CONFIRM: "token" } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const plan = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId }));
      expect(plan.status).toBe("confirmation_required");
      expect(plan.warning).toContain("全部数据");
      expect(plan.warning).toContain(backupId);
      expect(englishSentences(plan.warning)).toEqual([]);
      expect(englishSentences(plan.backup.age)).toEqual([]);
      const tool = (await h.client.listTools()).tools.find((t) => t.name === "restore_instance");
      expect(englishSentences(tool?.description ?? "").length).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });

  it("the confirmation form is Chinese", async () => {
    const h = await startHarness({
      env: { TENCENTCLOUD_LANGUAGE: "zh-CN", TENCENTCLOUD_REDIS_CONFIRM: "elicit" },
      client: { capabilities: { elicitation: {} } },
    });
    const asked: Array<{
      message: string;
      requestedSchema: { properties: Record<string, { title: string; description: string }> };
    }> = [];
    h.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params as (typeof asked)[number]);
      return { action: "decline" };
    });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const r = await h.call("restore_instance", { instanceId: SESSIONS, backupId });
      expect(sc(r).error.code).toBe("ClientError.ConfirmationDeclined");
      expect(asked).toHaveLength(1);
      const form = asked[0];
      const confirm = form?.requestedSchema.properties.confirm;
      for (const text of [form?.message ?? "", confirm?.title ?? "", confirm?.description ?? ""]) {
        expect(text.length).toBeGreaterThan(5);
        expect(englishSentences(text), text).toEqual([]);
      }
      expect(form?.message).toContain("session-store");
      expect(form?.message).toMatch(/备份时间 \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00（1 小时 0 分钟前）/);
      expect(h.fake.count("RestoreInstance")).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("check_task's progress notifications are Chinese", async () => {
    const h = await startHarness({ env: { TENCENTCLOUD_LANGUAGE: "zh-CN" } });
    try {
      const backupId = await restorableBackup(h, SESSIONS);
      const taskId = sc(await h.call("restore_instance", { instanceId: SESSIONS, backupId })).taskId;
      const messages: string[] = [];
      await h.client.callTool({ name: "check_task", arguments: { taskId, waitSeconds: 10 } }, undefined, {
        onprogress: (p) => messages.push(p.message ?? ""),
      });
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(englishSentences(m), m).toEqual([]);
      expect(messages.at(-1)).toContain("成功");
    } finally {
      await h.close();
    }
  });
});

describe("TENCENTCLOUD_LANGUAGE=zh-CN: the doctor's report", () => {
  it("has no English sentence, whether all is well or not", async () => {
    const fake = await FakeCloud.start();
    const language = { TENCENTCLOUD_LANGUAGE: "zh-CN" };
    const doctor = async (env: Record<string, string>) => {
      const config = loadConfig([], fakeEnv(fake, { ...language, ...env }));
      const report = await runDoctor(config, new Logger("error", () => {}));
      return renderText(report, Date.now(), CATALOGS[config.language].doctor);
    };
    try {
      const good = await doctor({});
      expect(good).toContain("正常");
      expect(good).toContain("环境变量");
      fake.deny(SANDBOX_CREDENTIALS.secretId, ["RestoreInstance"]);
      fake.clockSkewMs = 120_000;
      const bad = await doctor({ TENCENTCLOUD_REDIS_AUDIT_LOG: "/nonexistent-dir-for-doctor/audit.jsonl" });
      expect(bad).toContain("异常");
      expect(bad).toContain("拒绝");
      expect(bad).toContain("NTP");
      expect(bad).toContain("不可写");
      for (const text of [good, bad]) {
        // Every line but the CAM statement's JSON (its keys and action names are the API's).
        const table = text.slice(0, text.indexOf("{") === -1 ? undefined : text.indexOf("{"));
        for (const line of table.split("\n")) expect(englishSentences(line), line).toEqual([]);
      }
      // The same report in en-US is English: the check above can fail.
      const english = renderText(await runDoctor(loadConfig([], fakeEnv(fake)), new Logger("error", () => {})));
      expect(english.split("\n").filter((l) => englishSentences(l).length > 0).length).toBeGreaterThan(5);
    } finally {
      await fake.close();
    }
  });
});
