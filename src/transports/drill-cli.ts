// `tencentcloud-redis-mcp drill --instance … [--backup …] [--point-in-time …] --yes --json` (docs/drill.md): a
// restore drill for cron and CI. It drives the server's own tools in process (drill_restore, then check_task
// { drillId }), so the drill goes through the same gates as any change; --yes stands for the confirmation. Exit
// code 0 only when the drill verified its clone and destroyed it; 1 otherwise; 2 for bad arguments or a plan
// without --yes. SIGTERM stops the wait and destroys the clone before exiting.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../base/log.js";
import { VERSION } from "../base/version.js";
import type { Config } from "../config/index.js";
import { drillReport, renderDrillReport } from "../drill/report.js";
import { DRILL_TEXTS } from "../i18n/drill.js";
import { abandonDrill, sweepDrills } from "../operations/drill/sweep.js";
import type { DrillDeps } from "../operations/drill/steps.js";
import type { SafetyState } from "../records/store/types.js";
import { createRuntime } from "../runtime.js";
import { createServer } from "../server.js";
import type { DrillArgs } from "./drill-args.js";

const structured = (r: CallToolResult) => (r.structuredContent ?? {}) as Record<string, unknown>;

/** Runs one drill to its end; writes its report (JSON with --json) and answers the exit code. */
export async function drillMain(
  loaded: Config,
  log: Logger,
  args: DrillArgs,
  write: (text: string) => void,
  state?: SafetyState,
): Promise<number> {
  // a command line has no form to tick: --yes is the confirmation, given as a token
  const config: Config = loaded.confirmMode === "elicit" ? { ...loaded, confirmMode: "token" } : loaded;
  const runtime = createRuntime(config, log, { state });
  const created = createServer({ config, log, runtime });
  const client = new Client({ name: "tencentcloud-redis-mcp drill", version: VERSION });
  const [mine, theirs] = InMemoryTransport.createLinkedPair();
  const stop = new AbortController();
  const deps: DrillDeps = {
    api: runtime.api,
    journal: runtime.safety.journal,
    drills: runtime.safety.state.drills,
    log,
    config,
    caller: "local",
  };
  let drillId: string | undefined;
  const onTerm = () => stop.abort();
  process.once("SIGTERM", onTerm);
  const fail = (what: string, s: Record<string, unknown>) => {
    const error = s.error as { code?: string; message?: string } | undefined;
    write(args.json ? `${JSON.stringify({ error: error ?? { message: what } }, null, 2)}\n` : `${what}: ${error?.code ?? ""} ${error?.message ?? ""}\n`);
    return 1;
  };
  try {
    await runtime.safety.reconciler.atStart();
    await sweepDrills(deps);
    await created.server.connect(theirs);
    await client.connect(mine);
    await client.listTools();
    const call = async (name: string, a: Record<string, unknown>) =>
      structured(
        (await client.callTool({ name, arguments: a }, undefined, {
          timeout: 700_000,
          signal: stop.signal,
        })) as CallToolResult,
      );
    const base: Record<string, unknown> = { instanceId: args.instance };
    if (args.backup) base.backupId = args.backup;
    if (args.pointInTime) base.pointInTime = args.pointInTime;
    let s = await call("drill_restore", base);
    if (s.status === "confirmation_required") {
      if (!args.yes) {
        write(args.json ? `${JSON.stringify(s, null, 2)}\n` : `${String(s.warning ?? "")}\nNothing was created: run again with --yes.\n`);
        return 2;
      }
      s = await call("drill_restore", { ...base, confirmToken: s.confirmToken });
    }
    const until = Date.now() + config.drillMaxLifetimeMinutes * 60_000;
    while (s.status === "approval_required" && Date.now() < until) {
      s = await call("drill_restore", { ...base, approvalId: s.approvalId, waitSeconds: 600 });
    }
    if (s.status !== "cloning" || typeof s.drillId !== "string") return fail("the drill did not start", s);
    drillId = s.drillId;
    let t = await call("check_task", { drillId, waitSeconds: 600 });
    while (t.done !== true && !t.error && Date.now() < until) t = await call("check_task", { drillId, waitSeconds: 600 });
    const rec = await deps.drills.get(drillId);
    if (!rec) return fail("the drill is not recorded", t);
    const report = drillReport(rec);
    write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderDrillReport(report, DRILL_TEXTS[config.language]).join("\n")}\n`);
    return report.passed ? 0 : 1;
  } catch (caught) {
    if (drillId && stop.signal.aborted) {
      const rec = await abandonDrill(deps, drillId, "the drill command was stopped (SIGTERM)").catch(() => undefined);
      if (rec) write(args.json ? `${JSON.stringify(drillReport(rec), null, 2)}\n` : `${renderDrillReport(drillReport(rec), DRILL_TEXTS[config.language]).join("\n")}\n`);
      return 1;
    }
    write(`drill failed: ${caught instanceof Error ? caught.message : String(caught)}\n`);
    return 1;
  } finally {
    process.off("SIGTERM", onTerm);
    await client.close().catch(() => {});
    await created.close().catch(() => {});
    runtime.close();
  }
}
