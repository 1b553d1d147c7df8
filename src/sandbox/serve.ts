// `tencentcloud-redis-mcp sandbox-cloud`: the sandbox's fake cloud served on its own, so that several server
// processes (replicas, containers of one Pod) can share one fake through TENCENTCLOUD_REDIS_ENDPOINT.
// State only (no redis-server processes): the fake's model answers every action, a restore changes no data.

import { SANDBOX_CLOUD_USAGE } from "../config/help.js";
import { FakeCloud } from "./fake.js";
import { SANDBOX_CREDENTIALS, SANDBOX_REGION } from "./seed.js";

export interface SandboxCloudArgs {
  host: string;
  port: number;
  preparingMs?: number;
  runningMs?: number;
}

const USAGE = `usage: ${SANDBOX_CLOUD_USAGE}`;

/** Reads `sandbox-cloud`'s flags; throws with the usage line on anything else. */
export function sandboxCloudArgs(argv: readonly string[]): SandboxCloudArgs {
  const out: SandboxCloudArgs = { host: "127.0.0.1", port: 9100 };
  const number = (flag: string, value: string | undefined, max: number) => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || n > max) throw new Error(`${flag} needs a whole number 0–${max}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--host") out.host = value() ?? "";
    else if (flag === "--port") out.port = number(flag, value(), 65535);
    else if (flag === "--preparing-ms") out.preparingMs = number(flag, value(), 3_600_000);
    else if (flag === "--running-ms") out.runningMs = number(flag, value(), 3_600_000);
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (!out.host) throw new Error(`--host needs an address\n${USAGE}`);
  return out;
}

/**
 * Serves the fake until SIGTERM or SIGINT. Writes one JSON line to stderr when listening and one per request it
 * received (its action and region, in the order received), so that a test or a person can see what it was sent.
 * Never a header or a body: a request's signature and parameters stay out of the log.
 */
export async function serveSandboxCloud(args: SandboxCloudArgs, write: (line: string) => void): Promise<() => Promise<void>> {
  const fake = await FakeCloud.start({
    host: args.host,
    port: args.port,
    preparingMs: args.preparingMs,
    runningMs: args.runningMs,
  });
  write(
    JSON.stringify({
      msg: "sandbox cloud listening",
      url: fake.url,
      region: SANDBOX_REGION,
      secretId: SANDBOX_CREDENTIALS.secretId,
    }),
  );
  let seen = 0;
  const flush = () => {
    for (; seen < fake.requests.length; seen++) {
      const r = fake.requests[seen];
      if (r) write(JSON.stringify({ msg: "sandbox cloud request", action: r.action, region: r.region }));
    }
  };
  const timer = setInterval(flush, 50);
  return async () => {
    clearInterval(timer);
    flush();
    await fake.close();
  };
}
