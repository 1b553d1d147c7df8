#!/usr/bin/env node
import { approvalsArgs } from "./approval/cli-args.js";
import { checkApprovalConfig, type Config, ConfigError, checkHttpServing, HELP, LOG_LEVELS, loadConfig } from "./config/index.js";
import { doctorArgs } from "./doctor/index.js";
import { type DrillArgs, drillArgs } from "./transports/drill-args.js";
import { Logger } from "./base/log.js";
import { NO_METRICS } from "./base/metrics.js";
import { createPromMetrics } from "./base/metrics-open.js";
import { openState } from "./records/store/index.js";
import { createRuntime } from "./runtime.js";
import { VERSION } from "./base/version.js";
import { startTracing } from "./telemetry/index.js";

/** Entry point: read the configuration, build the per-process runtime, serve stdio or HTTP, shut down cleanly. */
async function main(): Promise<void> {
  if (process.argv[2] === "sandbox-cloud") return sandboxCloud(process.argv.slice(3));
  let loaded: ReturnType<typeof loadConfig>;
  const approvals = approvalsArgs(process.argv.slice(2));
  let drill: DrillArgs;
  try {
    drill = drillArgs(approvals.rest);
  } catch (error) {
    process.stderr.write(`tencentcloud-redis-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const command = doctorArgs(drill.rest);
  try {
    loaded = loadConfig(command.rest, process.env);
    if (!command.doctor && !approvals.approvals) checkApprovalConfig(loaded);
    if (loaded.http.enabled && !command.doctor && !approvals.approvals && !drill.drill) checkHttpServing(loaded);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tencentcloud-redis-mcp: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // asked for, --help and --version are the command's output: stdout, exit 0
  if (loaded.help) {
    process.stdout.write(`${HELP}\n`); // allowed
    return;
  }
  if (loaded.version) {
    process.stdout.write(`${VERSION}\n`); // allowed
    return;
  }
  let config: Config = loaded;
  if (approvals.approvals) {
    // a command line for a person on a server host: its words on stdout, like the doctor's
    const { approvalsMain } = await import("./approval/cli.js");
    const log = new Logger("warning");
    process.exitCode = await approvalsMain(config, log, approvals, (text) => process.stdout.write(text)); // allowed
    return;
  }
  // the doctor reports in its own words: only warnings and worse on stderr
  const quiet = command.doctor && LOG_LEVELS.indexOf(config.logLevel) < LOG_LEVELS.indexOf("warning");
  // HTTP mode (a fleet's log pipeline): JSON lines. stdio (a person's terminal) and the doctor: plain lines.
  const log = new Logger(quiet ? "warning" : config.logLevel, undefined, {
    json: config.http.enabled && !command.doctor && !drill.drill,
  });
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
    for (const instanceId of sandbox.redis?.ports().keys() ?? []) {
      const address = sandbox.redis?.address(instanceId);
      if (address) log.notice("sandbox instance address", { instanceId, host: address.host, port: address.port });
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
    // doctor is a command-line report, not the MCP stdio mode: its table (or --json) is stdout's only content
    const code = await doctorMain(config, log, command.json, (text) => process.stdout.write(text)); // allowed
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    process.exitCode = code;
    return;
  }

  // One safety state per process (tokens, locks, API budget): Redis shared by replicas, or this process's memory.
  const metrics = config.http.enabled ? await createPromMetrics() : NO_METRICS;
  const state = await openState(config, log, metrics);
  cleanups.push(() => state.close());
  // traces: only with an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); flushed last at shutdown
  cleanups.push(await startTracing(process.env, log, VERSION));
  if (config.state)
    log.notice("safety state shared through Redis", { store: config.state.where, prefix: config.state.prefix });
  else if (config.http.enabled) {
    log.warning(
      "TENCENTCLOUD_REDIS_STATE_URL is not set: confirmation tokens, restore locks and the API budget live in this " +
        "process only, so several replicas would not share these guarantees (see docs/deploy.md, Running several replicas)",
    );
  }
  if (drill.drill) {
    // a command for cron and CI: its report on stdout, its logs on stderr
    const { drillMain } = await import("./transports/drill-cli.js");
    const write = (text: string) => process.stdout.write(text); // allowed
    process.exitCode = await drillMain(config, log, drill, write, state);
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    return;
  }
  const runtime = createRuntime(config, log, {
    maxInflightPerCaller: config.http.enabled ? config.http.maxInflightPerCaller : undefined,
    state,
    metrics,
  });
  cleanups.unshift(async () => runtime.close());
  // Settle what a server that stopped left in flight (the audit log's tail, the shared ledger); then
  // destroy the clones of drills that will not end by themselves (docs/drill.md), at start and every minute
  const settledAtStart = runtime.safety.reconciler.atStart();
  // started once the transport serves: the first answer does not wait for it
  const startSweep = async () => {
    const { startDrillSweep } = await import("./operations/drill/sweep.js");
    const { journal, state: drillState } = runtime.safety;
    const stopSweep = startDrillSweep(
      { api: runtime.api, journal, drills: drillState.drills, log, config, caller: "sweep" },
      settledAtStart,
    );
    cleanups.unshift(async () => stopSweep());
  };
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

  if (config.http.enabled) {
    const { createAuthenticator } = await import("./http/auth.js");
    const { startHttp } = await import("./transports/streamable-http.js");
    const authenticator = await createAuthenticator(config, log);
    const http = await startHttp({ config, log, runtime, authenticator, publicUrl: config.publicUrl });
    cleanups.unshift(() => http.shutdown());
    process.on("SIGHUP", () => {
      log.notice("SIGHUP: reloading the authentication configuration");
      authenticator.reload().catch((error: unknown) => {
        log.error("reload failed: the previous authentication configuration stays", {
          error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
        });
      });
    });
    await startSweep(); // after every signal handler: a signal in between would find none
    return;
  }
  const { serveStdio } = await import("./transports/stdio.js");
  const stdio = await serveStdio(config, log, runtime, (reason) => void shutdown(reason));
  cleanups.unshift(() => stdio.close());
  await startSweep();
}

/** `tencentcloud-redis-mcp sandbox-cloud`: the sandbox's fake cloud alone, for replicas to share (docs/sandbox.md). */
async function sandboxCloud(argv: string[]): Promise<void> {
  const { sandboxCloudArgs, serveSandboxCloud } = await import("./sandbox/serve.js");
  let args: ReturnType<typeof sandboxCloudArgs>;
  try {
    args = sandboxCloudArgs(argv);
  } catch (error) {
    process.stderr.write(`tencentcloud-redis-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const close = await serveSandboxCloud(args, (line) => process.stderr.write(`${line}\n`));
  const stop = () => void close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`tencentcloud-redis-mcp: fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
