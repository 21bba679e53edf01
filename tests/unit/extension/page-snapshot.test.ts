import { describe, expect, it } from 'vitest';
import { lastLines } from '../../../extension/lib/page-snapshot.js';

describe("a terminal's output kept for an opening while the agent is away", () => {
  it.each([
    ['short output is kept whole', 'a\r\nb\r\n', 100, 'a\r\nb\r\n'],
    ['long output keeps its last lines, from a line start', '111\n222\n333\n', 6, '333\n'],
    ['a cut never starts inside an escape sequence', '\x1b[31mred\x1b[0m\nok\n', 8, 'ok\n'],
    ['a last line longer than the limit is not kept', 'x'.repeat(20), 5, ''],
  ])('%s', (_, text, max, kept) => {
    expect(lastLines(text, max)).toBe(kept);
  });
});
