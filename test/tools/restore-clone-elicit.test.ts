// TENCENTCLOUD_REDIS_CONFIRM=elicit on the clone route: the form says the method and why, and what the clone costs;
// switch_address asks its own form; in both languages.

import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { sc, startHarness } from "../helpers/harness.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog;

describe("elicitation forms of the clone route", () => {
  for (const [language, method, switchWord] of [
    ["en-US", /Method: clone\. Redis 6\.2 standard is restored by cloning/, /Move the address .* to crs-/],
    ["zh-CN", /恢复方式：克隆。/, /要把地址 .* 切换到 crs-/],
  ] as const) {
    it(`${language}: restore_instance's form names the method; switch_address asks before moving the address`, async () => {
      const h = await startHarness({
        env: {
          TENCENTCLOUD_REDIS_CONFIRM: "elicit",
          TENCENTCLOUD_LANGUAGE: language,
          TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
        },
        fake: { cloneMs: 100 },
        client: { capabilities: { elicitation: {} } },
      });
      const asked: Array<{ message: string; title: string }> = [];
      h.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        const params = request.params as unknown as { message: string; requestedSchema: { properties: { confirm: { title: string } } } };
        asked.push({ message: params.message, title: params.requestedSchema.properties.confirm.title });
        return { action: "accept", content: { confirm: true } };
      });
      try {
        const backups = sc(await h.call("list_backups", { instanceId: CATALOG })).backups;
        const backupId = backups.find((b: { restorable: boolean }) => b.restorable).backupId;
        const r = await h.call("restore_instance", { instanceId: CATALOG, backupId });
        expect(r.isError, JSON.stringify(r)).toBeFalsy();
        expect(asked[0]?.message).toMatch(method);
        expect(asked[0]?.title).toMatch(/catalog-v62-restore-/);
        expect(JSON.stringify(asked)).not.toContain(SANDBOX_PASSWORDS[CATALOG]);
        const cloneId = sc(r).cloneInstanceId;
        expect(sc(await h.call("check_task", { instanceId: cloneId, waitSeconds: 60 })).status).toBe("running");
        h.fake.reset();
        const s = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
        expect(s.isError, JSON.stringify(s)).toBeFalsy();
        expect(asked[1]?.message).toMatch(switchWord);
        expect(h.fake.count("ModifyNetworkConfig")).toBe(2);
      } finally {
        await h.close();
      }
    });
  }

  it("a declined switch sends nothing", async () => {
    const h = await startHarness({
      env: { TENCENTCLOUD_REDIS_CONFIRM: "elicit", TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "" },
      fake: { cloneMs: 100 },
      client: { capabilities: { elicitation: {} } },
    });
    let accept = true;
    h.client.setRequestHandler(ElicitRequestSchema, async () => (accept ? { action: "accept", content: { confirm: true } } : { action: "decline" }));
    try {
      const backups = sc(await h.call("list_backups", { instanceId: CATALOG })).backups;
      const backupId = backups.find((b: { restorable: boolean }) => b.restorable).backupId;
      const cloneId = sc(await h.call("restore_instance", { instanceId: CATALOG, backupId })).cloneInstanceId;
      await h.call("check_task", { instanceId: cloneId, waitSeconds: 60 });
      accept = false;
      h.fake.reset();
      const s = await h.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId });
      expect(sc(s).error.code).toBe("ClientError.ConfirmationDeclined");
      expect(h.fake.count("ModifyNetworkConfig")).toBe(0);
    } finally {
      await h.close();
    }
  });
});
