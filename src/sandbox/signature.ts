// TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0: the pure building blocks, a signer
// (for tests and tools that talk to the fake without the SDK) and the verifier the fake runs on each request.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { utcDate } from "./time.js";

export const TC3_ALGORITHM = "TC3-HMAC-SHA256";
/** The API rejects a timestamp more than 5 minutes away from its clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

export interface CanonicalRequestInput {
  method: string;
  path: string;
  /** Query string without the leading "?" ("" for POST). */
  query: string;
  /** Header values by lower-case name; only the signed ones are read. Missing ones count as "". */
  headers: Readonly<Record<string, string | undefined>>;
  /** Lower-case names in the order they appear in SignedHeaders (sorted by the signer). */
  signedHeaders: readonly string[];
  /** The exact body bytes (a string is hashed as UTF-8). */
  payload: string | Uint8Array;
}

/** Normalises a header value the way TC3 signs it: trimmed, and the action name lower-cased. */
export function canonicalHeaderValue(name: string, value: string): string {
  const trimmed = value.trim();
  return name === "x-tc-action" ? trimmed.toLowerCase() : trimmed;
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const names = input.signedHeaders.map((n) => n.toLowerCase());
  const canonicalHeaders = names.map((n) => `${n}:${canonicalHeaderValue(n, input.headers[n] ?? "")}\n`).join("");
  return [
    input.method.toUpperCase(),
    input.path,
    input.query,
    canonicalHeaders,
    names.join(";"),
    sha256Hex(input.payload),
  ].join("\n");
}

export function credentialScope(date: string, service: string): string {
  return `${date}/${service}/tc3_request`;
}

export function stringToSign(timestamp: number | string, scope: string, canonicalRequestHash: string): string {
  return `${TC3_ALGORITHM}\n${timestamp}\n${scope}\n${canonicalRequestHash}`;
}

export interface SignTc3Input {
  secretKey: string;
  /** UTC date "YYYY-MM-DD" of the timestamp. */
  date: string;
  service: string;
  stringToSign: string;
}

/** Hex signature: HMAC chain "TC3"+key -> date -> service -> "tc3_request" -> string to sign. */
export function signTc3(input: SignTc3Input): string {
  const kDate = hmac(`TC3${input.secretKey}`, input.date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, "tc3_request");
  return createHmac("sha256", kSigning).update(input.stringToSign, "utf8").digest("hex");
}

/**
 * The host as it is signed: the Host header without its port. The Node SDK (4.1.x) signs
 * `new URL(url).hostname` but sends `Host: new URL(url).host`, i.e. WITH the port when the endpoint has one
 * (e.g. "redis.tencentcloudapi.com:8080"), so a verifier must drop the port before rebuilding the request.
 */
export function hostWithoutPort(host: string): string {
  const h = host.trim();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(":");
  return colon !== -1 && h.indexOf(":") === colon ? h.slice(0, colon) : h;
}

export interface SignRequestOptions {
  /** Default "POST". */
  method?: string;
  secretId: string;
  secretKey: string;
  token?: string;
  action: string;
  version?: string;
  region?: string;
  /** Unix seconds. */
  timestamp: number;
  /** Host header value; may carry a port (it is signed without it). */
  host: string;
  body: string | Uint8Array;
  service?: string;
  /** Default ["content-type", "host"], as the Node SDK does. */
  signedHeaders?: readonly string[];
  contentType?: string;
  language?: string;
  /** Override the scope date (tests of a wrong scope). */
  scopeDate?: string;
}

