import { describe, expect, it } from 'vitest';
import { lastLines } from '../../../../agent/cli/logs.js';

describe('lastLines', () => {
  it.each([
    { text: 'a\nb\nc\n', count: 2, out: 'b\nc\n' },
    { text: 'a\nb\nc', count: 2, out: 'b\nc\n' },
    { text: 'a\n', count: 5, out: 'a\n' },
    { text: '', count: 5, out: '' },
    { text: 'a\nb\n', count: 0, out: '' },
  ])('the last $count lines of $text', ({ text, count, out }) => {
    expect(lastLines(text, count)).toBe(out);
  });
});
