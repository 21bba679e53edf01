import { appendFileSync } from 'node:fs';

/**
 * Appends `count` lines to a session transcript after `lastSeq`, as a long
 * session leaves them: a tool call and its result in turn, as the CLI
 * prints them, ~950 bytes each (100,000 make about 95 MB). Returns the last seq.
 */
export function appendBusyLines(path: string, lastSeq: number, count: number): number {
  const ts = new Date().toISOString();
  let seq = lastSeq;
  let batch = '';
  for (let n = 0; n < count; n++) {
    const id = `toolu_${n >> 1}`;
    const line =
      n % 2 === 0
        ? {
            type: 'assistant',
            message: {
              id: `msg_${n}`,
              role: 'assistant',
              content: [
                { type: 'text', text: `Step ${n}: reading the next file. ${'x'.repeat(600)}` },
                { type: 'tool_use', id, name: 'Read', input: { file_path: `/repo/src/file-${n}.ts` } },
              ],
            },
            session_id: 's',
          }
        : {
            type: 'user',
            message: {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: id, content: 'y'.repeat(780) }],
            },
            session_id: 's',
          };
    batch += `${JSON.stringify({ seq: ++seq, ts, data: { kind: 'claude', line } })}\n`;
    if (batch.length > 4_000_000) {
      appendFileSync(path, batch);
      batch = '';
    }
  }
  appendFileSync(path, batch);
  return seq;
}
