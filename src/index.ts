#!/usr/bin/env node
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type Config, ConfigError, HELP, LOG_LEVELS, loadConfig } from "./config.js";
import { doctorArgs } from "./doctor/index.js";
import { Logger } from "./log.js";
import { createServer } from "./server.js";
import { VERSION } from "./version.js";

/** Entry point: read the configuration, build the server, connect stdio, and shut down cleanly. */
async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  const command = doctorArgs(process.argv.slice(2));
  try {
    loaded = loadConfig(command.rest, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tencentcloud-redis-mcp: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (loaded.help) {
    process.stderr.write(`${HELP}\n`);
    return;
  }
  if (loaded.version) {
    process.stderr.write(`${VERSION}\n`);
    return;
  }
  let config: Config = loaded;
  // the doctor reports in its own words: only warnings and worse on stderr
  const quiet = command.doctor && LOG_LEVELS.indexOf(config.logLevel) < LOG_LEVELS.indexOf("warning");
  const log = new Logger(quiet ? "warning" : config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];

  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox();
    cleanups.push(() => sandbox.close());
    config = sandbox.configure(config);
    log.notice("sandbox mode: using the built-in Tencent Cloud fake, no real cloud is touched", {
      endpoint: sandbox.fake.url,
      region: config.region,
    });
    if (sandbox.redis) log.notice(sandbox.note);
    else log.warning(sandbox.note);
    for (const [instanceId, port] of sandbox.redis?.ports() ?? []) {
      log.notice("sandbox redis-server", { instanceId, host: "127.0.0.1", port });
    }
  } else if (command.doctor) {
    // the doctor says itself where the credentials come from
  } else if (!config.credentials) {
    log.warning(
      "TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY are not set: calls will use ~/.tencentcloud/credentials " +
        "or the instance role if there is one, and fail with ClientError.CredentialsMissing otherwise " +
        "(to try without an account, run with --sandbox)",
    );
  }

  if (command.doctor) {
    const { doctorMain } = await import("./doctor/index.js");
    const code = await doctorMain(config, log, command.json, (text) => process.stdout.write(text));
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    process.exitCode = code;
    return;
  }

  const created = createServer({ config, log });
  cleanups.unshift(() => created.close());
  let closing = false;
  const shutdown = async (reason: string, code = 0) => {
    if (closing) return;
    closing = true;
    log.debug("shutting down", { reason });
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.stdin.on("end", () => void shutdown("stdin closed"));
  process.stdin.on("close", () => void shutdown("stdin closed"));

  const transport = new StdioServerTransport();
  transport.onclose = () => void shutdown("transport closed");
  await created.server.connect(transport);
  log.info("tencentcloud-redis-mcp ready", {
    version: VERSION,
    tools: config.tools.filter((t) => !config.readOnly || t !== "restore_instance").join(","),
    region: config.region,
    confirm: config.confirmMode,
    readOnly: config.readOnly,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`tencentcloud-redis-mcp: fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
