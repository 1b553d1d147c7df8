// The restore plan's evidence (docs/drill.md): the instance's last passed drill, in one line of the plan's language
// ("backup X restored in 4 min 12 s on <date>, data verified"), so an agent can say how long a restore takes.
import type { Config } from "../../config/index.js";
import { lastDrillLine } from "../../drill/report.js";
import { DRILL_TEXTS } from "../../i18n/drill.js";
import type { DrillRecord } from "../../records/store/drills.js";
import type { Answer } from "../../gates/gate.js";

/** A plan with the line of the instance's last passed drill (the preflight's), in its fields (`lastDrill`) and its text. */
export function withLastDrill<S extends { lastDrill?: string }>(
  out: Answer<S>,
  drill: DrillRecord | undefined,
  language: Config["language"],
): Answer<S> {
  const line = lastDrillLine(drill, DRILL_TEXTS[language]);
  if (!line) return out;
  return { structured: { ...out.structured, lastDrill: line }, text: `${out.text}\nLast restore drill: ${line}.` };
}
