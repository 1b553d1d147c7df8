// The intent is on disk whole before anything is sent: the audit log on a real tmpfs with about 100 bytes left
// in the last page of the file (write(2) takes part of the intent line and returns a short count), the BUILT
// server over stdio. The change is refused with nothing sent and the file cut back to its last whole line; a new
// server with the space freed sends the restore once, and a repeat is not sent again.

import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_INSTANCE_IDS } from "../../src/sandbox/seed.js";
import { until } from "../helpers/follow.js";
import { fakeEnv, sc } from "../helpers/harness.js";
import { startStdio } from "../helpers/stdio.js";
import { readAudit } from "../safety/helpers.js";

const SESSIONS = SANDBOX_INSTANCE_IDS.sessions;
const PAGE = 4096;
const LEFT = 100;

/** Fills the file system with one file until it has no page left (ENOSPC). */
function fill(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(PAGE, 0x79);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (caught) {
    expect((caught as { code?: string }).code).toBe("ENOSPC");
  } finally {
    closeSync(fd);
  }
}

/** One whole audit line (a record of no operation) of exactly `length` bytes, newline included. */
function padLine(length: number): string {
  const head = {
    time: new Date().toISOString(),
    event: "backup_instance",
    caller: "local",
    instanceId: "pad",
    outcome: "refused",
    message: "",
  };
  const empty = `${JSON.stringify(head)}\n`.length;
  return `${JSON.stringify({ ...head, message: "p".repeat(length - empty) })}\n`;
}

describe("a short write of the intent on an almost full tmpfs (the built server over stdio)", () => {
  let fake: FakeCloud;
  let dir: string;
  let mnt: string;
  let mounted = false;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tcrmcp-short-"));
    mnt = join(dir, "mnt");
    execFileSync("mkdir", ["-p", mnt]);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mnt]);
    mounted = true;
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 150 });
  });
  afterAll(async () => {
    await fake?.close();
    if (mounted) execFileSync("umount", [mnt]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the restore with nothing sent, cuts the torn line back, and never sends it twice across a restart", async () => {
    const audit = join(mnt, "audit.jsonl");
    const filler = join(mnt, "filler");
    const before = padLine(PAGE - LEFT);
    writeFileSync(audit, before, { mode: 0o600 });
    fill(filler);
    const backupId = fake.state.listBackups(SESSIONS).find((b) => b.Status === 2 && b.Locked !== 1)?.BackupId ?? "";
    expect(backupId).not.toBe("");
    const env = fakeEnv(fake, { TENCENTCLOUD_REDIS_AUDIT_LOG: audit, TENCENTCLOUD_REDIS_RESTORE_DEDUP_MINUTES: "30" });
    const args = { instanceId: SESSIONS, backupId };

    const first = await startStdio([], env);
    try {
      expect((await first.client.listTools()).tools.map((t) => t.name)).toContain("restore_instance");
      const refused = sc(await first.call("restore_instance", args));
      expect((refused.error as Record<string, unknown>)?.code).toBe("ClientError.AuditLogUnavailable");
      expect(String((refused.error as Record<string, unknown>)?.message)).toMatch(/Nothing was sent/);
      expect(fake.count("RestoreInstance")).toBe(0);
      // the part of the intent write(2) took is cut back: the file is its last whole line again
      expect(statSync(audit).size).toBe(before.length);
      expect(readFileSync(audit, "utf8")).toBe(before);
      // the log line reaches this process's pipe in its own time
      const logged = /audit log cannot be written: refusing to restore/;
      expect(await until(() => logged.test(first.stderr()), 5000), first.stderr()).toBe(true);
    } finally {
      await first.close();
    }

    rmSync(filler); // space freed; a new server on the same audit log
    const second = await startStdio([], env);
    try {
      expect((await second.client.listTools()).tools.map((t) => t.name)).toContain("restore_instance");
      const sent = sc(await second.call("restore_instance", args));
      expect(sent.error).toBeUndefined();
      expect(sent.status).toBe("submitted");
      expect(fake.count("RestoreInstance")).toBe(1);
      const again = sc(await second.call("restore_instance", args));
      expect(again.error).toBeUndefined();
      expect(fake.count("RestoreInstance")).toBe(1); // the repeat is answered with the first, not sent
    } finally {
      await second.close();
    }
    const lines = readAudit(audit);
    expect(lines.filter((l) => l.outcome === "intent" && l.action === "RestoreInstance")).toHaveLength(1);
    expect(lines.filter((l) => l.outcome === "submitted" && l.backupId === backupId)).toHaveLength(1);
  });
});
