// The restore plan's evidence (docs/drill.md): the instance's last passed drill, in one line of the plan's language
// ("backup X restored in 4 min 12 s on <date>, data verified"), so an agent can say how long a restore takes.
import { lastDrillLine } from "../../drill/report.js";
import { DRILL_TEXTS } from "../../i18n/drill.js";
import { lastPassedDrill } from "../../records/store/drills.js";
import type { Answer } from "../../gates/gate.js";
import type { ToolContext } from "../context.js";

/** The line, or undefined when the instance has no passed drill (or the ledger cannot be read: a plan goes on). */
export async function lastDrillOf(ctx: ToolContext, region: string, instanceId: string): Promise<string | undefined> {
  const drill = await lastPassedDrill(ctx.services.safety.state.drills, region, instanceId).catch(() => undefined);
  return lastDrillLine(drill, DRILL_TEXTS[ctx.config.language]);
}

/** A plan with its last-drill line, in its fields (`lastDrill`) and its text. */
export function withLastDrill<S extends { lastDrill?: string }>(out: Answer<S>, line: string | undefined): Answer<S> {
  if (!line) return out;
  return { structured: { ...out.structured, lastDrill: line }, text: `${out.text}\nLast restore drill: ${line}.` };
}
