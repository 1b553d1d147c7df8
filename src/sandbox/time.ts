// Time helpers for the fake. Tencent Cloud answers every time field in Beijing time (UTC+8, no DST) as
// "YYYY-MM-DD hh:mm:ss", and takes BeginTime/EndTime filters in the same format.

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const BEIJING_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** What the API answers for a time that has not come (DeadlineTime, an unfinished task's EndTime). */
export const NEVER = "0000-00-00 00:00:00";

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const pad = (n: number): string => String(n).padStart(2, "0");

/** Epoch milliseconds -> "YYYY-MM-DD hh:mm:ss" in Beijing time. */
export function formatBeijing(epochMs: number): string {
  const d = new Date(epochMs + BEIJING_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** "YYYY-MM-DD hh:mm:ss" in Beijing time -> epoch milliseconds, or undefined when malformed. */
export function parseBeijing(text: string): number | undefined {
  const m = BEIJING_PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Reject dates that Date.UTC silently normalised (e.g. 2024-02-31).
  if (formatBeijing(utc - BEIJING_OFFSET_MS) !== text) return undefined;
  return utc - BEIJING_OFFSET_MS;
}

/** UTC calendar date ("YYYY-MM-DD") of a Unix timestamp in seconds, as used in the TC3 credential scope. */
export function utcDate(timestampSeconds: number): string {
  const d = new Date(timestampSeconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
