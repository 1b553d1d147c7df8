import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redis } from "tencentcloud-sdk-nodejs/tencentcloud/services/redis/index.js";
import { CredentialSource } from "../../src/cloud/credentials.js";
import { loadConfig } from "../../src/config/index.js";
import { Logger } from "../../src/base/log.js";
import { FakeCloud, type RecordedRequest } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "../../src/sandbox/seed.js";
import { Secret } from "../../src/config/secret.js";
import { FakeMetadata, FakeSts, type Issued } from "../helpers/credential-fakes.js";
import { signedPost } from "../sandbox/helpers.js";
import { fakeEnv, type Harness, sc, startHarness } from "../helpers/harness.js";

// Credentials that expire within seconds, from each source, against local fakes: the call after an expiry signs
// with fresh credentials (the fake verifies the signature and the token) and succeeds.

const NO_KEYS = { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What the fake answers a request signed with these (temporary) credentials now. */
async function codeFor(fake: FakeCloud, i: Issued | undefined): Promise<string | undefined> {
  if (!i) throw new Error("nothing issued");
  const r = await signedPost(
    fake,
    "DescribeInstances",
    {},
    { secretId: i.secretId, secretKey: i.secretKey, token: i.token },
  );
  return r.json().Response.Error?.Code;
}
const signer = (r: RecordedRequest | undefined) => /Credential=([^/]+)\//.exec(r?.headers.authorization ?? "")?.[1];

describe("credentials that expire and renew, from every source", () => {
  let fake: FakeCloud;
  let home: string;
  let h: Harness | undefined;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (vars: Record<string, string>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      process.env[k] = v;
    }
  };

  beforeEach(async () => {
    fake = await FakeCloud.start({ preparingMs: 50, runningMs: 100 });
    home = mkdtempSync(path.join(tmpdir(), "creds-home-"));
    // the SDK's profile provider reads $HOME/.tencentcloud/credentials; the metadata service is reached through
    // http_proxy: both point at this test's own (empty) places until a test sets them up
    setEnv({ HOME: home, http_proxy: "http://127.0.0.1:9" });
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await fake.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      delete saved[k];
    }
    rmSync(home, { recursive: true, force: true });
  });

  /** list_instances through the server, and the SecretId its request was signed with. */
  async function listOnce(): Promise<{ ok: boolean; signedBy?: string; error?: Record<string, unknown> }> {
    if (!h) throw new Error("no harness");
    const before = fake.count();
    const r = await h.call("list_instances", {});
    const mine = fake.requests.slice(before).filter((q) => q.action === "DescribeInstances");
    return { ok: !r.isError, signedBy: signer(mine.at(-1)), error: sc(r).error };
  }

  /** Everything the server wrote or answered, for the secret check. */
  function allBytes(results: unknown[]): string {
    return `${h?.logLines.join("") ?? ""}${JSON.stringify(results)}`;
  }

  it("the CVM role (metadata service through http_proxy): cached, then renewed at the SDK's margin", async () => {
    // the SDK renews a role credential 30 s before its ExpiredTime: a 32 s lifetime is 1 to 2 s of use
    const metadata = await new FakeMetadata(fake, "redis-ops", 32).listen();
    try {
      setEnv({ http_proxy: metadata.url });
      h = await startHarness({ sharedFake: fake, env: NO_KEYS });
      const first = await listOnce();
      const again = await listOnce();
      expect(metadata.issued).toHaveLength(1);
      expect(first).toMatchObject({ ok: true, signedBy: metadata.issued[0]?.secretId });
      expect(again).toMatchObject({ ok: true, signedBy: metadata.issued[0]?.secretId });
      await sleep(2100);
      const renewed = await listOnce();
      expect(metadata.issued).toHaveLength(2);
      expect(renewed).toMatchObject({ ok: true, signedBy: metadata.issued[1]?.secretId });
      expect(fake.requests.every((q) => q.signatureVerified)).toBe(true);
      expect(metadata.refused).toEqual([]);
      const bytes = allBytes([first, again, renewed]);
      for (const i of metadata.issued) {
        expect(bytes).not.toContain(i.secretKey);
        expect(bytes).not.toContain(i.token);
      }
    } finally {
      await metadata.close();
    }
  });

  it("the metadata service gone later: the call fails clearly, and the chain is walked again on the next one", async () => {
    const metadata = await new FakeMetadata(fake, "redis-ops", 32).listen();
    try {
      setEnv({ http_proxy: metadata.url });
      h = await startHarness({ sharedFake: fake, env: NO_KEYS });
      expect((await listOnce()).ok).toBe(true);
      await sleep(2100);
      setEnv({ http_proxy: "http://127.0.0.1:9" }); // the renewal cannot reach it
      const failed = await listOnce();
      expect(failed.ok).toBe(false);
      expect(failed.error?.code).toBe("ClientError.CredentialsMissing");
      // a profile file appears: the next call walks the chain and finds it
      mkdirSync(path.join(home, ".tencentcloud"));
      writeFileSync(
        path.join(home, ".tencentcloud", "credentials"),
        `[default]\nsecret_id = ${SANDBOX_CREDENTIALS.secretId}\nsecret_key = ${SANDBOX_CREDENTIALS.secretKey}\n`,
      );
      expect(await listOnce()).toMatchObject({ ok: true, signedBy: SANDBOX_CREDENTIALS.secretId });
    } finally {
      await metadata.close();
    }
  });

  it("STS AssumeRole (TENCENTCLOUD_ROLE_ARN): signed for sts, renewed before expiry, refused after it", async () => {
    const sts = await new FakeSts(fake, [SANDBOX_CREDENTIALS]).listen();
    try {
      h = await startHarness({
        sharedFake: fake,
        env: {
          TENCENTCLOUD_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/redis-restore",
          TENCENTCLOUD_ROLE_SESSION_NAME: "mcp-test",
          TENCENTCLOUD_ROLE_DURATION_SECONDS: "2",
          TENCENTCLOUD_STS_ENDPOINT: sts.url,
        },
      });
      const first = await listOnce();
      expect(first).toMatchObject({ ok: true, signedBy: sts.issued[0]?.secretId });
      expect(sts.requests[0]).toMatchObject({
        action: "AssumeRole",
        host: "sts.tencentcloudapi.com",
        signedFor: SANDBOX_CREDENTIALS.secretId,
        params: {
          RoleArn: "qcs::cam::uin/100000000001:roleName/redis-restore",
          RoleSessionName: "mcp-test",
          DurationSeconds: 2,
        },
      });
      expect(sts.issued).toHaveLength(1);
      await sleep(2200);
      const renewed = await listOnce();
      expect(sts.issued).toHaveLength(2);
      expect(renewed).toMatchObject({ ok: true, signedBy: sts.issued[1]?.secretId });
      // the first credentials are expired now: the fake refuses them, it accepts the new ones
      expect(await codeFor(fake, sts.issued[0])).toBe("AuthFailure.TokenFailure");
      expect(await codeFor(fake, sts.issued[1])).toBeUndefined();

      // a failed AssumeRole keeps STS's code and message, and is tried again on the next call
      await sleep(2200);
      sts.failNext("InvalidParameter.RoleNotExist", "The role does not exist.");
      const failed = await listOnce();
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatchObject({ code: "ClientError.AssumeRoleFailed", category: "auth" });
      expect(String(failed.error?.message)).toContain("InvalidParameter.RoleNotExist: The role does not exist.");
      const retried = await listOnce();
      expect(retried).toMatchObject({ ok: true, signedBy: sts.issued[2]?.secretId });
      const bytes = allBytes([first, renewed, failed, retried]);
      expect(bytes).not.toContain(SANDBOX_CREDENTIALS.secretKey);
      for (const i of sts.issued) {
        expect(bytes).not.toContain(i.secretKey);
        expect(bytes).not.toContain(i.token);
      }
    } finally {
      await sts.close();
    }
  });

  it("TKE OIDC (token file + STS AssumeRoleWithWebIdentity): renewed after expiry", async () => {
    const tokenFile = path.join(home, "web-identity-token");
    writeFileSync(tokenFile, "oidc-web-identity-token-value");
    const sts = await new FakeSts(fake, [], "oidc-web-identity-token-value").listen();
    try {
      const tke = {
        TKE_REGION: "ap-guangzhou",
        TKE_PROVIDER_ID: "oidc-provider",
        TKE_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        TKE_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/tke-redis",
      };
      setEnv(tke);
      h = await startHarness({ sharedFake: fake, env: { ...NO_KEYS, ...tke, TENCENTCLOUD_STS_ENDPOINT: sts.url } });
      const first = await listOnce();
      expect(first).toMatchObject({ ok: true, signedBy: sts.issued[0]?.secretId });
      expect(sts.requests[0]).toMatchObject({
        action: "AssumeRoleWithWebIdentity",
        host: "sts.tencentcloudapi.com",
        params: { RoleArn: tke.TKE_ROLE_ARN, ProviderId: "oidc-provider" },
      });
      await sleep(2300);
      expect(await codeFor(fake, sts.issued[0])).toBe("AuthFailure.TokenFailure");
      const renewed = await listOnce();
      expect(sts.issued).toHaveLength(2);
      expect(renewed).toMatchObject({ ok: true, signedBy: sts.issued[1]?.secretId });
      // renewed ahead of expiry (a quarter of the lifetime), not only at the SDK's own 0.6 s before it
      sts.webIdentitySeconds = 8;
      await sleep((sts.issued[1]?.expiredTime ?? 0) * 1000 - Date.now() + 100);
      expect((await listOnce()).signedBy).toBe(sts.issued[2]?.secretId);
      const third = sts.issued[2];
      if (!third) throw new Error("no third credential");
      await sleep(third.expiredTime * 1000 - Date.now() - 1500);
      const ahead = await listOnce();
      expect(ahead).toMatchObject({ ok: true, signedBy: sts.issued[3]?.secretId });
      const bytes = allBytes([first, renewed]);
      expect(bytes).not.toContain("oidc-web-identity-token-value");
      for (const i of sts.issued) expect(bytes).not.toContain(i.secretKey);
    } finally {
      await sts.close();
    }
  });

  it("a role assumed with the profile file's keys: calls sign with the role while it is valid, without reading the base again", async () => {
    const sts = await new FakeSts(fake, [SANDBOX_CREDENTIALS]).listen();
    try {
      mkdirSync(path.join(home, ".tencentcloud"));
      const file = path.join(home, ".tencentcloud", "credentials");
      writeFileSync(
        file,
        `[default]\nsecret_id = ${SANDBOX_CREDENTIALS.secretId}\nsecret_key = ${SANDBOX_CREDENTIALS.secretKey}\n`,
      );
      h = await startHarness({
        sharedFake: fake,
        env: {
          ...NO_KEYS,
          TENCENTCLOUD_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/redis-restore",
          TENCENTCLOUD_STS_ENDPOINT: sts.url,
        },
      });
      const first = await listOnce();
      expect(first).toMatchObject({ ok: true, signedBy: sts.issued[0]?.secretId });
      // the base is needed only to assume the role again: without the file, the valid role still serves
      rmSync(file);
      const second = await listOnce();
      expect(second).toMatchObject({ ok: true, signedBy: sts.issued[0]?.secretId });
      expect(sts.issued).toHaveLength(1);
    } finally {
      await sts.close();
    }
  });

  it("the profile file, rotated: the next call signs with the new key pair, without a restart", async () => {
    const rotated = { secretId: "AKIDROTATED00000000000000000000000000".slice(0, 36), secretKey: "rotated-key-value" };
    fake.addCredential(rotated);
    mkdirSync(path.join(home, ".tencentcloud"));
    const file = path.join(home, ".tencentcloud", "credentials");
    writeFileSync(
      file,
      `[default]\nsecret_id = ${SANDBOX_CREDENTIALS.secretId}\nsecret_key = ${SANDBOX_CREDENTIALS.secretKey}\n`,
    );
    h = await startHarness({ sharedFake: fake, env: NO_KEYS });
    const first = await listOnce();
    expect(first).toMatchObject({ ok: true, signedBy: SANDBOX_CREDENTIALS.secretId });
    writeFileSync(file, `[default]\nsecret_id = ${rotated.secretId}\nsecret_key = ${rotated.secretKey}\n`);
    fake.credentials.delete(SANDBOX_CREDENTIALS.secretId); // the old key is disabled
    const second = await listOnce();
    expect(second).toMatchObject({ ok: true, signedBy: rotated.secretId });
    const bytes = allBytes([first, second]);
    expect(bytes).not.toContain(rotated.secretKey);
    expect(bytes).not.toContain(SANDBOX_CREDENTIALS.secretKey);
    expect(readdirSync(home).sort()).toEqual([".tencentcloud"]); // nothing written beside the profile
    expect(readFileSync(file, "utf8")).toContain(rotated.secretId);
  });
});

