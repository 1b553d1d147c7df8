// The approval page (docs/approval.md): one HTML shell (texts only, no plan data), one script and one style sheet, all
// served by this server ('self'): no third-party script, style or font, and a strict Content-Security-Policy.
// The script keeps the approver's token in sessionStorage (this tab only) and sends it as a bearer header.

import { type Language, messages } from "../i18n/index.js";

export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SCRIPT_PATH = "/approvals/assets/approval.js";
const STYLE_PATH = "/approvals/assets/approval.css";

/** The HTML shell in a language: the texts as a JSON data block (not executed), the script and the style. */
export function approvalPageHtml(language: Language): string {
  const t = messages(language).approval.page;
  const texts = JSON.stringify(t).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(t.title)}</title>
<link rel="stylesheet" href="${STYLE_PATH}">
<script type="application/json" id="texts">${texts}</script>
<script src="${SCRIPT_PATH}" defer></script>
</head>
<body>
<header><h1 id="heading">${escapeHtml(t.title)}</h1><button type="button" id="signout" hidden>${escapeHtml(t.signOut)}</button></header>
<main id="main"><p>${escapeHtml(t.loading)}</p></main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SCRIPT = String.raw`"use strict";
(function () {
  var T = JSON.parse(document.getElementById("texts").textContent);
  var KEY = "tcrmcp.approver.token";
  var main = document.getElementById("main");
  var signout = document.getElementById("signout");
  var m = /^\/approvals\/([^/]+)$/.exec(location.pathname);
  var id = null;
  try { id = m && m[1] !== "assets" ? decodeURIComponent(m[1]) : null; } catch (e) { id = m[1]; }

  // a value from the cloud (a name, a remark) could hold bidi controls, zero-width or control characters that make it
  // read as something else: each is shown as its code, as the server's logs do (line breaks and tabs stay)
  function shown(v) {
    return String(v).replace(/[\p{Cf}\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/gu, function (c) {
      return "\\u" + ("000" + c.codePointAt(0).toString(16)).slice(-4);
    });
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = shown(attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function clear() { while (main.firstChild) main.removeChild(main.firstChild); }
  function token() { return sessionStorage.getItem(KEY); }
  function errorText(status) {
    return T["error" + status] || T.errorOther;
  }
  function api(method, path, body) {
    var headers = { Accept: "application/json", Authorization: "Bearer " + token() };
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, cache: "no-store", credentials: "omit" })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) { return { status: res.status, data: data }; });
      });
  }
  function message(text, kind) {
    return el("p", { class: "message " + (kind || ""), role: kind === "error" ? "alert" : "status", text: text });
  }

  function signIn(note) {
    clear();
    signout.hidden = true;
    var input = el("input", { type: "password", id: "token", autocomplete: "off", spellcheck: "false" });
    var button = el("button", { type: "submit", id: "signin", text: T.signIn });
    var form = el("form", { id: "signin-form" }, [
      el("h2", { text: T.signInTitle }),
      el("p", { text: T.signInHelp }),
      el("label", { for: "token", text: T.tokenLabel }),
      input,
      button,
      note ? message(note, "error") : null,
    ]);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!input.value.trim()) return;
      sessionStorage.setItem(KEY, input.value.trim());
      input.value = "";
      load();
    });
    main.appendChild(form);
    input.focus();
  }

  function row(label, value, cls) {
    if (value === undefined || value === null || value === "") return null;
    return el("div", { class: "row " + (cls || "") }, [el("dt", { text: label }), el("dd", { text: String(value) })]);
  }

  function showList(list) {
    clear();
    document.getElementById("heading").textContent = T.listTitle;
    if (!list.length) { main.appendChild(message(T.nonePending)); return; }
    var items = list.map(function (a) {
      var link = el("a", { href: "/approvals/" + encodeURIComponent(a.approvalId), text: T.open });
      var what = (a.instanceName ? a.instanceName + " (" + a.instanceId + ")" : a.instanceId) + " · " + (a.backupId || a.pointInTime || "") + " · " + (T.methods[a.method] || a.method);
      return el("li", { class: "item" }, [
        el("strong", { text: what }),
        el("span", { class: "meta", text: T.requester + ": " + a.requester + " · " + T.expires + ": " + a.expiresAt }),
        link,
      ]);
    });
    main.appendChild(el("ul", { class: "list" }, items));
  }

  function showApproval(a, note) {
    clear();
    var plan = a.plan || {};
    var inst = plan.instance || {};
    var backup = plan.backup || {};
    var undo = plan.undoBackup;
    var status = el("span", { class: "status status-" + a.status, id: "status", text: T.statuses[a.status] || a.status });
    var dl = el("dl", {}, [
      el("div", { class: "row" }, [el("dt", { text: T.status }), el("dd", {}, [status])]),
      row(T.requester, a.requester),
      row(T.tool, a.tool),
      row(T.instance, (inst.name || a.instanceName ? (inst.name || a.instanceName) + " (" + a.instanceId + ", " + a.region + ")" : a.instanceId + " (" + a.region + ")")),
      row(T.backup, a.backupId ? a.backupId + (backup.type ? " · " + backup.type : "") : undefined),
      row(T.pointInTime, a.pointInTime),
      row(T.taken, backup.startTime),
      row(T.age, backup.age),
      row(T.method, T.methods[a.method] || a.method),
      row(T.price, plan.price),
      row(T.undo, undo ? undo.backupId + " · " + undo.startTime : T.noUndo),
      row(T.expires, a.expiresAt),
      row(T.decidedBy, a.decidedBy),
      row(T.reason, a.reason),
    ]);
    var parts = [dl];
    if (plan.warning) parts.push(el("div", { class: "warning", id: "warning" }, [el("h2", { text: T.lost }), el("p", { text: plan.warning })]));
    if (note) parts.push(message(note.text, note.kind));
    if (a.mayDecide) {
      var reason = el("textarea", { id: "reason", maxlength: "500", rows: "2", placeholder: T.reasonPlaceholder });
      var approve = el("button", { type: "button", id: "approve", class: "approve", text: T.approve });
      var deny = el("button", { type: "button", id: "deny", class: "deny", text: T.deny });
      var decide = function (decision) {
        approve.disabled = deny.disabled = true;
        api("POST", "/approvals/" + encodeURIComponent(a.approvalId), { decision: decision, reason: reason.value.trim() || undefined })
          .then(function (r) {
            if (r.status === 200) return showApproval(r.data, { text: T.decided, kind: "ok" });
            if (r.status === 401) return signIn(errorText(401));
            showApproval(r.data.approval || a, { text: errorText(r.status), kind: "error" });
          })
          .catch(function () { approve.disabled = deny.disabled = false; main.appendChild(message(T.errorOther, "error")); });
      };
      approve.addEventListener("click", function () { decide("approve"); });
      deny.addEventListener("click", function () { decide("deny"); });
      parts.push(el("div", { class: "decide" }, [el("label", { for: "reason", text: T.reason }), reason, el("div", { class: "buttons" }, [approve, deny])]));
    }
    parts.forEach(function (p) { main.appendChild(p); });
  }

  function load() {
    if (!token()) return signIn();
    signout.hidden = false;
    clear();
    main.appendChild(message(T.loading));
    api("GET", id ? "/approvals/" + encodeURIComponent(id) : "/approvals")
      .then(function (r) {
        if (r.status === 401) { sessionStorage.removeItem(KEY); return signIn(errorText(401)); }
        if (r.status !== 200) { clear(); return main.appendChild(message(errorText(r.status), "error")); }
        if (id) showApproval(r.data); else showList(r.data.approvals || []);
      })
      .catch(function () { clear(); main.appendChild(message(T.errorOther, "error")); });
  }

  signout.addEventListener("click", function () { sessionStorage.removeItem(KEY); signIn(); });
  load();
})();
`;

