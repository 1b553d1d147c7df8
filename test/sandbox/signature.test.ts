import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../src/sandbox/fake.js";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/seed.js";
import {
  canonicalRequest,
  credentialScope,
  hostWithoutPort,
  sha256Hex,
  signTc3,
  signedRequestHeaders,
  stringToSign,
  verifyTc3,
} from "../../src/sandbox/signature.js";
import { errorCode, rawRequest, sdkClient, signedPost } from "./helpers.js";

// The published test vector (international doc, CVM DescribeInstances). The \u escapes are literal bytes.
const VECTOR = {
  secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
  secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
  timestamp: 1551113065,
  date: "2019-02-25",
  service: "cvm",
  host: "cvm.tencentcloudapi.com",
  contentType: "application/json; charset=utf-8",
  body: String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`,
};

function vectorCanonical(signedHeaders: string[]): string {
  return canonicalRequest({
    method: "POST",
    path: "/",
    query: "",
    headers: { "content-type": VECTOR.contentType, host: VECTOR.host, "x-tc-action": "DescribeInstances" },
    signedHeaders,
    payload: VECTOR.body,
  });
}

describe("TC3 building blocks (published test vector)", () => {
  it("hashes the body", () => {
    expect(sha256Hex(VECTOR.body)).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    expect(sha256Hex(Buffer.from(VECTOR.body))).toBe(sha256Hex(VECTOR.body));
  });

  it("builds the canonical request and signature with content-type;host", () => {
    const canonical = vectorCanonical(["content-type", "host"]);
    expect(canonical).toBe(
      `POST\n/\n\ncontent-type:${VECTOR.contentType}\nhost:${VECTOR.host}\n\ncontent-type;host\n${sha256Hex(VECTOR.body)}`,
    );
    const hash = sha256Hex(canonical);
    expect(hash).toBe("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    const sts = stringToSign(VECTOR.timestamp, credentialScope(VECTOR.date, VECTOR.service), hash);
    expect(sts).toBe(`TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n${hash}`);
    const signature = signTc3({ secretKey: VECTOR.secretKey, date: VECTOR.date, service: "cvm", stringToSign: sts });
    expect(signature).toBe("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  });

  it("lower-cases the x-tc-action value when it is signed", () => {
    const canonical = vectorCanonical(["content-type", "host", "x-tc-action"]);
    expect(canonical).toContain("x-tc-action:describeinstances\n");
    expect(sha256Hex(canonical)).toBe("7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  });

  it("verifies the vector's Authorization, with the port stripped from Host", () => {
    const auth =
      "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, " +
      "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
    const request = {
      method: "POST",
      url: "/",
      headers: {
        authorization: auth,
        "content-type": VECTOR.contentType,
        host: `${VECTOR.host}:8443`,
        "x-tc-timestamp": String(VECTOR.timestamp),
      },
      body: Buffer.from(VECTOR.body),
    };
    const lookupSecret = (id: string) => (id === VECTOR.secretId ? { secretKey: VECTOR.secretKey } : undefined);
    const options = { lookupSecret, nowSeconds: VECTOR.timestamp + 10, service: "cvm" };
    expect(verifyTc3(request, options)).toEqual({ ok: true, secretId: VECTOR.secretId });
    // One changed body byte breaks it.
    expect(verifyTc3({ ...request, body: Buffer.from(VECTOR.body.replace("1", "2")) }, options)).toMatchObject({
      ok: false,
      code: "AuthFailure.SignatureFailure",
    });
  });

  it("strips ports from host names and IPv6 literals only", () => {
    expect(hostWithoutPort("redis.tencentcloudapi.com:8080")).toBe("redis.tencentcloudapi.com");
    expect(hostWithoutPort("redis.tencentcloudapi.com")).toBe("redis.tencentcloudapi.com");
    expect(hostWithoutPort("[::1]:8080")).toBe("[::1]");
  });
});

describe("verification by the fake", () => {
  let fake: FakeCloud;
  const tempCredential = { secretId: "AKIDTEMPORARY000000000000000000000000", secretKey: "temp-key", token: "tok-1" };

  beforeAll(async () => {
    fake = await FakeCloud.start({ credentials: [SANDBOX_CREDENTIALS, tempCredential] });
  });
  afterAll(() => fake.close());

  it("accepts a request signed by the real tencentcloud-sdk-nodejs", async () => {
    fake.reset();
    const result = await sdkClient(fake).DescribeInstances({ Limit: 1 });
    expect(result.TotalCount).toBe(5);
    const [recorded] = fake.requests;
    expect(recorded?.signatureVerified).toBe(true);
    // The SDK signs the host without the port but sends it with the port.
    expect(recorded?.headers.host).toBe(fake.endpoint);
    expect(recorded?.headers.authorization).toMatch(/SignedHeaders=content-type;host,/);
    expect(recorded?.headers.authorization).toContain(`${SANDBOX_CREDENTIALS.secretId}/`);
    expect(recorded?.headers.authorization).toContain("/redis/tc3_request");
  });

  it("accepts x-tc-action among the signed headers", async () => {
    const res = await signedPost(
      fake,
      "DescribeInstances",
      {},
      { signedHeaders: ["content-type", "host", "x-tc-action"] },
    );
    expect(res.json().Response.Error).toBeUndefined();
    expect(res.json().Response.TotalCount).toBe(5);
  });

  it("InvalidAuthorization: missing, malformed or another algorithm", async () => {
    const body = "{}";
    const base = {
      "content-type": "application/json",
      "x-tc-action": "DescribeInstances",
      "x-tc-version": "2018-04-12",
    };
    const missing = await rawRequest(fake, { headers: base, body });
    expect(missing.json().Response.Error?.Code).toBe("AuthFailure.InvalidAuthorization");
    const malformed = await rawRequest(fake, { headers: { ...base, authorization: "Bearer abc" }, body });
    expect(malformed.json().Response.Error?.Code).toBe("AuthFailure.InvalidAuthorization");
    const signed = signedRequestHeaders({
      ...SANDBOX_CREDENTIALS,
      action: "DescribeInstances",
      region: "ap-guangzhou",
      timestamp: Math.floor(Date.now() / 1000),
      host: fake.endpoint,
      body,
    });
    const otherAlgorithm = {
      ...signed,
      authorization: (signed.authorization ?? "").replace("TC3-HMAC-SHA256", "HmacSHA1"),
    };
    const res = await rawRequest(fake, { headers: otherAlgorithm, body });
    expect(res.json().Response.Error?.Code).toBe("AuthFailure.InvalidAuthorization");
    expect(res.status).toBe(200);
  });

  it("SecretIdNotFound: unknown SecretId", async () => {
    const client = sdkClient(fake, { secretId: "AKIDUNKNOWN00000000000000000000000000" });
    expect(await errorCode(client.DescribeInstances({}))).toBe("AuthFailure.SecretIdNotFound");
  });

  it("SignatureFailure: wrong key, service other than redis, scope date not the timestamp's", async () => {
    expect(await errorCode(sdkClient(fake, { secretKey: "wrong" }).DescribeInstances({}))).toBe(
      "AuthFailure.SignatureFailure",
    );
    // The SDK signs the first label of the endpoint as the service: "localhost" here.
    const viaLocalhost = sdkClient(fake, { endpoint: `localhost:${fake.port}` });
    expect(await errorCode(viaLocalhost.DescribeInstances({}))).toBe("AuthFailure.SignatureFailure");
    const cvm = await signedPost(fake, "DescribeInstances", {}, { service: "cvm" });
    expect(cvm.json().Response.Error?.Code).toBe("AuthFailure.SignatureFailure");
    const wrongDate = await signedPost(fake, "DescribeInstances", {}, { scopeDate: "2019-02-25" });
    expect(wrongDate.json().Response.Error?.Code).toBe("AuthFailure.SignatureFailure");
    expect(fake.requests.at(-1)?.signatureVerified).toBe(false);
  });

  it("SignatureExpire: timestamp more than 300 s away", async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await signedPost(fake, "DescribeInstances", {}, { timestamp: now - 301 });
    expect(old.json().Response.Error?.Code).toBe("AuthFailure.SignatureExpire");
    const future = await signedPost(fake, "DescribeInstances", {}, { timestamp: now + 400 });
    expect(future.json().Response.Error?.Code).toBe("AuthFailure.SignatureExpire");
    const close = await signedPost(fake, "DescribeInstances", {}, { timestamp: now - 200 });
    expect(close.json().Response.Error).toBeUndefined();
  });

  it("SignatureExpire with the real SDK against a fake whose clock is 10 minutes ahead", async () => {
    const ahead = await FakeCloud.start({ now: () => Date.now() + 600_000 });
    try {
      expect(await errorCode(sdkClient(ahead).DescribeInstances({}))).toBe("AuthFailure.SignatureExpire");
    } finally {
      await ahead.close();
    }
  });

  it("TokenFailure: a temporary credential without its token or with another one", async () => {
    const { secretId, secretKey, token } = tempCredential;
    expect(await errorCode(sdkClient(fake, { secretId, secretKey }).DescribeInstances({}))).toBe(
      "AuthFailure.TokenFailure",
    );
    expect(await errorCode(sdkClient(fake, { secretId, secretKey, token: "other" }).DescribeInstances({}))).toBe(
      "AuthFailure.TokenFailure",
    );
    const ok = await sdkClient(fake, { secretId, secretKey, token }).DescribeInstances({});
    expect(ok.TotalCount).toBe(5);
    expect(fake.requests.at(-1)?.headers["x-tc-token"]).toBe(token);
  });
});
