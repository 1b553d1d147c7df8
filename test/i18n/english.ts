/**
 * The English sentences left in a text: runs of three or more English words in a row. IDs, times, codes,
 * file names and other tokens (crs-..., 2026-11-27T08:00:00+08:00, list_instances, dist/index.js) are not words.
 */
export function englishSentences(text: string): string[] {
  const words = text.split(/[\s,;()（），。；：！？、“”"'<>]+/).map((w) => w.replace(/[.:!?]+$/, ""));
  const runs: string[] = [];
  let run: string[] = [];
  for (const word of [...words, ""]) {
    if (/^[A-Za-z][a-z]*$/.test(word) && word.length > 1) {
      run.push(word);
      continue;
    }
    if (run.length >= 3) runs.push(run.join(" "));
    run = [];
  }
  return runs;
}
