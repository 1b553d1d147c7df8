import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, sc, startHarness } from "../helpers/harness.js";

// AuthFailure.TokenFailure / SignatureExpire: the hint names the credential source in use and what to do, and
// measures the clock skew from the API's Date header.

describe("authentication hints", () => {
  let h: Harness | undefined;
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    for (const c of cleanups.splice(0)) c();
  });

  it("a clock 400 s ahead of the API's: SignatureExpire says by how much, measured from the Date header", async () => {
    h = await startHarness({ fake: { clockSkewMs: -400_000 } });
    const r = await h.call("list_instances", {});
    expect(sc(r).error).toMatchObject({ code: "AuthFailure.SignatureExpire", category: "auth" });
    expect(sc(r).error.hint).toMatch(
      /the machine's clock is off by (399|400|401|402) seconds \(ahead of the API's clock/,
    );
  });

  it("a clock behind the API's is reported as behind", async () => {
    h = await startHarness({ fake: { clockSkewMs: 600_000 } });
    const r = await h.call("list_instances", {});
    expect(sc(r).error.hint).toMatch(/off by (599|600|601|602) seconds \(behind the API's clock/);
  });

  it("an expired session token from the environment: set fresh ones and restart (they never renew)", async () => {
    h = await startHarness({
      env: {
        TENCENTCLOUD_SECRET_ID: "AKIDTEMPORARY000000000000000000000000".slice(0, 36),
        TENCENTCLOUD_SECRET_KEY: "temporary-key",
        TENCENTCLOUD_SESSION_TOKEN: "expired-session-token",
      },
    });
    h.fake.addCredential({
      secretId: "AKIDTEMPORARY000000000000000000000000".slice(0, 36),
      secretKey: "temporary-key",
      token: "expired-session-token",
      expiresAt: Date.now() - 1000,
    });
    const r = await h.call("list_instances", {});
    expect(sc(r).error.code).toBe("AuthFailure.TokenFailure");
    expect(sc(r).error.hint).toContain("TENCENTCLOUD_SESSION_TOKEN");
    expect(sc(r).error.hint).toContain("restart the server");
    expect(JSON.stringify(r)).not.toContain("expired-session-token");
    expect(JSON.stringify(r)).not.toContain("temporary-key");
  });

  it("an expired token in the profile file: the hint names the file, and no restart is needed", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "hint-home-"));
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    cleanups.push(() => {
      process.env.HOME = savedHome;
      rmSync(home, { recursive: true, force: true });
    });
    mkdirSync(path.join(home, ".tencentcloud"));
    const file = path.join(home, ".tencentcloud", "credentials");
    writeFileSync(
      file,
      "[default]\nsecret_id = AKIDPROFILETEMP0000000000000000000000\nsecret_key = pk\ntoken = old-token\n",
    );
    h = await startHarness({ env: { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" } });
    h.fake.addCredential({
      secretId: "AKIDPROFILETEMP0000000000000000000000",
      secretKey: "pk",
      token: "old-token",
      expiresAt: Date.now() - 1000,
    });
    const r = await h.call("list_instances", {});
    expect(sc(r).error.code).toBe("AuthFailure.TokenFailure");
    expect(sc(r).error.hint).toContain(file);
    expect(sc(r).error.hint).toContain("no restart needed");
  });
});
