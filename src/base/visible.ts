/** Characters never shown as themselves: controls, line breaks, bidi controls, zero-width and other format characters. */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Whether the text holds a character that a terminal, a log viewer or a chat would not show as itself. */
export const hasHidden = (text: string): boolean => /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(text);

/** Each hidden character as its code (`\u202e`), so a reader sees that it is there and it does nothing. */
export function showHidden(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}