const STYLE = `:root { color-scheme: light; --fg: #1d2129; --muted: #5c6370; --line: #dfe3e8; --accent: #0052d9; --bad: #d54941; --ok: #2ba471; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: #f3f5f8; }
header { display: flex; align-items: center; justify-content: space-between; padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 16px; margin: 0 0 8px; }
main { max-width: 760px; margin: 24px auto; padding: 20px 24px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
dl { margin: 0; }
.row { display: grid; grid-template-columns: 170px 1fr; gap: 12px; padding: 7px 0; border-bottom: 1px solid var(--line); }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-word; }
.warning { margin: 16px 0; padding: 12px 14px; border-left: 4px solid var(--bad); background: #fff4f3; }
.warning p { margin: 0; }
.status { font-weight: 600; }
.status-pending { color: #c17c00; } .status-approved, .status-used { color: var(--ok); } .status-denied, .status-expired { color: var(--bad); }
label { display: block; margin: 12px 0 4px; color: var(--muted); }
input, textarea { width: 100%; padding: 8px 10px; font: inherit; border: 1px solid var(--line); border-radius: 6px; }
.buttons { display: flex; gap: 12px; margin-top: 12px; }
button { padding: 8px 18px; font: inherit; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
button[type=submit], .approve { background: var(--accent); border-color: var(--accent); color: #fff; }
.deny { color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .5; cursor: default; }
.message { margin: 12px 0 0; } .message.error { color: var(--bad); } .message.ok { color: var(--ok); font-weight: 600; }
.list { list-style: none; padding: 0; margin: 0; }
.item { display: grid; gap: 2px; padding: 10px 0; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); font-size: 13px; }
`;

/** The page's static files, by path. */
export const APPROVAL_ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  [SCRIPT_PATH]: { type: "text/javascript; charset=utf-8", body: SCRIPT },
  [STYLE_PATH]: { type: "text/css; charset=utf-8", body: STYLE },
};