/** Builds the full header set of a signed API 3.0 request (POST to "/"), the way the SDK does. */
export function signedRequestHeaders(o: SignRequestOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": o.contentType ?? "application/json",
    host: o.host,
    "x-tc-action": o.action,
    "x-tc-version": o.version ?? "2018-04-12",
    "x-tc-timestamp": String(o.timestamp),
  };
  if (o.region !== undefined) headers["x-tc-region"] = o.region;
  if (o.token !== undefined) headers["x-tc-token"] = o.token;
  if (o.language !== undefined) headers["x-tc-language"] = o.language;
  const service = o.service ?? "redis";
  const signed = o.signedHeaders ?? ["content-type", "host"];
  const date = o.scopeDate ?? utcDate(o.timestamp);
  const scope = credentialScope(date, service);
  const canonical = canonicalRequest({
    method: o.method ?? "POST",
    path: "/",
    query: "",
    headers: { ...headers, host: hostWithoutPort(o.host) },
    signedHeaders: signed,
    payload: o.body,
  });
  const signature = signTc3({
    secretKey: o.secretKey,
    date,
    service,
    stringToSign: stringToSign(o.timestamp, scope, sha256Hex(canonical)),
  });
  headers.authorization = `${TC3_ALGORITHM} Credential=${o.secretId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  return headers;
}

export type AuthFailureCode =
  | "AuthFailure.InvalidAuthorization"
  | "AuthFailure.SecretIdNotFound"
  | "AuthFailure.SignatureExpire"
  | "AuthFailure.SignatureFailure"
  | "AuthFailure.TokenFailure";

export type VerifyResult = { ok: true; secretId: string } | { ok: false; code: AuthFailureCode; message: string };

export interface VerifyRequest {
  method: string;
  /** Request target, e.g. "/" or "/?a=b". */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifyOptions {
  lookupSecret: (secretId: string) => { secretKey: string; token?: string } | undefined;
  nowSeconds: number;
  /** Expected service in the credential scope; default "redis". */
  service?: string;
  maxSkewSeconds?: number;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

const AUTHORIZATION_PATTERN =
  /^(\S+)\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/;

function fail(code: AuthFailureCode, message: string): VerifyResult {
  return { ok: false, code, message };
}

/** Verifies the TC3 signature of a raw request. Checks run in the order of the failure codes below. */
export function verifyTc3(req: VerifyRequest, options: VerifyOptions): VerifyResult {
  const service = options.service ?? "redis";
  const authorization = headerValue(req.headers, "authorization");
  if (!authorization) return fail("AuthFailure.InvalidAuthorization", "The Authorization header is missing.");
  const m = AUTHORIZATION_PATTERN.exec(authorization.trim());
  if (!m) return fail("AuthFailure.InvalidAuthorization", "The Authorization header is malformed.");
  const [, algorithm, credential, signedHeadersText, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (algorithm !== TC3_ALGORITHM) {
    return fail("AuthFailure.InvalidAuthorization", `Unsupported signature algorithm \`${algorithm}\`.`);
  }
  const parts = credential.split("/");
  const [secretId, scopeDate, scopeService, terminator] = parts;
  if (parts.length !== 4 || !secretId || !scopeDate || !scopeService || terminator !== "tc3_request") {
    return fail("AuthFailure.InvalidAuthorization", "The Credential of the Authorization header is malformed.");
  }
  const signedHeaders = signedHeadersText.toLowerCase().split(";");
  if (!signedHeaders.includes("content-type") || !signedHeaders.includes("host")) {
    return fail("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host.");
  }
  const timestampText = headerValue(req.headers, "x-tc-timestamp")?.trim() ?? "";
  if (!/^\d+$/.test(timestampText)) {
    return fail("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing or not an integer.");
  }
  const secret = options.lookupSecret(secretId);
  if (!secret) return fail("AuthFailure.SecretIdNotFound", `The SecretId \`${secretId}\` is not found.`);
  const timestamp = Number(timestampText);
  if (Math.abs(options.nowSeconds - timestamp) > (options.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS)) {
    return fail(
      "AuthFailure.SignatureExpire",
      `Signature expired: X-TC-Timestamp ${timestamp} is more than 5 minutes from the server time ${options.nowSeconds}.`,
    );
  }
  if (scopeService !== service) {
    return fail(
      "AuthFailure.SignatureFailure",
      `The credential scope service \`${scopeService}\` is not \`${service}\`.`,
    );
  }
  if (scopeDate !== utcDate(timestamp)) {
    return fail(
      "AuthFailure.SignatureFailure",
      `The credential scope date ${scopeDate} is not the UTC date of X-TC-Timestamp.`,
    );
  }
  const headers: Record<string, string | undefined> = {};
  for (const name of signedHeaders) headers[name] = headerValue(req.headers, name);
  headers.host = hostWithoutPort(headers.host ?? "");
  const queryAt = req.url.indexOf("?");
  const canonical = canonicalRequest({
    method: req.method,
    path: queryAt === -1 ? req.url : req.url.slice(0, queryAt),
    query: queryAt === -1 ? "" : req.url.slice(queryAt + 1),
    headers,
    signedHeaders,
    payload: req.body,
  });
  const expected = signTc3({
    secretKey: secret.secretKey,
    date: scopeDate,
    service,
    stringToSign: stringToSign(timestampText, credentialScope(scopeDate, service), sha256Hex(canonical)),
  });
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, "utf8"))) {
    return fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated: signature mismatch.");
  }
  if (secret.token !== undefined && headerValue(req.headers, "x-tc-token") !== secret.token) {
    return fail("AuthFailure.TokenFailure", "The X-TC-Token is missing or does not match the temporary credential.");
  }
  return { ok: true, secretId };
}
