// Values that come from the cloud or a caller (an instance's name, a backup's remark, a requester's name) quoted
// for where they go: a chat message (WeCom markdown, Slack mrkdwn), a terminal, a log line. Quoted, such a value
// is shown as the text it is, and cannot make a link, heading, mention or formatting beside the server's own.

import { showHidden } from "../base/visible.js";

/** Bidi controls (U+202A-202E, U+2066-2069) and zero-width characters (U+200B-200F, U+2060, U+FEFF). */
export const BIDI_OR_ZERO_WIDTH = /[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

/** What a remark given to backup_instance must not hold (the refusal's message names the field). */
export const NO_BIDI_OR_ZERO_WIDTH =
  "must not hold bidi controls (U+202A-202E, U+2066-2069) or zero-width characters (U+200B-200F, U+2060, U+FEFF)";

/**
 * Markup of WeCom markdown and Slack mrkdwn, each replaced by its full-width form: links (`[text](url)`, `<url|text>`),
 * mentions (`<!here>`, `<@id>`, `@all`), headings, quotes, bold, italic, strike and code. Neither chat has an
 * escape for them (Slack only for &, < and >), so the value keeps its look and loses its effect.
 */
const MARKUP: Readonly<Record<string, string>> = {
  "[": "［",
  "]": "］",
  "<": "＜",
  ">": "＞",
  "*": "＊",
  _: "＿",
  "`": "｀",
  "#": "＃",
  "~": "～",
  "@": "＠",
  "|": "｜",
  "\\": "＼",
  "&": "＆",
};

/**
 * A value for a chat message: on one line, hidden characters shown by their code, markup inert, and nothing a chat
 * turns into a link by itself (`scheme://` and `name.domain`: the dot becomes U+2024, which looks the same).
 */
export function quoteForChat(text: string): string {
  return showHidden(text.replace(/[\r\n\t]+/g, " "))
    .replace(/[[\]<>*_`#~@|\\&]/g, (c) => MARKUP[c] ?? c)
    .replace(/:\/\//g, "：//")
    .replace(/\./g, "\u2024");
}

/** The notice's values that come from the cloud or a caller, quoted for a chat (IDs, times and the link are ours). */
export function quoteNotice<
  T extends {
    instanceId: string;
    instanceName: string;
    region: string;
    requester: string;
    backupId?: string;
    backupTime?: string;
    pointInTime?: string;
  },
>(n: T): T {
  const q = { ...n };
  for (const key of [
    "instanceId",
    "instanceName",
    "region",
    "requester",
    "backupId",
    "backupTime",
    "pointInTime",
  ] as const) {
    const value = q[key];
    if (typeof value === "string") (q as Record<string, unknown>)[key] = quoteForChat(value);
  }
  return q;
}