describe("signing: each request with the credentials resolved for it", () => {
  it("concurrent requests signed with two key pairs: each carries its own, with no context shared between them", async () => {
    const fake = await FakeCloud.start();
    const other = { secretId: "AKIDOTHERKEYPAIR00000000000000000000", secretKey: "another-sandbox-secret-key" };
    fake.addCredential(other);
    const config = loadConfig([], fakeEnv(fake));
    const source = new CredentialSource(config, new Logger("error", () => {}));
    const client = new redis.v20180412.Client({
      credential: source.forSdk(),
      region: SANDBOX_REGION,
      profile: { language: "en-US", httpProfile: fake.httpProfile() },
    });
    const pairs = [
      { secretId: SANDBOX_CREDENTIALS.secretId, secretKey: new Secret(SANDBOX_CREDENTIALS.secretKey) },
      { secretId: other.secretId, secretKey: new Secret(other.secretKey) },
    ];
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          source.signWith(pairs[i % 2] as (typeof pairs)[number], () =>
            client.request("DescribeInstances", { Limit: 1, Offset: i }),
          ),
        ),
      );
      expect(answers).toHaveLength(10);
      const seen = fake.requests.map((r) => [(r.params as { Offset: number }).Offset, signer(r), r.signatureVerified]);
      expect(seen.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
        Array.from({ length: 10 }, (_, i) => [i, pairs[i % 2]?.secretId, true]),
      );
      // asked outside a request being signed, the SDK gets nothing (never another request's credentials)
      await expect(source.forSdk().getCredential()).rejects.toThrow(/outside signWith/);
    } finally {
      await fake.close();
    }
  });
});
