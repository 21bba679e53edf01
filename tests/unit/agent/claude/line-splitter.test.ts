import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../../agent/claude/line-splitter.js';

describe('LineSplitter', () => {
  it.each([
    ['one chunk, two lines', ['a\nb\n'], ['a', 'b'], undefined],
    ['a line split across chunks', ['{"ty', 'pe":', '"x"}\n'], ['{"type":"x"}'], undefined],
    ['a trailing fragment waits for its newline', ['a\nb'], ['a'], 'b'],
    ['CRLF', ['a\r\nb\r\n'], ['a', 'b'], undefined],
    ['blank lines are skipped', ['\n\na\n\n'], ['a'], undefined],
  ])('%s', (_name, chunks, lines, rest) => {
    const splitter = new LineSplitter();
    expect(chunks.flatMap((chunk) => splitter.push(chunk))).toEqual(lines);
    expect(splitter.flush()).toBe(rest);
  });

  it('a 5 MB line in 64 KB chunks comes out whole', () => {
    const splitter = new LineSplitter();
    const line = 'y'.repeat(5 * 1024 * 1024);
    const text = `${line}\nnext\n`;
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 65536) out.push(...splitter.push(text.slice(i, i + 65536)));
    expect(out.map((l) => l.length)).toEqual([line.length, 4]);
  });
});
