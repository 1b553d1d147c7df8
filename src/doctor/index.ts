import type { Config } from "../config/index.js";
import { messages } from "../i18n/index.js";
import type { Logger } from "../base/log.js";
import { renderText } from "./render.js";
import { runDoctor } from "./report.js";

export { runDoctor, type DoctorReport } from "./report.js";
export { renderText } from "./render.js";

/** `tencentcloud-redis-mcp doctor [--json] [flags]`: splits the doctor's own flag from the server's flags. */
export function doctorArgs(argv: readonly string[]): { doctor: boolean; json: boolean; rest: string[] } {
  if (argv[0] !== "doctor") return { doctor: false, json: false, rest: [...argv] };
  const rest = argv.slice(1);
  const json = rest.includes("--json");
  return { doctor: true, json, rest: rest.filter((a) => a !== "--json") };
}

/** Runs the doctor, writes its report to stdout (a table, or one JSON object), and returns the exit code. */
export async function doctorMain(
  config: Config,
  log: Logger,
  json: boolean,
  write: (s: string) => void,
): Promise<number> {
  const report = await runDoctor(config, log);
  write(
    json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, Date.now(), messages(config.language).doctor),
  );
  return report.ok ? 0 : 1;
}
