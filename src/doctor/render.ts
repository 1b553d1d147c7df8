import { PROBES } from "./probe.js";
import type { DoctorReport } from "./report.js";
import { enUS } from "../i18n/en-US.js";
import type { DoctorTexts } from "../i18n/messages.js";

const PAD = 16;

function row(label: string, value: string): string {
  return `  ${label.padEnd(PAD)}${value}`;
}

/** The report as a table for people, in the texts' language (the JSON form is the report itself). */
export function renderText(r: DoctorReport, now = Date.now(), t: DoctorTexts = enUS.doctor): string {
  const ta = t.approval;
  const yesNo = (b: boolean) => (b ? t.yes : t.no);
  const L = t.labels;
  const out: string[] = [t.title, ""];

  out.push(t.sections.credentials);
  const c = r.credentials;
  out.push(row(L.source, c.source ? t.source({ kind: c.kind, text: c.source, ...c.detail }) : t.noSource));
  if (c.base) out.push(row(L.base, t.source({ kind: c.baseKind, text: c.base, ...c.baseDetail })));
  if (c.secretId) out.push(row(L.secretId, c.secretId));
  if (c.temporary !== undefined) out.push(row(L.temporary, yesNo(c.temporary)));
  if (c.expiresAt) {
    out.push(row(L.expires, t.expiresAt(c.expiresAt, Math.round((Date.parse(c.expiresAt) - now) / 1000))));
  }
  out.push(row(L.authenticates, c.authenticates === "unknown" ? t.unknown : yesNo(c.authenticates)));
  if (c.error) {
    const why = c.found
      ? t.notAuthenticated(c.error.code, c.error.message)
      : t.noCredentials(c.error.code, c.error.message);
    out.push(row("", why));
  }
  out.push("");

  out.push(t.sections.endpoint);
  const e = r.endpoint;
  out.push(row(L.endpoint, e.endpoint));
  if (e.connectedTo) out.push(row(L.connectedTo, e.connectedTo));
  out.push(row(L.region, e.region));
  out.push(row(L.latency, e.latencyMs === undefined ? t.unknown : t.latencyMs(e.latencyMs)));
  out.push(row(L.clockSkew, e.clockSkewSeconds === undefined ? t.unknown : t.skew(e.clockSkewSeconds)));
  if (e.error) out.push(row("", t.unreached(e.error.code, e.error.message)));
  if (e.clockSkewSeconds !== undefined && Math.abs(e.clockSkewSeconds) >= 60) {
    out.push(row("", t.skewWarning(e.clockSkewSeconds)));
  }
  out.push("");

  out.push(t.sections.actions);
  for (const { action } of PROBES) {
    const p = r.probes[action];
    if (!p) continue;
    const code = p.code ? `(${p.code})` : "";
    out.push(
      `  ${action.padEnd(26)}${t.verdict[p.verdict].padEnd(9)}${code}${p.needed ? "" : ` ${t.notNeeded}`}`.trimEnd(),
    );
  }
  out.push("");

  out.push(t.sections.settings);
  const s = r.settings;
  out.push(row(L.tools, s.tools.join(", ") || t.none));
  out.push(row(L.confirmMode, s.confirmMode));
  out.push(row(L.readOnly, yesNo(s.readOnly)));
  out.push(row(L.allowlist, s.allowedInstances === "any" ? t.anyInstance : s.allowedInstances.join(", ")));
  const a = s.auditLog;
  out.push(
    row(
      L.auditLog,
      a === null ? t.notConfigured : a.writable ? t.writable(a.path) : t.notWritable(a.path, a.reason ?? ""),
    ),
  );
  if (a && !a.writable) out.push(row("", t.auditUnwritable));
  const st = s.sharedState;
  out.push(
    row(
      L.sharedState,
      st === null ? t.memoryState : st.reachable ? t.stateReachable(st.store) : t.stateUnreachable(st.store),
    ),
  );
  const ap = r.settings.approval;
  out.push(
    row(
      ta.label,
      ap === null
        ? ta.off
        : ta.summary({
            always: ap.always,
            tags: ap.forTags.join(", "),
            ttlMinutes: ap.ttlMinutes,
            webhook: ap.webhook ?? t.none,
            reach: ap.approvers.join(", ") || t.none,
          }),
    ),
  );
  out.push("");

  out.push(t.sections.notes);
  out.push(`  ${t.probeNote}`);
  out.push(`  ${t.scopedNote}`);
  out.push("");
  out.push(r.ok ? t.ok : t.notOk);
  if (r.missingPolicy) {
    out.push("", t.missingStatements, JSON.stringify(r.missingPolicy, null, 2));
  }
  return `${out.join("\n")}\n`;
}
