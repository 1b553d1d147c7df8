import { describe, expect, it } from "vitest";
import { CloudError, fromSdkError, isOutcomeUnknown } from "../../src/cloud/errors.js";

const ctx = { timedOut: false, cancelled: false, timeoutMs: 30_000 };

describe("fromSdkError", () => {
  it("keeps a Tencent error's code, message and RequestId", () => {
    const sdk = Object.assign(new Error("Backup is locked"), { code: "ResourceUnavailable.BackupLockedError", requestId: "r-9" });
    const e = fromSdkError(sdk, ctx);
    expect([e.code, e.message, e.requestId]).toEqual(["ResourceUnavailable.BackupLockedError", "Backup is locked", "r-9"]);
  });

  it("turns a non-200 reply into ClientError.HttpStatus with the status", () => {
    const e = fromSdkError(Object.assign(new Error("Bad Gateway"), { httpCode: 502 }), ctx);
    expect(e.code).toBe("ClientError.HttpStatus");
    expect(e.httpStatus).toBe(502);
    expect(e.message).toContain("502");
  });

  it("tells our timeout, a cancel and the SDK's own timeout apart", () => {
    const aborted = new Error("The user aborted a request.");
    expect(fromSdkError(aborted, { ...ctx, timedOut: true }).code).toBe("ClientError.Timeout");
    expect(fromSdkError(aborted, { ...ctx, cancelled: true }).code).toBe("ClientError.Cancelled");
    expect(fromSdkError(new Error("network timeout at: https://redis.tencentcloudapi.com/"), ctx).code).toBe(
      "ClientError.Timeout",
    );
  });

  it("marks connection refusals as not sent, and resets as possibly sent", () => {
    const refused = fromSdkError(new Error("request to http://x/ failed, reason: connect ECONNREFUSED 127.0.0.1:1"), ctx);
    expect(refused.code).toBe("ClientError.NetworkError");
    expect(refused.notSent).toBe(true);
    expect(refused.message).toBe("Could not reach the API: connect ECONNREFUSED 127.0.0.1:1");
    expect(isOutcomeUnknown(refused)).toBe(false);
    const reset = fromSdkError(new Error("request to http://x/ failed, reason: socket hang up"), ctx);
    expect(reset.notSent).toBe(false);
    expect(isOutcomeUnknown(reset)).toBe(true);
  });

  it("turns a JSON parse failure into ClientError.BadResponse", () => {
    expect(fromSdkError(Object.assign(new Error("invalid json"), { type: "invalid-json" }), ctx).code).toBe(
      "ClientError.BadResponse",
    );
    expect(fromSdkError(new SyntaxError("Unexpected token <"), ctx).code).toBe("ClientError.BadResponse");
  });

  it("passes a CloudError through unchanged", () => {
    const original = new CloudError("ClientError.CredentialsMissing", "none");
    expect(fromSdkError(original, ctx)).toBe(original);
  });
});
