import { PROBES } from "./probe.js";
import type { DoctorReport } from "./report.js";
import { TEXT } from "./texts.js";

const PAD = 16;

function row(label: string, value: string): string {
  return `  ${label.padEnd(PAD)}${value}`;
}

const yesNo = (b: boolean) => (b ? TEXT.yes : TEXT.no);

/** The report as a table for people (the JSON form is the report itself). */
export function renderText(r: DoctorReport, now = Date.now()): string {
  const L = TEXT.labels;
  const out: string[] = [TEXT.title, ""];

  out.push(TEXT.sections.credentials);
  const c = r.credentials;
  out.push(row(L.source, c.source ?? TEXT.noSource));
  if (c.base) out.push(row(L.base, c.base));
  if (c.secretId) out.push(row(L.secretId, c.secretId));
  if (c.temporary !== undefined) out.push(row(L.temporary, yesNo(c.temporary)));
  if (c.expiresAt) {
    out.push(row(L.expires, TEXT.expiresAt(c.expiresAt, Math.round((Date.parse(c.expiresAt) - now) / 1000))));
  }
  out.push(row(L.authenticates, c.authenticates === "unknown" ? TEXT.unknown : yesNo(c.authenticates)));
  if (c.error) {
    const why = c.found
      ? TEXT.notAuthenticated(c.error.code, c.error.message)
      : TEXT.noCredentials(c.error.code, c.error.message);
    out.push(row("", why));
  }
  out.push("");

  out.push(TEXT.sections.endpoint);
  const e = r.endpoint;
  out.push(row(L.endpoint, e.endpoint));
  if (e.connectedTo) out.push(row(L.connectedTo, e.connectedTo));
  out.push(row(L.region, e.region));
  out.push(row(L.latency, e.latencyMs === undefined ? TEXT.unknown : TEXT.latencyMs(e.latencyMs)));
  out.push(row(L.clockSkew, e.clockSkewSeconds === undefined ? TEXT.unknown : TEXT.skew(e.clockSkewSeconds)));
  if (e.error) out.push(row("", TEXT.unreached(e.error.code, e.error.message)));
  if (e.clockSkewSeconds !== undefined && Math.abs(e.clockSkewSeconds) >= 60) {
    out.push(row("", TEXT.skewWarning(e.clockSkewSeconds)));
  }
  out.push("");

  out.push(TEXT.sections.actions);
  for (const { action } of PROBES) {
    const p = r.probes[action];
    if (!p) continue;
    const code = p.code ? `(${p.code})` : "";
    out.push(
      `  ${action.padEnd(26)}${TEXT.verdict[p.verdict].padEnd(9)}${code}${p.needed ? "" : ` ${TEXT.notNeeded}`}`.trimEnd(),
    );
  }
  out.push("");

  out.push(TEXT.sections.settings);
  const s = r.settings;
  out.push(row(L.tools, s.tools.join(", ") || TEXT.none));
  out.push(row(L.confirmMode, s.confirmMode));
  out.push(row(L.readOnly, yesNo(s.readOnly)));
  out.push(row(L.allowlist, s.allowedInstances === "any" ? TEXT.anyInstance : s.allowedInstances.join(", ")));
  const a = s.auditLog;
  out.push(
    row(
      L.auditLog,
      a === null ? TEXT.notConfigured : a.writable ? TEXT.writable(a.path) : TEXT.notWritable(a.path, a.reason ?? ""),
    ),
  );
  if (a && !a.writable) out.push(row("", TEXT.auditUnwritable));
  out.push("");

  out.push(TEXT.sections.notes);
  out.push(`  ${TEXT.probeNote}`);
  out.push(`  ${TEXT.scopedNote}`);
  out.push("");
  out.push(r.ok ? TEXT.ok : TEXT.notOk);
  if (r.missingPolicy) {
    out.push("", TEXT.missingStatements, JSON.stringify(r.missingPolicy, null, 2));
  }
  return `${out.join("\n")}\n`;
}
