// The clone route and switch_address under approval (issues 16 and 17): both changes wait for a second person,
// each approval is bound to its own change (the route, the pair) and used once, and nothing is sent before it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS, SANDBOX_PASSWORDS } from "../../src/sandbox/seed.js";
import { sc } from "../helpers/harness.js";
import { type HttpClient, type HttpHarness, startHttpHarness } from "../helpers/http.js";
import { restorableBackup } from "../safety/helpers.js";
import { approvalsApi, approvalTokens, baseOf } from "../helpers/approval.js";

const CATALOG = SANDBOX_INSTANCE_IDS.catalog; // Redis 6.2: restored by clone

describe("the clone route and switch_address under TENCENTCLOUD_REDIS_CONFIRM=approval", () => {
  let fake: FakeCloud;
  let h: HttpHarness;
  let base: string;
  let alice: HttpClient;
  const tokens = approvalTokens();
  const tokenOf = (name: string) => tokens[name]?.token as string;
  const approve = (id: string, by = "carol") =>
    approvalsApi(base, "POST", `/approvals/${id}`, tokenOf(by), { decision: "approve", reason: "ok" });

  beforeAll(async () => {
    fake = await FakeCloud.start({ preparingMs: 20, runningMs: 60, cloneMs: 100 });
    h = await startHttpHarness({
      sharedFake: fake,
      tokens,
      env: {
        TENCENTCLOUD_REDIS_CONFIRM: "approval",
        TENCENTCLOUD_REDIS_PASSWORD_CRS_SBX5CAT6: SANDBOX_PASSWORDS[CATALOG] ?? "",
      },
    });
    base = baseOf(h.url);
    alice = await h.connect(tokenOf("alice"));
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("a clone needs an approval bound to the clone route; approved, exactly one CloneInstances; the switch needs its own", async () => {
    const backups = sc(await alice.call("list_backups", { instanceId: CATALOG })).backups as Array<{
      restorable: boolean;
      backupId: string;
    }>;
    const backupId = backups.find((b) => b.restorable)?.backupId as string;

    const asked = sc(await alice.call("restore_instance", { instanceId: CATALOG, backupId }));
    expect(asked.status, JSON.stringify(asked)).toBe("approval_required");
    expect(asked.method).toBe("clone");
    expect(asked.clone?.price).toBeDefined();
    expect(JSON.stringify(asked)).not.toContain(SANDBOX_PASSWORDS[CATALOG]);
    expect(fake.count("CloneInstances")).toBe(0);
    const shown = await approvalsApi(base, "GET", `/approvals/${asked.approvalId}`, tokenOf("carol"));
    expect(shown.body).toMatchObject({ status: "pending", tool: "restore_instance", method: "clone" });

    expect((await approve(asked.approvalId)).status).toBe(200);
    const cloning = sc(await alice.call("restore_instance", { instanceId: CATALOG, backupId, approvalId: asked.approvalId }));
    expect(cloning.status, JSON.stringify(cloning)).toBe("cloning");
    expect(fake.count("CloneInstances")).toBe(1);
    const cloneId = cloning.cloneInstanceId as string;
    const again = sc(await alice.call("restore_instance", { instanceId: CATALOG, backupId, approvalId: asked.approvalId }));
    // used once: repeated, it is answered with the clone it started, nothing sent
    expect(again).toMatchObject({ status: "cloning", recovered: true, cloneInstanceId: cloneId });
    expect(again.note).toContain(`Approval ${asked.approvalId} was already used`);
    expect(fake.count("CloneInstances")).toBe(1);

    const running = sc(await alice.call("check_task", { instanceId: cloneId, waitSeconds: 60 }));
    expect(running.status, JSON.stringify(running)).toBe("running");

    const sw = sc(await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId }));
    expect(sw.status, JSON.stringify(sw)).toBe("approval_required");
    expect(fake.count("ModifyNetworkConfig")).toBe(0);
    // the requester is never its own approver, whatever it holds; boss (with redis:approve) asks the same way
    const self = await approvalsApi(base, "POST", `/approvals/${sw.approvalId}`, tokenOf("alice"), { decision: "approve" });
    expect(self.status).toBe(403);
    expect((await approve(sw.approvalId)).status).toBe(200);

    // bound to the pair: the reverse switch (the undo) cannot use it
    const reverse = sc(
      await alice.call("switch_address", { instanceId: cloneId, toInstanceId: CATALOG, approvalId: sw.approvalId }),
    );
    expect(reverse.error?.code).toBe("ClientError.ApprovalInvalid");
    expect(fake.count("ModifyNetworkConfig")).toBe(0);

    const done = sc(
      await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId, approvalId: sw.approvalId }),
    );
    expect(done.status, JSON.stringify(done)).toBe("switched");
    expect(fake.count("ModifyNetworkConfig")).toBe(2);
    // used once: repeated by its requester (an answer lost on the way), it is answered with the switch it made
    const twice = sc(
      await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId, approvalId: sw.approvalId }),
    );
    expect(twice, JSON.stringify(twice)).toMatchObject({
      status: "switched",
      recovered: true,
      instanceId: CATALOG,
      toInstanceId: cloneId,
      original: CATALOG,
      clone: cloneId,
      direction: "restore",
      address: done.address,
    });
    expect(twice.note).toContain(`Approval ${sw.approvalId} was already used`);
    expect(twice.note).toContain("NOT sent again");
    expect(twice.operationId).toMatch(/\S/);
    expect(twice.addresses).toEqual(done.addresses);
    expect(fake.count("ModifyNetworkConfig")).toBe(2);
  }, 90_000);

  it("an interrupted switch asks a new approval that says it resumes, and does not repeat step 1", async () => {
    const backupId = await restorableBackup(alice, CATALOG);
    const asked = sc(await alice.call("restore_instance", { instanceId: CATALOG, backupId }));
    expect((await approve(asked.approvalId)).status).toBe(200);
    const cloning = sc(
      await alice.call("restore_instance", { instanceId: CATALOG, backupId, approvalId: asked.approvalId }),
    );
    const cloneId = cloning.cloneInstanceId as string;
    expect(sc(await alice.call("check_task", { instanceId: cloneId, waitSeconds: 60 })).status).toBe("running");

    const sw = sc(await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId }));
    expect(sw.resumed).toBeUndefined();
    expect((await approve(sw.approvalId)).status).toBe(200);
    fake.reset();
    fake.inject("DescribeTaskInfo", { kind: "status", status: 503 }, 20);
    const cut = sc(
      await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId, approvalId: sw.approvalId }),
    );
    expect(cut.error?.code, JSON.stringify(cut)).toBe("ClientError.SwitchInterrupted");
    expect(fake.count("ModifyNetworkConfig")).toBe(1);
    // its approval repeated: the switch it started did not give the clone the address, so nothing is reported made
    const repeated = sc(
      await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId, approvalId: sw.approvalId }),
    );
    expect(repeated.error?.code, JSON.stringify(repeated)).toBe("ClientError.ApprovalInvalid");
    expect(fake.count("ModifyNetworkConfig")).toBe(1);
    fake.reset();

    const resume = sc(await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId }));
    expect(resume, JSON.stringify(resume)).toMatchObject({ status: "approval_required", resumed: true, resumeStep: "off" });
    const shown = await approvalsApi(base, "GET", `/approvals/${resume.approvalId}`, tokenOf("carol"));
    expect(shown.body.plan).toMatchObject({ resumed: true, resumeStep: "off" });
    expect((await approve(resume.approvalId)).status).toBe(200);
    const done = sc(
      await alice.call("switch_address", { instanceId: CATALOG, toInstanceId: cloneId, approvalId: resume.approvalId }),
    );
    expect(done.status, JSON.stringify(done)).toBe("switched");
    expect(fake.count("ModifyNetworkConfig")).toBe(1); // step 2 only
  }, 90_000);
});
