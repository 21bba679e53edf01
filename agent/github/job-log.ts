const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what this removes.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const ERROR_LINE =
  /##\[error\]|\berror\b|\bfailed\b|\bfailure\b|\bFAIL\b|\bpanic(?:ked)?\b|\bexception\b|AssertionError|✗|✖|×/i;

export const JOB_LOG_LINES = 200;
export const JOB_LOG_BYTES = 16 * 1024;

/**
 * A failing job's log, cut for a fixer's prompt — pure. GitHub Actions logs
 * run to megabytes; the fixer needs the lines that say what broke. Error
 * lines come first (in log order), then the end of the log, with GitHub's
 * timestamps and colour codes dropped; at most `maxLines` lines and
 * `maxBytes` bytes (UTF-8) in all.
 */
export function jobLogTail(log: string, options: { maxLines?: number; maxBytes?: number } = {}): string {
  const maxLines = options.maxLines ?? JOB_LOG_LINES;
  const maxBytes = options.maxBytes ?? JOB_LOG_BYTES;
  const lines = log
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(TIMESTAMP, '').replace(ANSI, '').trimEnd())
    .filter((line) => line.length > 0);
  const room = Math.max(0, maxLines - 2); // two heading lines
  const errorIndexes = lines.flatMap((line, i) => (ERROR_LINE.test(line) ? [i] : []));
  // Errors get at most half the room; the tail (where the failing step ends) gets the rest.
  const errors = errorIndexes.slice(-Math.floor(room / 2));
  const chosen = new Set(errors);
  const tail: number[] = [];
  for (let i = lines.length - 1; i >= 0 && chosen.size + tail.length < room; i--) {
    if (!chosen.has(i)) tail.unshift(i);
  }
  const sections: string[][] = [];
  if (errors.length > 0) sections.push(['Error lines:', ...errors.map((i) => lines[i]!)]);
  if (tail.length > 0)
    sections.push([tail[0]! > 0 ? `Last ${tail.length} lines:` : 'Log:', ...tail.map((i) => lines[i]!)]);
  const out: string[] = [];
  let bytes = 0;
  for (const line of sections.flat()) {
    const cut = line.length > 1000 ? `${line.slice(0, 1000)}…` : line;
    const size = Buffer.byteLength(cut, 'utf8') + 1;
    if (bytes + size > maxBytes) break;
    out.push(cut);
    bytes += size;
  }
  return out.join('\n');
}
