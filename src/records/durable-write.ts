import { fsyncSync, ftruncateSync, writeSync } from "node:fs";

/**
 * Appends `text` to the file open at `fd` (its current size `size`) whole, and flushes it to disk: write(2) may
 * take only part of it (a disk that is almost full), so it is called again for the rest until every byte is
 * written. When a write or the flush fails, the file is cut back to `size` (its last whole line) and the error is
 * thrown: the caller refuses what the record was for. A write that takes nothing at all counts as a failure.
 */
export function appendWhole(fd: number, text: string, size: number): void {
  const bytes = Buffer.from(text, "utf8");
  try {
    let written = 0;
    while (written < bytes.length) {
      const n = writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw Object.assign(new Error("write took no bytes (no space left)"), { code: "ENOSPC" });
      written += n;
    }
    fsyncSync(fd);
  } catch (caught) {
    try {
      ftruncateSync(fd, size);
      fsyncSync(fd);
    } catch {
      // the torn tail is skipped when read, and the next record starts on a line of its own
    }
    throw caught;
  }
}
