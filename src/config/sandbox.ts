/**
 * The sandbox account's credentials: nothing here is a real secret (the fake accepts these and nothing else by
 * default). The configuration recognises them (a crash point is refused against anything but the sandbox); the
 * fake (src/sandbox/seed.ts) serves them. 36-character AKID-style SecretId, like a real one.
 */
export const SANDBOX_CREDENTIALS = {
  secretId: "AKIDSANDBOX0000000000000000000000000",
  secretKey: "sandbox-secret-key-not-a-real-key",
} as const;
