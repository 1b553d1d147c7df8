// One form for every time a tool gives: ISO 8601 in Beijing time with its +08:00 offset, the API's own times
// (a backup's startTime) and the times the server makes (expiresAt, a time in an error) alike; the output
// schemas say so. Through a real MCP client and the fake.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

const BEIJING = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const { orders: ORDERS, catalog: CATALOG } = SANDBOX_INSTANCE_IDS;
const PASSWORD_ENV = {
  TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX1ORDE: SANDBOX_PASSWORDS[ORDERS] ?? "",
  TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
};

describe("times in the tools' answers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TENCENTCLOUD_REDIS_CONFIRM: "token", ...PASSWORD_ENV } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("the output schemas state the form", async () => {
    const { tools } = await h.client.listTools();
    const restore = tools.find((t) => t.name === "restore_instance")?.outputSchema?.properties as Record<string, { description?: string }>;
    expect(restore.expiresAt?.description).toMatch(/ISO 8601, Beijing time with its \+08:00 offset/);
    const sw = tools.find((t) => t.name === "switch_address")?.outputSchema?.properties as Record<string, { description?: string }>;
    expect(sw.expiresAt?.description).toMatch(/\+08:00 offset/);
  });

  it("a plan's expiresAt has the offset of its backup's startTime, and is the token's real expiry", async () => {
    const listed = sc(await h.call("list_backups", { instanceId: ORDERS }));
    const backupId = listed.backups.find((b: { restorable: boolean }) => b.restorable).backupId;
    const before = Date.now();
    const plan = sc(await h.call("restore_instance", { instanceId: ORDERS, backupId }));
    expect(plan.status).toBe("confirmation_required");
    expect(plan.backup.startTime).toMatch(BEIJING);
    expect(plan.expiresAt).toMatch(BEIJING);
    // to the second: the token works until then and a little longer, never less
    const ttl = Date.parse(plan.expiresAt) - before;
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
  });

  it("a point-in-time refusal names its times in the same form", async () => {
    const early = await h.call("restore_instance", { instanceId: CATALOG, pointInTime: new Date(Date.now() - 3600_000).toISOString() });
    expect(sc(early).error.code).toBe("ClientError.PointInTimeRefused");
    const named = /earliest second that can be restored is (\S+?)(?=[\s.;)]|$)/.exec(sc(early).error.message)?.[1];
    expect(named).toMatch(BEIJING);
  });
});
