// The restore dedup window (docs/crash-safety.md) under approval (docs/approval.md): an approval whose plan named the earlier restore
// of the same backup restores again, as a token plan naming it does; one asked before that restore was sent is
// answered as its repeat, and nothing is sent twice.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type HttpClient, type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { restorableBackup, waitIdle } from "./helpers.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions; // no instance password: restored in place

describe("the dedup window under TENCENTCLOUD_REDIS_CONFIRM=approval", () => {
  let fake: FakeCloud;
  let h: HttpHarness;
  let base: string;
  let alice: HttpClient;
  const tokens = approvalTokens();
  const approve = async (id: string) => {
    const decided = await approvalsApi(base, "POST", `/approvals/${id}`, tokens.carol?.token, { decision: "approve" });
    expect(decided.status).toBe(200);
  };

  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 20, runningMs: 40 });
    h = await startHttpHarness({
      sharedFake: fake,
      tokens,
      env: { TENCENTCLOUD_REDIS_CONFIRM: "approval", TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30" },
    });
    base = baseOf(h.url);
    alice = await h.connect(tokens.alice?.token);
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("an approval asked before the restore was sent is its repeat; one whose plan named it restores again", async () => {
    const backupId = await restorableBackup(alice, SESSIONS);
    const args = { instanceId: SESSIONS, backupId };
    const first = sc(await alice.call("restore_instance", args));
    const early = sc(await alice.call("restore_instance", args)); // asked too, before anything was sent
    expect([first.status, early.status]).toEqual(["approval_required", "approval_required"]);
    await approve(first.approvalId);
    await approve(early.approvalId);

    const sent = sc(await alice.call("restore_instance", { ...args, approvalId: first.approvalId }));
    expect(sent.status, JSON.stringify(sent)).toBe("submitted");
    expect(sent.recovered).toBeUndefined();
    expect(fake.count("RestoreInstance")).toBe(1);
    await waitIdle({ fake }, SESSIONS);

    // its plan did not name the restore just sent: answered as that restore's repeat, nothing sent
    const repeat = sc(await alice.call("restore_instance", { ...args, approvalId: early.approvalId }));
    expect(repeat).toMatchObject({
      status: "submitted",
      recovered: true,
      taskId: sent.taskId,
      operationId: sent.operationId,
    });
    expect(fake.count("RestoreInstance")).toBe(1);

    // a new request names it in the plan the approver sees; approved, the restore is sent again, once
    const again = sc(await alice.call("restore_instance", args));
    expect(again.status).toBe("approval_required");
    expect(again.warning).toContain(String(sent.taskId));
    const shown = await approvalsApi(base, "GET", `/approvals/${again.approvalId}`, tokens.carol?.token);
    expect(shown.body.plan.warning).toBe(again.warning);
    await approve(again.approvalId);
    const resent = sc(await alice.call("restore_instance", { ...args, approvalId: again.approvalId }));
    expect(resent.status, JSON.stringify(resent)).toBe("submitted");
    expect(resent.recovered).toBeUndefined();
    expect(resent.taskId).not.toBe(sent.taskId);
    expect(fake.count("RestoreInstance")).toBe(2);
  }, 60_000);
});
